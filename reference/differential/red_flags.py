"""Red flags: rules on the findings (and age), evaluated apart from the ranking."""

from reference.differential.types import Assessment, RedFlag
from reference.models import URGENCY_ORDER
from reference.snapshot import Snapshot


def red_flags_evaluate(*, snapshot: Snapshot, assessment: Assessment) -> tuple[RedFlag, ...]:
    """Every red-flag rule whose findings (and age) are met, most urgent first."""
    names = {c.slug: c.name for c in snapshot.conditions}
    fired: list[RedFlag] = []
    for rule in snapshot.red_flags:
        if not rule.requires_all <= assessment.present:
            continue
        hit_any = rule.requires_any & assessment.present
        if rule.requires_any and not hit_any:
            continue
        if rule.age_min is not None or rule.age_max is not None:
            age = assessment.age_years
            if age is None:
                if not rule.age_unknown_fires:
                    continue
            elif (rule.age_min is not None and age < rule.age_min) or (
                rule.age_max is not None and age > rule.age_max
            ):
                continue
        fired.append(
            RedFlag(
                rule=rule.slug,
                condition=rule.condition,
                condition_name=names.get(rule.condition, rule.condition),
                urgency=rule.urgency,
                message=rule.message,
                action=rule.action,
                basis=rule.basis,
                evidence_grade=rule.grade,
                sources=rule.sources,
                triggered_by=tuple(sorted(rule.requires_all | hit_any)),
            )
        )
    fired.sort(key=lambda f: (URGENCY_ORDER[f.urgency], f.rule))
    return tuple(fired)
