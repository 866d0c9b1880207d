"""Workup and examination: what the conditions that matter call for, grouped by need.

Who contributes. A condition contributes its recommendations when its probability is at
least `WORKUP_MIN_PROBABILITY`, when one of its red flags fired, or when it is the chosen
working diagnosis. A condition below the threshold with no flag adds nothing, so a benign
twitch at 95% does not collect a rare mimic's tests.

Conditions on a recommendation. A recommendation may apply only `when` findings are
present and/or the age is inside a bound (or age is not given), and may carry overrides
with the same `when`: the most urgent matching override replaces its priority and
rationale. This is how "no EMG under 40 with no weakness" and "EMG from 40 or with any
weakness" are data the engine evaluates, not prose.

Examination. Items of kind "assessment" (neurological examination, eye-closure check,
medication review, ...) are what to do at this visit: they go to `examination`; every
other kind goes to `workup`. Both are assembled the same way.

One test, one line. A test recommended by several conditions takes the most urgent
priority among them, and the rationales of those that give it.

Disagreement. "For" is any priority but not-recommended; "against" is not-recommended.
When contributing conditions disagree, on one test or on one need (a need such as
"Look for a structural cause in the brain or facial nerve" is shared across conditions),
one side is kept and the line's rationale says what decided it. Deciders, in order:
1. a red flag raised for a condition on the "for" side: recommended;
2. a finding present that one side's override rests on, when the other side rests on
   none: that side;
3. the working diagnosis, when it is on one side only: that side;
4. probability: the side whose conditions add up to more wins; a tie recommends.
So a need is never shown both recommended and not recommended, and a test is never shown
twice.
"""

from dataclasses import dataclass, replace

from reference.differential.types import (
    EXAMINATION_KIND,
    GRADE_ORDER,
    WORKUP_MIN_PROBABILITY,
    Assessment,
    RankedCondition,
    RedFlag,
    WorkupGroup,
    WorkupLine,
)
from reference.models import PRIORITY_ORDER
from reference.snapshot import Snapshot, WorkupRef, WorkupWhen

AGAINST = "not-recommended"


@dataclass(frozen=True)
class _Rec:
    """One contributing recommendation, its override applied."""

    ref: WorkupRef
    priority: str
    rationale: str
    probability: float
    findings: tuple[str, ...]  # present findings an applied override rests on


@dataclass
class _Line:
    line: WorkupLine
    recs: list[_Rec]


@dataclass(frozen=True)
class _Context:
    snapshot: Snapshot
    names: dict[str, str]
    flags: dict[str, RedFlag]  # the most urgent flag of each flagged condition
    working_diagnosis: str | None


def _matches(o: WorkupWhen, assessment: Assessment) -> bool:
    age = assessment.age_years
    if o.age_unknown and age is not None:
        return False
    if o.age_min is not None or o.age_max is not None:
        if age is None:
            return False
        if (o.age_min is not None and age < o.age_min) or (
            o.age_max is not None and age > o.age_max
        ):
            return False
    if not set(o.requires_all) <= assessment.present:
        return False
    return not o.requires_any or bool(set(o.requires_any) & assessment.present)


def _resting_on(w: WorkupWhen, assessment: Assessment) -> tuple[str, ...]:
    return tuple(sorted(set(w.requires_all) | (set(w.requires_any) & assessment.present)))


def _apply(ref: WorkupRef, assessment: Assessment, probability: float) -> _Rec | None:
    """The recommendation as the findings and age make it; None when it does not apply."""
    if ref.when is not None and not _matches(ref.when, assessment):
        return None
    base = () if ref.when is None else _resting_on(ref.when, assessment)
    matching = [o for o in ref.overrides if _matches(o.when, assessment)]
    if not matching:
        return _Rec(ref, ref.priority, ref.rationale, probability, base)
    o = min(matching, key=lambda x: PRIORITY_ORDER[x.priority])  # first of the most urgent
    return _Rec(ref, o.priority, o.rationale, probability, _resting_on(o.when, assessment))


def _who(recs: list[_Rec], ctx: _Context) -> str:
    seen: dict[str, float] = {}
    for r in recs:
        seen[r.ref.condition] = r.probability
    return ", ".join(f"{ctx.names[c]} ({p:.0%})" for c, p in seen.items())


def _labels(slugs: tuple[str, ...] | list[str], ctx: _Context) -> str:
    return ", ".join(
        ctx.snapshot.findings[s].label if s in ctx.snapshot.findings else s for s in slugs
    )


def _decide(fors: list[_Rec], against: list[_Rec], ctx: _Context) -> tuple[bool, str]:
    """(recommend?, what decided it) when `fors` and `against` disagree."""
    for r in fors:
        flag = ctx.flags.get(r.ref.condition)
        if flag is not None:
            return True, (
                f"the red flag raised for {ctx.names[r.ref.condition]} "
                f"({_labels(flag.triggered_by, ctx)})"
            )
    for_findings = sorted({f for r in fors for f in r.findings})
    against_findings = sorted({f for r in against for f in r.findings})
    if for_findings and not against_findings:
        return True, f"the finding present: {_labels(for_findings, ctx)}"
    if against_findings and not for_findings:
        return False, f"the finding present: {_labels(against_findings, ctx)}"
    wd = ctx.working_diagnosis
    for_conditions = {r.ref.condition for r in fors}
    against_conditions = {r.ref.condition for r in against}
    if wd in for_conditions and wd not in against_conditions:
        return True, f"the working diagnosis, {ctx.names[wd]}"
    if wd in against_conditions and wd not in for_conditions:
        return False, f"the working diagnosis, {ctx.names[wd]}"
    p_for = sum({r.ref.condition: r.probability for r in fors}.values())
    p_against = sum({r.ref.condition: r.probability for r in against}.values())
    verdict = p_for >= p_against
    return verdict, (
        f"probability: {_who(fors, ctx)} against {_who(against, ctx)}"
        if verdict
        else f"probability: {_who(against, ctx)} against {_who(fors, ctx)}"
    )


def _names(recs: list[_Rec]) -> str:
    return ", ".join(dict.fromkeys(r.ref.name for r in recs))


def _line(code: str, keep: list[_Rec], note: str) -> _Line:
    best = min(PRIORITY_ORDER[r.priority] for r in keep)
    winners = sorted(
        (r for r in keep if PRIORITY_ORDER[r.priority] == best), key=lambda r: -r.probability
    )
    first = winners[0].ref
    rationale = " ".join(dict.fromkeys(r.rationale for r in winners))
    return _Line(
        WorkupLine(
            code=code,
            name=first.name,
            kind=first.kind,
            loinc=first.loinc,
            priority=winners[0].priority,
            rationale=f"{rationale} {note}".strip(),
            for_conditions=tuple(dict.fromkeys(r.ref.condition for r in winners)),
            evidence_grade=min((r.ref.grade for r in winners), key=GRADE_ORDER.__getitem__),
            sources=tuple(sorted({k for r in winners for k in r.ref.sources})),
            need=first.need or first.name,
        ),
        keep,
    )


def _by_test(recs: list[_Rec], ctx: _Context) -> list[_Line]:
    by_code: dict[str, list[_Rec]] = {}
    for r in recs:
        by_code.setdefault(r.ref.code, []).append(r)
    lines = []
    for code, group in by_code.items():
        fors = [r for r in group if r.priority != AGAINST]
        against = [r for r in group if r.priority == AGAINST]
        if fors and against:
            recommend, why = _decide(fors, against, ctx)
            if recommend:
                note = (
                    f"Recommended although {_who(against, ctx)} advises against it; "
                    f"decided by {why}."
                )
                lines.append(_line(code, fors, note))
            else:
                note = (
                    f"{_who(fors, ctx)} would call for it; not recommended here, decided by {why}."
                )
                lines.append(_line(code, against, note))
        else:
            lines.append(_line(code, group, ""))
    return lines


def _by_need(lines: list[_Line], ctx: _Context) -> list[_Line]:
    by_need: dict[str, list[_Line]] = {}
    for x in lines:
        by_need.setdefault(x.line.need, []).append(x)
    kept: list[_Line] = []
    for need_lines in by_need.values():
        fors = [x for x in need_lines if x.line.priority != AGAINST]
        against = [x for x in need_lines if x.line.priority == AGAINST]
        if not (fors and against):
            kept += need_lines
            continue
        for_recs = [r for x in fors for r in x.recs if r.priority != AGAINST]
        against_recs = [r for x in against for r in x.recs if r.priority == AGAINST]
        recommend, why = _decide(for_recs, against_recs, ctx)
        if recommend:
            note = (
                f"For this need {_who(against_recs, ctx)} advises against "
                f"{_names(against_recs)}; recommended here, decided by {why}."
            )
            survivors = fors
        else:
            note = (
                f"For this need {_who(for_recs, ctx)} would call for {_names(for_recs)}; "
                f"not recommended here, decided by {why}."
            )
            survivors = against
        for x in survivors:
            line = x.line
            kept.append(
                _Line(
                    replace(line, rationale=f"{line.rationale} {note}"),
                    x.recs,
                )
            )
    return kept


def _ordered(lines: list[_Line]) -> tuple[tuple[WorkupLine, ...], tuple[WorkupGroup, ...]]:
    by_need: dict[str, list[WorkupLine]] = {}
    for x in lines:
        by_need.setdefault(x.line.need, []).append(x.line)
    groups = []
    for need, members in by_need.items():
        members.sort(key=lambda w: (PRIORITY_ORDER[w.priority], w.name))
        groups.append((PRIORITY_ORDER[members[0].priority], need, members))
    groups.sort(key=lambda g: (g[0], g[1]))
    flat = tuple(w for _, _, members in groups for w in members)
    return flat, tuple(
        WorkupGroup(need=need, priority=members[0].priority, codes=tuple(w.code for w in members))
        for _, need, members in groups
    )


@dataclass(frozen=True)
class WorkupResult:
    workup: tuple[WorkupLine, ...]
    workup_groups: tuple[WorkupGroup, ...]
    examination: tuple[WorkupLine, ...]


def contributing_conditions(
    *,
    ranked: tuple[RankedCondition, ...],
    red_flags: tuple[RedFlag, ...],
    working_diagnosis: str | None = None,
) -> tuple[str, ...]:
    """The conditions whose recommendations count, most probable first."""
    chosen = [r.condition for r in ranked if r.probability >= WORKUP_MIN_PROBABILITY]
    chosen += [f.condition for f in red_flags]
    if working_diagnosis:
        chosen.append(working_diagnosis)
    return tuple(dict.fromkeys(chosen))


def workup_assemble(
    *,
    snapshot: Snapshot,
    assessment: Assessment,
    ranked: tuple[RankedCondition, ...],
    red_flags: tuple[RedFlag, ...],
    working_diagnosis: str | None = None,
) -> WorkupResult:
    """Workup and examination of the contributing conditions (see the module docstring)."""
    probability = {r.condition: r.probability for r in ranked}
    flags: dict[str, RedFlag] = {}
    for f in red_flags:  # most urgent first
        flags.setdefault(f.condition, f)
    ctx = _Context(snapshot, snapshot.condition_names, flags, working_diagnosis)
    applied = [
        _apply(ref, assessment, probability.get(slug, 0.0))
        for slug in contributing_conditions(
            ranked=ranked, red_flags=red_flags, working_diagnosis=working_diagnosis
        )
        for ref in snapshot.workup.get(slug, ())
    ]
    recs = [r for r in applied if r is not None]
    exam = [r for r in recs if r.ref.kind == EXAMINATION_KIND]
    tests = [r for r in recs if r.ref.kind != EXAMINATION_KIND]
    workup, groups = _ordered(_by_need(_by_test(tests, ctx), ctx))
    examination, _ = _ordered(_by_need(_by_test(exam, ctx), ctx))
    return WorkupResult(workup=workup, workup_groups=groups, examination=examination)
