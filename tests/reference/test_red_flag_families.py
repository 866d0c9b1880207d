"""Red-flag families follow docs/red-flags.md: the defects issue 9 found, and properties.

Each property states its trigger exactly (findings, onset states, ages, age not given)
and shows that no other finding, absent finding or age silences the family or lowers it
below its floor.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference.differential import Assessment, differential_compute
from reference.snapshot import Snapshot, snapshot_build

pytestmark = pytest.mark.django_db
URGENCY = {"emergency": 0, "urgent": 1, "soon": 2, "routine": 3}
ONSETS = {"onset-sudden", "onset-hours-to-days", "onset-gradual"}
DEFICITS = ("limb-weakness-or-numbness", "speech-disturbance", "vision-or-balance-disturbance")
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def snap(django_db_setup, django_db_blocker) -> Snapshot:
    with django_db_blocker.unblock():
        return snapshot_build()


def level(snap: Snapshot, condition: str, present=(), absent=(), age=None) -> int | None:
    """The most urgent level of any flag for `condition` (None: no flag)."""
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset(present), frozenset(absent), age)
    )
    levels = [URGENCY[f.urgency] for f in result.red_flags if f.condition == condition]
    return min(levels) if levels else None


def others(snap: Snapshot, exclude: set[str]) -> st.SearchStrategy[tuple[set[str], set[str]]]:
    """Any other findings present or absent (never both), and nothing from `exclude`."""
    pool = sorted(set(snap.findings) - exclude)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[set[str], set[str]]:
        states = draw(
            st.lists(
                st.sampled_from(["present", "absent", ""]), min_size=len(pool), max_size=len(pool)
            )
        )
        present = {f for f, s in zip(pool, states, strict=True) if s == "present"}
        absent = {f for f, s in zip(pool, states, strict=True) if s == "absent"}
        return present, absent

    return build()


AGES = st.one_of(st.none(), st.floats(min_value=0, max_value=120))


# --- Stroke and TIA (F1) ----------------------------------------------------------------------


def test_face_arm_and_speech_with_onset_left_blank_raise_the_emergency_stroke_flag(snap):
    present = {"facial-weakness", "limb-weakness-or-numbness", "speech-disturbance"}
    assert level(snap, "stroke", present, age=70) == URGENCY["emergency"]


def test_arm_weakness_and_speech_over_hours_to_days_raise_at_least_an_urgent_stroke_flag(snap):
    present = {"limb-weakness-or-numbness", "speech-disturbance", "onset-hours-to-days"}
    found = level(snap, "stroke", present, age=70)
    assert found is not None and found <= URGENCY["urgent"]


def test_facial_weakness_alone_with_onset_and_forehead_not_assessed_raises_an_urgent_flag(snap):
    assert level(snap, "stroke", {"facial-weakness"}) == URGENCY["urgent"]


def test_classic_bells_palsy_raises_no_stroke_flag(snap):
    present = {"facial-weakness", "forehead-weak", "onset-hours-to-days", "unilateral"}
    assert level(snap, "stroke", present, {"limb-weakness-or-numbness"}, 35) is None


@PROPERTY
@given(data=st.data(), age=AGES)
def test_sudden_onset_with_any_focal_sign_is_always_an_emergency(snap, data, age):
    sign = data.draw(st.sampled_from(("facial-weakness", *DEFICITS)))
    present, absent = data.draw(others(snap, {"onset-sudden", sign}))
    assert level(snap, "stroke", present | {"onset-sudden", sign}, absent, age) == 0


@PROPERTY
@given(data=st.data(), age=AGES)
def test_a_limb_speech_vision_or_balance_deficit_with_onset_not_given_is_an_emergency(
    snap, data, age
):
    deficit = data.draw(st.sampled_from(DEFICITS))
    # Onset not given: no onset finding present (marked absent or left blank).
    present, absent = data.draw(others(snap, {deficit} | ONSETS))
    absent |= data.draw(st.sets(st.sampled_from(sorted(ONSETS))))
    assert level(snap, "stroke", present | {deficit}, absent, age) == 0


@PROPERTY
@given(data=st.data(), age=AGES)
def test_a_deficit_over_hours_to_days_is_never_below_urgent(snap, data, age):
    deficit = data.draw(st.sampled_from(DEFICITS))
    present, absent = data.draw(others(snap, {deficit, "onset-hours-to-days", "onset-sudden"}))
    found = level(snap, "stroke", present | {deficit, "onset-hours-to-days"}, absent, age)
    assert found is not None and found <= URGENCY["urgent"]


@PROPERTY
@given(data=st.data(), age=AGES)
def test_lower_face_weakness_with_the_forehead_spared_is_always_an_emergency(snap, data, age):
    spared = data.draw(st.sampled_from(["forehead-spared present", "forehead-weak absent"]))
    fixed = {"facial-weakness", "forehead-spared", "forehead-weak"}
    present, absent = data.draw(others(snap, fixed))
    present.add("facial-weakness")
    if spared == "forehead-spared present":
        present.add("forehead-spared")
    else:
        absent.add("forehead-weak")
    assert level(snap, "stroke", present, absent, age) == 0


@PROPERTY
@given(data=st.data(), age=AGES)
def test_facial_weakness_with_onset_or_forehead_unknown_is_never_below_urgent(snap, data, age):
    missing = data.draw(st.sampled_from(["onset", "forehead"]))
    exclude = {"facial-weakness"} | (
        ONSETS if missing == "onset" else {"forehead-weak", "forehead-spared"}
    )
    present, absent = data.draw(others(snap, exclude))
    if missing == "onset":
        absent |= data.draw(st.sets(st.sampled_from(sorted(ONSETS))))
    found = level(snap, "stroke", present | {"facial-weakness"}, absent, age)
    assert found is not None and found <= URGENCY["urgent"]


# --- Hypocalcaemic tetany (F5) ----------------------------------------------------------------


def test_carpopedal_spasm_alone_raises_a_hypocalcaemia_flag(snap):
    assert level(snap, "hypocalcemia", {"carpopedal-spasm"}) == URGENCY["urgent"]


def test_chvostek_with_carpopedal_spasm_raises_a_hypocalcaemia_flag(snap):
    assert level(snap, "hypocalcemia", {"chvostek-sign", "carpopedal-spasm"}) == URGENCY["urgent"]


def test_a_panic_picture_is_told_to_measure_calcium_before_any_iv_calcium(snap):
    present = {"perioral-tingling", "carpopedal-spasm", "overbreathing-or-panic"}
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset(present), frozenset(), 25)
    )
    flag = next(f for f in result.red_flags if f.condition == "hypocalcemia")
    assert flag.urgency == "urgent" and "check" in flag.action.lower()


def test_every_hypocalcaemia_action_ties_iv_calcium_to_a_measured_low_calcium(snap):
    for rule in snap.red_flags:
        if rule.condition == "hypocalcemia" and "IV calcium" in rule.action:
            assert "below the reference range" in rule.action, rule.slug


@PROPERTY
@given(data=st.data(), age=AGES)
def test_carpopedal_spasm_or_chvostek_is_never_below_urgent(snap, data, age):
    sign = data.draw(st.sampled_from(["carpopedal-spasm", "chvostek-sign"]))
    present, absent = data.draw(others(snap, {sign}))
    found = level(snap, "hypocalcemia", present | {sign}, absent, age)
    assert found is not None and found <= URGENCY["urgent"]


@PROPERTY
@given(data=st.data(), age=AGES)
def test_tetany_with_breathing_difficulty_or_after_neck_surgery_is_always_an_emergency(
    snap, data, age
):
    sign = data.draw(st.sampled_from(["carpopedal-spasm", "chvostek-sign"]))
    context = data.draw(st.sampled_from(["breathing-difficulty", "neck-or-thyroid-surgery"]))
    present, absent = data.draw(others(snap, {sign, context}))
    assert level(snap, "hypocalcemia", present | {sign, context}, absent, age) == 0


# --- Airway emergency, any cause (F3) ---------------------------------------------------------


def test_breathing_difficulty_alone_raises_the_airway_emergency_flag(snap):
    assert level(snap, "airway-emergency", {"breathing-difficulty"}) == 0


def test_the_airway_topic_takes_no_place_in_the_ranking(snap):
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset({"breathing-difficulty"}), frozenset())
    )
    assert "airway-emergency" not in {r.condition for r in result.differential}
    flag = next(f for f in result.red_flags if f.condition == "airway-emergency")
    assert flag.condition_name == "Airway emergency (any cause)"


@PROPERTY
@given(data=st.data(), age=AGES)
def test_breathing_difficulty_is_always_an_airway_emergency(snap, data, age):
    present, absent = data.draw(others(snap, {"breathing-difficulty"}))
    assert level(snap, "airway-emergency", present | {"breathing-difficulty"}, absent, age) == 0
