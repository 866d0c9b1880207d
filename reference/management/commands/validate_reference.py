from typing import Any

from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.core.management.color import Style

from reference.snapshot import snapshot_get
from reference.validation import (
    ValidationReport,
    VignetteFileError,
    validation_run,
    validation_store,
)


def report_write(*, report: ValidationReport, out: OutputWrapper, style: Style) -> None:
    """The totals, then every miss with what was expected and what came out."""
    t = report.totals
    out.write(
        f"Validation of content {report.fingerprint} with engine {report.engine_version}: "
        f"{t.passed} of {t.cases} cases passed; leader right in {t.top1_hits} of "
        f"{t.leader_cases} (in the top 3 in {t.top3_hits}); red flags raised as expected in "
        f"{t.red_flag_hits} of {t.red_flag_cases}."
    )
    for miss in report.misses:
        top = ", ".join(f"{p.condition} {p.probability:.3f}" for p in miss.top) or "nothing"
        out.write(style.ERROR(f"MISS {miss.group}/{miss.id}: " + "; ".join(miss.reasons)))
        out.write(f"  expected: {'; '.join(miss.expected)}")
        out.write(f"  came out: {top}; red flags: {', '.join(miss.red_flags) or 'none'}")


def validation_command_run(*, out: OutputWrapper, style: Style) -> ValidationReport:
    """Run the suite on the content in use, store its result and print it."""
    report = validation_run(snapshot=snapshot_get())
    validation_store(report=report)
    report_write(report=report, out=out, style=style)
    return report


class Command(BaseCommand):
    help = (
        "Run the vignette suite and safety checks (fixtures/validation) on the content in "
        "use, store the result under (content fingerprint, engine version), and print the "
        "totals and every miss. Exits non-zero if any case fails."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = validation_command_run(out=self.stdout, style=self.style)
        except VignetteFileError as exc:
            raise CommandError(
                "The case files have problems:\n- " + "\n- ".join(exc.problems)
            ) from exc
        if not report.passed:
            raise CommandError(f"{report.totals.failed} validation case(s) failed.")
        self.stdout.write(self.style.SUCCESS("Every validation case passed."))
