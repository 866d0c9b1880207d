"""Curator work is never lost: the fixtures are the release, the database the working content."""

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reference.content import content_files, content_from_database
from reference.lifecycle import content_rows, lifecycle_plan, row_hash
from reference.loading import ContentConflictError, reference_load, reference_read
from reference.models import Condition, ContentBaseline, ContentRevision, EvidenceLink, Source

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.REFERENCE_FIXTURES_DIR)
CURATED = "Curator's summary: refer every suspected stroke to the stroke team at once."


def release_copy(tmp_path: Path, *, version: str = "2026.2") -> Path:
    target = tmp_path / "release"
    shutil.copytree(FIXTURES, target)
    meta = json.loads((target / "version.json").read_text())
    meta.update(version=version, released="2027-03-01")
    (target / "version.json").write_text(json.dumps(meta))
    return target


def edit_file(release: Path, slug: str, **changes: object) -> None:
    path = release / "conditions" / f"{slug}.json"
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def curate() -> None:
    """What a curator does in the admin: edit the stroke summary and add a source."""
    stroke = Condition.objects.get(slug="stroke")
    stroke.summary = CURATED
    stroke.save()
    Source.objects.create(
        key="curator-added-source",
        title="A source a curator added",
        publisher="Some journal",
        year=2026,
        url="https://example.org/paper",
        kind="review",
    )


def assert_curated() -> None:
    assert Condition.objects.get(slug="stroke").summary == CURATED
    assert Source.objects.filter(key="curator-added-source").exists()


def test_the_set_up_steps_of_make_run_keep_curator_work():
    curate()
    call_command("migrate", verbosity=0)
    call_command("load_reference", initial=True, verbosity=0)
    call_command("ensure_demo_clinician", verbosity=0)
    assert_curated()


def test_reloading_the_same_release_keeps_every_curator_change(capsys):
    curate()
    call_command("load_reference")
    assert_curated()
    out = capsys.readouterr().out
    assert "kept the curator's change: condition stroke" in out
    assert "kept the curator's change: source curator-added-source" in out
    assert "0 updated, 0 deleted" in out


def test_a_curator_deletion_is_kept_too():
    EvidenceLink.objects.filter(condition__slug="tetanus", finding__slug="fever").delete()
    reference_load(directory=FIXTURES)
    assert not EvidenceLink.objects.filter(condition__slug="tetanus", finding__slug="fever")


def test_an_upgrade_applies_cleanly_without_local_edits(tmp_path):
    release = release_copy(tmp_path)
    edit_file(release, "tetanus", summary="Release 2026.2 summary.")
    result = reference_load(directory=release)
    assert Condition.objects.get(slug="tetanus").summary == "Release 2026.2 summary."
    assert result.release == "2026.2" and result.updated >= 1 and not result.kept_local
    assert ContentRevision.objects.filter(release="2026.2", number=0).exists()


def test_an_upgrade_keeps_curator_changes_the_release_did_not_touch(tmp_path):
    curate()
    release = release_copy(tmp_path)
    edit_file(release, "tetanus", summary="Release 2026.2 summary.")
    reference_load(directory=release)
    assert Condition.objects.get(slug="tetanus").summary == "Release 2026.2 summary."
    assert_curated()


def test_a_conflict_stops_the_load_names_each_row_and_changes_nothing(tmp_path):
    curate()
    tetanus = Condition.objects.get(slug="tetanus")
    tetanus.prior = 0.5
    tetanus.save()
    release = release_copy(tmp_path)
    edit_file(release, "stroke", summary="Release summary.")
    edit_file(release, "tetanus", prior=0.2, summary="Release tetanus summary.")
    edit_file(release, "bells-palsy", summary="A change nobody conflicts with.")
    baseline = sorted(ContentBaseline.objects.values_list("kind", "key", "hash"))
    with pytest.raises(CommandError) as err:
        call_command("load_reference", directory=release)
    message = str(err.value)
    assert "condition stroke: summary: curator" in message
    assert "condition tetanus: prior: curator 0.5, release 0.2" in message
    assert "bells-palsy" not in message and "2 row(s)" in message
    assert Condition.objects.get(slug="bells-palsy").summary != "A change nobody conflicts with."
    assert sorted(ContentBaseline.objects.values_list("kind", "key", "hash")) == baseline
    assert_curated()


def test_keep_local_and_force_resolve_a_conflict(tmp_path):
    curate()
    release = release_copy(tmp_path)
    edit_file(release, "stroke", summary="Release summary.")
    with pytest.raises(ContentConflictError):
        reference_load(directory=release)
    reference_load(directory=release, resolution="keep-local")
    assert Condition.objects.get(slug="stroke").summary == CURATED
    edit_file(release, "stroke", summary="A newer release summary.")
    release_meta = json.loads((release / "version.json").read_text())
    release_meta["version"] = "2026.3"
    (release / "version.json").write_text(json.dumps(release_meta))
    result = reference_load(directory=release, resolution="force")
    stroke = Condition.objects.get(slug="stroke")
    assert stroke.summary == "A newer release summary." and result.forced == ("condition stroke",)
    assert stroke.history.filter(summary=CURATED).exists()  # the curator's version is kept
    assert ContentRevision.objects.filter(release="2026.3", summary__contains="--force").exists()


def test_a_database_loaded_before_baselines_existed_counts_differences_as_curator_changes():
    curate()
    ContentBaseline.objects.all().delete()
    result = reference_load(directory=FIXTURES)
    assert_curated()
    assert "condition stroke" in result.kept_local
    assert ContentBaseline.objects.count() == len(content_rows(reference_read(directory=FIXTURES)))


def test_the_plan_is_pure_and_names_what_changed():
    release = {("finding", "a"): {"slug": "a", "label": "A2"}}
    working = {("finding", "a"): {"slug": "a", "label": "A-local"}}
    baseline = {("finding", "a"): row_hash({"slug": "a", "label": "A1"}) or ""}
    plan = lifecycle_plan(release=release, working=working, baseline=baseline)
    assert [c.describe() for c in plan.conflicts] == [
        'finding a: label: curator "A-local", release "A2"'
    ]


def test_export_of_a_freshly_loaded_database_is_byte_identical_to_the_fixtures(tmp_path):
    # The session's database was loaded from the fixtures into an empty database.
    call_command("export_reference", str(tmp_path / "out"), verbosity=0)
    written = {
        p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
        for p in (tmp_path / "out").glob("**/*.json")
    }
    shipped = {
        p.relative_to(FIXTURES).as_posix(): p.read_bytes() for p in FIXTURES.glob("**/*.json")
    }
    assert written.keys() == shipped.keys()
    assert [name for name in shipped if written[name] != shipped[name]] == []


def test_export_writes_curator_changes(tmp_path):
    curate()
    files = content_files(content_from_database())
    assert CURATED in files["conditions/stroke.json"]
    assert "curator-added-source" in files["sources.json"]


def test_loading_into_an_empty_database_reports_rows_created_not_updated(tmp_path, settings):
    from reference import models

    for model in (
        models.WorkupRecommendation,
        models.RedFlagRule,
        models.EvidenceLink,
        models.Belief,
        models.Condition,
        models.WorkupItem,
        models.Finding,
        models.Source,
        models.ContentVersion,
    ):
        model.objects.all().delete()
    result = reference_load(directory=FIXTURES)
    assert result.created > 700 and (result.updated, result.deleted) == (0, 0)


def test_a_baseline_in_an_older_format_is_not_mistaken_for_curator_changes():
    """A release of the code that adds fields (here: the red-flag family and the absent,
    not-present and not-assessed lists) must not turn every row into a conflict."""
    # Rows that an older format could hold: the new fields at their defaults, and absent.
    # (Every shipped rule now names its family, so `family` is dropped only where blank.)
    new_fields = ("absent", "not_present", "unassessed", "age_unknown_fires")
    stripped = 0
    for baseline in ContentBaseline.objects.filter(kind="red-flag"):
        old = dict(baseline.row or {})
        if any(old["when"][k] for k in new_fields):
            continue
        if not old["family"]:
            del old["family"]
        old["when"] = {k: v for k, v in old["when"].items() if k not in new_fields}
        baseline.row, baseline.hash = old, row_hash(old) or ""
        baseline.save()
        stripped += 1
    assert stripped > 10
    curate()
    result = reference_load(directory=FIXTURES)
    assert_curated()
    assert not [row for row in result.kept_local if row.startswith("red-flag")]


def test_initial_leaves_a_database_with_content_alone_and_says_so(capsys):
    curate()
    call_command("load_reference", initial=True)
    out = capsys.readouterr().out
    assert "left as it is" in out and "created" not in out
    assert_curated()
