"""Load a release of the reference from `fixtures/reference/` into the database.

The JSON format is documented in `fixtures/reference/README.md`. Loading validates every
file first and refuses the whole load, naming each problem, if anything is wrong. Into an
empty database it loads the release as it is; over working content it follows the rule
in `reference.lifecycle`: what a curator changed is never overwritten or deleted unless
the load is told how to resolve a conflict. Everything happens in one transaction.
"""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from reference.content import (
    AGE_BANDS,
    PATIENT_BUDGET,
    PATIENT_LISTS,
    PATIENT_SENTENCE_MAX,
    PATIENT_TOOLS,
    PATIENT_VISUALS,
    ReferenceContent,
    content_from_database,
    content_normalise,
    row_normalise,
)
from reference.lifecycle import (
    Conflict,
    Resolution,
    content_from_rows,
    content_rows,
    lifecycle_plan,
    row_hash,
)
from reference.models import (
    Belief,
    Condition,
    ContentBaseline,
    ContentRevision,
    ContentVersion,
    EvidenceLink,
    Finding,
    Grade,
    Priority,
    RedFlagRule,
    Source,
    Urgency,
    WorkupItem,
    WorkupRecommendation,
)
from reference.revisions import revision_current


class ReferenceContentError(Exception):
    """The content files are inconsistent; `problems` lists every issue found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ContentConflictError(Exception):
    """Rows a curator changed that the release changed too; nothing was loaded."""

    def __init__(self, conflicts: tuple[Conflict, ...]) -> None:
        self.conflicts = conflicts
        super().__init__("\n".join(c.describe() for c in conflicts))


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    deleted: int = 0
    release: str = ""
    kept_local: tuple[str, ...] = ()  # "kind key" of each curator change kept
    forced: tuple[str, ...] = ()  # conflicts resolved by taking the release
    skipped: bool = False  # `initial_only` and the database already held content


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def reference_read(*, directory: Path) -> ReferenceContent:
    """Parse and validate the content files in `directory`."""
    problems: list[str] = []
    sources: dict[str, dict[str, Any]] = {}
    for src in _read(directory / "sources.json"):
        key = src.get("key", "")
        if key in sources:
            problems.append(f"source {key!r} defined twice")
        sources[key] = src
    content = ReferenceContent(
        version=_read(directory / "version.json"),
        sources=sources,
        findings=_read(directory / "findings.json"),
        workup_items=_read(directory / "workup_items.json"),
        conditions=[_read(p) for p in sorted((directory / "conditions").glob("*.json"))],
        beliefs=_read(directory / "beliefs.json"),
        translations={
            p.stem: _read(p) for p in sorted((directory / "translations").glob("*.json"))
        },
    )
    problems += reference_problems(content=content)
    if problems:
        raise ReferenceContentError(problems)
    return content_normalise(content)


def _frequency_ok(value: Any) -> bool:
    """Blank, or a frequency the models' validators accept (docs/ranking.md)."""
    return value is None or (_ratio_ok(value) and 0.001 <= value <= 0.9)


def _ratio_ok(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (math.isfinite(value) and value > 0)
    )


# How each urgency's action opens (DECISIONS.md section 6; docs/red-flags.md E9). The
# basis is its own field, required beside the action and shown after it as "Basis: ...".
ACTION_OPENINGS = {
    "emergency": "Recommended now:",
    "urgent": "Recommended today",
    "soon": "Recommended:",
    "routine": "Recommended:",
}


def action_wording_problems(rule: dict[str, Any]) -> list[str]:
    """A red flag's action is a recommendation with a basis, never a bare "Consider"."""
    action = str(rule.get("action") or "").strip()
    problems = []
    if action.lower().startswith("consider"):
        problems.append('action starts with "Consider"; word it as a recommendation')
    opening = ACTION_OPENINGS.get(str(rule.get("urgency")))
    if opening and action and not action.startswith(opening):
        problems.append(f"{rule.get('urgency')} action must start {opening!r}")
    if rule.get("urgency") == "emergency" and not str(rule.get("basis") or "").strip():
        problems.append("emergency action needs its Basis")
    return problems


def _code_problems(slug: str, c: dict[str, Any]) -> list[str]:
    """A further ICD-10-CM code needs a code and its display, and differs from the others."""
    problems: list[str] = []
    extra = c.get("icd10cm_additional") or []
    if not isinstance(extra, list):
        return [f"condition {slug}: icd10cm_additional must be a list of {{code, display}}"]
    seen = {c.get("icd10cm")} if c.get("icd10cm") else set()
    for x in extra:
        if not (isinstance(x, dict) and x.get("code") and x.get("display")):
            problems.append(
                f"condition {slug}: each further ICD-10-CM code needs code and display"
            )
            continue
        if x["code"] in seen:
            problems.append(f"condition {slug}: ICD-10-CM {x['code']} listed twice")
        seen.add(x["code"])
    if extra and not c.get("icd10cm"):
        problems.append(f"condition {slug}: further ICD-10-CM codes need a main code")
    return problems


def _sentences_problems(where: str, value: Any, name: str, limit: int) -> list[str]:
    """A section is a list of short, non-empty sentences within its budget."""
    low, high = PATIENT_BUDGET[name]
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        return [f"{where}: {name} must be a list of non-empty sentences"]
    problems = []
    if not low <= len(value) <= high:
        problems.append(f"{where}: {name} holds {len(value)} sentences, budget {low} to {high}")
    problems.extend(
        f"{where}: {name} sentence over {limit} characters: {x[:40]!r}..."
        for x in value
        if len(x) > limit
    )
    return problems


def patient_problems(
    *, slug: str, patient: Any, flag_slugs: set[str], translations: dict[str, Any]
) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """What is wrong with a condition's handout content and each translation of it.

    Returns the problems and the (where, source keys) pairs for the caller to check.
    """
    where = f"condition {slug} patient"
    if not isinstance(patient, dict):
        return [f"{where}: must be an object"], []
    problems: list[str] = []
    cited: list[tuple[str, list[str]]] = []
    limit = PATIENT_SENTENCE_MAX["en"]
    for name in PATIENT_LISTS:
        problems += _sentences_problems(where, patient.get(name, []), name, limit)
    treatments = patient.get("treatments", [])
    low, high = PATIENT_BUDGET["treatments"]
    if not isinstance(treatments, list) or not low <= len(treatments) <= high:
        problems.append(f"{where}: treatments must be a list of {low} to {high}")
        treatments = []
    for n, t in enumerate(treatments, start=1):
        if not (isinstance(t, dict) and isinstance(t.get("text"), str) and t["text"].strip()):
            problems.append(f"{where}: treatment {n} needs text, grade and sources")
            continue
        if len(t["text"]) > limit:
            problems.append(f"{where}: treatment {n} over {limit} characters")
        if t.get("grade") not in set(Grade.values):
            problems.append(f"{where}: treatment {n} grade must be A, B or C")
        cited.append((f"{where} treatment {n}", list(t.get("sources") or [])))
    reasons = patient.get("flag_reasons", {})
    if not isinstance(reasons, dict):
        problems.append(f"{where}: flag_reasons must map red-flag slugs to a sentence")
        reasons = {}
    for rule, text in reasons.items():
        if rule not in flag_slugs:
            problems.append(f"{where}: flag_reasons names {rule!r}, not a red flag of {slug}")
        if not isinstance(text, str) or not text.strip() or len(text) > limit:
            problems.append(f"{where}: flag reason {rule} must be a sentence within {limit}")
    tool = patient.get("tool")
    if tool not in PATIENT_TOOLS:
        problems.append(f"{where}: tool must be one of {PATIENT_TOOLS}")
    if tool in ("checklist", "form"):
        problems += _sentences_problems(where, patient.get("tool_items"), "tool_items", limit)
    elif "tool_items" in patient:
        problems.append(f"{where}: tool_items belong to a checklist or a form")
    visuals = patient.get("visuals", [])
    if not isinstance(visuals, list) or not set(visuals) <= set(PATIENT_VISUALS):
        problems.append(f"{where}: visuals must be a list from {PATIENT_VISUALS}")
    for lang, tr in sorted(translations.items()):
        problems += _patient_translation_problems(f"{where} ({lang})", patient, tr, lang)
    return problems, cited


def _patient_translation_problems(
    where: str, patient: dict[str, Any], tr: Any, lang: str
) -> list[str]:
    """A translation says every sentence of the English, one for one, and nothing else."""
    if not isinstance(tr, dict):
        return [f"{where}: missing; translate the handout content with the condition"]
    limit = PATIENT_SENTENCE_MAX.get(lang, PATIENT_SENTENCE_MAX["es"])
    problems: list[str] = []
    for name in (*PATIENT_LISTS, "treatments", "tool_items"):
        english = patient.get(name, [])
        ours = tr.get(name, [])
        if name == "tool_items" and "tool_items" not in patient:
            continue
        if not isinstance(ours, list) or not all(isinstance(x, str) and x.strip() for x in ours):
            problems.append(f"{where}: {name} must be a list of sentences")
        elif len(ours) != len(english):
            problems.append(f"{where}: {name} has {len(ours)} sentences, English {len(english)}")
        else:
            problems.extend(
                f"{where}: {name} sentence over {limit} characters: {x[:40]!r}..."
                for x in ours
                if len(x) > limit
            )
    if set(tr.get("flag_reasons", {})) != set(patient.get("flag_reasons", {})):
        problems.append(f"{where}: flag_reasons must name the same red flags as the English")
    extra = set(tr) - {*PATIENT_LISTS, "treatments", "tool_items", "flag_reasons"}
    if extra:
        problems.append(f"{where}: unknown keys {sorted(extra)}")
    return problems


def _override_problems(where: str, o: Any, finding_slugs: set[str]) -> list[str]:
    """What is wrong with one workup override (see fixtures/reference/README.md)."""
    if not isinstance(o, dict):
        return [f"{where}: not an object"]
    problems = _when_problems(where, o.get("when", {}), finding_slugs)
    if o.get("priority") not in Priority.values:
        problems.append(f"{where}: bad priority {o.get('priority')!r}")
    if not o.get("rationale"):
        problems.append(f"{where}: missing rationale")
    return problems


def _when_problems(where: str, when: Any, finding_slugs: set[str]) -> list[str]:
    """What is wrong with a workup `when` (findings present and an age bound)."""
    if not isinstance(when, dict):
        return [f"{where}: `when` is not an object"]
    problems: list[str] = []
    named = list(when.get("all", [])) + list(when.get("any", []))
    bounded = when.get("age_min") is not None or when.get("age_max") is not None
    if not named and not bounded and not when.get("age_unknown"):
        problems.append(f"{where}: names no finding, age bound or unknown age")
    problems.extend(f"{where}: unknown finding {x!r}" for x in named if x not in finding_slugs)
    if when.get("age_unknown") and (when.get("age_min") is not None or when.get("age_max")):
        problems.append(f"{where}: an age bound and an unknown age never match together")
    return problems


def reference_problems(*, content: ReferenceContent) -> list[str]:
    """Every invariant the content must satisfy, as a list of human-readable problems."""
    problems: list[str] = []
    finding_slugs = {f["slug"] for f in content.findings}
    item_codes = {w["code"] for w in content.workup_items}
    grades = set(Grade.values)
    urgencies = set(Urgency.values)
    priorities = set(Priority.values)

    def check_sources(where: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            problems.append(f"{where}: no source")
        problems.extend(f"{where}: unknown source {k!r}" for k in keys if k not in content.sources)

    def check_grade(where: str, grade: Any) -> None:
        if grade not in grades:
            problems.append(f"{where}: grade must be one of {sorted(grades)}, not {grade!r}")

    for key, src in content.sources.items():
        if not (src.get("pmid") or src.get("doi") or src.get("url")):
            problems.append(f"source {key}: needs a PMID, DOI or URL")
        for name in ("title", "publisher", "year"):
            if not src.get(name):
                problems.append(f"source {key}: missing {name}")
        if src.get("kind") not in set(Source.Kind.values):
            problems.append(f"source {key}: unknown kind {src.get('kind')!r}")
    if len(finding_slugs) != len(content.findings):
        problems.append("findings: duplicate slug")
    for f in content.findings:
        if f.get("category") not in set(Finding.Category.values):
            problems.append(f"finding {f.get('slug')}: unknown category {f.get('category')!r}")
        if not _frequency_ok(f.get("unlinked_frequency")):
            problems.append(
                f"finding {f.get('slug')}: unlinked_frequency must be blank or 0.001 to 0.9"
            )
        synonyms = f.get("synonyms", [])
        if not isinstance(synonyms, list) or not all(
            isinstance(w, str) and w.strip() for w in synonyms
        ):
            problems.append(f"finding {f.get('slug')}: synonyms must be a list of words")
    if len(item_codes) != len(content.workup_items):
        problems.append("workup items: duplicate code")
    for w in content.workup_items:
        if w.get("kind") not in set(WorkupItem.Kind.values):
            problems.append(f"workup item {w.get('code')}: unknown kind {w.get('kind')!r}")

    seen_flags: set[str] = set()
    seen_conditions: set[str] = set()
    for c in content.conditions:
        slug = c.get("slug", "?")
        if slug in seen_conditions:
            problems.append(f"condition {slug}: defined twice")
        seen_conditions.add(slug)
        if c.get("urgency") not in urgencies:
            problems.append(f"condition {slug}: bad urgency {c.get('urgency')!r}")
        check_grade(f"condition {slug}", c.get("grade"))
        check_sources(f"condition {slug}", c.get("sources", []))
        if not _ratio_ok(c.get("prior")):
            problems.append(f"condition {slug}: prior must be positive and finite")
        if not _frequency_ok(c.get("unlinked_frequency")):
            problems.append(f"condition {slug}: unlinked_frequency must be blank or 0.001 to 0.9")
        ages = c.get("age_ratios", {})
        if set(ages) != set(AGE_BANDS) or not all(_ratio_ok(v) for v in ages.values()):
            problems.append(f"condition {slug}: age_ratios needs positive {AGE_BANDS}")
        for name in ("name", "summary", "management", "patient_text", "prior_basis"):
            if not c.get(name):
                problems.append(f"condition {slug}: missing {name}")
        problems.extend(_code_problems(slug, c))
        if c.get("patient"):
            found, cited = patient_problems(
                slug=slug,
                patient=c["patient"],
                flag_slugs={r.get("slug", "") for r in c.get("red_flags", [])},
                translations={
                    lang: tr.get("conditions", {}).get(slug, {}).get("patient")
                    for lang, tr in content.translations.items()
                    if slug in tr.get("conditions", {})
                },
            )
            problems += found
            for where, keys in cited:
                check_sources(where, keys)
        for name in ("last_reviewed", "review_due"):
            if name == "last_reviewed" or c.get(name):
                try:
                    date.fromisoformat(str(c.get(name)))
                except ValueError:
                    problems.append(f"condition {slug}: {name} must be a date (YYYY-MM-DD)")
        linked: set[str] = set()
        for e in c.get("evidence", []):
            where = f"condition {slug} evidence {e.get('finding')}"
            if e.get("finding") not in finding_slugs:
                problems.append(f"{where}: unknown finding")
            if e.get("finding") in linked:
                problems.append(f"{where}: listed twice")
            linked.add(e.get("finding", ""))
            if not (_ratio_ok(e.get("lr_present")) and _ratio_ok(e.get("lr_absent"))):
                problems.append(f"{where}: likelihood ratios must be positive and finite")
            elif (e["lr_present"] - 1) * (e["lr_absent"] - 1) > 0:
                problems.append(
                    f"{where}: lr_present and lr_absent point the same way (both above or "
                    "both below 1); no frequency gives that (docs/ranking.md)"
                )
            elif e["lr_present"] == 1 and e["lr_absent"] == 1:
                problems.append(f"{where}: both ratios are 1, so the link says nothing")
            check_grade(where, e.get("grade"))
            if not isinstance(e.get("estimate"), bool) or not e.get("basis"):
                problems.append(f"{where}: needs estimate (true/false) and a basis")
            elif e["estimate"] and e.get("grade") != "C":
                # SORT: expert opinion is grade C; the pages say so beside every ratio.
                problems.append(f"{where}: an expert-estimate ratio is graded C")
            check_sources(where, e.get("sources", []))
        for r in c.get("red_flags", []):
            where = f"red flag {r.get('slug')}"
            if r.get("slug") in seen_flags:
                problems.append(f"{where}: defined twice")
            seen_flags.add(r.get("slug", ""))
            when = r.get("when", {})
            named = list(when.get("all", [])) + list(when.get("any", []))
            if not named and not when.get("absent"):
                # A finding marked absent is an observation too ("does not stop with restraint").
                problems.append(f"{where}: names no finding present or absent")
            named += [x for k in ("absent", "not_present", "unassessed") for x in when.get(k, [])]
            contradictory = (set(when.get("all", [])) | set(when.get("any", []))) & (
                set(when.get("absent", []))
                | set(when.get("not_present", []))
                | set(when.get("unassessed", []))
            )
            if contradictory:
                problems.append(
                    f"{where}: requires present and not present: {sorted(contradictory)}"
                )
            problems.extend(
                f"{where}: unknown finding {x!r}" for x in named if x not in finding_slugs
            )
            if r.get("urgency") not in urgencies:
                problems.append(f"{where}: bad urgency {r.get('urgency')!r}")
            for name in ("message", "action", "basis"):
                if not r.get(name):
                    problems.append(f"{where}: missing {name}")
            problems.extend(f"{where}: {p}" for p in action_wording_problems(r))
            check_grade(where, r.get("grade"))
            check_sources(where, r.get("sources", []))
        items: set[str] = set()
        for w in c.get("workup", []):
            where = f"condition {slug} workup {w.get('item')}"
            if w.get("item") not in item_codes:
                problems.append(f"{where}: unknown workup item")
            if w.get("item") in items:
                problems.append(f"{where}: listed twice")
            items.add(w.get("item", ""))
            if w.get("priority") not in priorities:
                problems.append(f"{where}: bad priority {w.get('priority')!r}")
            if not w.get("rationale"):
                problems.append(f"{where}: missing rationale")
            if not w.get("need"):
                problems.append(f"{where}: missing need")
            if w.get("when") is not None:
                problems.extend(_when_problems(f"{where} when", w["when"], finding_slugs))
            for n, o in enumerate(w.get("overrides") or [], start=1):
                problems.extend(_override_problems(f"{where} override {n}", o, finding_slugs))
            check_grade(where, w.get("grade"))
            check_sources(where, w.get("sources", []))
    belief_slugs = [b.get("slug") for b in content.beliefs]
    if len(set(belief_slugs)) != len(belief_slugs):
        problems.append("beliefs: duplicate slug")
    for b in content.beliefs:
        where = f"belief {b.get('slug')}"
        if b.get("verdict") not in set(Belief.Verdict.values):
            problems.append(f"{where}: bad verdict {b.get('verdict')!r}")
        if b.get("kind") not in set(Belief.Kind.values):
            problems.append(f"{where}: bad kind {b.get('kind')!r}")
        for name in ("claim", "explanation", "patient_text"):
            if not b.get(name):
                problems.append(f"{where}: missing {name}")
        check_grade(where, b.get("grade"))
        check_sources(where, b.get("sources", []))
        for slug in b.get("conditions", []):
            if slug not in {c.get("slug") for c in content.conditions}:
                problems.append(f"{where}: unknown condition {slug!r}")
    condition_slugs = {c.get("slug") for c in content.conditions}
    for lang, tr in content.translations.items():
        for slug in tr.get("conditions", {}):
            if slug not in condition_slugs:
                problems.append(f"translations/{lang}: unknown condition {slug!r}")
        for slug in tr.get("beliefs", {}):
            if slug not in set(belief_slugs):
                problems.append(f"translations/{lang}: unknown belief {slug!r}")
    return problems


def _translations(content: ReferenceContent, kind: str, slug: str) -> dict[str, dict[str, str]]:
    return {
        lang: tr[kind][slug]
        for lang, tr in sorted(content.translations.items())
        if slug in tr.get(kind, {})
    }


class _Sync:
    """Create-or-update rows by natural key and remember which keys the files hold."""

    def __init__(self, result: LoadResult) -> None:
        self.result = result
        self.new: set[tuple[type, int]] = set()  # rows created by this load

    def upsert(self, model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.result.created += 1
            self.new.add((model, obj.pk))
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=changed)
            self.result.updated += 1
        return obj

    def set_m2m(self, manager: Any, objs: list[Any]) -> None:
        if {o.pk for o in manager.all()} != {o.pk for o in objs}:
            manager.set(objs)
            # Relations of a row this load created are part of creating it.
            if (type(manager.instance), manager.instance.pk) not in self.new:
                self.result.updated += 1

    def prune(self, queryset: Any) -> None:
        deleted, _ = queryset.delete()
        self.result.deleted += deleted


def reference_load(
    *, directory: Path, resolution: Resolution | None = None, initial_only: bool = False
) -> LoadResult:
    """Load the release in `directory`, keeping every curator change (see reference.lifecycle).

    Raises ContentConflictError, changing nothing, when a row a curator changed was also
    changed by the release, unless `resolution` says which to keep. With `initial_only`,
    a database that already holds content is left as it is.
    """
    release = reference_read(directory=directory)
    release_rows = content_rows(release)
    label = release.version["version"]
    with transaction.atomic():
        result = LoadResult(release=label)
        empty = not (Condition.objects.exists() or Source.objects.exists())
        if initial_only and not empty:
            result.counts = _counts()
            result.skipped = True
            return result
        if empty:
            rows = release_rows
        else:
            baseline = baseline_hashes()
            plan = lifecycle_plan(
                release=release_rows,
                working=content_rows(content_from_database()),
                baseline=baseline,
                resolution=resolution,
            )
            if plan.conflicts:
                raise ContentConflictError(plan.conflicts)
            rows = plan.rows
            result.kept_local = tuple(f"{k} {key}" for k, key in plan.kept_local)
            result.forced = tuple(f"{k} {key}" for k, key in plan.forced)
        merged = content_from_rows(rows=rows, version=release.version)
        problems = reference_problems(content=merged)
        if problems:
            raise ReferenceContentError(
                ["the release and the curators' changes do not fit together:", *problems]
            )
        _apply(content_normalise(merged), result)
        ContentBaseline.objects.all().delete()
        ContentBaseline.objects.bulk_create(
            ContentBaseline(kind=kind, key=key, hash=row_hash(row) or "", row=row)
            for (kind, key), row in release_rows.items()
        )
        if not ContentRevision.objects.filter(release=label, number=0).exists():
            ContentRevision.objects.create(
                release=label, number=0, summary=f"Release {label} loaded."
            )
        if result.forced:
            ContentRevision.objects.create(
                release=label,
                number=revision_current(release=label) + 1,
                summary="Loaded with --force; the release replaced curator changes to: "
                + ", ".join(result.forced)
                + ". The curators' versions are in each row's history.",
            )
    result.counts = _counts()
    return result


def baseline_hashes() -> dict[tuple[str, str], str] | None:
    """Each baseline row's hash in today's canonical form; None before any baseline."""
    hashes: dict[tuple[str, str], str] = {}
    for b in ContentBaseline.objects.all():
        if b.row is None:
            hashes[(b.kind, b.key)] = b.hash
        else:
            hashes[(b.kind, b.key)] = row_hash(row_normalise(b.kind, b.row)) or ""
    return hashes or None


def _counts() -> dict[str, int]:
    return {
        "conditions": Condition.objects.count(),
        "findings": Finding.objects.count(),
        "evidence links": EvidenceLink.objects.count(),
        "red flags": RedFlagRule.objects.count(),
        "workup items": WorkupItem.objects.count(),
        "workup recommendations": WorkupRecommendation.objects.count(),
        "beliefs": Belief.objects.count(),
        "sources": Source.objects.count(),
    }


def _apply(content: ReferenceContent, result: LoadResult) -> None:
    """Make the database hold exactly `content` (canonical): create, update, delete."""
    sync = _Sync(result)
    v = content.version
    sync.upsert(
        ContentVersion,
        {"label": v["version"]},
        {"released": date.fromisoformat(v["released"]), "notes": v.get("notes", "")},
    )
    src = {
        key: sync.upsert(
            Source,
            {"key": key},
            {
                "title": s["title"],
                "publisher": s["publisher"],
                "year": int(s["year"]),
                "pmid": str(s.get("pmid") or ""),
                "doi": s.get("doi") or "",
                "url": s.get("url") or "",
                "kind": s["kind"],
            },
        )
        for key, s in content.sources.items()
    }
    findings = {
        f["slug"]: sync.upsert(
            Finding,
            {"slug": f["slug"]},
            {
                "label": f["label"],
                "question": f["question"],
                "synonyms": f.get("synonyms", []),
                "how_to_elicit": f.get("how_to_elicit", ""),
                "category": f["category"],
                "order": f["order"],
                "unlinked_frequency": f.get("unlinked_frequency"),
            },
        )
        for f in content.findings
    }
    items = {
        w["code"]: sync.upsert(
            WorkupItem,
            {"code": w["code"]},
            {
                "name": w["name"],
                "kind": w["kind"],
                "loinc": w.get("loinc") or "",
                "loinc_display": w.get("loinc_display") or "",
                "description": w.get("description", ""),
            },
        )
        for w in content.workup_items
    }
    flag_slugs: list[str] = []
    for c in content.conditions:
        ages = c["age_ratios"]
        cond = sync.upsert(
            Condition,
            {"slug": c["slug"]},
            {
                "name": c["name"],
                "synonyms": c.get("synonyms", []),
                "icd10cm": c.get("icd10cm") or "",
                "icd10cm_display": c.get("icd10cm_display") or "",
                "icd10cm_additional": [
                    {"code": x["code"], "display": x["display"]}
                    for x in c.get("icd10cm_additional") or []
                ],
                "code_fit_note": c.get("code_fit_note") or "",
                "snomed_ct": str(c.get("snomed_ct") or ""),
                "snomed_ct_display": c.get("snomed_ct_display") or "",
                "urgency": c["urgency"],
                "must_not_miss": bool(c.get("must_not_miss", False)),
                "ranked": bool(c.get("ranked", True)),
                "prior": float(c["prior"]),
                "prior_basis": c["prior_basis"],
                "age_lr_infant": float(ages["infant"]),
                "age_lr_child": float(ages["child"]),
                "age_lr_adult": float(ages["adult"]),
                "age_lr_older": float(ages["older"]),
                "age_basis": c.get("age_basis", ""),
                "unlinked_frequency": c.get("unlinked_frequency"),
                "summary": c["summary"],
                "features": c.get("features", []),
                "management": c["management"],
                "patient_text": c["patient_text"],
                "patient": c.get("patient") or {},
                "translations": _translations(content, "conditions", c["slug"]),
                "grade": c["grade"],
                "grade_note": c.get("grade_note", ""),
                "last_reviewed": date.fromisoformat(c["last_reviewed"]),
                "review_due": date.fromisoformat(c["review_due"]),
            },
        )
        sync.set_m2m(cond.sources, [src[k] for k in c["sources"]])
        for e in c.get("evidence", []):
            link = sync.upsert(
                EvidenceLink,
                {"condition": cond, "finding": findings[e["finding"]]},
                {
                    "lr_present": float(e["lr_present"]),
                    "lr_absent": float(e["lr_absent"]),
                    "grade": e["grade"],
                    "is_estimate": e["estimate"],
                    "basis": e["basis"],
                },
            )
            sync.set_m2m(link.sources, [src[k] for k in e["sources"]])
        sync.prune(
            EvidenceLink.objects.filter(condition=cond).exclude(
                finding__slug__in=[e["finding"] for e in c.get("evidence", [])]
            )
        )
        for r in c.get("red_flags", []):
            when = r["when"]
            rule = sync.upsert(
                RedFlagRule,
                {"slug": r["slug"]},
                {
                    "condition": cond,
                    "family": r.get("family", ""),
                    "age_min": when.get("age_min"),
                    "age_max": when.get("age_max"),
                    "age_unknown_fires": bool(when.get("age_unknown_fires", False)),
                    "urgency": r["urgency"],
                    "message": r["message"],
                    "action": r["action"],
                    "basis": r["basis"],
                    "grade": r["grade"],
                },
            )
            sync.set_m2m(rule.requires_all, [findings[x] for x in when.get("all", [])])
            sync.set_m2m(rule.requires_any, [findings[x] for x in when.get("any", [])])
            sync.set_m2m(rule.requires_absent, [findings[x] for x in when.get("absent", [])])
            sync.set_m2m(
                rule.requires_not_present, [findings[x] for x in when.get("not_present", [])]
            )
            sync.set_m2m(
                rule.requires_unassessed, [findings[x] for x in when.get("unassessed", [])]
            )
            sync.set_m2m(rule.sources, [src[k] for k in r["sources"]])
            flag_slugs.append(r["slug"])
        for w in c.get("workup", []):
            rec = sync.upsert(
                WorkupRecommendation,
                {"condition": cond, "item": items[w["item"]]},
                {
                    "need": w.get("need", ""),
                    "priority": w["priority"],
                    "rationale": w["rationale"],
                    "overrides": w.get("overrides") or [],
                    "applies_when": w.get("when") or None,
                    "grade": w["grade"],
                },
            )
            sync.set_m2m(rec.sources, [src[k] for k in w["sources"]])
        sync.prune(
            WorkupRecommendation.objects.filter(condition=cond).exclude(
                item__code__in=[w["item"] for w in c.get("workup", [])]
            )
        )
    # One query for the conditions every belief may name (not one per belief).
    conditions_by_slug = {c.slug: c for c in Condition.objects.all()}
    for order, b in enumerate(content.beliefs, start=1):
        belief = sync.upsert(
            Belief,
            {"slug": b["slug"]},
            {
                "claim": b["claim"],
                "kind": b["kind"],
                "verdict": b["verdict"],
                "explanation": b["explanation"],
                "patient_text": b["patient_text"],
                "translations": _translations(content, "beliefs", b["slug"]),
                "grade": b["grade"],
                "order": order,
            },
        )
        sync.set_m2m(belief.sources, [src[k] for k in b["sources"]])
        sync.set_m2m(
            belief.conditions, [conditions_by_slug[s] for s in sorted(b.get("conditions", []))]
        )
    sync.prune(RedFlagRule.objects.exclude(slug__in=flag_slugs))
    sync.prune(Belief.objects.exclude(slug__in=[b["slug"] for b in content.beliefs]))
    sync.prune(Condition.objects.exclude(slug__in=[c["slug"] for c in content.conditions]))
    sync.prune(WorkupItem.objects.exclude(code__in=list(items)))
    sync.prune(Finding.objects.exclude(slug__in=list(findings)))
    sync.prune(Source.objects.exclude(key__in=list(src)))
