"""The handout is written for the condition and shaped by the note (issue 10)."""

import re
from typing import Any

import pytest
import textstat
from django.contrib.auth.models import User
from django.test import Client

from notes import services
from notes.handout import (
    BELIEF_BUDGET,
    GENERAL_BELIEF_SLUGS,
    handout_content_for_note,
    handout_html,
    handout_render,
    note_handout_body_html,
)
from reference.models import Belief, Condition
from tests.notes.handout_support import EMERGENCY_HEADING, body_text, build, page_texts, read

pytestmark = pytest.mark.django_db

# Conditions that rarely or never go away by themselves: the course must say so.
LASTING = (
    "hemifacial-spasm",
    "essential-tremor",
    "trigeminal-neuralgia",
    "oromandibular-dystonia",
)
# Spanish handouts never call a twitch a tremor; these conditions are tremors.
TREMORS = ("essential-tremor", "neonatal-tremor", "parkinsons-disease", "rabbit-syndrome")


# Conditions whose curated content is still to be written: their handout falls back to
# the condition's patient_text with the general sections. Remove a slug when its content
# lands; the test below fails if the list is out of date either way.
PENDING: set[str] = set()


def all_slugs() -> list[str]:
    """Every condition with curated content."""
    slugs = Condition.objects.order_by("slug").values_list("slug", flat=True)
    return [s for s in slugs if s not in PENDING]


def page(slug: str, language: str = "en", **kwargs: Any) -> str:
    return handout_html(content=build(slug, language, **kwargs), paper="a4", large_print=False)


def test_every_condition_has_curated_content_in_english_and_spanish_except_the_pending():
    for c in Condition.objects.all():
        if c.slug in PENDING:
            assert not c.patient, f"{c.slug} has content now: take it off PENDING"
            continue
        assert c.patient.get("what_it_is") and c.patient.get("today"), c.slug
        es = c.translations["es"]["patient"]
        assert len(es["today"]) == len(c.patient["today"]), c.slug


@pytest.mark.parametrize("slug", LASTING)
def test_conditions_that_rarely_recover_by_themselves_say_so(slug: str):
    course = " ".join(build(slug).sections.course).lower()  # type: ignore[union-attr]
    assert "by itself" in course or "on its own" in course, course
    assert "rarely" in course or "does not go away" in course or "lifelong" in course, course
    assert "often gets better by itself" not in page(slug)


def test_bells_palsy_gives_steroids_within_72_hours_eye_care_steps_and_a_checklist():
    html = page("bells-palsy")
    assert "72 hours" in html and "strong evidence" in html
    steps = re.search(r'<section class="today">.*?<ol>(.*?)</ol>', html, re.S)
    assert steps and steps.group(1).count("<li>") >= 3
    assert "ointment" in steps.group(1) and "tape" in steps.group(1)
    assert 'class="tool checklist"' in html and "Eye drops during the day" in html
    assert 'src="handouts/eye-drops.svg"' in html and 'alt="Eye drops going into' in html
    assert "Your symptom diary" not in html


def test_stroke_handout_opens_with_the_emergency_shows_fast_and_no_lip_twitch_beliefs():
    content = build("stroke", worst_case=True)
    html = handout_html(content=content, paper="a4", large_print=False)
    assert content.urgency == "emergency" and not content.beliefs
    assert html.index("Emergency: get help now") < html.index("What this is")
    assert "This may be a stroke" in html
    for sign in ("fast-face.svg", "fast-arm.svg", "fast-speech.svg", "fast-time.svg"):
        assert sign in html
    assert "twitch" not in html.lower()


def test_a_fired_red_flag_raises_the_urgency_and_gives_its_reason():
    plain = build("hypocalcemia")
    tetany = [
        {"rule": r.slug, "condition": "hypocalcemia", "urgency": r.urgency}
        for r in Condition.objects.get(slug="hypocalcemia").red_flags.filter(urgency="emergency")
    ][:1]
    flagged = build("hypocalcemia", red_flags=tetany)
    assert plain.urgency == "urgent" and flagged.urgency == "emergency"
    reason = flagged.reasons[0].text
    assert reason
    text = page_texts(read(handout_render(content=flagged, paper="a4", large_print=True)))[0]
    assert EMERGENCY_HEADING["en"] in text and reason.split()[-1] in text
    assert "within a day or two" not in page("hypocalcemia")


def test_treatments_carry_their_grade_and_sources():
    for c in Condition.objects.all():
        for t in c.patient.get("treatments", []):
            assert t["grade"] in "ABC" and t["sources"], c.slug


def test_beliefs_follow_the_mapping_and_fall_back_only_when_none_maps():
    assert [b.claim for b in build("benign-fasciculation").beliefs] == [
        Belief.objects.get(slug=s).claim for s in GENERAL_BELIEF_SLUGS
    ]
    # Hemifacial spasm: its first mapped beliefs, in the order patients are answered in,
    # within the budget; botulinum toxin (its treatment) among them.
    hfs = Condition.objects.get(slug="hemifacial-spasm")
    mapped = [b.claim for b in hfs.beliefs.order_by("order", "slug")][:BELIEF_BUDGET]
    assert [b.claim for b in build("hemifacial-spasm").beliefs] == mapped
    assert Belief.objects.get(slug="botulinum-toxin-for-twitching").claim in mapped
    # With none mapped, a routine handout falls back to the general set; an urgent one
    # gets no general myths, and an emergency handout answers none at all.
    tics = Condition.objects.get(slug="tic-disorder")
    tics.beliefs.clear()
    assert [b.claim for b in build("tic-disorder").beliefs] == [
        Belief.objects.get(slug=s).claim for s in GENERAL_BELIEF_SLUGS
    ]
    Condition.objects.get(slug="acute-dystonic-reaction").beliefs.clear()
    assert not build("acute-dystonic-reaction").beliefs
    assert not build("anaphylaxis").beliefs and not build("stroke").beliefs


def test_note_shapes_the_handout_and_clinician_text_stays_private():
    user = User.objects.create_user("ana", password="correct-horse-battery", first_name="Ana")
    note = services.note_create(
        owner=user,
        present=["facial-weakness", "eye-closure-incomplete", "forehead-weak"],
        working_diagnosis="bells-palsy",
        clinician_text="PRIVATE-CLINICIAN-REMARK",
        patient_instructions="Start prednisolone today.",
        follow_up_advice="Review in one week.",
        patient_label="AB-1234",
    )
    content = handout_content_for_note(note=note, language="en")
    assert content.urgency == "urgent"
    assert any("eye does not close" in r.text for r in content.reasons)
    text = " ".join(
        page_texts(read(services.note_handout_pdf(note=note, language="en", paper="a4")))
    )
    for shown in (
        "Start prednisolone today.",
        "Review in one week.",
        "AB-1234",
        "See a doctor today",
    ):
        assert shown in text
    assert "PRIVATE-CLINICIAN-REMARK" not in text
    assert "PRIVATE-CLINICIAN-REMARK" not in note_handout_body_html(note=note)


def test_note_page_shows_the_preview_of_what_prints_without_a_frame(client: Client):
    user = User.objects.create_user("bo", password="correct-horse-battery")
    note = services.note_create(
        owner=user,
        present=["facial-weakness", "eye-closure-incomplete", "forehead-weak"],
        working_diagnosis="bells-palsy",
        patient_instructions="Start prednisolone today.",
    )
    client.force_login(user)
    body = client.get(f"/notes/{note.pk}/").content.decode()
    assert "Handout preview" in body and "<iframe" not in body
    assert body.count("<main") == 1  # the preview never nests a second main landmark
    assert "Start prednisolone today." in body and "Parálisis de Bell" in body
    preview = note_handout_body_html(note=note)
    assert preview.strip()[:200] in body


def test_english_handouts_read_at_grade_six_or_lower():
    grades = {s: textstat.flesch_kincaid_grade(body_text(page(s))) for s in all_slugs()}
    assert max(grades.values()) <= 6, sorted(grades.items(), key=lambda x: -x[1])[:5]


def test_spanish_handouts_score_65_or_more_on_szigriszt_pazos():
    textstat.set_lang("es")
    try:
        scores = {s: textstat.szigriszt_pazos(body_text(page(s, "es"))) for s in all_slugs()}
    finally:
        textstat.set_lang("en_US")
    assert min(scores.values()) >= 65, sorted(scores.items(), key=lambda x: x[1])[:5]


def test_spanish_handouts_never_say_tremor_for_a_twitch_cure_or_urgent_help():
    for slug in all_slugs():
        content = build(slug, "es")
        text = body_text(page(slug, "es")).lower()
        # A belief's claim may quote a promise of a cure (homeopathy "cures" twitching);
        # everything the handout itself says must say "treat", never "cure".
        for belief in content.beliefs:
            text = text.replace(belief.claim.lower(), "")
        assert "ayuda urgente" not in text, slug
        assert not re.search(r"\bcur(a|an|ar|ará|e)\b", text), slug
        if slug not in TREMORS:
            patient = Condition.objects.get(slug=slug).translations["es"]["patient"]
            assert "temblor" not in str(patient).lower(), slug
