"""/api/v1/notes/: ownership, draft edits, finalize (409 after), amend, text, audit."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from notes.models import AuditEvent, Note

pytestmark = pytest.mark.django_db
STROKE = {
    "present": ["onset-sudden", "facial-weakness"],
    "absent": ["forehead-weak"],
    "age_years": 71,
}


@pytest.fixture
def alice() -> User:
    return User.objects.create_user(
        "alice", password="correct-horse-battery", first_name="Alice", last_name="Ng"
    )


@pytest.fixture
def bob() -> User:
    return User.objects.create_user("bob", password="correct-horse-battery")


def client_for(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def create(api: APIClient, **extra: Any) -> dict[str, Any]:
    response = api.post("/api/v1/notes/", {**STROKE, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_notes_need_sign_in():
    api = APIClient()
    assert api.get("/api/v1/notes/").status_code == 401
    assert api.post("/api/v1/notes/", STROKE, format="json").status_code == 401


def test_create_computes_and_freezes_the_differential_with_the_leader_as_default(alice):
    data = create(client_for(alice), clinician_text="Seen in clinic.")
    assert data["status"] == "draft"
    assert data["working_diagnosis"] == data["result"]["differential"][0]["condition"] == "stroke"
    assert data["reference_version"] == "2026.1"
    assert data["result"]["red_flags"]
    assert AuditEvent.objects.filter(note_id=data["id"], action="created", user=alice).exists()


def test_bad_note_input_names_the_field(alice):
    api = client_for(alice)
    response = api.post("/api/v1/notes/", {"present": ["nope"]}, format="json")
    assert response.status_code == 400 and "nope" in response.json()["detail"]
    response = api.post("/api/v1/notes/", {"working_diagnosis": "nope"}, format="json")
    assert response.status_code == 400 and "working_diagnosis" in response.json()
    response = api.post("/api/v1/notes/", {"result": {}, "bogus": 1}, format="json")
    assert response.status_code == 400 and "bogus" in response.json()


def test_another_clinician_gets_404_everywhere(alice, bob):
    note = create(client_for(alice))
    other = client_for(bob)
    base = f"/api/v1/notes/{note['id']}"
    assert other.get(f"{base}/").status_code == 404
    assert other.patch(f"{base}/", {"clinician_text": "x"}, format="json").status_code == 404
    assert other.post(f"{base}/finalize/").status_code == 404
    assert other.post(f"{base}/amend/").status_code == 404
    assert other.get(f"{base}/note.txt").status_code == 404
    assert other.get(f"{base}/handout.pdf").status_code == 404
    assert other.get("/api/v1/notes/").json() == []


def test_draft_updates_recompute_and_are_audited(alice):
    api = client_for(alice)
    note = create(api)
    response = api.patch(
        f"/api/v1/notes/{note['id']}/",
        {"present": ["flickering-twitch", "high-caffeine-intake"], "absent": [], "age_years": 25},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["result"]["differential"][0]["condition"] == "benign-fasciculation"
    assert AuditEvent.objects.filter(note_id=note["id"], action="changed").exists()


def test_finalized_notes_never_change(alice):
    api = client_for(alice)
    note = create(api)
    url = f"/api/v1/notes/{note['id']}/"
    assert api.post(f"{url}finalize/").json()["status"] == "final"
    before = Note.objects.get(pk=note["id"])
    response = api.patch(url, {"clinician_text": "changed"}, format="json")
    assert response.status_code == 409
    assert "final" in response.json()["detail"] and "Amend" in response.json()["detail"]
    assert api.put(url, {**STROKE, "clinician_text": "x"}, format="json").status_code == 409
    assert api.post(f"{url}finalize/").status_code == 409
    after = Note.objects.get(pk=note["id"])
    assert (after.clinician_text, after.result, after.updated_at) == (
        before.clinician_text,
        before.result,
        before.updated_at,
    )


def test_amendment_is_a_new_draft_linked_to_the_original(alice):
    api = client_for(alice)
    note = create(api, clinician_text="first")
    api.post(f"/api/v1/notes/{note['id']}/finalize/")
    response = api.post(f"/api/v1/notes/{note['id']}/amend/")
    assert response.status_code == 201
    new = response.json()
    assert new["amends"] == note["id"] and new["status"] == "draft"
    assert new["clinician_text"] == "first" and new["present"] == [
        "facial-weakness",
        "onset-sudden",
    ]
    assert Note.objects.get(pk=note["id"]).status == "final"
    assert AuditEvent.objects.filter(note_id=note["id"], action="amended").exists()


def test_note_txt_holds_every_section_and_is_audited(alice):
    api = client_for(alice)
    note = create(api, clinician_text="Right-handed.", follow_up_advice="Review in 1 week.")
    response = api.get(f"/api/v1/notes/{note['id']}/note.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for part in (
        "S: Lip twitching; age 71 years.",
        "O: Present: Sudden onset",
        "Absent: Forehead weak",
        "A: Working diagnosis: Stroke or TIA",
        "Red flag (emergency), Stroke or TIA: Recommended now:",
        "P: Suggested for the working diagnosis and red flags",
        "Right-handed.",
        "Review in 1 week.",
        "Reference content 2026.1",
        "the clinician decides",
        "Clinician: Alice Ng",
    ):
        assert part in text, part
    assert "&amp;" not in text and "&#x27;" not in text
    assert AuditEvent.objects.filter(note_id=note["id"], action="exported").exists()


def test_the_long_note_txt_keeps_every_basis_and_the_sections_it_had(alice):
    api = client_for(alice)
    note = create(api, clinician_text="Right-handed.", follow_up_advice="Review in 1 week.")
    text = api.get(f"/api/v1/notes/{note['id']}/note.txt?long=1").content.decode()
    for part in (
        "Presenting complaint: Lip twitching",
        "Age: 71 years",
        "1. Stroke or TIA",
        "Working diagnosis: Stroke or TIA",
        "[EMERGENCY]",
        "Basis:",
        "Suggested workup (the reference's suggestions, by need):",
        "Right-handed.",
        "Reference content version 2026.1",
        "does not replace clinical judgement",
        "Clinician: Alice Ng",
    ):
        assert part in text, part
    event = AuditEvent.objects.get(note_id=note["id"], action="exported")
    assert event.detail == {"format": "text-long"}
    assert api.get(f"/api/v1/notes/{note['id']}/note.txt?long=yes").status_code == 400


def test_retrieve_is_audited_as_viewed(alice):
    api = client_for(alice)
    note = create(api)
    api.get(f"/api/v1/notes/{note['id']}/")
    assert AuditEvent.objects.filter(note_id=note["id"], action="viewed", user=alice).exists()


def test_list_shows_only_own_notes(alice, bob):
    create(client_for(alice))
    create(client_for(bob))
    mine = client_for(alice).get("/api/v1/notes/").json()
    assert len(mine) == 1 and mine[0]["owner"] == "alice"


def test_token_auth_reaches_notes(alice):
    from apitokens.services import token_issue

    key = token_issue(owner=alice, name="test", expires_at=None).key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/notes/").status_code == 200


def test_bad_handout_options_are_400(alice):
    api = client_for(alice)
    note = create(api)
    response = api.get(f"/api/v1/notes/{note['id']}/handout.pdf?lang=fr&paper=a3")
    assert response.status_code == 400
    body = response.json()
    assert "lang" in body and "paper" in body


def test_handout_pdf_for_a_note_with_options_and_audit(alice):
    from io import BytesIO

    from pypdf import PdfReader

    api = client_for(alice)
    note = create(api, follow_up_advice="Come back in two weeks.")
    response = api.get(f"/api/v1/notes/{note['id']}/handout.pdf?lang=es&paper=letter&large=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Come back in two weeks." in text
    event = AuditEvent.objects.get(note_id=note["id"], action="printed")
    assert event.detail == {"language": "es", "paper": "letter", "large_print": True}


def test_finalizing_renders_the_handout_into_the_cache_and_printing_is_served_from_it(
    alice, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from notes import services

    api = client_for(alice)
    note = create(api)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/notes/{note['id']}/finalize/")
    obj = Note.objects.get(pk=note["id"])
    key = services.handout_cache_key(note=obj, language="en", paper="a4", large_print=False)
    cached = cache.get(key)
    assert cached and cached.startswith(b"%PDF")
    assert api.get(f"/api/v1/notes/{note['id']}/handout.pdf").content == cached


def test_draft_handouts_render_fresh(alice):
    from django.core.cache import cache

    from notes import services

    api = client_for(alice)
    note = create(api)
    api.get(f"/api/v1/notes/{note['id']}/handout.pdf")
    obj = Note.objects.get(pk=note["id"])
    key = services.handout_cache_key(note=obj, language="en", paper="a4", large_print=False)
    assert cache.get(key) is None
