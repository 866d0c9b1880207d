from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reference.loading import ReferenceContentError, reference_load


class Command(BaseCommand):
    help = "Load or update the clinical reference from fixtures/reference (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=settings.REFERENCE_FIXTURES_DIR)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            result = reference_load(directory=directory)
        except ReferenceContentError as exc:
            raise CommandError(
                "The reference content has problems:\n- " + "\n- ".join(exc.problems)
            ) from exc
        for name, count in result.counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference loaded: {result.created} created, {result.updated} updated, "
                f"{result.deleted} deleted."
            )
        )
