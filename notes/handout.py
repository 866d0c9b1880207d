"""The patient handout: content from the reference, HTML from a template, PDF from WeasyPrint.

`handout_render` is the one place that calls WeasyPrint. Only the project's own template
reaches it, and its URL fetcher serves files from `static/` and refuses everything else,
so rendering never touches the network or any other file.
"""

import datetime
import functools
import json
import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import override
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from notes.models import Note
from reference.differential import stored_differential_read
from reference.models import URGENCY_ORDER, Belief, Condition

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "es")
PAPERS = ("a4", "letter")
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
TEMPLATE = "handouts/handout.html"
BODY_TEMPLATE = "handouts/_body.html"
STYLESHEET = "handouts/handout.css"
# Not a real scheme: relative URLs in the template resolve against it and only the
# fetcher below knows what it means.
BASE_URL = "handout:/"
STATIC_DIR = Path(settings.BASE_DIR) / "static"

# Beliefs answer a handout when their `conditions` name its working diagnosis (the
# fixtures map them). Only when none maps, and only on a handout that is not urgent, these
# general answers about lip twitching stand in: a stroke or anaphylaxis handout never
# carries lip-twitch myths.
GENERAL_BELIEF_SLUGS = (
    "lip-twitching-superstition",
    "stress-caffeine-cause-twitching",
    "magnesium-supplements-stop-twitching",
    "scans-and-tests-for-every-twitch",
)
GENERAL_BELIEF_URGENCIES = ("soon", "routine")
# At most this many beliefs, and this many red-flag reasons, fit the page budget.
BELIEF_BUDGET = 4
# An urgent handout is about what to do today: fewer beliefs, so it still fits.
URGENT_BELIEF_BUDGET = 1
REASON_BUDGET = 3
# Visual aids (static/handouts/*.svg) and their text alternatives live in the template.
VISUAL_FILES = {
    "fast": ("fast-face", "fast-arm", "fast-speech", "fast-time"),
    "eye-care": ("eye-drops", "eye-night", "eye-red"),
}


@dataclass(frozen=True)
class HandoutBelief:
    """A common belief, its verdict and the plain-language answer."""

    claim: str
    verdict: str
    answer: str


@dataclass(frozen=True)
class HandoutTreatment:
    """A treatment that works, in plain words, with its SORT grade."""

    text: str
    grade: str


@dataclass(frozen=True)
class HandoutReason:
    """Why this handout is urgent: a red flag that fired, in the patient's words.

    `text` is empty when the content has no patient wording for the flag; the template
    then names the condition it warns of.
    """

    text: str
    urgency: str
    condition_name: str


@dataclass(frozen=True)
class HandoutSections:
    """A condition's curated patient content (Condition.patient), in the chosen language."""

    what_it_is: tuple[str, ...]
    course: tuple[str, ...]
    tests: tuple[str, ...]
    treatments: tuple[HandoutTreatment, ...]
    today: tuple[str, ...]
    come_back: tuple[str, ...]
    danger_signs: tuple[str, ...]
    tool: str  # "diary", "checklist" (ticked each day) or "form" (filled in once)
    tool_items: tuple[str, ...]
    visuals: tuple[str, ...]


@dataclass(frozen=True)
class HandoutContent:
    """Everything a handout shows, already in the chosen language."""

    language: str  # "en" or "es"
    condition_slug: str
    condition_name: str  # in the chosen language
    explanation: str  # Condition.patient_text: shown only when there are no sections
    # The handout's urgency: the condition's, raised by any red flag that fired.
    urgency: str  # emergency|urgent|soon|routine
    # The clinician's advice for the patient (the note's follow_up_advice), free text that
    # may be empty. The clinician's own notes for the record never reach a handout.
    follow_up: str
    clinician_name: str
    clinic_name: str
    date: datetime.date
    reference_version: str
    beliefs: tuple[HandoutBelief, ...]
    sections: HandoutSections | None = None
    # What the clinician wants the patient to read (the note's patient_instructions).
    instructions: str = ""
    patient_label: str = ""
    reasons: tuple[HandoutReason, ...] = ()


class HandoutFetchRefused(ValueError):
    """A handout asked for a resource outside the project's static files."""


class HandoutURLFetcher(URLFetcher):
    """Serve only files under `static/`; refuse the network and every other path."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return a static file's bytes, or raise HandoutFetchRefused (WeasyPrint skips it)."""
        path = handout_static_path(url=url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def handout_static_path(*, url: str) -> Path:
    """Map a `handout:` or relative URL to a file inside static/, or refuse it."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "handout") or parts.netloc:
        logger.warning("Handout fetch refused: %s", url[:200])
        raise HandoutFetchRefused(f"refused: {url[:200]}")
    relative = unquote(parts.path).lstrip("/").removeprefix("static/")
    root = STATIC_DIR.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        logger.warning("Handout fetch refused: %s", url[:200])
        raise HandoutFetchRefused(f"refused: {url[:200]}")
    return path


FONT_CONFIG = FontConfiguration()
URL_FETCHER = HandoutURLFetcher()


@functools.cache
def _stylesheet() -> CSS:
    # Parsed once per process and shared by every render.
    return CSS(
        filename=str(STATIC_DIR / STYLESHEET),
        font_config=FONT_CONFIG,
        url_fetcher=URL_FETCHER,
    )


def _text(translations: dict[str, Any], language: str, field: str, english: str) -> str:
    value = translations.get(language, {}).get(field) if language != "en" else None
    return value if isinstance(value, str) and value.strip() else english


def _check(*, language: str, paper: str | None = None) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    if paper is not None and paper not in PAPERS:
        raise ValueError(f"paper must be one of {PAPERS}, not {paper!r}")


def _sections(patient: dict[str, Any], translated: Any, language: str) -> HandoutSections | None:
    """The curated sections in `language`; English wherever a translation is missing."""
    if not patient:
        return None
    tr: dict[str, Any] = translated if language != "en" and isinstance(translated, dict) else {}

    def lines(name: str) -> tuple[str, ...]:
        english = list(patient.get(name, []))
        ours = tr.get(name)
        # The loader checks a translation is complete, one for one; a curator's half-done
        # edit falls back to the English as a whole rather than mixing languages.
        return tuple(ours if isinstance(ours, list) and len(ours) == len(english) else english)

    english_treatments = patient.get("treatments", [])
    texts = tr.get("treatments")
    if not (isinstance(texts, list) and len(texts) == len(english_treatments)):
        texts = [t["text"] for t in english_treatments]
    return HandoutSections(
        what_it_is=lines("what_it_is"),
        course=lines("course"),
        tests=lines("tests"),
        treatments=tuple(
            HandoutTreatment(text=text, grade=t["grade"])
            for text, t in zip(texts, english_treatments, strict=True)
        ),
        today=lines("today"),
        come_back=lines("come_back"),
        danger_signs=lines("danger_signs"),
        tool=patient.get("tool", "diary"),
        tool_items=lines("tool_items"),
        visuals=tuple(v for v in patient.get("visuals", []) if v in VISUAL_FILES),
    )


def _flag_reason(condition: Any, rule: str, language: str) -> str:
    english = (condition.patient or {}).get("flag_reasons", {}).get(rule, "")
    translated = condition.translations.get(language, {}).get("patient") or {}
    if language != "en" and english:
        return str(translated.get("flag_reasons", {}).get(rule) or english)
    return str(english)


def _urgency_most(*urgencies: str) -> str:
    return min(urgencies, key=lambda u: URGENCY_ORDER.get(u, len(URGENCY_ORDER)))


def handout_content_build(
    *,
    condition_slug: str,
    language: str,
    follow_up: str,
    clinician_name: str,
    clinic_name: str,
    date: datetime.date,
    reference_version: str,
    instructions: str = "",
    patient_label: str = "",
    red_flags: Sequence[dict[str, Any]] = (),
) -> HandoutContent:
    """Build a handout's content from the reference in two queries, English as fallback.

    `red_flags` are the note's stored flags (rule, condition, urgency): they raise the
    handout's urgency and open it with their reasons, most urgent first.
    """
    _check(language=language)
    flags = sorted(
        (f for f in red_flags if f.get("urgency") in ("emergency", "urgent")),
        key=lambda f: URGENCY_ORDER.get(f["urgency"], 9),
    )[:REASON_BUDGET]
    slugs = {condition_slug, *(f["condition"] for f in flags)}
    conditions = {c.slug: c for c in Condition.objects.filter(slug__in=slugs)}
    condition = conditions.get(condition_slug)
    if condition is None:
        raise Condition.DoesNotExist(f"No condition {condition_slug!r}.")
    urgency = _urgency_most(condition.urgency, *(f["urgency"] for f in flags))
    # One query for both the mapped beliefs and the general ones that may stand in.
    mapped = Exists(
        Belief.conditions.through.objects.filter(
            belief_id=OuterRef("pk"), condition__slug=condition_slug
        )
    )
    candidates = list(
        Belief.objects.annotate(mapped=mapped)
        .filter(Q(mapped=True) | Q(slug__in=GENERAL_BELIEF_SLUGS))
        .order_by("order", "slug")
    )
    chosen = [b for b in candidates if b.mapped]
    if urgency == "emergency":
        # An emergency handout is about the emergency: no myths, and no reassurance that
        # could read as a reason to wait (issue 10: the stroke handout carried them).
        chosen = []
    elif not chosen and urgency in GENERAL_BELIEF_URGENCIES:
        general = {b.slug: b for b in candidates}
        chosen = [general[s] for s in GENERAL_BELIEF_SLUGS if s in general]
    beliefs = tuple(
        HandoutBelief(
            claim=_text(b.translations, language, "claim", b.claim),
            verdict=b.verdict,
            answer=_text(b.translations, language, "patient_text", b.patient_text),
        )
        for b in chosen[: URGENT_BELIEF_BUDGET if urgency == "urgent" else BELIEF_BUDGET]
    )
    reasons = tuple(
        HandoutReason(
            text=_flag_reason(conditions[f["condition"]], f["rule"], language)
            if f["condition"] in conditions
            else "",
            urgency=f["urgency"],
            condition_name=_text(
                conditions[f["condition"]].translations,
                language,
                "name",
                conditions[f["condition"]].name,
            )
            if f["condition"] in conditions
            else str(f.get("condition_name", "")),
        )
        for f in flags
    )
    return HandoutContent(
        language=language,
        condition_slug=condition.slug,
        condition_name=_text(condition.translations, language, "name", condition.name),
        explanation=_text(
            condition.translations, language, "patient_text", condition.patient_text
        ),
        urgency=urgency,
        follow_up=follow_up.strip(),
        clinician_name=clinician_name,
        clinic_name=clinic_name,
        date=date,
        reference_version=reference_version,
        beliefs=beliefs,
        sections=_sections(
            condition.patient or {},
            condition.translations.get(language, {}).get("patient"),
            language,
        ),
        instructions=instructions.strip(),
        patient_label=patient_label.strip(),
        reasons=_unique(reasons),
    )


def _unique(reasons: tuple[HandoutReason, ...]) -> tuple[HandoutReason, ...]:
    # Several rules of one condition can share a patient sentence; say it once.
    seen: set[tuple[str, str]] = set()
    out = []
    for r in reasons:
        if (r.text, r.condition_name) not in seen:
            seen.add((r.text, r.condition_name))
            out.append(r)
    return tuple(out)


def handout_content_for_note(*, note: Note, language: str) -> HandoutContent:
    """The handout content for a note: its working diagnosis, red flags and patient text."""
    owner = note.owner
    return handout_content_build(
        condition_slug=note.working_diagnosis,
        language=language,
        follow_up=note.follow_up_advice,
        clinician_name=owner.get_full_name() or owner.get_username(),
        clinic_name=note.clinic_name,
        date=timezone.localdate(note.finalized_at or note.updated_at),
        reference_version=note.reference_version,
        instructions=note.patient_instructions,
        patient_label=note.patient_label,
        red_flags=stored_differential_read(note.result).get("red_flags", []),
    )


def _fixture(name: str) -> Any:
    with (Path(settings.REFERENCE_FIXTURES_DIR) / name).open(encoding="utf-8") as fh:
        return json.load(fh)


SAMPLE_ADVICE = {
    "en": (
        "Your examination today was normal. Cut down to one cup of coffee a day. "
        "Come back in 6 weeks if the twitch has not settled, or sooner if it spreads."
    ),
    "es": (
        "Su exploración de hoy fue normal. Tome como mucho una taza de café al día. "
        "Vuelva en 6 semanas si la contracción no ha mejorado, o antes si se extiende."
    ),
}


def handout_sample(*, language: str = "en", slug: str = "benign-fasciculation") -> HandoutContent:
    """A realistic handout built from the fixture files, without the database."""
    _check(language=language)
    condition = _fixture(f"conditions/{slug}.json")
    beliefs = {b["slug"]: b for b in _fixture("beliefs.json")}
    es = _fixture("translations/es.json") if language == "es" else {}
    condition_tr = {language: es.get("conditions", {}).get(slug, {})}
    mapped = [s for s, b in beliefs.items() if slug in b.get("conditions", [])]
    if condition["urgency"] == "emergency":
        mapped = []  # as in handout_content_build: an emergency handout answers no myths
    elif not mapped and condition["urgency"] in GENERAL_BELIEF_URGENCIES:
        mapped = [s for s in GENERAL_BELIEF_SLUGS if s in beliefs]

    def belief(slug: str) -> HandoutBelief:
        b = beliefs[slug]
        tr = {language: es.get("beliefs", {}).get(slug, {})}
        return HandoutBelief(
            claim=_text(tr, language, "claim", b["claim"]),
            verdict=b["verdict"],
            answer=_text(tr, language, "patient_text", b["patient_text"]),
        )

    return HandoutContent(
        language=language,
        condition_slug=slug,
        condition_name=_text(condition_tr, language, "name", condition["name"]),
        explanation=_text(condition_tr, language, "patient_text", condition["patient_text"]),
        urgency=condition["urgency"],
        follow_up=SAMPLE_ADVICE[language],
        clinician_name="Dr Ana Rivera",
        clinic_name="Riverside Family Practice",
        date=datetime.date(2026, 11, 22),
        reference_version=_fixture("version.json")["version"],
        beliefs=tuple(
            belief(s)
            for s in mapped[
                : URGENT_BELIEF_BUDGET if condition["urgency"] == "urgent" else BELIEF_BUDGET
            ]
        ),
        sections=_sections(
            condition.get("patient") or {}, condition_tr[language].get("patient"), language
        ),
        patient_label="A.R. 0042",
    )


def _context(
    *, content: HandoutContent, paper: str, large_print: bool, screen: bool, id_prefix: str = ""
) -> dict[str, Any]:
    visuals = content.sections.visuals if content.sections else ()
    return {
        "content": content,
        "paper": paper,
        "page_size": PAGE_SIZES[paper],
        "large_print": large_print,
        # The PDF resolves images against the handout fetcher; a page, against STATIC_URL.
        "visual_urls": {
            name.replace("-", "_"): static(path) if screen else path
            for v in visuals
            for name in VISUAL_FILES[v]
            for path in (f"handouts/{name}.svg",)
        },
        "diary_rows": range(4 if large_print else 5),
        "checklist_days": range(1, 8),
        # On a page the body sits inside the site's own <main>, beside other previews.
        "screen": screen,
        "id_prefix": id_prefix,
    }


def handout_html(*, content: HandoutContent, paper: str, large_print: bool) -> str:
    """Render the handout template to HTML in the content's language."""
    _check(language=content.language, paper=paper)
    with override(content.language):
        return render_to_string(
            TEMPLATE,
            _context(content=content, paper=paper, large_print=large_print, screen=False),
        )


def handout_body_html(*, content: HandoutContent, id_prefix: str = "") -> str:
    """The handout's body as HTML for a page: the same partial the PDF prints."""
    _check(language=content.language)
    with override(content.language):
        return render_to_string(
            BODY_TEMPLATE,
            _context(
                content=content, paper="a4", large_print=False, screen=True, id_prefix=id_prefix
            ),
        )


def note_handout_body_html(*, note: Note, language: str = "en") -> str:
    """The preview of a note's handout, exactly the body that prints, for the note page."""
    return handout_body_html(
        content=handout_content_for_note(note=note, language=language),
        id_prefix=f"preview-{language}-",
    )


def _pdf_write(*, html: str, url_fetcher: HandoutURLFetcher = URL_FETCHER) -> bytes:
    # Only handout_render (and the tests of the fetcher) call this.
    pdf: bytes = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher).write_pdf(
        stylesheets=[_stylesheet()],
        font_config=FONT_CONFIG,
        pdf_variant="pdf/ua-1",
    )
    return pdf


def handout_render(*, content: HandoutContent, paper: str, large_print: bool) -> bytes:
    """Render a handout to tagged PDF bytes (PDF/UA-1); the one entry point to WeasyPrint."""
    _check(language=content.language, paper=paper)
    return _pdf_write(html=handout_html(content=content, paper=paper, large_print=large_print))
