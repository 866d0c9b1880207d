"""Invariants of the clinical content itself (the real fixtures)."""

import math
from typing import Any

import pytest
from django.conf import settings

from reference.loading import reference_read
from reference.models import (
    Belief,
    Condition,
    EvidenceLink,
    Finding,
    RedFlagRule,
    Source,
    WorkupItem,
    WorkupRecommendation,
)

pytestmark = pytest.mark.django_db


def test_every_contract_condition_and_finding_ships_under_its_slug(vocabulary: dict[str, Any]):
    assert set(vocabulary["conditions"]) <= set(Condition.objects.values_list("slug", flat=True))
    assert set(vocabulary["findings"]) <= set(Finding.objects.values_list("slug", flat=True))


def test_the_brief_extra_conditions_are_included():
    extra = {
        "rabbit-syndrome",
        "post-bells-synkinesis",
        "tetanus",
        "hyperventilation",
        "childhood-centrotemporal-epilepsy",
        "hemimasticatory-spasm",
    }
    assert extra <= set(Condition.objects.values_list("slug", flat=True))


def test_the_files_pass_every_loader_check():
    content = reference_read(directory=settings.REFERENCE_FIXTURES_DIR)
    assert len(content.conditions) >= 27


def test_every_source_has_a_title_publisher_year_and_identifier():
    for s in Source.objects.all():
        assert s.title and s.publisher and 1900 < s.year <= 2026, s.key
        assert s.pmid or s.doi or s.url, s.key
        assert not s.pmid or s.pmid.isdigit(), s.key
        assert not s.doi or s.doi.startswith("10."), s.key


@pytest.mark.parametrize(
    "model", [Condition, EvidenceLink, RedFlagRule, WorkupRecommendation, Belief]
)
def test_every_graded_statement_has_a_sort_grade_and_a_source(model: Any):
    rows = list(model.objects.prefetch_related("sources"))
    assert rows
    for row in rows:
        assert row.grade in {"A", "B", "C"}, row
        assert row.sources.all(), f"{row} has no source"


def test_likelihood_ratios_are_positive_and_finite():
    for e in EvidenceLink.objects.all():
        for value in (e.lr_present, e.lr_absent):
            assert value > 0 and math.isfinite(value), e


def test_expert_estimates_are_labelled_and_graded_c():
    estimates = EvidenceLink.objects.filter(is_estimate=True)
    assert estimates.exists()
    for e in estimates:
        assert e.basis.lower().startswith("expert estimate"), e
        assert e.grade == "C", e


def test_every_condition_has_discriminating_evidence_both_ways():
    # Flag-only topics (the airway emergency) take no place in the ranking.
    for c in Condition.objects.filter(ranked=True).prefetch_related("evidence"):
        ratios = [e.lr_present for e in c.evidence.all()]
        assert any(r > 1 for r in ratios), f"{c.slug}: nothing supports it"
        assert any(r < 1 for r in ratios), f"{c.slug}: nothing argues against it"


def test_every_condition_has_clinical_and_patient_text_and_a_prior_basis():
    for c in Condition.objects.all():
        assert c.summary and c.management and c.patient_text and c.features, c.slug
        assert c.prior > 0 and c.prior_basis, c.slug
        assert c.urgency in {"emergency", "urgent", "soon", "routine"}


@pytest.mark.parametrize(
    ("condition", "required"),
    [
        ("stroke", {"onset-sudden"}),
        ("bells-palsy", {"eye-closure-incomplete"}),
        ("ramsay-hunt-syndrome", set()),
        ("focal-seizure", {"episode-5-min-or-more"}),
        ("hypocalcemia", set()),
        ("angioedema", {"lip-or-tongue-swelling"}),
        ("motor-neuron-disease", set()),
        ("acute-dystonic-reaction", {"dopamine-blocker-recent-start"}),
    ],
)
def test_the_required_red_flags_exist(condition: str, required: set[str]):
    rules = RedFlagRule.objects.filter(condition__slug=condition).prefetch_related(
        "requires_all", "requires_any"
    )
    assert rules.exists(), condition
    if required:
        # Required in full, or enough alone: a rule whose only requirement is an any-group
        # that names them (the seizure rule fires on 5 minutes or on 10 minutes).
        assert any(
            required <= {f.slug for f in r.requires_all.all()}
            or (not r.requires_all.all() and required <= {f.slug for f in r.requires_any.all()})
            for r in rules
        )


def test_stroke_rule_is_sudden_onset_with_any_focal_deficit():
    rule = RedFlagRule.objects.get(slug="stroke-sudden-focal-deficit")
    assert {f.slug for f in rule.requires_all.all()} == {"onset-sudden"}
    assert {"facial-weakness", "speech-disturbance", "limb-weakness-or-numbness"} <= {
        f.slug for f in rule.requires_any.all()
    }
    assert rule.urgency == "emergency"


@pytest.mark.parametrize(
    ("condition", "item"),
    [
        ("bells-palsy", "routine-blood-panel"),
        ("bells-palsy", "ct-head"),
        ("benign-fasciculation", "mri-brain"),
        ("benign-fasciculation", "emg-ncs"),
    ],
)
def test_tests_often_ordered_but_not_indicated_are_marked_not_recommended(
    condition: str, item: str
):
    rec = WorkupRecommendation.objects.get(condition__slug=condition, item__code=item)
    assert rec.priority == "not-recommended"


def test_laboratory_items_carry_loinc_codes():
    labs = WorkupItem.objects.filter(kind="lab").exclude(code="routine-blood-panel")
    assert labs.count() >= 15
    for item in labs:
        assert item.loinc and item.loinc_display, item.code


def test_beliefs_cover_the_lay_articles_with_every_verdict_kind():
    verdicts = set(Belief.objects.values_list("verdict", flat=True))
    assert verdicts == {"supported", "partly-supported", "not-supported", "potentially-harmful"}
    claims = " ".join(Belief.objects.values_list("claim", flat=True)).lower()
    for topic in (
        "homeopath",
        "magnesium",
        "coffee",
        "kiss",
        "antidepress",
        "potassium",
        "cold draught",
        "phenibut",
        "worms",
        "b12",
        "sedative",
    ):
        assert topic in claims, topic
