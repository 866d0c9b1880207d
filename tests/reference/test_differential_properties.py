"""Invariants of the ranking, checked over many generated assessments (hypothesis)."""

import json
import math
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from reference.differential import Assessment, assessment_parse, differential_compute
from reference.differential.frequencies import frequency_table
from reference.snapshot import Snapshot, snapshot_build

pytestmark = pytest.mark.django_db
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
STROKE_DEFICITS = ["facial-weakness", "speech-disturbance", "limb-weakness-or-numbness"]


@pytest.fixture
def snap() -> Snapshot:
    return snapshot_build()


def assessments(snap: Snapshot) -> st.SearchStrategy[Assessment]:
    slugs = sorted(snap.findings)

    @st.composite
    def build(draw: Any) -> Assessment:
        chosen = draw(st.lists(st.sampled_from(slugs), unique=True, max_size=20))
        split = draw(st.integers(0, len(chosen)))
        age = draw(st.one_of(st.none(), st.floats(0, 120, allow_nan=False)))
        return Assessment(frozenset(chosen[:split]), frozenset(chosen[split:]), age)

    return build()


@FAST
@given(data=st.data())
def test_probabilities_are_positive_and_sum_to_one(snap: Snapshot, data: st.DataObject):
    result = differential_compute(snapshot=snap, assessment=data.draw(assessments(snap)))
    probs = [r.probability for r in result.differential]
    assert len(probs) == len(snap.conditions)
    assert all(0 < p <= 1 for p in probs)
    assert math.isclose(sum(probs), 1.0, abs_tol=1e-9)
    assert probs == sorted(probs, reverse=True)


@FAST
@given(data=st.data())
def test_order_of_findings_does_not_matter(snap: Snapshot, data: st.DataObject):
    a = data.draw(assessments(snap))
    present, absent = sorted(a.present), sorted(a.absent)
    shuffled_p = data.draw(st.permutations(present))
    shuffled_a = data.draw(st.permutations(absent))
    one = assessment_parse(snapshot=snap, present=present, absent=absent, age_years=a.age_years)
    two = assessment_parse(
        snapshot=snap, present=list(shuffled_p), absent=list(shuffled_a), age_years=a.age_years
    )
    assert differential_compute(snapshot=snap, assessment=one) == differential_compute(
        snapshot=snap, assessment=two
    )


@FAST
@given(data=st.data())
def test_marking_a_finding_present_never_lowers_a_condition_it_supports(
    snap: Snapshot, data: st.DataObject
):
    """Relative probabilities (docs/ranking.md): a condition gains on every condition in
    which the finding is less frequent, and gains outright when it is the most frequent."""
    a = data.draw(assessments(snap))
    free = sorted(f for f in snap.findings if f not in a.present | a.absent)
    if not free:
        return
    finding = data.draw(st.sampled_from(free))
    table = frequency_table(snap)
    freq = dict(zip(table.conditions, table.f[table.row[finding]].tolist(), strict=True))
    before = {
        r.condition: r.probability
        for r in differential_compute(snapshot=snap, assessment=a).differential
    }
    after_a = Assessment(a.present | {finding}, a.absent, a.age_years)
    after = {
        r.condition: r.probability
        for r in differential_compute(snapshot=snap, assessment=after_a).differential
    }
    top = max(freq.values())
    for c, f in freq.items():
        for d, f_d in freq.items():
            if f_d <= f:
                assert after[c] / after[d] >= before[c] / before[d] * (1 - 1e-9)
        if f == top:
            assert after[c] >= before[c] * (1 - 1e-9)


@FAST
@given(data=st.data())
def test_sudden_onset_with_a_focal_deficit_always_raises_the_stroke_flag(
    snap: Snapshot, data: st.DataObject
):
    a = data.draw(assessments(snap))
    deficit = data.draw(st.sampled_from(STROKE_DEFICITS))
    present = a.present | {"onset-sudden", deficit}
    absent = a.absent - present
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset(present), frozenset(absent), a.age_years)
    )
    stroke = [f for f in result.red_flags if f.condition == "stroke"]
    assert stroke and stroke[0].urgency == "emergency"


@FAST
@given(data=st.data())
def test_red_flags_do_not_depend_on_the_ranking(snap: Snapshot, data: st.DataObject):
    """The same findings and age raise the same flags whatever the priors and ratios say.

    (Absent findings do count: a forehead marked not weak is a central pattern, and a
    finding the rule needs to be assessed changes once it is.)
    """
    from dataclasses import replace

    a = data.draw(assessments(snap))
    scale = data.draw(
        st.lists(
            st.floats(0.01, 100), min_size=len(snap.conditions), max_size=len(snap.conditions)
        )
    )
    reranked = replace(
        snap,
        conditions=tuple(
            replace(c, prior=c.prior * k) for c, k in zip(snap.conditions, scale, strict=True)
        ),
        links=MappingProxyType(
            {
                f: tuple(replace(x, lr_present=1.0, lr_absent=1.0) for x in v)
                for f, v in snap.links.items()
            }
        ),
    )
    base = differential_compute(snapshot=snap, assessment=a)
    other = differential_compute(snapshot=reranked, assessment=a)
    assert [f.rule for f in base.red_flags] == [f.rule for f in other.red_flags]


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
keys = st.sampled_from(["present", "absent", "age_years", "other"])


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.one_of(
        json_values,
        st.dictionaries(keys, json_values, max_size=4),
        st.fixed_dictionaries(
            {"present": st.lists(st.sampled_from(["fever", "onset-sudden", "x", 3]), max_size=4)}
        ),
    )
)
def test_no_json_body_produces_a_server_error(body: Any):
    response = APIClient().generic(
        "POST", "/api/v1/differential/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (200, 400), response.content[:200]
    assert "detail" in response.json() or response.status_code == 200


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(max_size=200))
def test_no_byte_string_produces_a_server_error(raw: bytes):
    response = APIClient().generic(
        "POST",
        "/api/v1/differential/",
        raw,  # type: ignore[arg-type]  # the client sends bytes as they are
        content_type="application/json",
    )
    assert response.status_code in (200, 400)
