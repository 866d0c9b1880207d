"""Every handout fits its page budget, with the emergency box on page 1, in every format.

The PDFs are rendered at the worst case a clinician can produce (patient instructions and
follow-up advice at their length limit, the longest patient label, the condition's most
urgent red flags fired) and parsed back with pypdf. The full matrix (both languages, A4
and Letter, normal and large print) runs for every condition that is an emergency and for
a sample of the rest; every other condition runs on Letter, the shorter page, in both
languages and both sizes.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

from notes.handout import handout_render
from tests.notes.handout_support import (
    CALL_LINE,
    DANGER_HEADING,
    DANGER_LAST_LINE,
    EMERGENCY_HEADING,
    build,
    page_texts,
    read,
)

pytestmark = pytest.mark.django_db

CONDITIONS = {
    p.stem: json.loads(p.read_text())
    for p in sorted((Path(settings.REFERENCE_FIXTURES_DIR) / "conditions").glob("*.json"))
}
EMERGENCIES = sorted(s for s, c in CONDITIONS.items() if c["urgency"] == "emergency")
SAMPLE = ["bells-palsy", "benign-fasciculation", "hemifacial-spasm", "hypocalcemia"]
FULL = EMERGENCIES + SAMPLE
REST = sorted(set(CONDITIONS) - set(FULL))
MAX_PAGES = {False: 2, True: 4}
# A red flag with no patient wording yet is named as "a warning sign of <condition>".
WARNING_SIGN = {"en": "found a warning sign", "es": "una señal de alarma"}


def check_fit(slug: str, language: str, paper: str, large: bool) -> None:
    content = build(slug, language, worst_case=True)
    pages = page_texts(read(handout_render(content=content, paper=paper, large_print=large)))
    where = (slug, language, paper, "large" if large else "normal", len(pages))
    assert len(pages) <= MAX_PAGES[large], where
    first = pages[0]
    if content.urgency == "emergency":
        assert EMERGENCY_HEADING[language] in first, where
        assert CALL_LINE[language] in first, where
        for reason in content.reasons:
            words = reason.text or WARNING_SIGN[language]
            assert words.split()[-1] in first, (where, words)
    else:
        assert DANGER_HEADING[language] in first, where
        assert DANGER_LAST_LINE[language] in first, where


@pytest.mark.parametrize("slug", FULL)
def test_emergencies_and_a_sample_fit_in_every_format_with_the_box_on_page_one(slug: str):
    for language in ("en", "es"):
        for paper in ("a4", "letter"):
            for large in (False, True):
                check_fit(slug, language, paper, large)


@pytest.mark.parametrize("slug", REST)
def test_every_other_condition_fits_on_letter_with_the_box_on_page_one(slug: str):
    for language in ("en", "es"):
        for large in (False, True):
            check_fit(slug, language, "letter", large)
