"""Typed text stays plain text wherever it is shown; private notes never reach the patient."""

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from notes import services
from notes.models import Note

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
PRIVATE = "BP 182/96, NIHSS 4, query capsular infarct"


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


def note_with(owner: User, **text: Any) -> Note:
    return services.note_create(
        owner=owner, present=["onset-sudden", "facial-weakness"], age_years=70, **text
    )


@pytest.mark.parametrize(
    "field",
    [
        "clinician_text",
        "follow_up_advice",
        "patient_instructions",
        "clinic_name",
        "presenting_complaint",
        "patient_label",
    ],
)
def test_markup_in_any_typed_field_is_escaped_on_the_note_page(client: Client, alice, field):
    """Including the handout preview and the long note shown on the page."""
    limits = {"clinic_name": 200, "presenting_complaint": 200, "patient_label": 64}
    value = PAYLOAD[: limits.get(field, len(PAYLOAD))]
    note = note_with(alice, **{field: value})
    client.force_login(alice)
    html = client.get(f"/notes/{note.pk}/").content.decode()
    assert "<script>window.__xss" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


def test_markup_stays_literal_in_the_plain_text_note(client: Client, alice):
    note = note_with(alice, clinician_text=PAYLOAD)
    client.force_login(alice)
    response = client.get(f"/api/v1/notes/{note.pk}/note.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert PAYLOAD in response.content.decode()


def test_note_text_is_not_marked_safe(alice):
    """Both plain-text templates run with autoescape off; neither result may be marked safe."""
    from django.utils.safestring import SafeData

    note = note_with(alice, clinician_text=PAYLOAD)
    for long in (False, True):
        text = services.note_text(note=note, long=long)
        assert not isinstance(text, SafeData) and PAYLOAD in text


def test_markup_in_the_notes_list_is_escaped(client: Client, alice):
    note_with(alice, presenting_complaint=PAYLOAD[:200], clinic_name=PAYLOAD[:200])
    client.force_login(alice)
    html = client.get("/notes/").content.decode()
    assert "<script>window.__xss" not in html and "<img src=x" not in html


def test_the_handout_never_prints_the_clinicians_private_notes(alice):
    note = note_with(alice, clinician_text=PRIVATE, follow_up_advice="Come back in 2 weeks.")
    for language in ("en", "es"):
        pdf = services.note_handout_pdf(note=note, language=language, paper="a4")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "182/96" not in text and "NIHSS" not in text and "capsular" not in text
        assert "Come back in 2 weeks." in text
