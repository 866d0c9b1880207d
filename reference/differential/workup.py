"""Workup: the tests and referrals of the conditions that matter, deduplicated."""

from reference.differential.types import (
    GRADE_ORDER,
    WORKUP_MIN_PROBABILITY,
    WORKUP_TOP,
    RankedCondition,
    RedFlag,
    WorkupLine,
)
from reference.models import PRIORITY_ORDER
from reference.snapshot import Snapshot


def workup_assemble(
    *, snapshot: Snapshot, ranked: tuple[RankedCondition, ...], red_flags: tuple[RedFlag, ...]
) -> tuple[WorkupLine, ...]:
    """Workup for the leading conditions and every flagged one, deduplicated by test.

    A test takes its most urgent priority among the conditions that recommend it. It is
    shown as not recommended only when every contributing condition advises against it,
    so the clinician still sees what not to order.
    """
    chosen: list[str] = [r.condition for r in ranked[:WORKUP_TOP]]
    chosen += [r.condition for r in ranked if r.probability >= WORKUP_MIN_PROBABILITY]
    chosen += [f.condition for f in red_flags]
    conditions = list(dict.fromkeys(chosen))
    by_code: dict[str, list] = {}
    for slug in conditions:
        for ref in snapshot.workup.get(slug, ()):
            by_code.setdefault(ref.code, []).append(ref)
    lines: list[WorkupLine] = []
    for code, refs in by_code.items():
        best = min(PRIORITY_ORDER[r.priority] for r in refs)
        winners = [r for r in refs if PRIORITY_ORDER[r.priority] == best]
        first = winners[0]
        lines.append(
            WorkupLine(
                code=code,
                name=first.name,
                kind=first.kind,
                loinc=first.loinc,
                priority=first.priority,
                rationale=" ".join(dict.fromkeys(r.rationale for r in winners)),
                for_conditions=tuple(r.condition for r in winners),
                evidence_grade=min((r.grade for r in winners), key=GRADE_ORDER.__getitem__),
                sources=tuple(sorted({k for r in winners for k in r.sources})),
            )
        )
    lines.sort(key=lambda w: (PRIORITY_ORDER[w.priority], w.name))
    return tuple(lines)
