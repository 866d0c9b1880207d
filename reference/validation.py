"""The project's own validation: the vignette suite and safety checks, on the content in use.

The cases are data (`fixtures/validation/*.json`, format in its README), read by the tests
and by `manage.py validate_reference`. Running them is deterministic: the same content,
engine and cases always give the same report. Results are stored keyed on (content
fingerprint, ENGINE_VERSION), so figures computed with other content or another engine are
never shown as the current ones.
"""

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from reference.differential import Assessment, Differential, differential_compute
from reference.models import URGENCY_ORDER, ValidationResult
from reference.snapshot import Snapshot

# Bump whenever the engine's behaviour changes (ranking, red flags, their order): stored
# results key on it, so the change cannot leave stale figures. (To move to the engine.)
ENGINE_VERSION = "3"
VALIDATION_DIR = Path(settings.BASE_DIR) / "fixtures" / "validation"
TOP = 4  # places shown for each case

LIST_CHECKS = ("top3", "red_flags_exact", "red_flags_include", "red_flags_exclude")
NUMBER_CHECKS = ("top1_probability_above", "top1_lead_above")
SLUG_CHECKS = ("top1", "second")
CHECK_KEYS = frozenset(
    (*LIST_CHECKS, *NUMBER_CHECKS, *SLUG_CHECKS, "red_flag_urgency", "top_flag_urgency")
)
CASE_KEYS = CHECK_KEYS | {"id", "title", "present", "absent", "age", "note", "any_of"}


class VignetteFileError(ValueError):
    """The validation files have problems; `problems` names the file and case of each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Expectation:
    """What a case asserts about the result; every field given must hold."""

    top1: str | None = None
    top3: frozenset[str] = frozenset()
    second: str | None = None
    top1_probability_above: float | None = None
    top1_lead_above: float | None = None
    red_flags_exact: frozenset[str] | None = None
    red_flags_include: frozenset[str] = frozenset()
    red_flags_exclude: frozenset[str] = frozenset()
    red_flag_urgency: tuple[tuple[str, str], ...] = ()
    top_flag_urgency: str | None = None

    @property
    def flags_expected(self) -> frozenset[str]:
        """The rules this expectation needs to fire."""
        exact = self.red_flags_exact or frozenset()
        return exact | self.red_flags_include | {rule for rule, _ in self.red_flag_urgency}


@dataclass(frozen=True)
class Vignette:
    id: str
    title: str
    group: str  # the file's name without .json
    present: frozenset[str]
    absent: frozenset[str]
    age: float | None
    expect: Expectation
    any_of: tuple[Expectation, ...] = ()  # at least one must hold
    note: str = ""


@dataclass(frozen=True)
class Placed:
    condition: str
    name: str
    probability: float


@dataclass(frozen=True)
class CaseResult:
    id: str
    title: str
    group: str
    passed: bool
    expected: tuple[str, ...]  # what the case asserts, one line each
    reasons: tuple[str, ...]  # why it failed; empty when it passed
    top: tuple[Placed, ...]  # the actual first places
    red_flags: tuple[str, ...]  # the rules that fired, most urgent first
    expected_leader: str | None
    top1_hit: bool | None  # None when the case names no leader
    top3_hit: bool | None
    red_flag_case: bool  # the case needs at least one rule to fire
    red_flag_hit: bool
    note: str = ""


@dataclass(frozen=True)
class ConditionSummary:
    condition: str
    name: str
    cases: int  # cases whose expected leader it is
    top1_hits: int
    top3_hits: int
    red_flag_cases: int  # cases that need one of its rules to fire
    red_flag_hits: int


@dataclass(frozen=True)
class Totals:
    cases: int
    passed: int
    failed: int
    leader_cases: int
    top1_hits: int
    top3_hits: int
    red_flag_cases: int
    red_flag_hits: int


@dataclass(frozen=True)
class ValidationReport:
    engine_version: str
    fingerprint: str
    suite_fingerprint: str  # hash of the case files: a changed suite is run again
    release: str
    revision: int
    totals: Totals
    conditions: tuple[ConditionSummary, ...]
    cases: tuple[CaseResult, ...]

    @property
    def passed(self) -> bool:
        return self.totals.failed == 0

    @property
    def misses(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.cases if not c.passed)


@dataclass(frozen=True)
class StoredValidation:
    report: ValidationReport
    computed_at: datetime


# --- Reading the files ---------------------------------------------------------------------


def suite_fingerprint(*, directory: Path) -> str:
    """A hash of every case file, so that results of another suite are never reused."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _expectation(data: Mapping[str, Any], where: str, problems: list[str]) -> Expectation:
    values: dict[str, Any] = {}
    for key in LIST_CHECKS:
        if key in data:
            if not _strings(data[key]):
                problems.append(f"{where}: {key} must be a list of slugs")
                continue
            values[key] = frozenset(data[key])
    for key in NUMBER_CHECKS:
        if key in data:
            if not _number(data[key]) or not 0 <= data[key] < 1:
                problems.append(f"{where}: {key} must be a number from 0 to below 1")
                continue
            values[key] = float(data[key])
    for key in SLUG_CHECKS:
        if key in data:
            if not isinstance(data[key], str):
                problems.append(f"{where}: {key} must be a condition slug")
                continue
            values[key] = data[key]
    urgency = data.get("red_flag_urgency", {})
    if not isinstance(urgency, dict) or not all(u in URGENCY_ORDER for u in urgency.values()):
        problems.append(f"{where}: red_flag_urgency must map rules to {sorted(URGENCY_ORDER)}")
    else:
        values["red_flag_urgency"] = tuple(sorted(urgency.items()))
    if "top_flag_urgency" in data:
        if data["top_flag_urgency"] not in URGENCY_ORDER:
            problems.append(f"{where}: top_flag_urgency must be one of {sorted(URGENCY_ORDER)}")
        else:
            values["top_flag_urgency"] = data["top_flag_urgency"]
    return Expectation(**values)


def _vignette(data: Any, group: str, where: str, problems: list[str]) -> Vignette | None:
    if not isinstance(data, dict):
        problems.append(f"{where}: a case must be an object")
        return None
    where = f"{where} ({data.get('id', 'no id')})"
    count = len(problems)
    unknown = sorted(set(data) - CASE_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {unknown}")
    if not isinstance(data.get("id"), str) or not data["id"]:
        problems.append(f"{where}: id must be a non-empty string")
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        problems.append(f"{where}: title must be a non-empty string")
    for key in ("present", "absent"):
        if not _strings(data.get(key)) or len(set(data[key])) != len(data[key]):
            problems.append(f"{where}: {key} must be a list of distinct finding slugs")
    age = data.get("age")
    if age is not None and (not _number(age) or not 0 <= age <= 120):
        problems.append(f"{where}: age must be null or a number from 0 to 120")
    if not set(data) & CHECK_KEYS and not data.get("any_of"):
        problems.append(f"{where}: the case checks nothing (give top1 or a red-flag check)")
    expect = _expectation(data, where, problems)
    alternatives: list[Expectation] = []
    any_of = data.get("any_of", [])
    if not isinstance(any_of, list) or not all(
        isinstance(a, dict) and a and set(a) <= CHECK_KEYS for a in any_of
    ):
        problems.append(f"{where}: any_of must be a list of objects of checks")
    else:
        alternatives = [_expectation(a, f"{where} any_of", problems) for a in any_of]
    if len(problems) > count:
        return None
    if set(data["present"]) & set(data["absent"]):
        problems.append(f"{where}: a finding is both present and absent")
        return None
    return Vignette(
        id=data["id"],
        title=data["title"],
        group=group,
        present=frozenset(data["present"]),
        absent=frozenset(data["absent"]),
        age=None if age is None else float(age),
        expect=expect,
        any_of=tuple(alternatives),
        note=data.get("note", ""),
    )


def vignette_problems(*, vignette: Vignette, snapshot: Snapshot) -> list[str]:
    """Every slug of the case that the content does not have, naming the case."""
    conditions = {c.slug for c in snapshot.conditions}
    rules = {r.slug for r in snapshot.red_flags}
    where = f"{vignette.group}.json case {vignette.id}"
    problems = []
    findings = sorted((vignette.present | vignette.absent) - set(snapshot.findings))
    if findings:
        problems.append(f"{where}: unknown finding slug(s) {findings}")
    for expect in (vignette.expect, *vignette.any_of):
        named = expect.top3 | {s for s in (expect.top1, expect.second) if s}
        if named - conditions:
            problems.append(f"{where}: unknown condition slug(s) {sorted(named - conditions)}")
        flags = expect.flags_expected | expect.red_flags_exclude
        if flags - rules:
            problems.append(f"{where}: unknown red-flag rule(s) {sorted(flags - rules)}")
    return problems


def vignettes_read(
    *, directory: Path = VALIDATION_DIR, snapshot: Snapshot | None = None
) -> tuple[Vignette, ...]:
    """Every case in `directory`, in file order; with `snapshot`, its slugs are checked too.

    Raises VignetteFileError naming the file and case of every problem found.
    """
    problems: list[str] = []
    vignettes: list[Vignette] = []
    paths = sorted(directory.glob("*.json"))
    if not paths:
        problems.append(f"{directory}: no case files (*.json)")
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: not readable JSON ({exc})")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            problems.append(f"{path.name}: must be an object with a list of cases")
            continue
        for index, case in enumerate(data["cases"]):
            vignette = _vignette(case, path.stem, f"{path.name} case {index + 1}", problems)
            if vignette is not None:
                vignettes.append(vignette)
    seen: set[str] = set()
    for v in vignettes:
        if v.id in seen:
            problems.append(f"case {v.id}: the id is used twice")
        seen.add(v.id)
        if snapshot is not None:
            problems += vignette_problems(vignette=v, snapshot=snapshot)
    if problems:
        raise VignetteFileError(problems)
    return tuple(vignettes)


# --- Checking one case ---------------------------------------------------------------------


def _failures(expect: Expectation, result: Differential) -> list[str]:
    ranked = result.differential
    fired = {f.rule: f.urgency for f in result.red_flags}
    leader = ranked[0].condition if ranked else None
    p1 = ranked[0].probability if ranked else 0.0
    p2 = ranked[1].probability if len(ranked) > 1 else 0.0
    out = []
    if expect.top1 and leader != expect.top1:
        out.append(f"leader was {leader}, expected {expect.top1}")
    second = ranked[1].condition if len(ranked) > 1 else None
    if expect.second and second != expect.second:
        out.append(f"second was {second}, expected {expect.second}")
    top3 = {r.condition for r in ranked[:3]}
    out += [f"{c} was not in the top 3" for c in sorted(expect.top3 - top3)]
    if expect.top1_probability_above is not None and not p1 > expect.top1_probability_above:
        out.append(f"leader at {p1:.3f}, expected above {expect.top1_probability_above}")
    if expect.top1_lead_above is not None and not p1 - p2 > expect.top1_lead_above:
        out.append(f"leader ahead by {p1 - p2:.3f}, expected more than {expect.top1_lead_above}")
    if expect.red_flags_exact is not None and set(fired) != expect.red_flags_exact:
        missing = sorted(expect.red_flags_exact - set(fired))
        extra = sorted(set(fired) - expect.red_flags_exact)
        out.append(
            f"red flags not as expected: missing {missing or 'none'}, extra {extra or 'none'}"
        )
    missing = sorted(expect.red_flags_include - set(fired))
    if missing:
        out.append(f"red flag(s) did not fire: {missing}")
    unwanted = sorted(expect.red_flags_exclude & set(fired))
    if unwanted:
        out.append(f"red flag(s) fired that should not: {unwanted}")
    for rule, urgency in expect.red_flag_urgency:
        if fired.get(rule) != urgency:
            out.append(f"red flag {rule} was {fired.get(rule, 'not raised')}, expected {urgency}")
    top_urgency = result.red_flags[0].urgency if result.red_flags else None
    if expect.top_flag_urgency and top_urgency != expect.top_flag_urgency:
        out.append(f"most urgent flag was {top_urgency}, expected {expect.top_flag_urgency}")
    return out


def _describe(expect: Expectation) -> list[str]:
    lines = []
    if expect.top1:
        lines.append(f"leader {expect.top1}")
    if expect.second:
        lines.append(f"second {expect.second}")
    if expect.top3:
        lines.append(f"in the top 3: {', '.join(sorted(expect.top3))}")
    if expect.top1_probability_above is not None:
        lines.append(f"leader above {expect.top1_probability_above}")
    if expect.top1_lead_above is not None:
        lines.append(f"leader ahead of the second by more than {expect.top1_lead_above}")
    if expect.red_flags_exact is not None:
        lines.append(f"red flags exactly: {', '.join(sorted(expect.red_flags_exact)) or 'none'}")
    if expect.red_flags_include:
        lines.append(f"red flags include: {', '.join(sorted(expect.red_flags_include))}")
    if expect.red_flags_exclude:
        lines.append(f"red flags exclude: {', '.join(sorted(expect.red_flags_exclude))}")
    lines += [f"red flag {rule} at {urgency}" for rule, urgency in expect.red_flag_urgency]
    if expect.top_flag_urgency:
        lines.append(f"most urgent red flag {expect.top_flag_urgency}")
    return lines


def vignette_check(*, vignette: Vignette, snapshot: Snapshot) -> CaseResult:
    """Run one case on the content and say whether it holds, and why not."""
    problems = vignette_problems(vignette=vignette, snapshot=snapshot)
    # Slugs the content lacks are reported above and left out of the ranking.
    known = set(snapshot.findings)
    assessment = Assessment(vignette.present & known, vignette.absent & known, vignette.age)
    result = differential_compute(snapshot=snapshot, assessment=assessment)
    reasons = problems + _failures(vignette.expect, result)
    if vignette.any_of:
        alternatives = [_failures(a, result) for a in vignette.any_of]
        if all(alternatives):
            reasons.append("none of: " + " | ".join("; ".join(a) for a in alternatives))
    expected = _describe(vignette.expect)
    if vignette.any_of:
        expected.append("one of: " + " | ".join(", ".join(_describe(a)) for a in vignette.any_of))
    fired = {f.rule: f.urgency for f in result.red_flags}
    needed = vignette.expect.flags_expected
    urgency_ok = all(fired.get(r) == u for r, u in vignette.expect.red_flag_urgency)
    leader = vignette.expect.top1
    ranked = [r.condition for r in result.differential]
    return CaseResult(
        id=vignette.id,
        title=vignette.title,
        group=vignette.group,
        passed=not reasons,
        expected=tuple(expected),
        reasons=tuple(reasons),
        top=tuple(Placed(r.condition, r.name, r.probability) for r in result.differential[:TOP]),
        red_flags=tuple(fired),
        expected_leader=leader,
        top1_hit=None if leader is None else ranked[:1] == [leader],
        top3_hit=None if leader is None else leader in ranked[:3],
        red_flag_case=bool(needed),
        red_flag_hit=bool(needed) and needed <= set(fired) and urgency_ok,
        note=vignette.note,
    )


# --- The whole suite -----------------------------------------------------------------------


def _by_condition(
    snapshot: Snapshot, vignettes: Iterable[Vignette], results: Iterable[CaseResult]
) -> tuple[ConditionSummary, ...]:
    rule_condition = {r.slug: r.condition for r in snapshot.red_flags}
    counts: dict[str, list[int]] = {c.slug: [0, 0, 0, 0, 0] for c in snapshot.conditions}
    for vignette, result in zip(vignettes, results, strict=True):
        if vignette.expect.top1 in counts:
            row = counts[vignette.expect.top1]
            row[0] += 1
            row[1] += bool(result.top1_hit)
            row[2] += bool(result.top3_hit)
        fired = set(result.red_flags)
        needed: dict[str, set[str]] = {}
        for rule in vignette.expect.flags_expected:
            if rule_condition.get(rule) in counts:
                needed.setdefault(rule_condition[rule], set()).add(rule)
        for condition, rules in needed.items():
            counts[condition][3] += 1
            counts[condition][4] += rules <= fired
    names = {c.slug: c.name for c in snapshot.conditions}
    return tuple(
        ConditionSummary(slug, names[slug], *row)
        for slug, row in sorted(counts.items(), key=lambda kv: names[kv[0]].lower())
    )


def validation_run(*, snapshot: Snapshot, directory: Path = VALIDATION_DIR) -> ValidationReport:
    """Run every case on `snapshot`: per case, per condition and in total. Stores nothing."""
    vignettes = vignettes_read(directory=directory)
    results = tuple(vignette_check(vignette=v, snapshot=snapshot) for v in vignettes)
    led = [r for r in results if r.expected_leader is not None]
    flagged = [r for r in results if r.red_flag_case]
    passed = sum(r.passed for r in results)
    return ValidationReport(
        engine_version=ENGINE_VERSION,
        fingerprint=snapshot.fingerprint,
        suite_fingerprint=suite_fingerprint(directory=directory),
        release=snapshot.version,
        revision=snapshot.revision,
        totals=Totals(
            cases=len(results),
            passed=passed,
            failed=len(results) - passed,
            leader_cases=len(led),
            top1_hits=sum(bool(r.top1_hit) for r in led),
            top3_hits=sum(bool(r.top3_hit) for r in led),
            red_flag_cases=len(flagged),
            red_flag_hits=sum(r.red_flag_hit for r in flagged),
        ),
        conditions=_by_condition(snapshot, vignettes, results),
        cases=results,
    )


# --- Stored results ------------------------------------------------------------------------


def validation_report_as_dict(report: ValidationReport) -> dict[str, Any]:
    """The report as JSON-ready data (what is stored and what the API returns)."""
    return asdict(report)


def validation_report_from_dict(data: Mapping[str, Any]) -> ValidationReport:
    """The report back from `validation_report_as_dict` (KeyError/TypeError if it is not one)."""
    cases = tuple(
        CaseResult(
            **{
                **case,
                "expected": tuple(case["expected"]),
                "reasons": tuple(case["reasons"]),
                "top": tuple(Placed(**p) for p in case["top"]),
                "red_flags": tuple(case["red_flags"]),
            }
        )
        for case in data["cases"]
    )
    plain = {f.name: data[f.name] for f in fields(ValidationReport)}
    plain["totals"] = Totals(**data["totals"])
    plain["conditions"] = tuple(ConditionSummary(**c) for c in data["conditions"])
    plain["cases"] = cases
    return ValidationReport(**plain)


def validation_store(*, report: ValidationReport) -> ValidationResult:
    """Store `report` under its (fingerprint, engine version), replacing any stored there."""
    row, _ = ValidationResult.objects.update_or_create(
        fingerprint=report.fingerprint,
        engine_version=report.engine_version,
        defaults={
            "suite_fingerprint": report.suite_fingerprint,
            "report": validation_report_as_dict(report),
            "passed": report.passed,
            "cases": report.totals.cases,
            "failed": report.totals.failed,
        },
    )
    return row


def validation_current(
    *, snapshot: Snapshot, directory: Path = VALIDATION_DIR
) -> StoredValidation:
    """The stored result for the content and engine in use, computed and stored if missing.

    A result of another fingerprint or engine version is never returned, nor one of an
    earlier version of the case files.
    """
    row = ValidationResult.objects.filter(
        fingerprint=snapshot.fingerprint, engine_version=ENGINE_VERSION
    ).first()
    if row is not None and row.suite_fingerprint == suite_fingerprint(directory=directory):
        try:
            return StoredValidation(validation_report_from_dict(row.report), row.created_at)
        except (KeyError, TypeError):
            pass  # stored by an older layout of the report: compute it again
    row = validation_store(report=validation_run(snapshot=snapshot, directory=directory))
    return StoredValidation(validation_report_from_dict(row.report), row.created_at)
