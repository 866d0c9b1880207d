"""The frequency of every finding in every condition, as numpy arrays (docs/ranking.md).

Built once per snapshot object and kept on it, so a request pays only for the rows of the
findings it assessed. Every finding speaks to every ranked condition: through its evidence
link when there is one, and through the unlinked frequency when there is not.
"""

from dataclasses import dataclass

import numpy as np

from reference.differential.types import (
    FREQUENCY_MAX,
    FREQUENCY_MIN,
    OTHERS_RATE,
    UNLINKED_FREQUENCY,
)
from reference.snapshot import Link, Snapshot


def link_frequency(lr_present: float, lr_absent: float) -> float:
    """P(finding present | condition) implied by a link's two likelihood ratios.

    sensitivity = LR+ (1 - LR-) / (LR+ - LR-). A pair with one ratio at 1 has no finite
    solution; it is read against OTHERS_RATE, the rate a finding is taken to have in the
    other conditions: f = LR+ x 0.1 when LR- is 1, f = 1 - LR- x 0.9 when LR+ is 1.
    Clamped, so that no finding makes a condition impossible or certain.
    """
    if lr_absent == 1:
        f = lr_present * OTHERS_RATE
    elif lr_present == 1:
        f = 1 - lr_absent * (1 - OTHERS_RATE)
    else:
        f = lr_present * (1 - lr_absent) / (lr_present - lr_absent)
    return min(max(f, FREQUENCY_MIN), FREQUENCY_MAX)


def unlinked_frequency(finding: float | None, condition: float | None) -> float:
    """A pair with no link: the larger of the finding's and the condition's overrides."""
    return max(
        UNLINKED_FREQUENCY if finding is None else finding,
        0.0 if condition is None else condition,
    )


@dataclass(frozen=True)
class FrequencyTable:
    conditions: tuple[str, ...]  # column order: the snapshot's ranked conditions
    findings: tuple[str, ...]  # row order: sorted slugs
    row: dict[str, int]
    f: np.ndarray  # (findings, conditions)
    log_f: np.ndarray
    log_not_f: np.ndarray
    f_log_f: np.ndarray  # f log f, for the entropy of the next questions
    not_f_log_not_f: np.ndarray
    linked: np.ndarray  # bool: the pair has an evidence link
    link: dict[tuple[str, int], Link]  # (finding, condition column) -> its link
    log_base: np.ndarray  # (5, conditions): log prior + log age ratio; row 4 = age not given


def frequency_table(snapshot: Snapshot) -> FrequencyTable:
    """The snapshot's table, built on first use and kept on the (immutable) snapshot."""
    table = snapshot.__dict__.get("_frequency_table")
    if table is None:
        table = _build(snapshot)
        object.__setattr__(snapshot, "_frequency_table", table)
    return table


def _build(snapshot: Snapshot) -> FrequencyTable:
    conditions = tuple(c.slug for c in snapshot.conditions)
    column = {slug: i for i, slug in enumerate(conditions)}
    findings = tuple(sorted(snapshot.findings))
    row = {slug: i for i, slug in enumerate(findings)}
    by_condition = np.array(
        [
            0.0 if c.unlinked_frequency is None else c.unlinked_frequency
            for c in snapshot.conditions
        ]
    )
    by_finding = np.array(
        [
            UNLINKED_FREQUENCY
            if snapshot.findings[slug].unlinked_frequency is None
            else snapshot.findings[slug].unlinked_frequency
            for slug in findings
        ]
    )
    f = np.maximum(by_finding[:, None], by_condition[None, :]).astype(np.float64)
    linked = np.zeros(f.shape, dtype=bool)
    link: dict[tuple[str, int], Link] = {}
    for slug, links in snapshot.links.items():
        if slug not in row:
            continue
        for x in links:
            j = column.get(x.condition)
            if j is None:  # a flag-only topic: not ranked
                continue
            f[row[slug], j] = link_frequency(x.lr_present, x.lr_absent)
            linked[row[slug], j] = True
            link[(slug, j)] = x
    not_f = 1 - f
    priors = np.log(np.array([c.prior for c in snapshot.conditions], dtype=np.float64))
    ages = np.log(np.array([c.age_ratios for c in snapshot.conditions], dtype=np.float64)).T
    log_base = np.vstack([priors + ages, priors[None, :]]) if conditions else np.zeros((5, 0))
    for array in (f, not_f, linked, log_base):
        array.setflags(write=False)
    return FrequencyTable(
        conditions=conditions,
        findings=findings,
        row=row,
        f=f,
        log_f=np.log(f),
        log_not_f=np.log(not_f),
        f_log_f=f * np.log(f),
        not_f_log_not_f=not_f * np.log(not_f),
        linked=linked,
        link=link,
        log_base=log_base,
    )
