"""Findings carry synonyms: in the fixtures, through the loader and back out unchanged."""

import json

import pytest
from django.conf import settings

from reference.content import row_normalise
from reference.loading import reference_problems, reference_read
from reference.snapshot import snapshot_build

pytestmark = pytest.mark.django_db


def test_every_shipped_finding_has_lay_or_clinical_synonyms():
    findings = json.loads((settings.REFERENCE_FIXTURES_DIR / "findings.json").read_text())
    assert len(findings) == 80
    for f in findings:
        assert len(f["synonyms"]) >= 3, f["slug"]
        assert f["synonyms"] == sorted(set(f["synonyms"]), key=lambda w: (w.casefold(), w))
    by_slug = {f["slug"]: f["synonyms"] for f in findings}
    assert {"face drooping", "droop", "Bell palsy"} <= set(by_slug["facial-weakness"])
    assert "eyelid twitch" in by_slug["starts-around-eye"]
    assert "lockjaw" in by_slug["trismus-or-risus"]


def test_synonyms_are_sorted_without_repeats_and_omitted_when_empty():
    row = {"slug": "x", "label": "X", "question": "?", "category": "sign", "order": 1}
    assert "synonyms" not in row_normalise("finding", row)
    assert "synonyms" not in row_normalise("finding", {**row, "synonyms": []})
    assert row_normalise("finding", {**row, "synonyms": ["droop", "Bell palsy", "droop"]})[
        "synonyms"
    ] == ["Bell palsy", "droop"]


def test_the_loader_refuses_synonyms_that_are_not_a_list_of_words():
    content = reference_read(directory=settings.REFERENCE_FIXTURES_DIR)
    content.findings[0]["synonyms"] = "droop"
    content.findings[1]["synonyms"] = ["", "ok"]
    problems = reference_problems(content=content)
    assert sum("synonyms must be a list of words" in p for p in problems) == 2


def test_the_snapshot_carries_synonyms_but_the_fingerprint_ignores_them():
    from reference.models import Finding

    before = snapshot_build()
    assert "droop" in before.findings["facial-weakness"].synonyms
    assert "lockjaw" in before.condition_synonyms["tetanus"]
    Finding.objects.filter(slug="facial-weakness").update(synonyms=["something else"])
    after = snapshot_build()
    assert after.findings["facial-weakness"].synonyms == ("something else",)
    assert after.fingerprint == before.fingerprint
