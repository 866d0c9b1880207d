"""The Content-Security-Policy header: on every kind of response, strict, no inline code.

The browser side (nothing on any page is blocked by it) is
tests/browser/test_accessibility.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in parsed, f"{name} given twice"
        parsed[name] = values
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/differential/?onset-sudden=present&facial-weakness=present",
        "/accounts/login/",
        "/api/v1/docs/",
        "/api/v1/conditions/",
        "/admin/login/",
    ],
)
def test_every_response_carries_the_strict_policy(client: Client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response
    assert directives(response["Content-Security-Policy"]) == EXPECTED


@pytest.mark.django_db
def test_the_policy_allows_no_inline_code_eval_or_nonce(client: Client):
    header = client.get("/")["Content-Security-Policy"]
    for forbidden in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'nonce-", "*"):
        assert forbidden not in header


@pytest.mark.django_db
def test_swagger_ui_is_the_split_view_with_no_inline_script(client: Client):
    page = client.get("/api/v1/docs/").content.decode()
    assert '<html lang="en">' in page
    assert re.search(r"<script\b(?![^>]*\bsrc=)", page) is None, "an inline <script>"
    assert "<style" not in page and "style=" not in page
    init = client.get("/api/v1/docs/?script=")
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in init.content.decode()


def test_no_template_of_a_page_has_inline_style_or_script():
    """The printed handout is no browser page: WeasyPrint reads its own <style>."""
    templates = Path(settings.BASE_DIR, "templates")
    inline = re.compile(
        r"\sstyle=|<style\b|<script\b(?![^>]*\bsrc=)|\son[a-z]+=|javascript:", re.I
    )
    found = [
        f"{path.relative_to(templates)}: {match.group(0).strip()}"
        for path in templates.rglob("*.html")
        if path.parent.name != "handouts"
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found
