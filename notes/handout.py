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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import override
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reference.models import Belief, Condition

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "es")
PAPERS = ("a4", "letter")
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
TEMPLATE = "handouts/handout.html"
STYLESHEET = "handouts/handout.css"
# Not a real scheme: relative URLs in the template resolve against it and only the
# fetcher below knows what it means.
BASE_URL = "handout:/"
STATIC_DIR = Path(settings.BASE_DIR) / "static"

# The beliefs patients ask about most, answered on every handout, in this order.
HANDOUT_BELIEF_SLUGS = (
    "lip-twitching-superstition",
    "stress-caffeine-cause-twitching",
    "magnesium-supplements-stop-twitching",
    "sedatives-tranquilizers-for-twitching",
    "scans-and-tests-for-every-twitch",
    "homeopathy-for-twitching",
)


@dataclass(frozen=True)
class HandoutBelief:
    """A common belief, its verdict and the plain-language answer."""

    claim: str
    verdict: str
    answer: str


@dataclass(frozen=True)
class HandoutContent:
    """Everything a handout shows, already in the chosen language."""

    language: str  # "en" or "es"
    condition_slug: str
    condition_name: str  # in the chosen language
    explanation: str  # Condition.patient_text in the chosen language
    urgency: str  # emergency|urgent|soon|routine
    # The clinician's advice for the patient (the note's follow_up_advice), free text that
    # may be empty. The clinician's own notes for the record never reach a handout.
    follow_up: str
    clinician_name: str
    clinic_name: str
    date: datetime.date
    reference_version: str
    beliefs: tuple[HandoutBelief, ...]


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


def handout_content_build(
    *,
    condition_slug: str,
    language: str,
    follow_up: str,
    clinician_name: str,
    clinic_name: str,
    date: datetime.date,
    reference_version: str,
) -> HandoutContent:
    """Build a handout's content from the reference in two queries, English as fallback."""
    _check(language=language)
    condition = Condition.objects.get(slug=condition_slug)
    found = {b.slug: b for b in Belief.objects.filter(slug__in=HANDOUT_BELIEF_SLUGS)}
    beliefs = tuple(
        HandoutBelief(
            claim=_text(b.translations, language, "claim", b.claim),
            verdict=b.verdict,
            answer=_text(b.translations, language, "patient_text", b.patient_text),
        )
        for b in (found[slug] for slug in HANDOUT_BELIEF_SLUGS if slug in found)
    )
    return HandoutContent(
        language=language,
        condition_slug=condition.slug,
        condition_name=_text(condition.translations, language, "name", condition.name),
        explanation=_text(
            condition.translations, language, "patient_text", condition.patient_text
        ),
        urgency=condition.urgency,
        follow_up=follow_up.strip(),
        clinician_name=clinician_name,
        clinic_name=clinic_name,
        date=date,
        reference_version=reference_version,
        beliefs=beliefs,
    )


def _fixture(name: str) -> Any:
    with (Path(settings.REFERENCE_FIXTURES_DIR) / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def handout_sample(*, language: str = "en") -> HandoutContent:
    """A realistic handout built from the fixture files, without the database."""
    _check(language=language)
    slug = "benign-fasciculation"
    condition = _fixture(f"conditions/{slug}.json")
    beliefs = {b["slug"]: b for b in _fixture("beliefs.json")}
    es = _fixture("translations/es.json") if language == "es" else {}
    condition_tr = {language: es.get("conditions", {}).get(slug, {})}

    def belief(slug: str) -> HandoutBelief:
        b = beliefs[slug]
        tr = {language: es.get("beliefs", {}).get(slug, {})}
        return HandoutBelief(
            claim=_text(tr, language, "claim", b["claim"]),
            verdict=b["verdict"],
            answer=_text(tr, language, "patient_text", b["patient_text"]),
        )

    follow_up = {
        "en": (
            "Your examination today was normal. Cut down to one cup of coffee a day. "
            "Come back in 6 weeks if the twitch has not settled, or sooner if it spreads."
        ),
        "es": (
            "Su exploración de hoy fue normal. Tome como mucho una taza de café al día. "
            "Vuelva en 6 semanas si el temblor no ha mejorado, o antes si se extiende."
        ),
    }
    return HandoutContent(
        language=language,
        condition_slug=slug,
        condition_name=_text(condition_tr, language, "name", condition["name"]),
        explanation=_text(condition_tr, language, "patient_text", condition["patient_text"]),
        urgency=condition["urgency"],
        follow_up=follow_up[language],
        clinician_name="Dr Ana Rivera",
        clinic_name="Riverside Family Practice",
        date=datetime.date(2026, 11, 22),
        reference_version=_fixture("version.json")["version"],
        beliefs=tuple(belief(s) for s in HANDOUT_BELIEF_SLUGS if s in beliefs),
    )


def handout_html(*, content: HandoutContent, paper: str, large_print: bool) -> str:
    """Render the handout template to HTML in the content's language."""
    _check(language=content.language, paper=paper)
    with override(content.language):
        return render_to_string(
            TEMPLATE,
            {
                "content": content,
                "paper": paper,
                "page_size": PAGE_SIZES[paper],
                "large_print": large_print,
            },
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
