"""The patient handout: content, PDF structure, page size, language, readability, fetching."""

import datetime
import io
import re
import socket
from typing import Any

import pytest
from pypdf import PdfReader

from notes.handout import (
    GENERAL_BELIEF_SLUGS,
    HandoutFetchRefused,
    HandoutURLFetcher,
    _pdf_write,
    handout_content_build,
    handout_html,
    handout_render,
    handout_sample,
)
from reference.models import Belief, Condition

A4 = (595, 842)
LETTER = (612, 792)


def build(slug: str, language: str = "en") -> Any:
    return handout_content_build(
        condition_slug=slug,
        language=language,
        follow_up="",
        clinician_name="Dr Test",
        clinic_name="Test Clinic",
        date=datetime.date(2026, 11, 22),
        reference_version="2026.1",
    )


def pdf_text(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def catalog(reader: PdfReader) -> Any:
    return reader.trailer["/Root"]


def media_box(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.django_db
def test_content_build_uses_a_constant_number_of_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        content = build("benign-fasciculation", "es")
    assert len(content.beliefs) == len(GENERAL_BELIEF_SLUGS)
    with django_assert_num_queries(2):
        content = build("stroke", "es")
    assert content.condition_name.startswith("Ictus")


@pytest.mark.django_db
def test_content_build_answers_the_beliefs_patients_ask_about():
    claims = " ".join(b.claim for b in build("benign-fasciculation").beliefs).lower()
    for word in ("kiss", "magnesium", "coffee", "mri"):
        assert word in claims


@pytest.mark.django_db
def test_missing_translation_falls_back_to_english():
    Condition.objects.filter(slug="tetanus").update(translations={})
    content = build("tetanus", "es")
    tetanus = Condition.objects.get(slug="tetanus")
    assert content.condition_name == tetanus.name
    assert content.explanation == tetanus.patient_text


@pytest.mark.django_db
def test_spanish_handout_renders_spanish_text():
    reader = read(handout_render(content=build("stroke", "es"), paper="a4", large_print=False))
    text = pdf_text(reader)
    assert "Emergencia: pida ayuda ahora" in text
    assert "Llame ahora a emergencias" in text
    assert "de noviembre de 2026" in text
    assert catalog(reader)["/Lang"] == "es"


def test_pdf_is_tagged_with_title_and_language():
    reader = read(handout_render(content=handout_sample(), paper="a4", large_print=False))
    root = catalog(reader)
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata is not None
    assert str(reader.metadata.title).startswith("Benign fasciculation")


def test_paper_sets_the_media_box():
    content = handout_sample()
    letter = read(handout_render(content=content, paper="letter", large_print=False))
    a4 = read(handout_render(content=content, paper="a4", large_print=False))
    assert media_box(letter) == LETTER
    assert media_box(a4) == A4


def test_large_print_gives_more_pages():
    content = handout_sample()
    normal = read(handout_render(content=content, paper="a4", large_print=False))
    large = read(handout_render(content=content, paper="a4", large_print=True))
    assert len(normal.pages) <= 2
    assert len(large.pages) > len(normal.pages)


def test_sample_in_spanish_uses_the_translation_catalogue():
    page = handout_html(content=handout_sample(language="es"), paper="a4", large_print=True)
    assert '<html lang="es"' in page
    assert "Qué puede hacer hoy" in page
    assert 'class="paper-a4 large"' in page


def test_clinician_text_is_escaped():
    content = handout_sample()
    content = type(content)(**{**content.__dict__, "follow_up": "<img src=x>"})
    page = handout_html(content=content, paper="a4", large_print=False)
    assert "<img src=x>" not in page
    assert "&lt;img src=x&gt;" in page


@pytest.mark.parametrize(("paper", "language"), [("a5", "en"), ("a4", "fr")])
def test_unknown_paper_or_language_is_refused(paper, language):
    content = handout_sample()
    content = type(content)(**{**content.__dict__, "language": language})
    with pytest.raises(ValueError):
        handout_render(content=content, paper=paper, large_print=False)


def test_fetcher_serves_only_static_files():
    fetcher = HandoutURLFetcher()
    response = fetcher.fetch("handout:/handouts/handout.css")
    assert b"@page" in response.read()
    response.close()
    for url in (
        "http://example.com/x.png",
        "https://example.com/x.css",
        "file:///etc/passwd",
        "data:text/plain,hello",
        "/etc/passwd",
        "handout:/../../../etc/passwd",
        "handout:/handouts/../../pyproject.toml",
        "handout://example.com/handouts/handout.css",
    ):
        with pytest.raises(HandoutFetchRefused):
            fetcher.fetch(url)


class RecordingFetcher(HandoutURLFetcher):
    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        try:
            return super().fetch(url, headers)
        except HandoutFetchRefused:
            self.refused.append(url)
            raise


def test_outside_urls_in_a_page_fetch_nothing(monkeypatch):
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access while rendering")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    page = handout_html(content=handout_sample(), paper="a4", large_print=False).replace(
        "<main>",
        '<main><img src="http://example.com/x.png" alt="">'
        '<img src="file:///etc/passwd" alt="">'
        '<link rel="stylesheet" href="https://example.com/evil.css">',
    )
    fetcher = RecordingFetcher()
    pdf = _pdf_write(html=page, url_fetcher=fetcher)
    assert pdf.startswith(b"%PDF")
    assert "http://example.com/x.png" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert "/etc/passwd" not in pdf_text(read(pdf))


@pytest.mark.django_db
def test_every_condition_and_handout_belief_has_a_spanish_translation():
    for condition in Condition.objects.all():
        es = condition.translations.get("es", {})
        assert es.get("name") and es.get("patient_text"), condition.slug
    for belief in Belief.objects.all():
        es = belief.translations.get("es", {})
        assert es.get("claim") and es.get("patient_text"), belief.slug


@pytest.mark.django_db
def test_the_handout_cache_is_the_shared_cache_when_one_is_configured(
    django_capture_on_commit_callbacks,
):
    """With REQUIRE_SHARED_CACHE (the PostgreSQL + Redis run), a finalized handout is in Redis."""
    import os

    from django.conf import settings
    from django.contrib.auth.models import User

    from notes import services

    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REQUIRE_SHARED_CACHE"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
    user = User.objects.create_user("alice", password="correct-horse-battery")
    note = services.note_create(owner=user, present=["fever"])
    with django_capture_on_commit_callbacks(execute=True):
        note = services.note_finalize(note=note, user=user)
    key = services.handout_cache_key(note=note, language="en", paper="a4", large_print=False)
    if backend.endswith("RedisCache"):
        import redis

        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        keys: Any = client.keys("*handout*")
        assert any(key in k.decode() for k in keys)
    pdf = services.note_handout_pdf(note=note, language="en", paper="a4")
    assert pdf.startswith(b"%PDF")
