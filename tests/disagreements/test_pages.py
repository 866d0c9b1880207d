"""Disagreeing from the checklist's result and from a note's page."""

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from disagreements.models import Disagreement
from notes import services as notes_services
from reference.snapshot import snapshot_get
from tests.disagreements.conftest import STROKE, STROKE_RULE

pytestmark = pytest.mark.django_db
SECRET = "Zebra-7731 private remark"


def checklist_form(**fields: str) -> dict[str, str]:
    return {**STROKE, "fingerprint": snapshot_get().fingerprint, **fields}


def test_checklist_result_offers_the_form_to_signed_in_clinicians_only(
    client: Client, signed_in: Client
):
    html = signed_in.get("/differential/", STROKE).content.decode()
    assert 'action="/disagreements/new/"' in html
    assert f'value="flag:{STROKE_RULE}"' in html and 'value="rank:bells-palsy"' in html
    assert (
        'action="/disagreements/new/"'
        not in Client().get("/differential/", STROKE).content.decode()
    )


def test_red_flag_disagreement_from_the_checklist_returns_to_the_same_result(
    signed_in: Client, alice: User
):
    response = signed_in.post(
        "/disagreements/new/",
        checklist_form(target=f"flag:{STROKE_RULE}", reason="wording", comment="Too long."),
    )
    assert response.status_code == 302
    assert response["Location"] == (
        "/differential/?facial-weakness=present&onset-sudden=present&age=70"
    )
    d = Disagreement.objects.get()
    snapshot = snapshot_get()
    assert (d.source, d.user, d.kind, d.condition, d.rule, d.reason) == (
        "clinician",
        alice,
        "red-flag",
        "stroke",
        STROKE_RULE,
        "wording",
    )
    assert d.present == ["facial-weakness", "onset-sudden"] and d.age_years == 70
    assert (d.reference_version, d.reference_revision, d.reference_fingerprint) == (
        snapshot.version,
        snapshot.revision,
        snapshot.fingerprint,
    )
    page = signed_in.get(response["Location"]).content.decode()
    assert "your disagreement is in the curators" in page


def test_ranking_and_missing_flag_disagreements_from_the_checklist(signed_in: Client):
    signed_in.post(
        "/disagreements/new/", checklist_form(target="rank:bells-palsy", reason="too-low")
    )
    signed_in.post(
        "/disagreements/new/", checklist_form(target="rank:bells-palsy", reason="missing")
    )
    assert list(
        Disagreement.objects.order_by("id").values_list("kind", "condition", "rule", "reason")
    ) == [
        ("ranking", "bells-palsy", "", "too-low"),
        ("red-flag", "bells-palsy", "", "missing"),
    ]


def test_disagreement_from_a_note_uses_the_notes_own_result_and_version(
    signed_in: Client, alice: User
):
    note = notes_services.note_create(owner=alice, present=["onset-sudden", "facial-weakness"])
    html = signed_in.get(f"/notes/{note.pk}/").content.decode()
    assert f'name="note" value="{note.pk}"' in html and f'value="flag:{STROKE_RULE}"' in html
    response = signed_in.post(
        "/disagreements/new/",
        {"note": note.pk, "target": f"flag:{STROKE_RULE}", "reason": "should-not-fire"},
    )
    assert response.status_code == 302 and response["Location"] == f"/notes/{note.pk}/"
    d = Disagreement.objects.get()
    assert d.note == note and d.kind == "red-flag" and d.rule == STROKE_RULE
    assert (d.reference_version, d.reference_revision, d.reference_fingerprint) == (
        note.reference_version,
        note.reference_revision,
        note.reference_fingerprint,
    )
    assert d.present == note.present


def test_someone_elses_note_is_404(signed_in: Client):
    bob = User.objects.create_user("bob", password="x-long-password-2")
    note = notes_services.note_create(owner=bob, present=["fever"])
    response = signed_in.post(
        "/disagreements/new/", {"note": note.pk, "target": "rank:tetanus", "reason": "too-high"}
    )
    assert response.status_code == 404 and not Disagreement.objects.exists()


def test_anonymous_posts_are_refused(client: Client):
    response = client.post(
        "/disagreements/new/", checklist_form(target=f"flag:{STROKE_RULE}", reason="wording")
    )
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Disagreement.objects.exists()


def test_get_is_refused(signed_in: Client):
    assert signed_in.get("/disagreements/new/").status_code == 405


def test_posting_needs_the_csrf_token(alice: User):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        "/disagreements/new/", checklist_form(target=f"flag:{STROKE_RULE}", reason="wording")
    )
    assert response.status_code == 403 and not Disagreement.objects.exists()


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"reason": "wording"}, "What is wrong: Choose what is wrong"),
        ({"target": "rank:bells-palsy"}, "Why: Choose why it is wrong"),
        (
            {"target": "rank:bells-palsy", "reason": "<b>bogus</b>"},
            "Why: Choose one of the reasons listed",
        ),
        (
            {"target": "rank:no-such-condition", "reason": "too-high"},
            "What is wrong: Choose a red flag or a condition from this result",
        ),
        ({"target": "flag:no-such-rule", "reason": "wording"}, "What is wrong: Choose a red flag"),
        ({"target": f"flag:{STROKE_RULE}", "reason": "too-high"}, "Why: For a red flag, choose"),
        ({"target": "rank:stroke", "reason": "wording"}, "Why: For a condition, choose"),
        (
            {"target": "rank:stroke", "reason": "too-high", "comment": "x" * 1001},
            "Comment: The comment can be at most 1,000 characters",
        ),
        (
            {"target": "rank:stroke", "reason": "too-high", "comment": "BP \u202e120"},
            "Comment: Contains a bidirectional override",
        ),
        (
            {"target": "rank:stroke", "reason": "too-high", "comment": "a\x00b"},
            "Comment: Contains a control character",
        ),
        (
            {"target": "rank:stroke", "reason": "too-high", "fingerprint": "0000stale000"},
            "Reference content: The reference content changed",
        ),
        (
            {"target": "rank:stroke", "reason": "too-high", "age": "old"},
            "Age: Age must be a number",
        ),
    ],
    ids=[
        "no-target",
        "no-reason",
        "unknown-reason",
        "unknown-condition",
        "unknown-rule",
        "ranking-reason-for-a-flag",
        "flag-reason-for-a-condition",
        "comment-too-long",
        "comment-bidi",
        "comment-control",
        "stale-content",
        "bad-age",
    ],
)
def test_invalid_disagreements_are_400_with_the_problem_named(
    signed_in: Client, fields: dict[str, str], named: str
):
    response = signed_in.post("/disagreements/new/", checklist_form(**fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert named in html and not Disagreement.objects.exists()
    assert "<b>bogus</b>" not in html  # what was sent is never echoed as markup


def test_the_error_page_keeps_the_choices_and_the_comment_escaped(signed_in: Client):
    comment = "<script>alert(1)</script> " + "y" * 1000
    response = signed_in.post(
        "/disagreements/new/",
        checklist_form(target="rank:bells-palsy", reason="too-low", comment=comment),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )
    assert (
        'value="rank:bells-palsy" selected' in html and 'value="too-low" required checked' in html
    )
    assert 'name="onset-sudden" value="present"' in html  # a resend keeps the findings


def test_comment_never_reaches_a_url_or_a_log_line(
    signed_in: Client, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    responses: list[Any] = [
        signed_in.post(
            "/disagreements/new/",
            checklist_form(target="rank:bells-palsy", reason="too-low", comment=SECRET),
        ),
        signed_in.post(
            "/disagreements/new/",
            checklist_form(target="rank:bells-palsy", reason="wording", comment=SECRET),
        ),
        signed_in.post(
            "/disagreements/new/",
            checklist_form(target="rank:bells-palsy", reason="too-low", comment=SECRET + "\x01"),
        ),
    ]
    assert [r.status_code for r in responses] == [302, 400, 400]
    assert SECRET not in responses[0]["Location"]
    for record in caplog.records:
        assert SECRET not in record.getMessage() and SECRET not in str(record.args)
    assert Disagreement.objects.get().comment == SECRET


def test_the_checklist_includes_the_form_in_the_live_fragment(signed_in: Client):
    html = signed_in.get("/differential/", {**STROKE, "fragment": "1"}).content.decode()
    assert 'action="/disagreements/new/"' in html
