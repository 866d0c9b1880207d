"""Patient labels, the finalize confirmation, superseded notes and amended findings."""

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from notes import services
from notes.models import AuditEvent, Note

pytestmark = pytest.mark.django_db

STROKE: dict[str, Any] = {
    "present": ["onset-sudden", "facial-weakness"],
    "absent": ["forehead-weak"],
    "age_years": 71,
}
LABEL = "MRN-Zq-88231"


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def signed_in(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def final_note(user: User, **extra: Any) -> Note:
    note = services.note_create(owner=user, **STROKE, **extra)
    return services.note_finalize(note=note, user=user)


def superseded_pair(user: User) -> tuple[Note, Note]:
    original = final_note(user)
    amendment = services.note_amend(note=original, user=user)
    return original, services.note_finalize(note=amendment, user=user)


# The patient label


def test_the_label_is_edited_in_the_draft_form_and_shown_on_list_and_detail(signed_in, alice):
    note = services.note_create(owner=alice, **STROKE)
    html = signed_in.get(f"/notes/{note.pk}/").content.decode()
    assert 'name="patient_label"' in html and 'maxlength="64"' in html
    signed_in.post(f"/notes/{note.pk}/edit/", {"part": "text", "patient_label": LABEL})
    note.refresh_from_db()
    assert note.patient_label == LABEL
    assert f"Patient: {LABEL}" in signed_in.get(f"/notes/{note.pk}/").content.decode()
    assert LABEL in signed_in.get("/notes/").content.decode()


def test_the_notes_search_finds_a_label(signed_in, alice):
    services.note_create(owner=alice, **STROKE, patient_label=LABEL)
    services.note_create(owner=alice, **STROKE, patient_label="Other-1")
    html = signed_in.post("/notes/", {"q": "zq-882"}).content.decode()
    assert LABEL in html and "Other-1" not in html


def test_the_label_is_a_field_of_the_api(alice):
    api = APIClient()
    api.force_authenticate(alice)
    data = api.post("/api/v1/notes/", {**STROKE, "patient_label": LABEL}, format="json").json()
    assert data["patient_label"] == LABEL
    response = api.patch(
        f"/api/v1/notes/{data['id']}/", {"patient_label": "x" * 65}, format="json"
    )
    assert response.status_code == 400 and "patient_label" in response.json()
    assert "x" * 65 not in response.content.decode()


def test_the_label_never_reaches_a_url_a_log_line_an_audit_event_or_an_error(
    signed_in, alice, caplog
):
    api = APIClient()
    api.force_authenticate(alice)
    locations: list[str] = []
    with caplog.at_level(logging.DEBUG):
        note = services.note_create(owner=alice, **STROKE)
        for response in (
            signed_in.post(f"/notes/{note.pk}/edit/", {"part": "text", "patient_label": LABEL}),
            signed_in.post(f"/notes/{note.pk}/edit/", {"patient_label": LABEL + "\u202e"}),
            signed_in.post("/notes/", {"q": LABEL}),
            signed_in.post(f"/notes/{note.pk}/finalize/"),
            signed_in.post(f"/notes/{note.pk}/finalize/", {"confirm": "yes"}),
            signed_in.post(f"/notes/{note.pk}/amend/"),
            signed_in.get(f"/notes/{note.pk}/handout.pdf"),
            api.get(f"/api/v1/notes/{note.pk}/note.txt"),
            api.patch(f"/api/v1/notes/{note.pk}/", {"patient_label": LABEL}, format="json"),
            api.post("/api/v1/notes/", {"patient_label": LABEL + "\x00"}, format="json"),
            api.post("/api/v1/notes/", {"patient_label": LABEL * 9}, format="json"),
        ):
            locations.append(response.get("Location", ""))
            if response.status_code >= 400 or response["Content-Type"].startswith(
                "application/json"
            ):
                body = response.content.decode()
                assert response.status_code < 400 or LABEL[:8] not in body, body
        amendment = Note.objects.get(amends=note)
        html = signed_in.get(f"/notes/{amendment.pk}/", follow=True).content.decode()
    assert not [loc for loc in locations if LABEL[:8] in loc]
    # Every link and form target on the pages that show the label.
    for attr in ('href="', 'action="'):
        for chunk in html.split(attr)[1:]:
            assert LABEL[:8] not in chunk.split('"', 1)[0]
    assert not [r for r in caplog.records if LABEL[:8] in r.getMessage()]
    assert not [e for e in AuditEvent.objects.all() if LABEL[:8] in str(e.detail)]


# Finalizing asks first


def test_finalize_asks_for_confirmation_without_javascript(signed_in, alice):
    note = services.note_create(owner=alice, **STROKE, patient_label=LABEL)
    response = signed_in.post(f"/notes/{note.pk}/finalize/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Finalize note {note.pk}?" in html and 'name="confirm" value="yes"' in html
    assert f'action="/notes/{note.pk}/finalize/"' in html and "<script>" not in html
    note.refresh_from_db()
    assert note.status == "draft"
    assert not AuditEvent.objects.filter(note=note, action="finalized").exists()
    response = signed_in.post(f"/notes/{note.pk}/finalize/", {"confirm": "yes"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == "final"


def test_the_draft_page_finalize_button_leads_to_the_confirmation(signed_in, alice):
    note = services.note_create(owner=alice, **STROKE)
    html = signed_in.get(f"/notes/{note.pk}/").content.decode()
    form = html.split(f'action="/notes/{note.pk}/finalize/"')[1].split("</form>")[0]
    assert 'name="confirm"' not in form and "Finalize note" in form


def test_the_api_finalizes_in_one_step_as_before(alice):
    api = APIClient()
    api.force_authenticate(alice)
    note = api.post("/api/v1/notes/", STROKE, format="json").json()
    assert api.post(f"/api/v1/notes/{note['id']}/finalize/").json()["status"] == "final"


# Superseded notes


def test_a_superseded_note_shows_a_banner_on_its_page_and_in_its_text(signed_in, alice):
    original, amendment = superseded_pair(alice)
    html = signed_in.get(f"/notes/{original.pk}/").content.decode()
    assert f'Superseded by <a href="/notes/{amendment.pk}/">note {amendment.pk}</a> on' in html
    for long in (False, True):
        text = services.note_text(note=original, long=long)
        assert text.startswith(f"SUPERSEDED by note {amendment.pk} on "), text[:80]
        assert " UTC: that note is the record." in text.splitlines()[0]
    assert "SUPERSEDED" not in services.note_text(note=amendment)
    api = APIClient()
    api.force_authenticate(alice)
    assert api.get(f"/api/v1/notes/{original.pk}/note.txt").content.startswith(b"SUPERSEDED")


def test_a_draft_amendment_does_not_supersede_yet(signed_in, alice):
    original = final_note(alice)
    amendment = services.note_amend(note=original, user=alice)
    assert services.note_superseded_by(note=original) is None
    html = signed_in.get(f"/notes/{original.pk}/").content.decode()
    assert "Superseded" not in html and f"Amended by note {amendment.pk} (draft)" in html


def test_printing_a_superseded_note_offers_the_amendments_handout(signed_in, alice):
    original, amendment = superseded_pair(alice)
    response = signed_in.get(f"/notes/{original.pk}/handout.pdf?lang=es&paper=letter")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'href="/notes/{amendment.pk}/handout.pdf?lang=es&amp;paper=letter"' in html
    assert (
        f'href="/notes/{original.pk}/handout.pdf?lang=es&amp;paper=letter&amp;original=1"' in html
    )
    pdf = signed_in.get(f"/notes/{original.pk}/handout.pdf?original=1")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert signed_in.get(f"/notes/{amendment.pk}/handout.pdf")["Content-Type"] == (
        "application/pdf"
    )


# Amendments change the findings


def test_an_amendment_changes_the_findings_and_recomputes_in_the_page(signed_in, alice):
    original = final_note(alice)
    signed_in.post(f"/notes/{original.pk}/amend/")
    draft = Note.objects.get(amends=original)
    html = signed_in.get(f"/notes/{draft.pk}/").content.decode()
    assert 'name="part" value="findings"' in html and 'name="onset-sudden"' in html
    response = signed_in.post(
        f"/notes/{draft.pk}/edit/",
        {
            "part": "findings",
            "flickering-twitch": "present",
            "high-caffeine-intake": "present",
            "facial-weakness": "absent",
            "age": "25",
            "working_diagnosis": "",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.present == ["flickering-twitch", "high-caffeine-intake"]
    assert draft.absent == ["facial-weakness"] and draft.age_years == 25
    assert draft.working_diagnosis == "benign-fasciculation"
    assert draft.result["differential"][0]["condition"] == "benign-fasciculation"
    assert not draft.result["red_flags"]
    original.refresh_from_db()
    assert original.present == ["facial-weakness", "onset-sudden"] and original.is_final
    event = AuditEvent.objects.filter(note=draft, action="changed").latest("at")
    assert "present" in event.detail["fields"] and "result" in event.detail["fields"]


def test_an_amendment_changes_the_findings_through_the_api(alice):
    api = APIClient()
    api.force_authenticate(alice)
    original = final_note(alice)
    draft = api.post(f"/api/v1/notes/{original.pk}/amend/").json()
    response = api.patch(
        f"/api/v1/notes/{draft['id']}/",
        {"present": ["fever", "trismus-or-risus"], "absent": [], "age_years": 40},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["present"] == ["fever", "trismus-or-risus"] and data["age_years"] == 40
    assert data["result"]["differential"][0]["condition"] != "stroke"
    assert not any(f["condition"] == "stroke" for f in data["result"]["red_flags"])
    original.refresh_from_db()
    assert original.result["differential"][0]["condition"] == "stroke"


def test_the_plan_is_ticked_in_the_page_and_carried_into_an_amendment(signed_in, alice):
    note = services.note_create(owner=alice, **STROKE)
    html = signed_in.get(f"/notes/{note.pk}/").content.decode()
    assert 'name="plan" value="ct-head" checked' in html
    assert 'name="plan" value="oral-surgery-referral">' in html
    signed_in.post(f"/notes/{note.pk}/edit/", {"part": "plan", "plan": ["ct-head", "tia-clinic"]})
    note.refresh_from_db()
    assert note.plan == ["ct-head", "tia-clinic"]
    assert "P: Plan chosen by the clinician:" in services.note_text(note=note)
    signed_in.post(f"/notes/{note.pk}/edit/", {"part": "plan"})
    note.refresh_from_db()
    assert note.plan == []
    signed_in.post(f"/notes/{note.pk}/edit/", {"part": "plan", "plan": ["ct-head"]})
    services.note_finalize(note=note, user=alice)
    assert services.note_amend(note=note, user=alice).plan == ["ct-head"]
