"""The ranking: prior x age ratio x the frequency of every finding assessed (docs/ranking.md).

A present finding multiplies a condition's weight by its frequency in that condition, an
absent one by one minus it; a finding with no evidence link to a condition takes the
unlinked frequency, so a striking finding that a condition does not produce counts
against it, and an absent hallmark counts against its condition.
"""

import math

import numpy as np

from reference.differential.frequencies import FrequencyTable, frequency_table
from reference.differential.types import (
    UNEXPLAINED_AT_MOST,
    Assessment,
    Contribution,
    Unexplained,
)
from reference.snapshot import Snapshot


def _age_band(age: float) -> int:
    if age < 1:
        return 0
    if age < 18:
        return 1
    if age < 60:
        return 2
    return 3


def _rows(table: FrequencyTable, slugs: frozenset[str]) -> np.ndarray:
    # Sorted, so that floating-point sums never depend on set iteration order.
    return np.array(sorted(table.row[s] for s in slugs), dtype=np.intp)


def ranking_probabilities(snapshot: Snapshot, assessment: Assessment) -> np.ndarray:
    """The probability of each ranked condition, in the snapshot's order; they sum to 1."""
    table = frequency_table(snapshot)
    band = 4 if assessment.age_years is None else _age_band(assessment.age_years)
    logs = table.log_base[band].copy()
    if assessment.present:
        logs += table.log_f[_rows(table, assessment.present)].sum(axis=0)
    if assessment.absent:
        logs += table.log_not_f[_rows(table, assessment.absent)].sum(axis=0)
    if logs.size == 0:
        return logs
    weights = np.exp(logs - logs.max())
    return weights / weights.sum()


def _effects(values: np.ndarray, p: np.ndarray) -> np.ndarray:
    """values (findings x conditions) over their p-weighted mean in the other conditions."""
    rest = 1 - p
    total = values @ p
    with np.errstate(divide="ignore", invalid="ignore"):
        weighted = (total[:, None] - p[None, :] * values) / rest[None, :]
    n = p.size
    plain = (values.sum(axis=1)[:, None] - values) / max(n - 1, 1)
    # Where one condition holds (nearly) all the probability, weigh the others equally.
    others = np.where(rest[None, :] > 1e-9, weighted, plain)
    return values / np.maximum(others, 1e-300)


def ranking_contributions(
    snapshot: Snapshot, assessment: Assessment, probabilities: np.ndarray
) -> dict[str, tuple[tuple[Contribution, ...], tuple[Contribution, ...], tuple[Unexplained, ...]]]:
    """For every condition: findings for it, against it, and present findings it does not
    explain, strongest first. The ratio is the finding's effect against the other
    conditions; a linked finding also keeps its own ratio, grade and estimate label."""
    table = frequency_table(snapshot)
    found: dict[int, list[Contribution]] = {}
    unexplained: dict[int, list[Unexplained]] = {}
    states = [("present", s) for s in sorted(assessment.present)]
    states += [("absent", s) for s in sorted(assessment.absent)]
    if states:
        rows = np.array([table.row[slug] for _, slug in states], dtype=np.intp)
        f = table.f[rows]
        present = np.array([state == "present" for state, _ in states])
        values = np.where(present[:, None], f, 1 - f)
        effects = _effects(values, probabilities).tolist()
        linked = table.linked[rows]
        rare = (~linked) & (f <= UNEXPLAINED_AT_MOST) & present[:, None]
        freq = f.tolist()
        for k, (state, slug) in enumerate(states):
            label = snapshot.findings[slug].label
            for j in np.flatnonzero(linked[k]).tolist():
                link = table.link[(slug, j)]
                ratio = link.lr_present if state == "present" else link.lr_absent
                found.setdefault(j, []).append(
                    Contribution(
                        slug,
                        label,
                        state,
                        ratio,
                        link.is_estimate,
                        link.grade,
                        effects[k][j],
                        link.sources,
                    )
                )
            for j in np.flatnonzero(rare[k]).tolist():
                unexplained.setdefault(j, []).append(
                    Unexplained(slug, label, freq[k][j], effects[k][j])
                )
    out = {}
    for j, slug in enumerate(table.conditions):
        items = found.get(j, [])
        items.sort(key=lambda c: (-abs(math.log(c.effect_ratio)), c.finding))
        missing = unexplained.get(j, [])
        missing.sort(key=lambda u: (u.effect_ratio, u.finding))
        out[slug] = (
            tuple(c for c in items if c.effect_ratio > 1),
            tuple(c for c in items if c.effect_ratio < 1),
            tuple(missing),
        )
    return out
