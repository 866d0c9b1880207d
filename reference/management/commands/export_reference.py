from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reference.content import content_from_database, content_write


class Command(BaseCommand):
    help = (
        "Write the working content in the database as fixtures (the canonical layout of "
        "fixtures/reference: stable and sorted), for review and for the next release."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        files = content_write(content=content_from_database(), directory=directory)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(files)} files to {directory}."))
