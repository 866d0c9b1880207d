"""What a clinician types never reaches a log line, and every script prints on the handout."""

import io
import logging

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from notes import services
from notes.handout import handout_render, handout_sample

pytestmark = pytest.mark.django_db

SCRIPTS = "Chinese 中文 Japanese 日本語 Korean 한국어 emoji 😀👍 Arabic العربية Hebrew עברית Hindi हिन्दी Greek Ελληνικά"


def render_with(follow_up: str) -> bytes:
    content = handout_sample()
    content = type(content)(**{**content.__dict__, "follow_up": follow_up})
    return handout_render(content=content, paper="a4", large_print=False)


def test_cjk_emoji_and_other_scripts_have_glyphs_on_the_handout(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_with(SCRIPTS)
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for word in ("中文", "日本語", "한국어"):
        assert word in text


def test_weasyprint_warnings_never_quote_the_document(caplog):
    # U+0378 is unassigned, so no font has it: WeasyPrint warns about the missing glyph
    # and, unfiltered, would quote it.
    secret = "\u0378"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_with(f"Patient note {secret}")
    warnings = [r for r in caplog.records if r.name.startswith("weasyprint")]
    assert warnings, "expected a missing-glyph warning for U+13000"
    for record in warnings:
        assert secret not in record.getMessage() and "Patient note" not in record.getMessage()


def test_no_log_line_carries_note_text_or_typed_input(client, caplog):
    user = User.objects.create_user("alice", password="correct-horse-battery")
    typed = "Jane-Q-Public-7731"
    client.force_login(user)
    with caplog.at_level(logging.DEBUG):
        note = services.note_create(
            owner=user,
            present=["fever"],
            clinician_text=typed,
            follow_up_advice=typed,
            clinic_name=typed,
            presenting_complaint=typed,
        )
        client.get(f"/notes/{note.pk}/")
        client.get(f"/notes/{note.pk}/handout.pdf")
        client.get(f"/api/v1/notes/{note.pk}/note.txt")
        client.post(f"/notes/{note.pk}/edit/", {"clinician_text": typed + "\x00"})
        client.post(
            "/api/v1/notes/",
            {"present": [typed], "clinic_name": typed + "\u202e", typed: 1},
            content_type="application/json",
        )
        client.post("/api/v1/differential/", {"present": [typed]}, content_type="application/json")
    lines = [r.getMessage() for r in caplog.records]
    assert lines  # the requests above were logged (warnings for the 400s)
    assert not [line for line in lines if "Jane-Q" in line]
