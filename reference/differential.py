"""The differential engine: ranking, red flags, next questions and workup.

Plain Python over an immutable `Snapshot`; no database access. Ranking is a transparent
Bayesian model: prior x age ratio x the likelihood ratio of every finding marked present
or absent, normalised over the conditions into relative probabilities that sum to 1.
Red flags are rules evaluated on the findings alone, so no ranking can hide them.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reference.models import PRIORITY_ORDER, URGENCY_ORDER
from reference.snapshot import Snapshot

GRADE_ORDER = {"A": 0, "B": 1, "C": 2}
# What a slug or a field name looks like; other strings are never echoed in errors.
SLUG_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,80}")
AGE_BANDS = ("infant", "child", "adult", "older")
# Heuristic for the question chooser only: how often a finding with no evidence link for a
# condition is present in it. It never enters the ranking itself.
UNLINKED_PRESENT_RATE = 0.1
NEXT_QUESTIONS = 8
# Conditions whose workup is suggested: the top few, any above this probability, and
# every condition with a red flag raised.
WORKUP_TOP = 3
WORKUP_MIN_PROBABILITY = 0.10


class AssessmentError(ValueError):
    """Input that cannot be assessed; `errors` maps each field to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Assessment:
    present: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    age_years: float | None = None


@dataclass(frozen=True)
class Contribution:
    finding: str
    label: str
    state: str  # "present" or "absent"
    likelihood_ratio: float
    is_estimate: bool
    grade: str


@dataclass(frozen=True)
class RankedCondition:
    condition: str
    name: str
    probability: float
    urgency: str
    must_not_miss: bool
    evidence_grade: str
    age_likelihood_ratio: float
    supporting: tuple[Contribution, ...]
    opposing: tuple[Contribution, ...]


@dataclass(frozen=True)
class RedFlag:
    rule: str
    condition: str
    condition_name: str
    urgency: str
    message: str
    action: str
    basis: str
    evidence_grade: str
    sources: tuple[str, ...]
    triggered_by: tuple[str, ...]


@dataclass(frozen=True)
class WorkupLine:
    code: str
    name: str
    kind: str
    loinc: str
    priority: str
    rationale: str
    for_conditions: tuple[str, ...]
    evidence_grade: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class NextQuestion:
    finding: str
    label: str
    question: str
    how_to_elicit: str
    category: str
    expected_information_bits: float


@dataclass(frozen=True)
class Differential:
    reference_version: str
    reference_revision: int
    reference_fingerprint: str
    assessment: Assessment
    differential: tuple[RankedCondition, ...]
    red_flags: tuple[RedFlag, ...]
    workup: tuple[WorkupLine, ...]
    next_questions: tuple[NextQuestion, ...]

    @property
    def flagged_conditions(self) -> tuple[tuple[str, str], ...]:
        """(condition name, most urgent level) once per flagged condition, most urgent first."""
        seen: dict[str, str] = {}
        for flag in self.red_flags:  # already sorted most urgent first
            seen.setdefault(flag.condition_name, flag.urgency)
        return tuple(seen.items())


def assessment_parse(
    *, snapshot: Snapshot, present: object, absent: object, age_years: object
) -> Assessment:
    """Validate raw input (from JSON or a form) into an Assessment, naming every problem."""
    errors: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {}
    limit = len(snapshot.findings)
    for name, raw in (("present", present), ("absent", absent)):
        problems: list[str] = []
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            errors[name] = [f"Expected a list of finding slugs, got {type(raw).__name__}."]
            continue
        if len(raw) > limit:
            problems.append(f"At most {limit} findings (the size of the vocabulary).")
        bad_types = [i for i, x in enumerate(raw) if not isinstance(x, str)]
        if bad_types:
            problems.append(f"Items must be strings; not at positions {bad_types[:10]}.")
        slugs = [x for x in raw if isinstance(x, str)]
        unknown = [i for i, x in enumerate(slugs) if x not in snapshot.findings]
        if unknown:
            problems.append(_unknown_slugs_message([slugs[i] for i in unknown], unknown))
        dupes = sorted({x for x in slugs if x in snapshot.findings and slugs.count(x) > 1})
        if dupes:
            problems.append("Listed more than once: " + ", ".join(dupes) + ".")
        if problems:
            errors[name] = problems
        lists[name] = slugs
    both = sorted(
        set(lists.get("present", [])) & set(lists.get("absent", [])) & snapshot.findings.keys()
    )
    if both:
        errors.setdefault("absent", []).append(
            "Marked both present and absent: " + ", ".join(both) + "."
        )
    age: float | None = None
    if age_years is not None:
        if isinstance(age_years, bool) or not isinstance(age_years, int | float):
            errors["age_years"] = ["Must be a number of years from 0 to 120."]
        elif not 0 <= age_years <= 120:
            # Compared, never converted or printed: an integer of 10**309 overflows a float
            # and one of 5,000 digits cannot be turned into a string. NaN fails the test.
            errors["age_years"] = ["Must be a number of years from 0 to 120."]
        else:
            age = float(age_years)
    if errors:
        raise AssessmentError(errors)
    return Assessment(
        present=frozenset(lists.get("present", [])),
        absent=frozenset(lists.get("absent", [])),
        age_years=age,
    )


def _unknown_slugs_message(unknown: list[str], positions: list[int]) -> str:
    # Echo only what looks like a slug: anything else may be text a person typed (a name,
    # a note) or an unprintable string, and neither belongs in an error message.
    shown = sorted({x for x in unknown if SLUG_SHAPE.fullmatch(x)})
    hidden = [p for x, p in zip(unknown, positions, strict=True) if not SLUG_SHAPE.fullmatch(x)]
    parts = []
    if shown:
        parts.append("Unknown finding slugs: " + ", ".join(shown[:20]) + ".")
    if hidden:
        parts.append(f"Items at positions {hidden[:10]} are not finding slugs.")
    return " ".join(parts)


def assessment_from_form(
    *, data: Mapping[str, str], snapshot: Snapshot
) -> tuple[Assessment, dict[str, list[str]]]:
    """Read the checklist form (`<slug>=present|absent`, `age`); unknown keys are ignored.

    Returns the assessment and any errors; with errors, the findings are kept and the age
    dropped, so the clinician loses nothing they ticked.
    """
    present = [s for s in snapshot.findings if data.get(s) == "present"]
    absent = [s for s in snapshot.findings if data.get(s) == "absent"]
    raw_age = (data.get("age") or "").strip()
    age: object = None
    errors: dict[str, list[str]] = {}
    if raw_age:
        try:
            age = float(raw_age)
        except ValueError:
            errors["age_years"] = ["Age must be a number of years from 0 to 120."]
    try:
        return assessment_parse(
            snapshot=snapshot, present=present, absent=absent, age_years=age
        ), errors
    except AssessmentError as exc:
        errors.update(exc.errors)
        return Assessment(present=frozenset(present), absent=frozenset(absent)), errors


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


def red_flags_evaluate(*, snapshot: Snapshot, assessment: Assessment) -> tuple[RedFlag, ...]:
    """Every red-flag rule whose findings (and age) are met, most urgent first."""
    names = {c.slug: c.name for c in snapshot.conditions}
    fired: list[RedFlag] = []
    for rule in snapshot.red_flags:
        if not rule.requires_all <= assessment.present:
            continue
        hit_any = rule.requires_any & assessment.present
        if rule.requires_any and not hit_any:
            continue
        if rule.age_min is not None or rule.age_max is not None:
            age = assessment.age_years
            if age is None:
                if not rule.age_unknown_fires:
                    continue
            elif (rule.age_min is not None and age < rule.age_min) or (
                rule.age_max is not None and age > rule.age_max
            ):
                continue
        fired.append(
            RedFlag(
                rule=rule.slug,
                condition=rule.condition,
                condition_name=names.get(rule.condition, rule.condition),
                urgency=rule.urgency,
                message=rule.message,
                action=rule.action,
                basis=rule.basis,
                evidence_grade=rule.grade,
                sources=rule.sources,
                triggered_by=tuple(sorted(rule.requires_all | hit_any)),
            )
        )
    fired.sort(key=lambda f: (URGENCY_ORDER[f.urgency], f.rule))
    return tuple(fired)


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


def differential_compute(
    *, snapshot: Snapshot, assessment: Assessment, next_limit: int = NEXT_QUESTIONS
) -> Differential:
    """Rank every condition, raise red flags, choose next questions and assemble workup."""
    probabilities = _normalise(_log_weights(snapshot, assessment))
    band = None if assessment.age_years is None else _age_band(assessment.age_years)
    ranked_list = []
    contributions = _contributions(snapshot, assessment)
    for c, p in zip(snapshot.conditions, probabilities, strict=True):
        supporting, opposing = contributions.get(c.slug, ((), ()))
        ranked_list.append(
            RankedCondition(
                condition=c.slug,
                name=c.name,
                probability=p,
                urgency=c.urgency,
                must_not_miss=c.must_not_miss,
                evidence_grade=c.grade,
                age_likelihood_ratio=1.0 if band is None else c.age_ratios[band],
                supporting=supporting,
                opposing=opposing,
            )
        )
    ranked_list.sort(key=lambda r: (-r.probability, URGENCY_ORDER[r.urgency], r.condition))
    ranked = tuple(ranked_list)
    flags = red_flags_evaluate(snapshot=snapshot, assessment=assessment)
    return Differential(
        reference_version=snapshot.version,
        reference_revision=snapshot.revision,
        reference_fingerprint=snapshot.fingerprint,
        assessment=assessment,
        differential=ranked,
        red_flags=flags,
        workup=workup_assemble(snapshot=snapshot, ranked=ranked, red_flags=flags),
        next_questions=next_questions_choose(
            snapshot=snapshot, assessment=assessment, probabilities=probabilities, limit=next_limit
        ),
    )


@dataclass(frozen=True)
class ChecklistItem:
    slug: str
    label: str
    question: str
    how_to_elicit: str
    state: str  # "present", "absent" or "" (not assessed)


@dataclass(frozen=True)
class ChecklistGroup:
    category: str
    label: str
    items: tuple[ChecklistItem, ...]


CATEGORY_LABELS = (
    ("onset", "Onset and course"),
    ("character", "Character of the movement"),
    ("distribution", "Distribution"),
    ("deficit", "Weakness and other deficits"),
    ("sensation", "Sensation and pain"),
    ("sign", "Signs"),
    ("exposure", "Context and exposures"),
)


def differential_checklist(
    *, snapshot: Snapshot, assessment: Assessment
) -> tuple[ChecklistGroup, ...]:
    """Findings grouped by category with their current tri-state, for the checklist page."""
    ordered = sorted(snapshot.findings.values(), key=lambda f: f.order)
    groups = []
    for category, label in CATEGORY_LABELS:
        items = tuple(
            ChecklistItem(
                slug=f.slug,
                label=f.label,
                question=f.question,
                how_to_elicit=f.how_to_elicit,
                state="present"
                if f.slug in assessment.present
                else "absent"
                if f.slug in assessment.absent
                else "",
            )
            for f in ordered
            if f.category == category
        )
        if items:
            groups.append(ChecklistGroup(category, label, items))
    return tuple(groups)
