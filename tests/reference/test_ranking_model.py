"""The frequency model of docs/ranking.md: each statement marked (tested) there is checked here.

Reference implementations in plain Python (no numpy) recompute the weights and the
expected information of the next questions straight from the snapshot, so the vectorised
engine is compared with the model as written, not with itself.
"""

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference.differential import Assessment, differential_compute
from reference.differential.frequencies import frequency_table, link_frequency, unlinked_frequency
from reference.differential.types import FREQUENCY_MAX, FREQUENCY_MIN, UNLINKED_FREQUENCY
from reference.snapshot import Snapshot, snapshot_build

pytestmark = pytest.mark.django_db
FAST = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def snap() -> Snapshot:
    return snapshot_build()


def assessments(snap: Snapshot, max_size: int = 12) -> st.SearchStrategy[Assessment]:
    slugs = sorted(snap.findings)

    @st.composite
    def build(draw: Any) -> Assessment:
        chosen = draw(st.lists(st.sampled_from(slugs), unique=True, max_size=max_size))
        split = draw(st.integers(0, len(chosen)))
        age = draw(st.one_of(st.none(), st.floats(0, 120, allow_nan=False)))
        return Assessment(frozenset(chosen[:split]), frozenset(chosen[split:]), age)

    return build()


# Rule 1: a link's frequency from its two ratios.
def test_frequency_is_the_sensitivity_the_two_ratios_imply():
    # sensitivity 0.6, specificity 0.8: LR+ = 0.6 / 0.2 = 3, LR- = 0.4 / 0.8 = 0.5
    assert link_frequency(3.0, 0.5) == pytest.approx(0.6)
    # a finding less common in the condition: sensitivity 0.05, specificity 0.75
    assert link_frequency(0.2, 0.95 / 0.75) == pytest.approx(0.05)


def test_a_one_sided_pair_is_read_against_the_rate_in_other_conditions():
    assert link_frequency(0.2, 1.0) == pytest.approx(0.02)
    assert link_frequency(3.0, 1.0) == pytest.approx(0.3)
    assert link_frequency(1.0, 0.5) == pytest.approx(0.55)


def test_no_finding_makes_a_condition_impossible_or_certain():
    assert link_frequency(0.001, 1.0) == FREQUENCY_MIN
    assert link_frequency(1000.0, 0.0001) == FREQUENCY_MAX


# Rule 2: the unlinked frequency and its overrides.
def test_unlinked_pairs_take_the_default_or_the_larger_override():
    assert unlinked_frequency(None, None) == UNLINKED_FREQUENCY
    assert unlinked_frequency(0.3, None) == 0.3
    assert unlinked_frequency(0.005, None) == 0.005
    assert unlinked_frequency(None, 0.05) == 0.05
    assert unlinked_frequency(0.3, 0.05) == 0.3


def test_the_table_uses_links_and_unlinked_frequencies(snap: Snapshot):
    table = frequency_table(snap)
    for slug in table.findings:
        finding = snap.findings[slug]
        linked = {x.condition: x for x in snap.links.get(slug, ())}
        for j, c in enumerate(snap.conditions):
            got = table.f[table.row[slug], j]
            if c.slug in linked:
                x = linked[c.slug]
                assert got == pytest.approx(link_frequency(x.lr_present, x.lr_absent))
            else:
                want = unlinked_frequency(finding.unlinked_frequency, c.unlinked_frequency)
                assert got == pytest.approx(want)


# Rule 3: the weight of a condition.
def _weights_by_hand(snap: Snapshot, a: Assessment) -> dict[str, float]:
    table = frequency_table(snap)
    logs = {}
    for j, c in enumerate(snap.conditions):
        x = math.log(c.prior)
        if a.age_years is not None:
            band = (
                0 if a.age_years < 1 else 1 if a.age_years < 18 else 2 if a.age_years < 60 else 3
            )
            x += math.log(c.age_ratios[band])
        for slug in a.present:
            x += math.log(float(table.f[table.row[slug], j]))
        for slug in a.absent:
            x += math.log(1 - float(table.f[table.row[slug], j]))
        logs[c.slug] = x
    top = max(logs.values())
    total = sum(math.exp(v - top) for v in logs.values())
    return {k: math.exp(v - top) / total for k, v in logs.items()}


@FAST
@given(data=st.data())
def test_probabilities_follow_the_written_model(snap: Snapshot, data: st.DataObject):
    a = data.draw(assessments(snap))
    want = _weights_by_hand(snap, a)
    got = {
        r.condition: r.probability
        for r in differential_compute(snapshot=snap, assessment=a).differential
    }
    assert got.keys() == want.keys()
    for slug, p in want.items():
        assert got[slug] == pytest.approx(p, rel=1e-9, abs=1e-15)


def test_a_finding_not_assessed_contributes_nothing(snap: Snapshot):
    one = differential_compute(snapshot=snap, assessment=Assessment(frozenset({"fever"})))
    two = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset({"fever"}), frozenset())
    )
    assert [r.probability for r in one.differential] == [r.probability for r in two.differential]


def test_flag_only_topics_take_no_part_in_the_ranking(snap: Snapshot):
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset({"breathing-difficulty"}))
    )
    assert "airway-emergency" not in {r.condition for r in result.differential}
    assert "airway-emergency" in {f.condition for f in result.red_flags}


# Properties of the model (docs/ranking.md, "Consequences").
def _probability(snap: Snapshot, a: Assessment) -> dict[str, float]:
    return {
        r.condition: r.probability
        for r in differential_compute(snapshot=snap, assessment=a).differential
    }


def _unassessed_hallmark(
    snap: Snapshot, a: Assessment, data: st.DataObject
) -> tuple[str, str] | None:
    """An unassessed finding and the condition in which it is most frequent (its hallmark)."""
    table = frequency_table(snap)
    hallmarks = [
        (slug, table.conditions[int(table.f[table.row[slug]].argmax())])
        for slug in table.findings
        if slug not in a.present | a.absent
    ]
    return data.draw(st.sampled_from(hallmarks)) if hallmarks else None


@FAST
@given(data=st.data())
def test_adding_a_conditions_hallmark_never_lowers_it(snap: Snapshot, data: st.DataObject):
    """A hallmark: the finding is at least as frequent in this condition as in any other."""
    a = data.draw(assessments(snap))
    drawn = _unassessed_hallmark(snap, a, data)
    if drawn is None:
        return
    finding, condition = drawn
    before = _probability(snap, a)[condition]
    after = _probability(snap, Assessment(a.present | {finding}, a.absent, a.age_years))
    assert after[condition] >= before * (1 - 1e-9)


@FAST
@given(data=st.data())
def test_an_absent_hallmark_never_raises_its_condition(snap: Snapshot, data: st.DataObject):
    a = data.draw(assessments(snap))
    drawn = _unassessed_hallmark(snap, a, data)
    if drawn is None:
        return
    finding, condition = drawn
    before = _probability(snap, a)[condition]
    after = _probability(snap, Assessment(a.present, a.absent | {finding}, a.age_years))
    assert after[condition] <= before * (1 + 1e-9)


@FAST
@given(data=st.data())
def test_a_finding_a_condition_cannot_produce_never_lifts_it_above_one_that_does(
    snap: Snapshot, data: st.DataObject
):
    """`a` has no link to the finding; `b` has one, at a frequency no lower than a's."""
    a_ = data.draw(assessments(snap))
    table = frequency_table(snap)
    free = [s for s in table.findings if s not in a_.present | a_.absent]
    if not free:
        return
    finding = data.draw(st.sampled_from(free))
    r = table.row[finding]
    cannot = [j for j in range(len(table.conditions)) if not table.linked[r, j]]
    does = [j for j in range(len(table.conditions)) if table.linked[r, j]]
    pairs = [(i, j) for i in cannot for j in does if table.f[r, j] >= table.f[r, i]]
    if not pairs:
        return
    i, j = data.draw(st.sampled_from(pairs))
    a, b = table.conditions[i], table.conditions[j]
    before = _probability(snap, a_)
    after = _probability(snap, Assessment(a_.present | {finding}, a_.absent, a_.age_years))
    if before[a] <= before[b]:
        assert after[a] <= after[b] * (1 + 1e-9)


# Rules 4 and 5: what "why this place" shows.
def test_unexplained_findings_are_listed_with_their_effect(snap: Snapshot):
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset({"trismus-or-risus"}))
    )
    tics = next(r for r in result.differential if r.condition == "tic-disorder")
    assert [u.finding for u in tics.unexplained] == ["trismus-or-risus"]
    assert tics.unexplained[0].effect_ratio < 1
    tetanus = next(r for r in result.differential if r.condition == "tetanus")
    assert tetanus.unexplained == ()
    assert [c.finding for c in tetanus.supporting] == ["trismus-or-risus"]
    assert tetanus.supporting[0].likelihood_ratio == 20.0  # the link's own ratio stays
    assert tetanus.supporting[0].effect_ratio > 1


def test_a_background_finding_left_unlinked_is_not_called_unexplained(snap: Snapshot):
    """Onset and side are common whatever the diagnosis (their unlinked frequency is high)."""
    result = differential_compute(
        snapshot=snap,
        assessment=Assessment(frozenset({"flickering-twitch", "onset-gradual"}), age_years=40),
    )
    benign = next(r for r in result.differential if r.condition == "benign-fasciculation")
    assert "onset-gradual" not in {u.finding for u in benign.unexplained}


@FAST
@given(data=st.data())
def test_effect_ratios_compare_with_the_other_conditions(snap: Snapshot, data: st.DataObject):
    a = data.draw(assessments(snap, max_size=6))
    result = differential_compute(snapshot=snap, assessment=a)
    table = frequency_table(snap)
    p = {r.condition: r.probability for r in result.differential}
    column = {c: j for j, c in enumerate(table.conditions)}
    for r in result.differential:
        for c in r.supporting + r.opposing:
            f = table.f[table.row[c.finding]]
            values = f if c.state == "present" else 1 - f
            others = [k for k in table.conditions if k != r.condition]
            total = sum(p[k] for k in others)
            if total < 1e-9:
                continue
            mean = sum(p[k] * float(values[column[k]]) for k in others) / total
            assert c.effect_ratio == pytest.approx(float(values[column[r.condition]]) / mean)
            assert (c.effect_ratio > 1) == (c in r.supporting)


# Next questions: the vectorised entropy against the sum written out.
def _entropy(p: list[float]) -> float:
    return -sum(x * math.log2(x) for x in p if x > 0)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_next_questions_maximise_the_expected_information(snap: Snapshot, data: st.DataObject):
    a = data.draw(assessments(snap, max_size=6))
    result = differential_compute(snapshot=snap, assessment=a, next_limit=3)
    table = frequency_table(snap)
    p = [
        next(r.probability for r in result.differential if r.condition == c)
        for c in table.conditions
    ]
    gains = {}
    for slug in table.findings:
        if slug in a.present | a.absent:
            continue
        f = [float(x) for x in table.f[table.row[slug]]]
        yes = [pi * fi for pi, fi in zip(p, f, strict=True)]
        no = [pi * (1 - fi) for pi, fi in zip(p, f, strict=True)]
        p_yes, p_no = sum(yes), sum(no)
        expected = p_yes * _entropy([y / p_yes for y in yes]) + p_no * _entropy(
            [n / p_no for n in no]
        )
        gains[slug] = _entropy(p) - expected
    for q in result.next_questions:
        assert q.expected_information_bits == pytest.approx(gains[q.finding], abs=2e-4)
    if result.next_questions:
        best = max(gains.values())
        assert result.next_questions[0].expected_information_bits == pytest.approx(best, abs=2e-4)


def test_a_linked_finding_keeps_its_links_sources(snap: Snapshot):
    result = differential_compute(
        snapshot=snap, assessment=Assessment(frozenset({"trismus-or-risus"}))
    )
    tetanus = next(r for r in result.differential if r.condition == "tetanus")
    link = next(x for x in snap.links["trismus-or-risus"] if x.condition == "tetanus")
    assert tetanus.supporting[0].sources == link.sources and link.sources


def test_the_condition_page_shows_the_frequency_each_link_gives(client: Any):
    html = client.get("/conditions/tetanus/").content.decode()
    assert '<th scope="col">Frequency</th>' in html
    row = html[html.index('id="evidence-trismus-or-risus"') :]
    # LR+ 20, LR- 0.2: 20 x 0.8 / 19.8 = 81%
    assert "81%" in row[: row.index("</tr>")]
