import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reference.loading import ReferenceContentError, reference_load
from reference.models import Condition

pytestmark = pytest.mark.django_db


def test_loading_twice_changes_nothing_the_second_time():
    reference_load(directory=settings.REFERENCE_FIXTURES_DIR)
    again = reference_load(directory=settings.REFERENCE_FIXTURES_DIR)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)


def test_command_prints_counts(capsys: pytest.CaptureFixture[str]):
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "conditions: " in out and "red flags: " in out and "0 created" in out


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "ref"
    shutil.copytree(settings.REFERENCE_FIXTURES_DIR, target)
    return target


def test_bad_content_is_refused_whole_naming_each_problem(tmp_path: Path):
    ref = _copy(tmp_path)
    path = ref / "conditions" / "stroke.json"
    data = json.loads(path.read_text())
    data["evidence"][0]["finding"] = "no-such-finding"
    data["evidence"][1]["lr_present"] = 0
    data["sources"] = ["made-up-source"]
    path.write_text(json.dumps(data))
    before = Condition.objects.get(slug="stroke").summary
    with pytest.raises(ReferenceContentError) as err:
        reference_load(directory=ref)
    text = str(err.value)
    assert "no-such-finding" in text
    assert "positive and finite" in text
    assert "made-up-source" in text
    assert Condition.objects.get(slug="stroke").summary == before


def test_command_reports_problems_as_a_command_error(tmp_path: Path):
    ref = _copy(tmp_path)
    (ref / "beliefs.json").write_text(json.dumps([{"slug": "x", "verdict": "maybe"}]))
    with pytest.raises(CommandError, match="bad verdict"):
        call_command("load_reference", directory=ref)


def test_an_edit_to_the_files_updates_the_row(tmp_path: Path):
    ref = _copy(tmp_path)
    path = ref / "conditions" / "tetanus.json"
    data = json.loads(path.read_text())
    data["summary"] = "Edited summary."
    path.write_text(json.dumps(data))
    result = reference_load(directory=ref)
    assert result.updated == 1
    assert Condition.objects.get(slug="tetanus").summary == "Edited summary."
