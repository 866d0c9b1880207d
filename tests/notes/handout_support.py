"""Helpers shared by the handout tests: build from the real content, read PDFs back."""

import datetime
import html
import io
import re
from typing import Any

from pypdf import PdfReader

from notes.handout import HandoutContent, handout_content_build
from notes.models import HANDOUT_TEXT_MAX, PATIENT_LABEL_MAX
from reference.models import URGENCY_ORDER, Condition

# The longest text a clinician can put on a handout: both fields at their limit.
LONGEST = ("Take one tablet each morning with food and rest your face. " * 20)[:HANDOUT_TEXT_MAX]
LABEL = "X" * PATIENT_LABEL_MAX
# What page 1 must show: the box's heading and its last line, in each language.
EMERGENCY_HEADING = {"en": "Emergency: get help now", "es": "Emergencia: pida ayuda ahora"}
DANGER_HEADING = {"en": "When to call emergency services", "es": "Cuándo llamar a emergencias"}
DANGER_LAST_LINE = {"en": "throat or tongue swells", "es": "garganta o la lengua"}
CALL_LINE = {"en": "Do not drive yourself.", "es": "No conduzca usted."}


def flags_of(slug: str, limit: int = 3) -> list[dict[str, Any]]:
    """The condition's most urgent red flags, as a note stores them."""
    rules = Condition.objects.get(slug=slug).red_flags.all()
    ordered = sorted(rules, key=lambda r: (URGENCY_ORDER[r.urgency], r.slug))[:limit]
    return [{"rule": r.slug, "condition": slug, "urgency": r.urgency} for r in ordered]


def build(
    slug: str,
    language: str = "en",
    *,
    worst_case: bool = False,
    red_flags: list[dict[str, Any]] | None = None,
) -> HandoutContent:
    """A handout from the real content; `worst_case` fills every typed field to its limit."""
    return handout_content_build(
        condition_slug=slug,
        language=language,
        follow_up=LONGEST if worst_case else "",
        instructions=LONGEST if worst_case else "",
        patient_label=LABEL if worst_case else "",
        red_flags=flags_of(slug) if worst_case and red_flags is None else (red_flags or []),
        clinician_name="Dr Test",
        clinic_name="Test Clinic",
        date=datetime.date(2026, 11, 22),
        reference_version="2026.1",
    )


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def page_texts(reader: PdfReader) -> list[str]:
    return [flat(page.extract_text()) for page in reader.pages]


def body_text(page: str) -> str:
    """The handout's own words, as a patient reads them: header, footer and typed text out."""
    page = re.sub(r"<(header|footer)>.*?</\1>", "", page, flags=re.S)
    page = re.sub(r'<p class="typed">.*?</p>', "", page, flags=re.S)
    page = re.sub(r"<(thead)>.*?</\1>", "", page, flags=re.S)
    parts = re.findall(r"<(p|li|dt|dd|h2|figcaption)[^>]*>(.*?)</\1>", page, flags=re.S)
    sentences = []
    for _, text in parts:
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        text = flat(text).strip()
        if text and text[-1] not in ".!?:":
            text += "."  # a heading or a caption is a sentence of its own
        sentences.append(text)
    return " ".join(sentences)
