"""Red flags: rules on the findings (and age), evaluated apart from the ranking.

A rule fires when every finding in `requires_all` is present, at least one in
`requires_any` is (when it names any), every finding in `requires_absent` is marked absent,
none in `requires_not_present` is marked present, none in `requires_unassessed` has been
assessed, and the age is inside its bounds (a rule with an age bound fires without an age
only when `age_unknown_fires`). Rules of one family raise one flag, at the most urgent
level that matches: a rule can change its family's wording or urgency, never remove
another family's flag, and no ranking can hide any of them.

Two rules of one family at the same urgency: the more specific one wins (more required
findings: `|all| + |absent| + 1 if it has an any-group`), then the first by slug, so the
wording written for the narrower picture is the one shown (docs/red-flags.md, E6).

A rule with an age bound that fires because the age was not given (`age_unknown_fires`)
says so: its message is prefixed "Age not recorded: if this is <the age band>, act on
this flag and record the age." (docs/red-flags.md, E5), so the flag cannot be read as a
statement about a patient of known age.
"""

from reference.differential.types import Assessment, RedFlag
from reference.models import URGENCY_ORDER
from reference.snapshot import RedFlagRef, Snapshot


def rule_specificity(rule: RedFlagRef) -> int:
    """How narrow a rule's trigger is: required present and absent findings, any-group as one."""
    return len(rule.requires_all) + len(rule.requires_absent) + (1 if rule.requires_any else 0)


def _outranks(rule: RedFlagRef, held: RedFlagRef) -> bool:
    """Whether `rule` replaces `held` as its family's flag: more urgent, else more specific.

    Rules arrive in slug order, so on a full tie the one held (the earlier slug) stays.
    """
    urgency, held_urgency = URGENCY_ORDER[rule.urgency], URGENCY_ORDER[held.urgency]
    if urgency != held_urgency:
        return urgency < held_urgency
    return rule_specificity(rule) > rule_specificity(held)


def age_band_text(rule: RedFlagRef) -> str:
    """The ages a rule is written for, in words ("a baby under 1 year")."""
    low, high = rule.age_min, rule.age_max
    if low is None and high is not None:
        if high <= 0.1:
            return "a newborn under 28 days"
        if high <= 1:
            return "a baby under 1 year"
        return f"a person under {high:g} years"
    if high is None and low is not None:
        return f"a person aged {low:g} years or over"
    return f"a person aged {low:g} to {high:g} years"


def fired_without_age(rule: RedFlagRef, assessment: Assessment) -> bool:
    """Whether an age-bounded rule fired only because the age was not given."""
    bounded = rule.age_min is not None or rule.age_max is not None
    return bounded and assessment.age_years is None


def rule_message(rule: RedFlagRef, assessment: Assessment) -> str:
    """The rule's message, prefixed with the age note when the age was not given."""
    if not fired_without_age(rule, assessment):
        return rule.message
    return (
        f"Age not recorded: if this is {age_band_text(rule)}, act on this flag and record "
        f"the age. {rule.message}"
    )


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
    """One flag per rule family whose rule is met, most urgent first.

    Within a family: the most urgent matching rule, then the most specific, then by slug.
    """
    names = snapshot.condition_names
    by_family: dict[str, RedFlagRef] = {}
    for rule in snapshot.red_flags:  # ordered by slug, so ties are stable
        if not rule_matches(rule=rule, assessment=assessment):
            continue
        held = by_family.get(rule.family)
        if held is None or _outranks(rule, held):
            by_family[rule.family] = rule
    fired = [
        RedFlag(
            rule=rule.slug,
            condition=rule.condition,
            condition_name=names.get(rule.condition, rule.condition),
            urgency=rule.urgency,
            message=rule_message(rule, assessment),
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
