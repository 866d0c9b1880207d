"""The ranking: prior x age ratio x the likelihood ratios of the findings assessed."""

import math

from reference.differential.types import UNLINKED_PRESENT_RATE, Assessment, Contribution
from reference.snapshot import Snapshot


def _age_band(age: float) -> int:
    if age < 1:
        return 0
    if age < 18:
        return 1
    if age < 60:
        return 2
    return 3


def _log_weights(snapshot: Snapshot, assessment: Assessment) -> list[float]:
    index = {c.slug: i for i, c in enumerate(snapshot.conditions)}
    band = None if assessment.age_years is None else _age_band(assessment.age_years)
    logs = [
        math.log(c.prior) + (0.0 if band is None else math.log(c.age_ratios[band]))
        for c in snapshot.conditions
    ]
    # Sorted, so that floating-point sums never depend on set iteration order.
    for slug in sorted(assessment.present):
        for link in snapshot.links.get(slug, ()):
            logs[index[link.condition]] += math.log(link.lr_present)
    for slug in sorted(assessment.absent):
        for link in snapshot.links.get(slug, ()):
            logs[index[link.condition]] += math.log(link.lr_absent)
    return logs


def _normalise(logs: list[float]) -> list[float]:
    top = max(logs)
    weights = [math.exp(x - top) for x in logs]
    total = sum(weights)
    return [w / total for w in weights]


def _present_rate(lr_present: float, lr_absent: float) -> float:
    """P(finding present | condition) implied by a pair of likelihood ratios."""
    if abs(lr_present - lr_absent) < 1e-9:
        return UNLINKED_PRESENT_RATE
    rate = lr_present * (1 - lr_absent) / (lr_present - lr_absent)
    return min(max(rate, 0.01), 0.99)


def _contributions(
    snapshot: Snapshot, assessment: Assessment
) -> dict[str, tuple[tuple[Contribution, ...], tuple[Contribution, ...]]]:
    """For every condition, the findings that raised and lowered it, strongest first."""
    found: dict[str, list[Contribution]] = {}
    for state, slugs in (("present", assessment.present), ("absent", assessment.absent)):
        for slug in sorted(slugs):
            label = snapshot.findings[slug].label
            for link in snapshot.links.get(slug, ()):
                ratio = link.lr_present if state == "present" else link.lr_absent
                if ratio != 1:
                    found.setdefault(link.condition, []).append(
                        Contribution(slug, label, state, ratio, link.is_estimate, link.grade)
                    )
    out = {}
    for condition, items in found.items():
        items.sort(key=lambda c: (-abs(math.log(c.likelihood_ratio)), c.finding))
        out[condition] = (
            tuple(c for c in items if c.likelihood_ratio > 1),
            tuple(c for c in items if c.likelihood_ratio < 1),
        )
    return out
