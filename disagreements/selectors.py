"""The curators' queue: disagreements counted per (condition, rule, release)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet

from disagreements.models import Disagreement
from reference.models import Condition


@dataclass(frozen=True)
class QueueRow:
    condition: str
    condition_name: str
    rule: str
    release: str
    total: int
    open: int
    from_clinicians: int
    from_cds: int
    latest: datetime


def queue_rows(*, queryset: QuerySet[Disagreement]) -> list[QueueRow]:
    """One row per (condition, rule, release), the most open first, then the newest."""
    Source = Disagreement.Source
    groups = (
        queryset.order_by()
        .values("condition", "rule", "reference_version")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(reviewed=False)),
            from_clinicians=Count("id", filter=Q(source=Source.CLINICIAN)),
            from_cds=Count("id", filter=Q(source=Source.CDS)),
            latest=Max("created_at"),
        )
        .order_by("-open", "-latest", "condition", "rule")
    )
    rows = list(groups)
    names = dict(
        Condition.objects.filter(slug__in={r["condition"] for r in rows}).values_list(
            "slug", "name"
        )
    )
    return [
        QueueRow(
            condition=r["condition"],
            condition_name=names.get(r["condition"], r["condition"]),
            rule=r["rule"],
            release=r["reference_version"],
            total=r["total"],
            open=r["open"],
            from_clinicians=r["from_clinicians"],
            from_cds=r["from_cds"],
            latest=r["latest"],
        )
        for r in rows
    ]
