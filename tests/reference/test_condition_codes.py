"""Condition codes and what a grade means (issue 9, section 4).

A topic can carry more than one ICD-10-CM code (a TIA beside a stroke; low potassium beside
low magnesium) and says how well its codes fit; the condition page and the differential
say what a condition-level grade means beside likelihood ratios graded C.
"""

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from reference.content import content_from_database, row_normalise
from reference.loading import ReferenceContentError, reference_load, reference_read
from reference.models import Condition

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.REFERENCE_FIXTURES_DIR)


def _codes(slug: str) -> list[str]:
    c = next(c for c in reference_read(directory=FIXTURES).conditions if c["slug"] == slug)
    return [c["icd10cm"], *(x["code"] for x in c["icd10cm_additional"])]


def test_stroke_or_tia_carries_both_the_infarction_and_the_tia_code():
    assert _codes("stroke") == ["I63.9", "G45.9"]


def test_a_first_focal_seizure_is_coded_as_a_seizure_not_as_established_epilepsy():
    codes = _codes("focal-seizure")
    assert codes == ["R56.9"]
    assert not any(code.startswith("G40") for code in codes)


def test_low_magnesium_and_low_potassium_carry_their_own_codes():
    assert _codes("electrolyte-imbalance") == ["E83.42", "E87.6"]


def test_jitteriness_states_that_its_code_fits_poorly():
    c = Condition.objects.get(slug="neonatal-tremor")
    assert c.icd10cm == "P91.3"
    assert c.code_fit_note.startswith("Poor fit")


def test_the_condition_page_shows_every_code_with_its_display_and_the_fit_note(client: Client):
    html = client.get("/conditions/stroke/").content.decode()
    assert "ICD-10-CM I63.9" in html and "ICD-10-CM G45.9" in html
    assert "Transient cerebral ischemic attack, unspecified" in html
    html = client.get("/conditions/neonatal-tremor/").content.decode()
    assert "How well the code fits: Poor fit" in html


def test_the_api_gives_the_further_codes_and_the_fit_note():
    data = APIClient().get("/api/v1/conditions/electrolyte-imbalance/").json()["codes"]
    assert data["icd10cm"] == {"code": "E83.42", "display": "Hypomagnesemia"}
    assert data["icd10cm_additional"] == [{"code": "E87.6", "display": "Hypokalemia"}]
    assert isinstance(data["fit_note"], str) and data["fit_note"]


def test_codes_survive_the_database_and_a_baseline_row_without_them_normalises():
    by_slug = {c["slug"]: c for c in content_from_database().conditions}
    assert by_slug["stroke"]["icd10cm_additional"][0]["code"] == "G45.9"
    old = {k: v for k, v in by_slug["stroke"].items() if k not in ("icd10cm_additional",)}
    del old["code_fit_note"]
    row = row_normalise("condition", {**old, "translations": {}})
    assert row["icd10cm_additional"] == [] and row["code_fit_note"] == ""


def _load_with(tmp_path: Path, slug: str, change: dict[str, Any]) -> str:
    ref = tmp_path / "ref"
    shutil.copytree(FIXTURES, ref)
    path = ref / "conditions" / f"{slug}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))
    with pytest.raises(ReferenceContentError) as err:
        reference_load(directory=ref)
    return str(err.value)


def test_a_further_code_needs_a_display_and_may_not_repeat_the_main_code(tmp_path: Path):
    text = _load_with(
        tmp_path,
        "stroke",
        {
            "icd10cm_additional": [
                {"code": "G45.9", "display": ""},
                {"code": "I63.9", "display": "x"},
            ]
        },
    )
    assert "needs code and display" in text and "I63.9 listed twice" in text


def test_an_expert_estimate_graded_above_c_is_refused(tmp_path: Path):
    ref = tmp_path / "ref"
    shutil.copytree(FIXTURES, ref)
    path = ref / "conditions" / "stroke.json"
    data = json.loads(path.read_text())
    link = next(e for e in data["evidence"] if e["estimate"])
    link["grade"] = "A"
    path.write_text(json.dumps(data))
    with pytest.raises(ReferenceContentError, match="expert-estimate ratio is graded C"):
        reference_load(directory=ref)


def test_every_expert_estimate_in_the_release_is_graded_c():
    for c in reference_read(directory=FIXTURES).conditions:
        for e in c["evidence"]:
            assert not e["estimate"] or e["grade"] == "C", (c["slug"], e["finding"])


def test_the_condition_page_says_what_its_grade_means_beside_ratios_graded_c(client: Client):
    html = client.get("/conditions/stroke/").content.decode()
    assert "grade A beside the name is the strength of the evidence (SORT)" in html
    assert "ratios that are expert estimates are graded C" in html


def test_the_differential_says_what_a_condition_grade_means(client: Client):
    html = client.get(
        "/differential/", {"onset-sudden": "present", "facial-weakness": "present"}
    ).content.decode()
    assert "A condition's grade is the strength of the evidence (SORT)" in html
    assert "expert-estimate ratios (*) are graded C" in html
