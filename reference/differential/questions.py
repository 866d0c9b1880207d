"""Next questions: the unassessed findings with the largest expected loss of entropy.

Dense over findings x conditions (every finding speaks to every condition through its
frequency, docs/ranking.md), so it is four matrix-vector products on the frequency table.
For a finding with frequencies f and current probabilities p, Y = p f and N = p (1 - f)
are the unnormalised rankings after a yes and a no, P(yes) = sum Y, and the expected
entropy after asking is

    P(yes) log P(yes) + P(no) log P(no) - sum(Y log Y) - sum(N log N),

where sum(Y log Y) = f @ (p log p) + (f log f) @ p, and likewise for N.
"""

import math

import numpy as np

from reference.differential.frequencies import frequency_table
from reference.differential.types import Assessment, NextQuestion
from reference.snapshot import Snapshot

_INV_LN2 = 1 / math.log(2)


def _xlogx(x: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0)


def next_questions_choose(
    *, snapshot: Snapshot, assessment: Assessment, probabilities: np.ndarray, limit: int
) -> tuple[NextQuestion, ...]:
    """Unassessed findings with the largest expected reduction in entropy, best first."""
    table = frequency_table(snapshot)
    p = np.asarray(probabilities, dtype=np.float64)
    if p.size == 0 or limit <= 0:
        return ()
    assessed = assessment.present | assessment.absent
    rows = np.array(
        [i for i, slug in enumerate(table.findings) if slug not in assessed], dtype=np.intp
    )
    if rows.size == 0:
        return ()
    plogp = _xlogx(p)
    current = -plogp.sum()
    f = table.f[rows]
    not_f = 1 - f
    p_yes = np.clip(f @ p, 0.0, 1.0)
    p_no = np.clip(not_f @ p, 0.0, 1.0)
    y_log_y = f @ plogp + table.f_log_f[rows] @ p
    n_log_n = not_f @ plogp + table.not_f_log_not_f[rows] @ p
    expected = _xlogx(p_yes) + _xlogx(p_no) - y_log_y - n_log_n
    gains = (current - expected) * _INV_LN2
    order = snapshot.findings
    scored = [(float(g), table.findings[r]) for g, r in zip(gains, rows, strict=True) if g > 1e-6]
    scored.sort(key=lambda x: (-x[0], order[x[1]].order, x[1]))
    return tuple(
        NextQuestion(
            finding=slug,
            label=order[slug].label,
            question=order[slug].question,
            how_to_elicit=order[slug].how_to_elicit,
            category=order[slug].category,
            expected_information_bits=round(gain, 4),
        )
        for gain, slug in scored[:limit]
    )
