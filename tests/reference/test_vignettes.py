"""Clinical vignettes: realistic presentations ranked by the real reference content.

The cases are data, `fixtures/validation/*.json` (format in its README), shared with
`manage.py validate_reference` and the /validation/ page. Each is what a clinician would
actually tick (a handful of findings present, a few checked and absent, and an age) with
what the result must show: the leading condition and which red-flag rules fire, so a change
to likelihood ratios or rules that distorts a classic presentation shows up here.

These assertions read the files directly and do not use `reference.validation`, so they
check that module's verdicts too (tests/reference/test_validation.py compares the two).
"""

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from reference.differential import Assessment, Differential, differential_compute
from reference.models import URGENCY_ORDER
from reference.snapshot import snapshot_build

pytestmark = pytest.mark.django_db
CASES_DIR = Path(settings.BASE_DIR) / "fixtures" / "validation"
SLUG_LISTS = ("present", "absent", "top3", "red_flags_exact", "red_flags_include")


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def cases() -> list[dict[str, Any]]:
    return [c for path in case_files() for c in json.loads(path.read_text())["cases"]]


def rank(present=(), absent=(), age=None):
    return differential_compute(
        snapshot=snapshot_build(),
        assessment=Assessment(frozenset(present), frozenset(absent), age),
    )


def flags(result: Differential) -> set[str]:
    return {f.rule for f in result.red_flags}


def top(result: Differential, n: int = 4) -> list[tuple[str, float]]:
    return [(r.condition, round(r.probability, 3)) for r in result.differential[:n]]


def failures(expect: dict[str, Any], d: Differential) -> list[str]:
    """What in `expect` does not hold for `d`, one line each (the top 4 are added later)."""
    ranked = [r.condition for r in d.differential]
    probabilities = [r.probability for r in d.differential] + [0.0]
    urgency = {f.rule: f.urgency for f in d.red_flags}
    out = []
    if "top1" in expect and ranked[0] != expect["top1"]:
        out.append(f"leader {ranked[0]}, expected {expect['top1']}")
    if "second" in expect and ranked[1] != expect["second"]:
        out.append(f"second {ranked[1]}, expected {expect['second']}")
    out += [f"{c} not in the top 3" for c in expect.get("top3", []) if c not in ranked[:3]]
    if "top1_probability_above" in expect and not (
        probabilities[0] > expect["top1_probability_above"]
    ):
        out.append(f"leader at {probabilities[0]:.3f}")
    if "top1_lead_above" in expect and not (
        probabilities[0] - probabilities[1] > expect["top1_lead_above"]
    ):
        out.append(f"leader ahead by {probabilities[0] - probabilities[1]:.3f}")
    if "red_flags_exact" in expect and flags(d) != set(expect["red_flags_exact"]):
        out.append(f"red flags {sorted(flags(d))}, expected {sorted(expect['red_flags_exact'])}")
    if not set(expect.get("red_flags_include", [])) <= flags(d):
        out.append(f"red flags {sorted(flags(d))} lack {expect['red_flags_include']}")
    if set(expect.get("red_flags_exclude", [])) & flags(d):
        out.append(f"red flags {sorted(flags(d))} include one of {expect['red_flags_exclude']}")
    for rule, level in expect.get("red_flag_urgency", {}).items():
        if urgency.get(rule) != level:
            out.append(f"red flag {rule} at {urgency.get(rule)}, expected {level}")
    if "top_flag_urgency" in expect:
        most = min(urgency.values(), key=URGENCY_ORDER.__getitem__, default=None)
        if most != expect["top_flag_urgency"]:
            out.append(f"most urgent flag {most}, expected {expect['top_flag_urgency']}")
    return out


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["id"])
def test_vignette(case: dict[str, Any]):
    d = rank(present=case["present"], absent=case["absent"], age=case["age"])
    problems = failures(case, d)
    alternatives = [failures(a, d) for a in case.get("any_of", [])]
    if alternatives and all(alternatives):
        problems.append(f"none of the alternatives holds: {alternatives}")
    assert not problems, f"{problems}; top 4: {top(d)}; red flags: {sorted(flags(d))}"


def test_case_ids_are_unique_and_every_case_has_a_title():
    ids = [c["id"] for c in cases()]
    assert len(ids) == len(set(ids))
    assert all(c["title"].strip() for c in cases())
    assert len(ids) >= 50


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.name)
def test_case_files_are_in_canonical_form(path: Path):
    """Two-space JSON, keys sorted within each case, slug lists sorted: edits diff cleanly."""
    data = json.loads(path.read_text())
    assert list(data) == ["description", "cases"]
    for case in data["cases"]:
        for key in SLUG_LISTS:
            assert case.get(key, []) == sorted(case.get(key, [])), (case["id"], key)
    canonical = {
        "description": data["description"],
        "cases": [json.loads(json.dumps(c, sort_keys=True)) for c in data["cases"]],
    }
    assert path.read_text() == json.dumps(canonical, indent=2, ensure_ascii=False) + "\n"
