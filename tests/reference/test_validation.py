"""The validation suite in the app: the data files, the command, the stored results, the pages.

`test_validate_reference_passes_on_the_shipped_content` is how `make test` runs the
command: on the test database with the shipped release loaded, on SQLite and PostgreSQL.
"""

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from reference import validation
from reference.models import Condition, ValidationResult
from reference.snapshot import snapshot_get
from reference.validation import (
    ENGINE_VERSION,
    VALIDATION_DIR,
    Vignette,
    VignetteFileError,
    validation_current,
    validation_report_as_dict,
    validation_report_from_dict,
    validation_run,
    vignettes_read,
)
from tests.reference.test_vignettes import cases as raw_cases

pytestmark = pytest.mark.django_db
STROKE_CASE = (
    "sudden-droop-with-arm-weakness-and-dysarthria-in-older-adult-leads-with-stroke-and-flags-it"
)


@pytest.fixture
def one_miss(monkeypatch: pytest.MonkeyPatch) -> str:
    """The stroke vignette now expects tetanus to lead: one case fails."""
    real = validation.vignettes_read

    def patched(**kwargs: Any) -> tuple[Vignette, ...]:
        return tuple(
            replace(v, expect=replace(v.expect, top1="tetanus")) if v.id == STROKE_CASE else v
            for v in real(**kwargs)
        )

    monkeypatch.setattr(validation, "vignettes_read", patched)
    return STROKE_CASE


def write_case(directory: Path, **case: Any) -> None:
    directory.mkdir(exist_ok=True)
    base: dict[str, Any] = {"id": "x", "title": "A case", "present": [], "absent": [], "age": None}
    data = {"description": "test", "cases": [base | case]}
    (directory / "cases.json").write_text(json.dumps(data))


def rename_a_condition() -> None:
    """A curator's edit: the content, and so its fingerprint, changes."""
    tetanus = Condition.objects.get(slug="tetanus")
    tetanus.name += " (edited)"
    tetanus.save()


# --- The data files and the checks -------------------------------------------------------


def test_the_case_files_name_only_slugs_of_the_content_in_use():
    read = vignettes_read(snapshot=snapshot_get())
    assert [v.id for v in read] == [c["id"] for c in raw_cases()]


def test_the_module_agrees_with_the_vignette_tests_on_every_case():
    report = validation_run(snapshot=snapshot_get())
    assert report.passed, [(m.id, m.reasons) for m in report.misses]
    totals = report.totals
    assert totals.cases == len(raw_cases()) == totals.passed
    assert totals.leader_cases == sum("top1" in c for c in raw_cases())
    assert totals.top1_hits == totals.top3_hits == totals.leader_cases
    assert totals.red_flag_hits == totals.red_flag_cases > 0


def test_per_condition_figures_count_cases_by_expected_leader_and_by_rule():
    report = validation_run(snapshot=snapshot_get())
    by_slug = {c.condition: c for c in report.conditions}
    assert set(by_slug) == {c.slug for c in snapshot_get().conditions}
    for slug, row in by_slug.items():
        assert row.cases == sum(c.get("top1") == slug for c in raw_cases())
        assert row.top1_hits == row.top3_hits == row.cases
        assert row.red_flag_hits == row.red_flag_cases
    # The safety checks name no leader but count as the stroke rule's red-flag cases.
    assert by_slug["stroke"].red_flag_cases >= 8 + by_slug["stroke"].cases


def test_unknown_slugs_in_a_case_file_are_reported_naming_the_case(tmp_path: Path):
    write_case(
        tmp_path,
        id="made-up-case",
        present=["no-such-finding"],
        top1="no-such-condition",
        red_flags_include=["no-such-rule"],
    )
    snapshot = snapshot_get()
    with pytest.raises(VignetteFileError) as err:
        vignettes_read(directory=tmp_path, snapshot=snapshot)
    problems = err.value.problems
    assert len(problems) == 3
    assert all("cases.json case made-up-case" in p for p in problems)
    assert "no-such-finding" in problems[0]
    assert "no-such-condition" in problems[1]
    assert "no-such-rule" in problems[2]
    # Run anyway (a curator deleted a finding since), the case fails with the same reasons.
    (miss,) = validation_run(snapshot=snapshot, directory=tmp_path).misses
    assert miss.id == "made-up-case" and set(problems) <= set(miss.reasons)


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ({"top_1": "stroke"}, "unknown keys ['top_1']"),
        ({"present": ["fever"], "absent": ["fever"], "top1": "stroke"}, "both present and absent"),
        ({"age": 130, "top1": "stroke"}, "age must be"),
        ({}, "checks nothing"),
        ({"red_flag_urgency": {"seizure-5-minutes": "now"}}, "red_flag_urgency must map"),
        ({"any_of": [{"colour": "red"}]}, "any_of must be"),
    ],
)
def test_a_malformed_case_is_refused_naming_it(tmp_path: Path, case: dict[str, Any], problem):
    write_case(tmp_path, **{"id": "bad-case"} | case)
    with pytest.raises(VignetteFileError, match="bad-case") as err:
        vignettes_read(directory=tmp_path)
    assert problem in str(err.value)


def test_the_stored_form_of_a_report_reads_back_the_same():
    report = validation_run(snapshot=snapshot_get())
    stored = json.loads(json.dumps(validation_report_as_dict(report)))
    assert validation_report_from_dict(stored) == report


# --- The command and its stored results ----------------------------------------------------


def test_validate_reference_passes_on_the_shipped_content(capsys: pytest.CaptureFixture[str]):
    call_command("validate_reference")
    out = capsys.readouterr().out
    assert "Every validation case passed." in out and "MISS" not in out
    row = ValidationResult.objects.get()
    assert (row.fingerprint, row.engine_version) == (snapshot_get().fingerprint, ENGINE_VERSION)
    assert row.passed and row.failed == 0 and row.cases == len(raw_cases())


def test_the_command_stores_one_result_per_fingerprint_and_engine_version():
    call_command("validate_reference")
    first = ValidationResult.objects.get()
    call_command("validate_reference")
    assert ValidationResult.objects.get().pk == first.pk  # replaced, not added

    old = snapshot_get().fingerprint
    rename_a_condition()
    new = snapshot_get().fingerprint
    assert new != old
    call_command("validate_reference")
    assert sorted(ValidationResult.objects.values_list("fingerprint", flat=True)) == sorted(
        [old, new]
    )
    page = Client().get("/validation/").content.decode()
    assert new in page and old not in page
    assert APIClient().get("/api/v1/validation/").json()["reference_fingerprint"] == new


def test_a_changed_engine_version_does_not_show_stale_figures(monkeypatch: pytest.MonkeyPatch):
    call_command("validate_reference")
    # Mark the stored figures so that showing them would be visible.
    row = ValidationResult.objects.get()
    row.report["totals"]["passed"] = 987
    row.save()
    assert "987 of" in Client().get("/validation/").content.decode()  # the stored result

    monkeypatch.setattr(validation, "ENGINE_VERSION", "2-test")
    page = Client().get("/validation/").content.decode()
    assert "987 of" not in page and "engine version 2-test" in page
    engines = ValidationResult.objects.values_list("engine_version", flat=True)
    assert sorted(engines) == sorted([ENGINE_VERSION, "2-test"])
    assert APIClient().get("/api/v1/validation/").json()["engine_version"] == "2-test"


def test_a_changed_case_file_is_run_again_not_read_from_store(tmp_path: Path):
    directory = tmp_path / "cases"
    shutil.copytree(VALIDATION_DIR, directory)
    snapshot = snapshot_get()
    before = validation_current(snapshot=snapshot, directory=directory)
    write_case(directory, id="extra-case", top1="tetanus")
    after = validation_current(snapshot=snapshot, directory=directory)
    assert after.report.totals.cases == before.report.totals.cases + 1
    assert [m.id for m in after.report.misses] == ["extra-case"]
    assert ValidationResult.objects.count() == 1


def test_validate_reference_fails_on_a_miss_and_names_it(one_miss: str, capsys):
    with pytest.raises(CommandError, match="1 validation case"):
        call_command("validate_reference")
    out = capsys.readouterr().out
    assert f"MISS classic/{one_miss}: leader was stroke, expected tetanus" in out
    assert "came out: stroke" in out
    row = ValidationResult.objects.get()
    assert not row.passed and row.failed == 1


def test_load_reference_prints_the_validation_summary(capsys: pytest.CaptureFixture[str]):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "0 created" in out
    n = len(raw_cases())
    assert f"{n} of {n} cases passed; leader right in" in out and "MISS" not in out
    assert ValidationResult.objects.filter(fingerprint=snapshot_get().fingerprint).exists()


def test_a_failing_validation_after_a_load_is_reported_and_the_load_stands(
    one_miss: str, capsys: pytest.CaptureFixture[str], settings: Any, tmp_path: Path
):
    release = tmp_path / "release"
    shutil.copytree(settings.REFERENCE_FIXTURES_DIR, release)
    path = release / "conditions" / "tetanus.json"
    path.write_text(json.dumps(json.loads(path.read_text()) | {"summary": "Edited summary."}))
    call_command("load_reference", directory=release)
    out = capsys.readouterr().out
    assert "1 updated" in out
    assert f"MISS classic/{one_miss}" in out
    assert "The load was not undone" in out
    assert Condition.objects.get(slug="tetanus").summary == "Edited summary."


# --- The pages and the API -------------------------------------------------------------------


def test_the_validation_page_shows_totals_per_condition_and_the_content(client: Client):
    response = client.get("/validation/")
    assert response.status_code == 200
    page = response.content.decode()
    snapshot = snapshot_get()
    assert f"{len(raw_cases())} of {len(raw_cases())}</strong> cases passed" in page
    assert snapshot.fingerprint in page and snapshot.version in page
    assert "No misses" in page
    assert 'href="/conditions/stroke/"' in page
    assert ValidationResult.objects.count() == 1  # computed once, then stored


def test_the_validation_page_lists_every_miss_with_what_was_expected(one_miss, client):
    page = client.get("/validation/").content.decode()
    assert "1 failed" in page
    assert "Sudden droop with arm weakness and dysarthria in older adult" in page
    assert "leader tetanus" in page  # expected
    assert "leader was stroke, expected tetanus" in page  # what failed
    stroke = Condition.objects.get(slug="stroke").name
    assert re.search(rf"What came out:</strong>\s+{re.escape(stroke)} \d+%, ", page)


def test_the_api_returns_the_result_for_the_content_and_engine_in_use():
    body = APIClient().get("/api/v1/validation/").json()
    snapshot = snapshot_get()
    assert body["reference_fingerprint"] == snapshot.fingerprint
    assert body["reference_version"] == snapshot.version
    assert body["engine_version"] == ENGINE_VERSION
    assert body["passed"] is True and body["misses"] == []
    assert body["totals"]["cases"] == len(body["cases"]) == len(raw_cases())
    assert {c["condition"] for c in body["conditions"]} == {c.slug for c in snapshot.conditions}


def test_the_intended_use_page_states_its_use_limits_and_regulatory_position(client: Client):
    page = client.get("/intended-use/").content.decode()
    for text in (
        "Who it is for",
        "not for patients",
        "not for emergencies in place of emergency services",
        "not been validated prospectively",
        "expert estimates",
        "520(o)(1)(E)",
        "https://www.fda.gov/regulatory-information/search-fda-guidance-documents/clinical-decision-support-software",
        "Time-critical alerts are a function regulators look at closely",
        'href="/sources/"',
        'href="/validation/"',
    ):
        assert text in page, text
    assert f"Each of the {len(snapshot_get().conditions)} conditions" in page


@pytest.mark.parametrize("fragment", ["", "&fragment=1"])
def test_every_differential_links_to_intended_use_and_validation(client: Client, fragment: str):
    page = client.get(f"/differential/?fever=present{fragment}").content.decode()
    assert 'href="/intended-use/">How this is computed and its limits</a>' in page
    assert 'href="/validation/">Validation on the content in use</a>' in page
