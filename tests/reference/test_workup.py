"""Workup follows the probabilities (issue 9, section 3): who contributes, needs, examination.

The named defects first (each failed before the change), then the benign-fasciculation
rules from Turner and Talbot as data the engine evaluates, then properties.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference.differential import Assessment, differential_compute, stored_differential_read
from reference.differential.types import EXAMINATION_KIND, WORKUP_MIN_PROBABILITY
from reference.differential.workup import contributing_conditions
from reference.snapshot import Snapshot, snapshot_build

pytestmark = pytest.mark.django_db
BENIGN = (
    ["flickering-twitch", "episodic-brief", "stress-or-sleep-loss", "high-caffeine-intake"],
    ["facial-weakness", "limb-weakness-or-numbness"],
)
STROKE = ["onset-sudden", "facial-weakness", "limb-weakness-or-numbness", "speech-disturbance"]
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def snap(django_db_setup, django_db_blocker) -> Snapshot:
    with django_db_blocker.unblock():
        return snapshot_build()


def run(snap, present=(), absent=(), age=None, working_diagnosis=None):
    return differential_compute(
        snapshot=snap,
        assessment=Assessment(frozenset(present), frozenset(absent), age),
        working_diagnosis=working_diagnosis,
    )


def lines(result) -> dict[str, str]:
    return {w.code: w.priority for w in result.workup}


# The named defects.


def test_a_benign_twitch_at_95_percent_gets_no_capillary_glucose_from_hyperventilation(snap):
    result = run(snap, *BENIGN, age=25)
    assert result.differential[0].condition == "benign-fasciculation"
    assert result.differential[0].probability > 0.9
    assert "capillary-glucose" not in lines(result)
    assert all("hyperventilation" not in w.for_conditions for w in result.workup)


def test_a_benign_picture_never_gets_mri_posterior_fossa_beside_mri_brain_not_recommended(snap):
    result = run(snap, ["flickering-twitch", "high-caffeine-intake"], age=30)
    got = lines(result)
    assert got.get("mri-posterior-fossa") is None
    assert got.get("mri-brain") == "not-recommended"


def test_a_stroke_picture_gets_no_dental_or_cosmetic_items(snap):
    result = run(snap, STROKE, age=70)
    codes = {w.code for w in result.workup} | {w.code for w in result.examination}
    assert "oral-surgery-referral" not in codes
    assert all("post-procedural" not in w.for_conditions for w in result.workup)
    assert lines(result)["ct-head"] == "immediate"


# Who contributes.


def test_a_condition_contributes_only_at_5_percent_flagged_or_as_working_diagnosis(snap):
    result = run(snap, *BENIGN, age=25)
    flagged = {f.condition for f in result.red_flags}
    expected = {r.condition for r in result.differential if r.probability >= 0.05} | flagged
    assert WORKUP_MIN_PROBABILITY == 0.05
    assert set(
        contributing_conditions(ranked=result.differential, red_flags=result.red_flags)
    ) == (expected)
    used = {c for w in result.workup + result.examination for c in w.for_conditions}
    assert used <= expected


def test_the_working_diagnosis_contributes_whatever_its_probability(snap):
    without = run(snap, *BENIGN, age=25)
    hfs = next(r for r in without.differential if r.condition == "hemifacial-spasm")
    assert hfs.probability < WORKUP_MIN_PROBABILITY
    chosen = run(snap, *BENIGN, age=25, working_diagnosis="hemifacial-spasm")
    assert any("hemifacial-spasm" in w.for_conditions for w in chosen.workup + chosen.examination)
    assert chosen.working_diagnosis == "hemifacial-spasm"


# Examination is its own field.


def test_assessments_are_examination_and_never_workup(snap):
    result = run(snap, STROKE, age=70)
    assert result.examination, "a stroke picture calls for an examination now"
    assert {w.kind for w in result.examination} == {EXAMINATION_KIND}
    assert all(w.kind != EXAMINATION_KIND for w in result.workup)
    assert "neuro-exam" in {w.code for w in result.examination}


# Needs: grouped, and never both recommended and not recommended.


CASES = [
    ("benign", BENIGN[0], BENIGN[1], 25),
    ("benign older", BENIGN[0], BENIGN[1], 55),
    ("stroke", STROKE, [], 70),
    ("bell", ["facial-weakness", "forehead-weak", "onset-hours-to-days"], [], 40),
    ("tetany", ["carpopedal-spasm", "perioral-tingling", "overbreathing-or-panic"], [], 30),
    ("hfs", ["clonic-tonic-spasms", "unilateral", "starts-around-eye"], [], 55),
    ("tics", ["suppressible-with-urge", "episodic-brief"], [], 9),
]


@pytest.mark.parametrize(("name", "present", "absent", "age"), CASES, ids=[c[0] for c in CASES])
def test_no_need_or_test_is_shown_both_recommended_and_not_recommended(
    snap, name, present, absent, age
):
    result = run(snap, present, absent, age)
    for group in (result.workup, result.examination):
        codes = [w.code for w in group]
        assert len(codes) == len(set(codes)), "a test is shown once"
        by_need: dict[str, set[bool]] = {}
        for w in group:
            by_need.setdefault(w.need, set()).add(w.priority == "not-recommended")
        assert all(len(sides) == 1 for sides in by_need.values()), by_need
    # Groups list every workup line once, in the order of `workup`.
    assert [c for g in result.workup_groups for c in g.codes] == [w.code for w in result.workup]


def test_mri_brain_for_stroke_and_for_a_structural_cause_share_needs_across_conditions(snap):
    needs = {(w.condition, w.code): w.need for ws in snap.workup.values() for w in ws}
    assert (
        needs[("hemifacial-spasm", "mri-posterior-fossa")]
        == needs[("facial-myokymia", "mri-brain")]
    )
    assert needs[("stroke", "ct-head")] == needs[("stroke", "ct-angiography")] == "Exclude stroke"
    assert (
        needs[("hypocalcemia", "serum-calcium")] == needs[("electrolyte-imbalance", "magnesium")]
    )


def test_a_disagreement_is_resolved_by_the_red_flag_and_the_rationale_says_so(snap):
    # Stroke recommends CT head; Bell's palsy (flagged too) advises against it.
    result = run(snap, STROKE, age=70)
    ct = next(w for w in result.workup if w.code == "ct-head")
    assert ct.priority == "immediate"
    assert "decided by the red flag" in ct.rationale


def test_a_disagreement_is_decided_by_the_working_diagnosis_and_says_so(snap):
    # Benign fasciculation (leading) advises against MRI brain; facial myokymia, chosen as
    # the working diagnosis, calls for it.
    result = run(snap, *BENIGN, age=25, working_diagnosis="facial-myokymia")
    mri = next(w for w in result.workup if w.code == "mri-brain")
    # The working diagnosis decides: facial myokymia calls for MRI brain.
    assert mri.priority == "soon"
    assert "decided by the working diagnosis" in mri.rationale


# Benign fasciculation follows Turner and Talbot, as data.


def benign_fasciculation_lines(snap, present=(), absent=(), age=None):
    result = run(snap, [*BENIGN[0], *present], [*absent], age, "benign-fasciculation")
    return {
        w.code: w.priority for w in result.workup if "benign-fasciculation" in w.for_conditions
    }, result


def test_under_40_without_weakness_no_emg_or_referral_but_thyroid_and_electrolytes(snap):
    got, _ = benign_fasciculation_lines(snap, absent=BENIGN[1], age=25)
    assert got["emg-ncs"] == "not-recommended"
    assert got["neurology-routine"] == "not-recommended"
    for code in ("tsh", "serum-calcium", "magnesium", "potassium", "sodium"):
        assert got[code] not in {"not-recommended", "consider"}, code


def test_from_40_emg_and_neurology_are_recommended(snap):
    got, _ = benign_fasciculation_lines(snap, absent=BENIGN[1], age=40)
    assert got["emg-ncs"] == "routine"
    assert got["neurology-routine"] == "routine"


@pytest.mark.parametrize(
    "sign",
    [
        "facial-weakness",
        "limb-weakness-or-numbness",
        "limb-fasciculations-with-weakness",
        "tongue-fasciculations-or-atrophy",
        "bulbar-symptoms",
    ],
)
def test_any_weakness_wasting_or_bulbar_sign_makes_emg_and_referral_recommended(snap, sign):
    result = run(snap, [*BENIGN[0], sign], [], 25, "benign-fasciculation")
    got = lines(result)
    assert got["emg-ncs"] in {"immediate", "soon"}
    assert got.get("neurology-urgent") in {"immediate", "soon"}


def test_with_age_not_given_emg_is_neither_dismissed_nor_ordered(snap):
    got, _ = benign_fasciculation_lines(snap, absent=BENIGN[1], age=None)
    assert got["emg-ncs"] == "consider"


def test_the_eyelid_brochure_is_cited_honestly_for_a_lip_twitch(snap):
    for ref in snap.workup["benign-fasciculation"]:
        if "nanos-eyelid-myokymia-2016" in ref.sources:
            assert "beyond the eyelid" in ref.rationale and "other diagnoses" in ref.rationale


# Old stored results still read.


def test_a_result_stored_before_examination_reads_with_assessments_as_examination():
    old = {
        "differential": [],
        "workup": [
            {"code": "neuro-exam", "name": "Exam", "kind": "assessment", "priority": "immediate"},
            {"code": "ct-head", "name": "CT head", "kind": "imaging", "priority": "immediate"},
        ],
    }
    read = stored_differential_read(old)
    assert [w["code"] for w in read["examination"]] == ["neuro-exam"]
    assert [w["code"] for w in read["workup"]] == ["ct-head"]
    assert read["workup_groups"] == [
        {"need": "CT head", "priority": "immediate", "codes": ["ct-head"]}
    ]
    assert "examination" not in old


# Properties.


@PROPERTY
@given(data=st.data())
def test_workup_never_shows_a_need_both_ways_and_only_contributing_conditions(snap, data):
    findings = sorted(snap.findings)
    present = data.draw(st.sets(st.sampled_from(findings), max_size=6))
    absent = data.draw(st.sets(st.sampled_from(sorted(set(findings) - present)), max_size=4))
    age = data.draw(st.one_of(st.none(), st.floats(min_value=0, max_value=100)))
    result = run(snap, present, absent, age)
    allowed = set(contributing_conditions(ranked=result.differential, red_flags=result.red_flags))
    for group in (result.workup, result.examination):
        sides: dict[str, set[bool]] = {}
        for w in group:
            assert set(w.for_conditions) <= allowed
            sides.setdefault(w.need, set()).add(w.priority == "not-recommended")
        assert all(len(s) == 1 for s in sides.values())


# The API and the notes.


def test_the_api_returns_examination_groups_and_needs_and_takes_a_working_diagnosis():
    from rest_framework.test import APIClient

    api = APIClient()
    body = {"present": STROKE, "age_years": 70, "working_diagnosis": "bells-palsy"}
    data = api.post("/api/v1/differential/", body, format="json").json()
    assert data["working_diagnosis"] == "bells-palsy"
    assert data["examination"] and all(w["kind"] == "assessment" for w in data["examination"])
    assert all(w["kind"] != "assessment" and w["need"] for w in data["workup"])
    assert {"code", "name", "priority", "rationale", "for_conditions", "evidence_grade"} <= set(
        data["examination"][0]
    )
    assert [c for g in data["workup_groups"] for c in g["codes"]] == [
        w["code"] for w in data["workup"]
    ]
    assert {w["priority"] for w in data["workup"]} <= {
        "immediate",
        "soon",
        "routine",
        "consider",
        "not-recommended",
    }


@pytest.mark.parametrize("bad", ["no-such-condition", 7, ["stroke"], "<script>", ""])
def test_an_unknown_working_diagnosis_is_a_400_naming_the_field(bad):
    from rest_framework.test import APIClient

    response = APIClient().post(
        "/api/v1/differential/", {"present": STROKE, "working_diagnosis": bad}, format="json"
    )
    assert response.status_code == 400
    assert "working_diagnosis" in response.json()
    assert "<script>" not in response.content.decode()


def test_a_note_stored_before_examination_still_shows_its_plan():
    from django.contrib.auth.models import User

    from notes.models import Note
    from notes.services import note_create, note_text

    owner = User.objects.create_user("old-note", password="correct-horse-battery")
    note = note_create(owner=owner, present=STROKE, age_years=70)
    old = dict(note.result)
    old["workup"] = [
        {k: v for k, v in w.items() if k != "need"} for w in old["examination"] + old["workup"]
    ]
    for key in ("examination", "workup_groups", "working_diagnosis"):
        old.pop(key)
    Note.objects.filter(pk=note.pk).update(result=old)
    note.refresh_from_db()
    text = note_text(note=note)
    assert "Examination at this visit:" in text and "Focused neurological examination" in text
    assert "CT head (non-contrast)" in text


def test_a_note_computes_its_workup_with_its_working_diagnosis():
    from django.contrib.auth.models import User

    from notes.services import note_create, note_update

    owner = User.objects.create_user("wd-note", password="correct-horse-battery")
    note = note_create(owner=owner, present=BENIGN[0], absent=BENIGN[1], age_years=25)
    assert note.working_diagnosis == "benign-fasciculation"
    assert note.result["working_diagnosis"] == "benign-fasciculation"
    note = note_update(note=note, user=owner, working_diagnosis="hemifacial-spasm")
    assert note.result["working_diagnosis"] == "hemifacial-spasm"
    assert any("hemifacial-spasm" in w["for_conditions"] for w in note.result["workup"])
