"""The rule language: absent, not present, not assessed, age not given, and families."""

from dataclasses import replace

import pytest

from reference.differential import Assessment
from reference.differential.red_flags import (
    red_flags_evaluate,
    rule_matches,
    rule_message,
    rule_specificity,
)
from reference.loading import action_wording_problems
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


def test_at_the_same_urgency_the_more_specific_rule_of_a_family_wins_whatever_its_slug():
    broad = replace(BASE, slug="a-broad", family="f", requires_all=frozenset({"limb-weakness"}))
    narrow = replace(
        BASE,
        slug="z-narrow",
        family="f",
        requires_all=frozenset({"limb-weakness"}),
        requires_absent=frozenset({"fever"}),
    )
    flags = red_flags_evaluate(
        snapshot=snapshot_with(broad, narrow), assessment=assess({"limb-weakness"}, {"fever"})
    )
    assert [f.rule for f in flags] == ["z-narrow"]
    assert rule_specificity(narrow) == 2 and rule_specificity(broad) == 1


def test_an_any_group_counts_once_and_equal_specificity_falls_back_to_slug_order():
    grouped = replace(
        BASE,
        slug="b-grouped",
        family="f",
        requires_all=frozenset(),
        requires_any=frozenset({"limb-weakness", "fever"}),
    )
    single = replace(BASE, slug="c-single", family="f")
    assert rule_specificity(grouped) == rule_specificity(single) == 1
    flags = red_flags_evaluate(
        snapshot=snapshot_with(single, grouped), assessment=assess({"limb-weakness", "fever"})
    )
    assert [f.rule for f in flags] == ["b-grouped"]


def test_a_more_urgent_rule_beats_a_more_specific_one():
    urgent = replace(
        BASE,
        slug="a-urgent",
        family="f",
        urgency="urgent",
        requires_all=frozenset({"limb-weakness", "fever"}),
    )
    emergency = replace(BASE, slug="b-emergency", family="f")
    flags = red_flags_evaluate(
        snapshot=snapshot_with(urgent, emergency), assessment=assess({"limb-weakness", "fever"})
    )
    assert [f.rule for f in flags] == ["b-emergency"]


def test_a_rule_fired_without_an_age_says_the_age_was_not_recorded():
    infant = replace(BASE, age_max=1.0, age_unknown_fires=True, message="Seizures possible.")
    unknown = red_flags_evaluate(
        snapshot=snapshot_with(infant), assessment=assess({"limb-weakness"})
    )
    assert unknown[0].message == (
        "Age not recorded: if this is a baby under 1 year, act on this flag and record the age. "
        "Seizures possible."
    )
    known = red_flags_evaluate(
        snapshot=snapshot_with(infant), assessment=assess({"limb-weakness"}, age=0.5)
    )
    assert known[0].message == "Seizures possible."
    newborn = replace(infant, age_max=0.08)
    assert rule_message(newborn, assess()).startswith(
        "Age not recorded: if this is a newborn under 28 days,"
    )
    unbounded = replace(BASE, message="m")
    assert rule_message(unbounded, assess()) == "m"


@pytest.mark.parametrize(
    ("urgency", "action", "problem"),
    [
        ("emergency", "Call emergency services.", "must start 'Recommended now:'"),
        ("urgent", "Consider same-day review.", 'starts with "Consider"'),
        ("soon", "Recommended today: refer.", "must start 'Recommended:'"),
        ("emergency", "Recommended now: call emergency services.", None),
        ("urgent", "Recommended today, at this visit: examine.", None),
        ("routine", "Recommended: review.", None),
    ],
)
def test_the_loader_rejects_actions_that_are_not_recommendations(urgency, action, problem):
    found = action_wording_problems({"urgency": urgency, "action": action, "basis": "b"})
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found


def test_an_emergency_action_without_its_basis_is_rejected():
    found = action_wording_problems(
        {"urgency": "emergency", "action": "Recommended now: call.", "basis": ""}
    )
    assert found == ["emergency action needs its Basis"]
