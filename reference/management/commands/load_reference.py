from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reference.lifecycle import Resolution
from reference.loading import ContentConflictError, ReferenceContentError, reference_load
from reference.management.commands.validate_reference import validation_command_run
from reference.validation import VignetteFileError


class Command(BaseCommand):
    help = (
        "Load the shipped release of the reference (fixtures/reference) into an empty "
        "database, or upgrade to it, never overwriting or deleting a curator's changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, default=settings.REFERENCE_FIXTURES_DIR)
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--keep-local",
            action="store_true",
            help="On a conflict, keep the curator's version of the row.",
        )
        group.add_argument(
            "--force",
            action="store_true",
            help="On a conflict, take the release's version (the curator's stays in history).",
        )
        parser.add_argument(
            "--initial",
            action="store_true",
            help="Load only into an empty database; leave existing content as it is.",
        )

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        resolution: Resolution | None = None
        if options["keep_local"]:
            resolution = "keep-local"
        elif options["force"]:
            resolution = "force"
        try:
            result = reference_load(
                directory=directory, resolution=resolution, initial_only=options["initial"]
            )
        except ReferenceContentError as exc:
            raise CommandError(
                "The reference content has problems:\n- " + "\n- ".join(exc.problems)
            ) from exc
        except ContentConflictError as exc:
            raise CommandError(
                f"Nothing was loaded: {len(exc.conflicts)} row(s) were changed by a curator "
                "and also by this release:\n- "
                + "\n- ".join(c.describe() for c in exc.conflicts)
                + "\nRun again with --keep-local to keep the curators' versions, or --force "
                "to take the release's (the curators' versions stay in history)."
            ) from exc
        if result.skipped:
            self.stdout.write(
                "The database already holds reference content: left as it is (--initial). "
                "Run load_reference without --initial to upgrade to the shipped release."
            )
            return
        for name, count in result.counts.items():
            self.stdout.write(f"{name}: {count}")
        for row in result.kept_local:
            self.stdout.write(f"kept the curator's change: {row}")
        for row in result.forced:
            self.stdout.write(f"took the release over a curator's change: {row}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Release {result.release}: {result.created} created, {result.updated} "
                f"updated, {result.deleted} deleted, {len(result.kept_local)} curator "
                "change(s) kept."
            )
        )
        # The figures on /validation/ are those of the content now in use. A failing case
        # is reported, not undone: the load stands, and the misses say what to look at.
        try:
            report = validation_command_run(out=self.stdout, style=self.style)
        except VignetteFileError as exc:
            self.stdout.write(
                self.style.WARNING(
                    "The validation could not run (the load stands): the case files in "
                    "fixtures/validation have problems:\n- " + "\n- ".join(exc.problems)
                )
            )
            return
        if not report.passed:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.totals.failed} validation case(s) failed (listed above). The "
                    "load was not undone: review the misses, and run "
                    "`manage.py validate_reference` again after any fix."
                )
            )
