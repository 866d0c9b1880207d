"""The short clinical note (what a clinician pastes), its plan, times and the long version."""

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from notes import services
from notes.models import Note

pytestmark = pytest.mark.django_db

STROKE: dict[str, Any] = {
    "present": ["onset-sudden", "facial-weakness"],
    "absent": ["forehead-weak"],
    "age_years": 71,
}
BENIGN: dict[str, Any] = {
    "present": ["flickering-twitch", "high-caffeine-intake"],
    "absent": [],
    "age_years": 25,
}


@pytest.fixture
def alice() -> User:
    return User.objects.create_user(
        "alice", password="correct-horse-battery", first_name="Alice", last_name="Ng"
    )


def api_for(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_stroke_note_is_short_and_structured(alice):
    note = services.note_create(owner=alice, **STROKE)
    text = services.note_text(note=note)
    lines = text.strip().splitlines()
    assert len(lines) <= 20 and len(text) < 1_500, (len(lines), len(text))
    assert lines[1].startswith("Clinician: Alice Ng.")
    for part in (
        "S: Lip twitching; age 71 years.",
        "O: Present: Sudden onset",
        "Absent: Forehead weak",
        "A: Working diagnosis: Stroke or TIA (",
        "Alternatives: ",
        "Red flag (emergency), Stroke or TIA: Recommended now: call emergency services",
        "CT head (non-contrast)",
        "Reference content 2026.1.",
        "the clinician decides",
    ):
        assert part in text, part
    # Every basis and ratio is in the long version, not here.
    assert "Basis:" not in text and " x" not in text.split("A: ")[1].split("\n")[0]


def test_the_benign_note_is_short_and_names_what_is_not_recommended(alice):
    note = services.note_create(owner=alice, **BENIGN)
    text = services.note_text(note=note)
    assert len(text.strip().splitlines()) <= 15 and len(text) < 1_200, len(text)
    assert "Working diagnosis: Benign fasciculation" in text
    assert "Red flags: none raised" in text
    assert "Serum magnesium" in text
    assert "Not recommended routinely: MRI brain" in text


def test_an_unchosen_plan_is_labelled_as_suggestions(alice):
    text = services.note_text(note=services.note_create(owner=alice, **STROKE))
    assert "P: Suggested for the working diagnosis and red flags" in text
    assert "Plan chosen by the clinician" not in text


def test_the_default_plan_is_the_lines_for_the_working_diagnosis_and_the_flags(alice):
    note = services.note_create(owner=alice, **STROKE)
    context = services.note_context(note=note)
    codes = context["plan_codes"]
    assert "ct-head" in codes and "neuro-exam" in codes
    # Post-procedural lines are for an alternative, not the working diagnosis or a flag.
    assert "oral-surgery-referral" not in codes
    assert note.plan is None


def test_the_clinicians_ticked_plan_is_headed_as_theirs(alice):
    api = api_for(alice)
    note = api.post("/api/v1/notes/", STROKE, format="json").json()
    url = f"/api/v1/notes/{note['id']}/"
    response = api.patch(url, {"plan": ["ct-head", "neuro-exam"]}, format="json")
    assert response.status_code == 200 and response.json()["plan"] == ["neuro-exam", "ct-head"]
    text = api.get(f"{url}note.txt").content.decode()
    assert "P: Plan chosen by the clinician:" in text
    assert "Tests and referrals: CT head (non-contrast)\n" in text
    assert "MRI brain" not in text


def test_a_plan_must_name_the_notes_own_suggestions_without_quoting_input(alice):
    api = api_for(alice)
    note = api.post("/api/v1/notes/", STROKE, format="json").json()
    url = f"/api/v1/notes/{note['id']}/"
    for bad in (["Jane-Q-Public"], "ct-head", [3], ["ct-head", "ct-head"]):
        response = api.patch(url, {"plan": bad}, format="json")
        assert response.status_code == 400, bad
        assert "plan" in response.json() and "Jane-Q" not in response.content.decode()
    assert api.patch(url, {"plan": None}, format="json").json()["plan"] is None


def test_a_chosen_plan_keeps_only_the_ticks_a_recomputed_result_offers(alice):
    note = services.note_create(owner=alice, **STROKE)
    note = services.note_update(note=note, user=alice, plan=["ct-head", "neuro-exam"])
    note = services.note_update(note=note, user=alice, **BENIGN, working_diagnosis="")
    assert note.working_diagnosis == "benign-fasciculation"
    assert note.plan == ["neuro-exam"]


def test_times_are_local_with_the_zone_name(alice, settings):
    settings.TIME_ZONE = "America/New_York"
    note = services.note_create(owner=alice, **STROKE)
    local = note.created_at.astimezone(ZoneInfo("America/New_York"))
    text = services.note_text(note=note)
    assert f"Seen {local:%Y-%m-%d %H:%M} America/New_York." in text
    assert f"{local:%Y-%m-%d %H:%M} America/New_York" in services.note_text(note=note, long=True)


def test_the_clinician_is_named_by_full_name_or_username(alice):
    bob = User.objects.create_user("bob", password="correct-horse-battery")
    assert "Clinician: Alice Ng." in services.note_text(
        note=services.note_create(owner=alice, **STROKE)
    )
    assert "Clinician: bob." in services.note_text(note=services.note_create(owner=bob, **STROKE))


def test_the_long_version_keeps_every_basis_one_click_away(alice, client):
    note = services.note_create(owner=alice, **STROKE)
    client.force_login(alice)
    html = client.get(f"/notes/{note.pk}/").content.decode()
    assert f'href="/api/v1/notes/{note.pk}/note.txt?long=1"' in html
    text = client.get(f"/api/v1/notes/{note.pk}/note.txt?long=1").content.decode()
    assert "long version, with every basis" in text and "Basis:" in text
    assert "Suggested workup (the reference's suggestions, by need):" in text
    assert len(text) > len(services.note_text(note=note))


def test_the_label_and_typed_text_appear_in_the_note(alice):
    note = services.note_create(
        owner=alice,
        **STROKE,
        patient_label="AB-1234",
        clinician_text="Onset 40 minutes ago.",
        follow_up_advice="Review in 1 week.",
    )
    text = services.note_text(note=note)
    assert "Patient: AB-1234" in text
    assert "Clinician's notes: Onset 40 minutes ago." in text
    assert "Follow-up advice given: Review in 1 week." in text
    assert Note.objects.filter(patient_label="AB-1234").exists()
