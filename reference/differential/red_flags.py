"""Red flags: rules on the findings (and age), evaluated apart from the ranking.

A rule fires when every finding in `requires_all` is present, at least one in
`requires_any` is (when it names any), every finding in `requires_absent` is marked absent,
none in `requires_not_present` is marked present, none in `requires_unassessed` has been
assessed, and the age is inside its bounds (a rule with an age bound fires without an age
only when `age_unknown_fires`). Rules of one family raise one flag, at the most urgent
level that matches: a rule can change its family's wording or urgency, never remove
another family's flag, and no ranking can hide any of them.
"""

from reference.differential.types import Assessment, RedFlag
from reference.models import URGENCY_ORDER
from reference.snapshot import RedFlagRef, Snapshot


def rule_matches(*, rule: RedFlagRef, assessment: Assessment) -> bool:
    """Whether one rule's findings, absences and age are met."""
    present, absent = assessment.present, assessment.absent
    if not rule.requires_all <= present:
        return False
    if rule.requires_any and not rule.requires_any & present:
        return False
    if not rule.requires_absent <= absent:
        return False
    if rule.requires_not_present & present:
        return False
    if rule.requires_unassessed & (present | absent):
        return False
    if rule.age_min is None and rule.age_max is None:
        return True
    age = assessment.age_years
    if age is None:
        return rule.age_unknown_fires
    return not (
        (rule.age_min is not None and age < rule.age_min)
        or (rule.age_max is not None and age > rule.age_max)
    )


def red_flags_evaluate(*, snapshot: Snapshot, assessment: Assessment) -> tuple[RedFlag, ...]:
    """One flag per rule family whose rule is met, most urgent first."""
    names = snapshot.condition_names
    by_family: dict[str, RedFlagRef] = {}
    for rule in snapshot.red_flags:  # ordered by slug, so ties are stable
        if not rule_matches(rule=rule, assessment=assessment):
            continue
        held = by_family.get(rule.family)
        if held is None or URGENCY_ORDER[rule.urgency] < URGENCY_ORDER[held.urgency]:
            by_family[rule.family] = rule
    fired = [
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
            triggered_by=tuple(
                sorted(rule.requires_all | (rule.requires_any & assessment.present))
            ),
        )
        for rule in by_family.values()
    ]
    fired.sort(key=lambda f: (URGENCY_ORDER[f.urgency], f.rule))
    return tuple(fired)
