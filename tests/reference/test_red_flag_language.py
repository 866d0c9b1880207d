"""The rule language: absent, not present, not assessed, age not given, and families."""

from dataclasses import replace

from reference.differential import Assessment
from reference.differential.red_flags import red_flags_evaluate, rule_matches
from reference.snapshot import RedFlagRef, Snapshot

BASE = RedFlagRef(
    slug="r",
    condition="stroke",
    family="r",
    requires_all=frozenset({"limb-weakness"}),
    requires_any=frozenset(),
    requires_absent=frozenset(),
    requires_not_present=frozenset(),
    requires_unassessed=frozenset(),
    age_min=None,
    age_max=None,
    age_unknown_fires=False,
    urgency="emergency",
    message="m",
    action="a",
    basis="b",
    grade="C",
    sources=("s",),
)


def assess(present=(), absent=(), age=None) -> Assessment:
    return Assessment(frozenset(present), frozenset(absent), age)


def test_not_present_fires_when_the_finding_is_absent_or_not_assessed_but_not_when_present():
    rule = replace(BASE, requires_not_present=frozenset({"onset-gradual"}))
    assert rule_matches(rule=rule, assessment=assess({"limb-weakness"}))
    assert rule_matches(rule=rule, assessment=assess({"limb-weakness"}, {"onset-gradual"}))
    assert not rule_matches(rule=rule, assessment=assess({"limb-weakness", "onset-gradual"}))


def test_unassessed_fires_only_while_the_finding_is_neither_present_nor_absent():
    rule = replace(BASE, requires_unassessed=frozenset({"forehead-weak"}))
    assert rule_matches(rule=rule, assessment=assess({"limb-weakness"}))
    assert not rule_matches(rule=rule, assessment=assess({"limb-weakness"}, {"forehead-weak"}))
    assert not rule_matches(rule=rule, assessment=assess({"limb-weakness", "forehead-weak"}))


def test_absent_needs_the_finding_marked_absent():
    rule = replace(BASE, requires_absent=frozenset({"fever"}))
    assert not rule_matches(rule=rule, assessment=assess({"limb-weakness"}))
    assert rule_matches(rule=rule, assessment=assess({"limb-weakness"}, {"fever"}))


def test_age_not_given_fires_only_when_the_rule_says_so():
    infant = replace(BASE, age_max=1.0)
    assert not rule_matches(rule=infant, assessment=assess({"limb-weakness"}))
    assert rule_matches(
        rule=replace(infant, age_unknown_fires=True), assessment=assess({"limb-weakness"})
    )
    assert not rule_matches(rule=infant, assessment=assess({"limb-weakness"}, age=30))


def snapshot_with(*rules: RedFlagRef) -> Snapshot:
    from types import MappingProxyType

    return Snapshot(
        version="t",
        revision=0,
        fingerprint="t",
        conditions=(),
        findings=MappingProxyType({}),
        links=MappingProxyType({}),
        red_flags=tuple(sorted(rules, key=lambda r: r.slug)),
        workup=MappingProxyType({}),
        sources=MappingProxyType({}),
    )


def test_a_family_raises_one_flag_at_its_most_urgent_matching_level():
    urgent = replace(BASE, slug="a-urgent", family="stroke", urgency="urgent")
    emergency = replace(
        BASE,
        slug="b-emergency",
        family="stroke",
        requires_not_present=frozenset({"onset-gradual"}),
    )
    snap = snapshot_with(urgent, emergency)
    flags = red_flags_evaluate(snapshot=snap, assessment=assess({"limb-weakness"}))
    assert [(f.rule, f.urgency) for f in flags] == [("b-emergency", "emergency")]
    gradual = red_flags_evaluate(
        snapshot=snap, assessment=assess({"limb-weakness", "onset-gradual"})
    )
    assert [(f.rule, f.urgency) for f in gradual] == [("a-urgent", "urgent")]


def test_one_family_never_removes_another_familys_flag():
    airway = replace(BASE, slug="airway", family="airway", requires_all=frozenset({"stridor"}))
    other = replace(
        BASE,
        slug="angioedema",
        family="angioedema",
        requires_all=frozenset({"stridor"}),
        urgency="urgent",
    )
    flags = red_flags_evaluate(
        snapshot=snapshot_with(airway, other), assessment=assess({"stridor"})
    )
    assert {f.rule for f in flags} == {"airway", "angioedema"}
