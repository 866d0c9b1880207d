"""Next questions: the unassessed findings with the largest expected loss of entropy."""

import math
from typing import Any

from reference.differential.ranking import _present_rate
from reference.differential.types import UNLINKED_PRESENT_RATE, Assessment, NextQuestion
from reference.snapshot import Snapshot


def _entropy_after(
    probs: list[float],
    logs: list[float],
    plogp_sum: float,
    changes: list[tuple[int, float, float]],
) -> float:
    """Entropy (bits) of probs re-weighted by ratios at a few indices, in O(len(changes)).

    With q_i = p_i r_i / Z: H = log Z - (1/Z) sum p_i r_i (log p_i + log r_i), and only the
    changed indices differ from the precomputed sum of p log p. `changes` holds
    (index, r, r log r) and `logs` the log of each probability.
    """
    z = 1.0
    acc = plogp_sum
    for i, r, rlogr in changes:
        p = probs[i]
        z += p * (r - 1)
        acc += p * ((r - 1) * logs[i] + rlogr)
    return (math.log(z) - acc / z) * _INV_LN2


_INV_LN2 = 1 / math.log(2)


Change = tuple[int, float, float]
_QUESTION_TABLES: dict[str, dict[str, Any]] = {}


def _question_table(
    snapshot: Snapshot,
) -> dict[str, tuple[list[tuple[int, float]], list[Change], list[Change]]]:
    """Per finding: (condition index, present rate above baseline), (index, LR+), (index, LR-).

    Derived from the snapshot once per content version (keyed by its fingerprint).
    """
    table = _QUESTION_TABLES.get(snapshot.fingerprint)
    if table is None or len(_QUESTION_TABLES) > 8:
        index = {c.slug: i for i, c in enumerate(snapshot.conditions)}
        table = {
            slug: (
                [
                    (
                        index[x.condition],
                        _present_rate(x.lr_present, x.lr_absent) - UNLINKED_PRESENT_RATE,
                    )
                    for x in links
                ],
                [
                    (index[x.condition], x.lr_present, x.lr_present * math.log(x.lr_present))
                    for x in links
                ],
                [
                    (index[x.condition], x.lr_absent, x.lr_absent * math.log(x.lr_absent))
                    for x in links
                ],
            )
            for slug, links in snapshot.links.items()
            if links
        }
        _QUESTION_TABLES.clear()
        _QUESTION_TABLES[snapshot.fingerprint] = table
    return table


def next_questions_choose(
    *, snapshot: Snapshot, assessment: Assessment, probabilities: list[float], limit: int
) -> tuple[NextQuestion, ...]:
    """Unassessed findings with the largest expected reduction in entropy, best first."""
    # Probabilities are strictly positive (exp of finite log weights, normalised).
    logs = [math.log(p) if p > 0 else 0.0 for p in probabilities]
    plogp = sum(p * lp for p, lp in zip(probabilities, logs, strict=True))
    current = -plogp * _INV_LN2
    assessed = assessment.present | assessment.absent
    scored: list[tuple[float, str]] = []
    for slug, (rates, yes, no) in _question_table(snapshot).items():
        if slug in assessed:
            continue
        p_yes = UNLINKED_PRESENT_RATE + sum(probabilities[i] * r for i, r in rates)
        expected = p_yes * _entropy_after(probabilities, logs, plogp, yes) + (
            1 - p_yes
        ) * _entropy_after(probabilities, logs, plogp, no)
        gain = current - expected
        if gain > 1e-6:
            scored.append((gain, slug))
    scored.sort(key=lambda x: (-x[0], snapshot.findings[x[1]].order))
    return tuple(
        NextQuestion(
            finding=slug,
            label=snapshot.findings[slug].label,
            question=snapshot.findings[slug].question,
            how_to_elicit=snapshot.findings[slug].how_to_elicit,
            category=snapshot.findings[slug].category,
            expected_information_bits=round(gain, 4),
        )
        for gain, slug in scored[:limit]
    )
