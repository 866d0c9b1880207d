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
DEFICITS = (
    "limb-weakness-or-numbness",
    "limb-weakness-bilateral",
    "speech-disturbance",
    "vision-or-balance-disturbance",
)
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


def family_level(snap: Snapshot, family: str, present=(), absent=(), age=None) -> int | None:
    """The urgency level of `family`'s flag (None: no flag)."""
    families = {r.slug: r.family for r in snap.red_flags}
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset(present), frozenset(absent), age)
    )
    levels = [URGENCY[f.urgency] for f in result.red_flags if families[f.rule] == family]
    return min(levels) if levels else None


def family_levels(snap: Snapshot, present=(), absent=(), age=None) -> dict[str, int]:
    """Every family's flag level for one assessment."""
    families = {r.slug: r.family for r in snap.red_flags}
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset(present), frozenset(absent), age)
    )
    return {families[f.rule]: URGENCY[f.urgency] for f in result.red_flags}


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


# --- Anaphylaxis (F2) -------------------------------------------------------------------------

SKIN = ("urticaria-or-itch", "lip-or-tongue-swelling")
ORGAN_1 = (
    "breathing-difficulty",
    "wheeze-or-bronchospasm",
    "low-blood-pressure-or-collapse",
    "severe-gut-symptoms",
)
EXPOSURE = ("known-allergen-exposure", "new-food-or-drug-exposure")
ORGAN_2 = ("low-blood-pressure-or-collapse", "wheeze-or-bronchospasm", "breathing-difficulty")


def test_hives_and_breathing_difficulty_after_a_new_food_raise_the_emergency_anaphylaxis_flag(
    snap,
):
    # Lip or tongue swelling not assessed: the old angioedema rules needed it.
    present = {"urticaria-or-itch", "breathing-difficulty", "new-food-or-drug-exposure"}
    assert level(snap, "anaphylaxis", present, age=30) == 0


def test_collapse_after_a_known_allergen_with_no_skin_sign_is_an_anaphylaxis_emergency(snap):
    present = {"known-allergen-exposure", "low-blood-pressure-or-collapse"}
    absent = {"urticaria-or-itch", "lip-or-tongue-swelling"}
    assert level(snap, "anaphylaxis", present, absent, 45) == 0


def test_swelling_without_hives_on_an_ace_inhibitor_adds_the_bradykinin_caveat(snap):
    present = {"lip-or-tongue-swelling", "breathing-difficulty", "ace-inhibitor-use"}
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset(present), frozenset(), 70)
    )
    flag = next(f for f in result.red_flags if f.condition == "anaphylaxis")
    assert flag.urgency == "emergency" and "bradykinin" in flag.message


@PROPERTY
@given(data=st.data(), age=AGES)
def test_either_wao_criterion_is_always_an_anaphylaxis_emergency(snap, data, age):
    """Trigger: any{hives/itch, lip or tongue swelling} and any{breathing difficulty, wheeze,
    low blood pressure or collapse, severe gut symptoms} (criterion 1), or any{known allergen,
    new food or drug} and any{low blood pressure or collapse, wheeze, breathing difficulty}
    (criterion 2); any onset state; any age, age not given included."""
    criterion = data.draw(st.sampled_from([1, 2]))
    first, second = (SKIN, ORGAN_1) if criterion == 1 else (EXPOSURE, ORGAN_2)
    trigger = {data.draw(st.sampled_from(first)), data.draw(st.sampled_from(second))}
    present, absent = data.draw(others(snap, trigger))
    assert family_level(snap, "anaphylaxis", present | trigger, absent, age) == 0


# --- Angioedema (F4) --------------------------------------------------------------------------


@PROPERTY
@given(data=st.data(), age=AGES)
def test_lip_or_tongue_swelling_is_never_below_urgent_and_with_breathing_an_emergency(
    snap, data, age
):
    """Trigger: P(lip-or-tongue-swelling) (floor urgent); with P(breathing-difficulty) the
    floor is emergency. Any onset, any age, age not given included."""
    breathing = data.draw(st.booleans())
    trigger = {"lip-or-tongue-swelling"} | ({"breathing-difficulty"} if breathing else set())
    present, absent = data.draw(others(snap, trigger | {"breathing-difficulty"}))
    found = family_level(snap, "angioedema", present | trigger, absent, age)
    assert found is not None and found <= (0 if breathing else URGENCY["urgent"])


# --- Overbreathing (F6) -----------------------------------------------------------------------

GUARDED = {
    "stroke-tia",
    "stroke-central-face",
    "anaphylaxis",
    "airway",
    "hypocalcaemia",
    "seizure",
}


@PROPERTY
@given(data=st.data(), age=AGES)
def test_overbreathing_never_removes_or_lowers_a_stroke_anaphylaxis_airway_calcium_or_seizure_flag(
    snap, data, age
):
    """Trigger: any assessment; adding P(overbreathing-or-panic) leaves every F1, F2, F3, F5
    and F8 family flag present and at least as urgent."""
    present, absent = data.draw(others(snap, {"overbreathing-or-panic"}))
    before = family_levels(snap, present, absent, age)
    after = family_levels(snap, present | {"overbreathing-or-panic"}, absent, age)
    for family in GUARDED & set(before):
        assert family in after and after[family] <= before[family], family


@PROPERTY
@given(data=st.data(), age=AGES)
def test_overbreathing_with_an_organic_sign_is_never_below_urgent(snap, data, age):
    """Trigger: P(overbreathing-or-panic) and any{fever, impaired-awareness,
    limb-weakness-or-numbness, severe-headache}; any age."""
    sign = data.draw(
        st.sampled_from(
            ["fever", "impaired-awareness", "limb-weakness-or-numbness", "severe-headache"]
        )
    )
    trigger = {"overbreathing-or-panic", sign}
    present, absent = data.draw(others(snap, trigger))
    found = family_level(snap, "overbreathing", present | trigger, absent, age)
    assert found is not None and found <= URGENCY["urgent"]


# --- Infant seizure versus jitteriness (F7) ---------------------------------------------------

INFANT_AGES = st.one_of(st.none(), st.floats(min_value=0, max_value=0.99))


def test_restraint_insensitive_movement_in_an_infant_raises_the_seizure_flag(snap):
    assert family_level(snap, "infant-seizure", absent={"stops-with-restraint"}, age=0.4) == 1
    assert family_level(snap, "infant-seizure", absent={"stops-with-restraint"}, age=0.02) == 0


def test_with_age_not_given_the_infant_flag_says_the_age_was_not_recorded(snap):
    result = differential_compute(
        snapshot=snap,
        assessment=Assessment(frozenset(), frozenset({"stops-with-restraint"}), None),
    )
    flag = next(f for f in result.red_flags if f.condition == "neonatal-tremor")
    assert flag.message.startswith("Age not recorded: if this is a baby under 1 year,")
    aged = differential_compute(
        snapshot=snap,
        assessment=Assessment(frozenset(), frozenset({"stops-with-restraint"}), 0.5),
    )
    assert not next(
        f for f in aged.red_flags if f.condition == "neonatal-tremor"
    ).message.startswith("Age not recorded")


@PROPERTY
@given(data=st.data(), age=INFANT_AGES)
def test_a_restraint_insensitive_movement_in_an_infant_is_never_below_urgent(snap, data, age):
    """Trigger: A(stops-with-restraint), age under 1 year or not given (floor urgent; under
    28 days, 0.08 years, emergency)."""
    present, absent = data.draw(others(snap, {"stops-with-restraint"}))
    found = family_level(snap, "infant-seizure", present, absent | {"stops-with-restraint"}, age)
    floor = 0 if age is not None and age <= 0.08 else URGENCY["urgent"]
    assert found is not None and found <= floor


@PROPERTY
@given(data=st.data(), age=INFANT_AGES)
def test_stops_with_restraint_never_silences_an_infant_airway_calcium_or_seizure_flag(
    snap, data, age
):
    """Trigger: any assessment of a baby under 1 year or of age not given; ticking
    P(stops-with-restraint) (instead of leaving it blank) removes or lowers no infant-seizure,
    airway, hypocalcaemia or seizure flag."""
    present, absent = data.draw(others(snap, {"stops-with-restraint"}))
    before = family_levels(snap, present, absent, age)
    after = family_levels(snap, present | {"stops-with-restraint"}, absent, age)
    for family in {"infant-seizure", "airway", "hypocalcaemia", "seizure"} & set(before):
        assert family in after and after[family] <= before[family], family


@pytest.mark.parametrize(
    ("present", "absent", "fires"),
    [
        ((), ("stops-with-restraint",), ("infant-restraint-insensitive-movements", "urgent")),
        (("impaired-awareness",), (), ("infant-movements-impaired-awareness", "urgent")),
        (("fever",), (), ("infant-movements-with-fever", "urgent")),
        (("episode-5-min-or-more",), (), ("seizure-5-minutes", "emergency")),
        (("episode-10-min-or-more",), (), ("seizure-5-minutes", "emergency")),
    ],
)
def test_with_age_not_given_each_infant_trigger_fires_the_infant_or_an_all_ages_rule(
    snap, present, absent, fires
):
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset(present), frozenset(absent), None)
    )
    rule, urgency = fires
    found = {f.rule: f.urgency for f in result.red_flags}
    assert rule in found and URGENCY[found[rule]] <= URGENCY[urgency]


# --- Seizures (F8) ----------------------------------------------------------------------------


def test_a_convulsion_of_five_minutes_raises_a_grade_a_flag_quoting_aes_level_a(snap):
    result = differential_compute(
        snapshot=snap,
        assessment=Assessment(frozenset({"convulsion", "episode-5-min-or-more"}), frozenset(), 30),
    )
    flag = next(f for f in result.red_flags if f.rule.startswith("seizure"))
    assert (flag.rule, flag.urgency, flag.evidence_grade) == (
        "seizure-convulsive-5-minutes",
        "emergency",
        "A",
    )
    assert "AES 2016" in flag.basis and "Level A" in flag.basis


def test_only_the_convulsive_status_rule_quotes_aes_level_a_without_an_extrapolation(snap):
    for rule in snap.red_flags:
        if rule.slug == "seizure-convulsive-5-minutes":
            continue
        if "AES" in rule.basis and "Level A" in rule.basis:
            assert "extrapolation" in rule.basis, rule.slug
        if rule.family == "seizure":
            assert rule.grade != "A", rule.slug


def test_the_focal_seizure_rule_no_longer_cites_the_retired_aan_2007_guideline(snap):
    rule = next(r for r in snap.red_flags if r.slug == "focal-seizure-spread-or-awareness")
    assert "aan-first-seizure-2007" not in rule.sources and "nice-ng217" in rule.sources


@PROPERTY
@given(data=st.data(), age=AGES)
def test_a_long_episode_or_a_convulsion_is_always_a_seizure_emergency(snap, data, age):
    """Trigger: any{episode-5-min-or-more, episode-10-min-or-more} or P(convulsion) (floor
    emergency); any{impaired-awareness, jerking-spreads} (floor urgent). Every age, infants
    and age not given included."""
    sign = data.draw(
        st.sampled_from(
            [
                "episode-5-min-or-more",
                "episode-10-min-or-more",
                "convulsion",
                "impaired-awareness",
                "jerking-spreads",
            ]
        )
    )
    present, absent = data.draw(others(snap, {sign}))
    found = family_level(snap, "seizure", present | {sign}, absent, age)
    floor = URGENCY["urgent"] if sign in {"impaired-awareness", "jerking-spreads"} else 0
    assert found is not None and found <= floor


# --- Guillain-Barre pattern (F9) --------------------------------------------------------------


def test_bilateral_facial_and_limb_weakness_over_days_raise_the_emergency_gbs_flag(snap):
    present = {"facial-weakness", "bilateral", "limb-weakness-bilateral", "onset-hours-to-days"}
    assert level(snap, "guillain-barre-syndrome", present, age=40) == 0


@PROPERTY
@given(data=st.data(), age=AGES)
def test_rapidly_progressive_or_not_gradual_bilateral_limb_weakness_is_always_an_emergency(
    snap, data, age
):
    """Trigger: P(limb-weakness-bilateral) and (P(progressing-within-4-weeks) or
    not P(onset-gradual)); facial weakness present, absent or not assessed; any age."""
    path = data.draw(st.sampled_from(["progressing", "not gradual"]))
    fixed = {"limb-weakness-bilateral", "progressing-within-4-weeks", "onset-gradual"}
    present, absent = data.draw(others(snap, fixed))
    present.add("limb-weakness-bilateral")
    if path == "progressing":
        present.add("progressing-within-4-weeks")
        if data.draw(st.booleans()):
            present.add("onset-gradual")
    elif data.draw(st.booleans()):
        absent.add("onset-gradual")
    assert family_level(snap, "gbs", present, absent, age) == 0


@PROPERTY
@given(data=st.data(), age=AGES)
def test_slowly_progressive_bilateral_weakness_is_flagged_at_its_stated_floor(snap, data, age):
    """Trigger: P(limb-weakness-bilateral), P(onset-gradual), not P(progressing-within-4-weeks):
    floor soon; with P(bulbar-symptoms) urgent; with P(breathing-difficulty) emergency."""
    extra = data.draw(st.sampled_from(["", "bulbar-symptoms", "breathing-difficulty"]))
    fixed = {"limb-weakness-bilateral", "onset-gradual", "progressing-within-4-weeks"}
    present, absent = data.draw(others(snap, fixed | {extra} - {""}))
    present |= {"limb-weakness-bilateral", "onset-gradual"} | ({extra} - {""})
    floor = {"": 2, "bulbar-symptoms": 1, "breathing-difficulty": 0}[extra]
    found = family_level(snap, "gbs", present, absent, age)
    assert found is not None and found <= floor


# --- F10 to F14: every other rule raises its family at least at its own urgency ---------------


def _rule_trigger_property(snap: Snapshot, data: st.DataObject, families: set[str]) -> None:
    """Trigger: the rule's own `all` findings and one of its `any` findings present, its
    `absent` findings marked absent, an age inside its bounds (or not given when the rule fires
    without an age); every other finding in any state."""
    rules = sorted((r for r in snap.red_flags if r.family in families), key=lambda r: r.slug)
    rule = data.draw(st.sampled_from(rules))
    trigger = set(rule.requires_all)
    if rule.requires_any:
        trigger.add(data.draw(st.sampled_from(sorted(rule.requires_any))))
    fixed = (
        trigger
        | rule.requires_any
        | rule.requires_absent
        | rule.requires_not_present
        | rule.requires_unassessed
    )
    present, absent = data.draw(others(snap, fixed))
    low = rule.age_min if rule.age_min is not None else 0.0
    high = rule.age_max if rule.age_max is not None else 120.0
    ages = st.floats(min_value=low, max_value=high)
    if rule.age_unknown_fires or (rule.age_min is None and rule.age_max is None):
        ages = st.one_of(st.none(), ages)
    age = data.draw(ages)
    found = family_level(snap, rule.family, present | trigger, absent | rule.requires_absent, age)
    assert found is not None and found <= URGENCY[rule.urgency], rule.slug


@PROPERTY
@given(data=st.data())
def test_facial_palsy_rules_raise_their_family_at_their_urgency_whatever_else(snap, data):
    """F10: bells-atypical-features, synkinesis-new-deficit (facial-palsy), eye-cannot-close
    (eye-protection), ramsay-hunt-facial-palsy-ear (ramsay-hunt)."""
    _rule_trigger_property(snap, data, {"facial-palsy", "eye-protection", "ramsay-hunt"})


@PROPERTY
@given(data=st.data())
def test_drug_induced_movement_rules_raise_their_family_at_their_urgency_whatever_else(snap, data):
    """F11: acute-dystonia-airway (emergency), acute-dystonia (urgent),
    tardive-dyskinesia-suspected (soon)."""
    _rule_trigger_property(snap, data, {"drug-induced"})


@PROPERTY
@given(data=st.data())
def test_mnd_rules_raise_their_family_at_their_urgency_whatever_else(snap, data):
    """F12: mnd-respiratory (emergency), mnd-bulbar-or-weakness (urgent); benign-fasciculation
    hallmarks (flickering twitch, stress) included among the other findings."""
    _rule_trigger_property(snap, data, {"mnd"})


@PROPERTY
@given(data=st.data(), age=AGES)
def test_trismus_or_a_fixed_grin_is_always_a_tetanus_emergency(snap, data, age):
    """F13 trigger: P(trismus-or-risus); any other finding, any age."""
    present, absent = data.draw(others(snap, {"trismus-or-risus"}))
    assert family_level(snap, "tetanus", present | {"trismus-or-risus"}, absent, age) == 0


F14 = {
    "myokymia-with-brainstem-signs",
    "hfs-cpa-lesion",
    "tn-neuro-signs",
    "tn-secondary-numbness",
    "pd-rest-tremor-parkinsonism",
    "post-procedure-filler-embolism",
    "post-procedure-toxin-spread",
    "electrolyte-loss-with-tetany",
}


@PROPERTY
@given(data=st.data())
def test_each_remaining_rule_raises_its_own_family_at_its_urgency_whatever_else(snap, data):
    """F14 (one family per row) and H4: each row's trigger gives its flag at its urgency."""
    _rule_trigger_property(snap, data, F14)


@PROPERTY
@given(data=st.data())
def test_every_rule_trigger_raises_its_family_at_least_at_the_rules_urgency(snap, data):
    """Across all families: no other finding or age ever removes a family flag whose rule's
    trigger holds, or lowers it below that rule's urgency."""
    _rule_trigger_property(snap, data, {r.family for r in snap.red_flags})


def test_bilateral_weakness_with_breathing_or_swallowing_affected_says_call_now(snap):
    """F9 variant: the GBS family's wording when breathing or swallowing is already hit."""
    for sign in ("breathing-difficulty", "bulbar-symptoms"):
        result = differential_compute(
            snapshot=snap,
            assessment=Assessment(frozenset({"limb-weakness-bilateral", sign})),
        )
        gbs = [f for f in result.red_flags if f.rule.startswith("gbs-")]
        assert [f.rule for f in gbs] == ["gbs-breathing-or-swallowing-affected"], sign
        assert gbs[0].urgency == "emergency"
        assert "call emergency services" in gbs[0].action
