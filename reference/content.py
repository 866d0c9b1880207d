"""The reference as one canonical document: read from the database, written as fixtures.

The same document shape comes from the fixture files (`reference.loading.reference_read`)
and from the database (`content_from_database`), normalised by `content_normalise`, so
that comparing, hashing and exporting never depend on where the content came from.
`content_write` writes it in the canonical layout: one file per kind, every list sorted,
two-space JSON, so that loading a release into an empty database and exporting it gives
back the same bytes.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AGE_BANDS = ("infant", "child", "adult", "older")
# A topic is due for review this long after its last review, unless the fixtures say.
REVIEW_INTERVAL_YEARS = 3


@dataclass(frozen=True)
class ReferenceContent:
    """The whole reference as plain data: from the fixture files or from the database."""

    version: dict[str, Any]
    sources: dict[str, dict[str, Any]]
    findings: list[dict[str, Any]]
    workup_items: list[dict[str, Any]]
    conditions: list[dict[str, Any]]
    beliefs: list[dict[str, Any]]
    # language -> {"conditions": {slug: {...}}, "beliefs": {slug: {...}}}
    translations: dict[str, dict[str, dict[str, dict[str, str]]]] = field(default_factory=dict)


def review_due_default(last_reviewed: str) -> str:
    """The default review date: REVIEW_INTERVAL_YEARS after the last review."""
    day = datetime.date.fromisoformat(last_reviewed)
    try:
        due = day.replace(year=day.year + REVIEW_INTERVAL_YEARS)
    except ValueError:  # 29 February
        due = day.replace(year=day.year + REVIEW_INTERVAL_YEARS, day=28)
    return due.isoformat()


# The order of keys in each kind of row, as written.
SOURCE_KEYS = ("key", "title", "publisher", "year", "pmid", "doi", "url", "kind")
FINDING_KEYS = (
    "slug",
    "label",
    "question",
    "synonyms",
    "how_to_elicit",
    "category",
    "order",
    "unlinked_frequency",
)
ITEM_KEYS = ("code", "name", "kind", "loinc", "loinc_display", "description")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> float:
    return float(value)


def _source(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": s["key"],
        "title": s["title"],
        "publisher": s["publisher"],
        "year": int(s["year"]),
        "pmid": _text(s.get("pmid")),
        "doi": _text(s.get("doi")),
        "url": _text(s.get("url")),
        "kind": s["kind"],
    }


def _finding(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": f["slug"],
        "label": f["label"],
        "question": f["question"],
        **_optional_synonyms(f),
        "how_to_elicit": _text(f.get("how_to_elicit")),
        "category": f["category"],
        "order": int(f["order"]),
        **_optional_frequency(f),
    }


def _optional_synonyms(row: dict[str, Any]) -> dict[str, list[str]]:
    """`synonyms` sorted without repeats; omitted when empty (rows from before they existed)."""
    words = sorted({str(w) for w in row.get("synonyms") or []}, key=lambda w: (w.casefold(), w))
    return {"synonyms": words} if words else {}


def _optional_frequency(row: dict[str, Any]) -> dict[str, float]:
    """`unlinked_frequency` when set; omitted when blank, so most rows do not carry it."""
    value = row.get("unlinked_frequency")
    return {} if value is None else {"unlinked_frequency": float(value)}


def _item(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": w["code"],
        "name": w["name"],
        "kind": w["kind"],
        "loinc": _text(w.get("loinc")),
        "loinc_display": _text(w.get("loinc_display")),
        "description": _text(w.get("description")),
    }


def _code(x: dict[str, Any]) -> dict[str, str]:
    return {"code": _text(x.get("code")), "display": _text(x.get("display"))}


def _optional_number(value: Any) -> float | None:
    return None if value is None else float(value)


def _when(w: dict[str, Any]) -> dict[str, Any]:
    age = _optional_number
    return {
        "all": sorted(w.get("all", [])),
        "any": sorted(w.get("any", [])),
        "absent": sorted(w.get("absent", [])),
        "not_present": sorted(w.get("not_present", [])),
        "unassessed": sorted(w.get("unassessed", [])),
        "age_min": age(w.get("age_min")),
        "age_max": age(w.get("age_max")),
        "age_unknown_fires": bool(w.get("age_unknown_fires", False)),
    }


def _condition(c: dict[str, Any]) -> dict[str, Any]:
    ages = c["age_ratios"]
    return {
        "slug": c["slug"],
        "name": c["name"],
        "synonyms": list(c.get("synonyms", [])),
        "icd10cm": _text(c.get("icd10cm")),
        "icd10cm_display": _text(c.get("icd10cm_display")),
        # Further codes keep their order: the curator lists them as they apply.
        "icd10cm_additional": [_code(x) for x in c.get("icd10cm_additional") or []],
        "snomed_ct": _text(c.get("snomed_ct")),
        "snomed_ct_display": _text(c.get("snomed_ct_display")),
        "code_fit_note": _text(c.get("code_fit_note")),
        "urgency": c["urgency"],
        "must_not_miss": bool(c.get("must_not_miss", False)),
        "ranked": bool(c.get("ranked", True)),
        "prior": _number(c["prior"]),
        "prior_basis": c["prior_basis"],
        "age_ratios": {band: _number(ages[band]) for band in AGE_BANDS},
        "age_basis": _text(c.get("age_basis")),
        **_optional_frequency(c),
        "summary": c["summary"],
        "features": list(c.get("features", [])),
        "management": c["management"],
        "patient_text": c["patient_text"],
        **({"patient": patient_normalise(c["patient"])} if c.get("patient") else {}),
        "grade": c["grade"],
        "grade_note": _text(c.get("grade_note")),
        "last_reviewed": c["last_reviewed"],
        "review_due": c.get("review_due") or review_due_default(c["last_reviewed"]),
        "sources": sorted(c["sources"]),
        "evidence": sorted(
            (_evidence(e) for e in c.get("evidence", [])), key=lambda e: e["finding"]
        ),
        "red_flags": sorted(
            (_red_flag(r) for r in c.get("red_flags", [])), key=lambda r: r["slug"]
        ),
        "workup": sorted((_workup(w) for w in c.get("workup", [])), key=lambda w: w["item"]),
    }


# The handout's sections, in the order they are written (fixtures/reference/README.md).
PATIENT_LISTS = ("what_it_is", "course", "tests", "today", "come_back", "danger_signs")
PATIENT_KEYS = (
    "what_it_is",
    "course",
    "tests",
    "treatments",
    "today",
    "come_back",
    "danger_signs",
    "flag_reasons",
    "tool",
    "tool_items",
    "visuals",
)

# How many sentences each section may hold, and how long one may be: the budget that keeps
# a handout within 2 pages (4 in large print) with the emergency box on page 1. The
# handout tests render every condition against it; the loader refuses content over it.
PATIENT_BUDGET = {
    "what_it_is": (1, 3),
    "course": (1, 3),
    "tests": (0, 3),
    "treatments": (0, 3),
    "today": (2, 5),
    "come_back": (1, 3),
    "danger_signs": (0, 4),
    "tool_items": (2, 5),
}
PATIENT_SENTENCE_MAX = {"en": 170, "es": 200}
PATIENT_TOOLS = ("diary", "checklist", "form")
PATIENT_VISUALS = ("fast", "eye-care")


def patient_normalise(p: dict[str, Any]) -> dict[str, Any]:
    """A condition's handout content (English, or a translation of it) in canonical form.

    Keys in PATIENT_KEYS order (a JSON column may not keep them), flag reasons by slug, a
    treatment's sources sorted; lists of sentences keep their order, which is the reader's.
    """
    out: dict[str, Any] = {}
    for key in PATIENT_KEYS:
        if key not in p:
            continue
        value = p[key]
        if key == "treatments":
            value = [
                t
                if isinstance(t, str)
                else {"text": t["text"], "grade": t["grade"], "sources": sorted(t["sources"])}
                for t in value
            ]
        elif key == "flag_reasons":
            value = dict(sorted(value.items()))
        elif isinstance(value, list):
            value = list(value)
        out[key] = value
    return out


def _translation(t: dict[str, Any]) -> dict[str, Any]:
    return {k: patient_normalise(v) if k == "patient" else v for k, v in sorted(t.items())}


def _evidence(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "finding": e["finding"],
        "lr_present": _number(e["lr_present"]),
        "lr_absent": _number(e["lr_absent"]),
        "grade": e["grade"],
        "estimate": bool(e["estimate"]),
        "basis": e["basis"],
        "sources": sorted(e["sources"]),
    }


def _red_flag(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": r["slug"],
        "family": _text(r.get("family")),
        "when": _when(r.get("when", {})),
        "urgency": r["urgency"],
        "message": r["message"],
        "action": r["action"],
        "basis": r["basis"],
        "grade": r["grade"],
        "sources": sorted(r["sources"]),
    }


def _workup(w: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"item": w["item"], "need": _text(w.get("need"))}
    if w.get("when"):
        row["when"] = _workup_when(w["when"])
    row |= {"priority": w["priority"], "rationale": w["rationale"]}
    if w.get("overrides"):
        # Overrides keep their order: a curator reads them as written.
        row["overrides"] = [
            {
                "when": _workup_when(o.get("when", {})),
                **{k: o[k] for k in ("priority", "rationale")},
            }
            for o in w["overrides"]
        ]
    return row | {"grade": w["grade"], "sources": sorted(w["sources"])}


def _workup_when(when: dict[str, Any]) -> dict[str, Any]:
    age = _optional_number
    return {
        "all": sorted(when.get("all", [])),
        "any": sorted(when.get("any", [])),
        "age_min": age(when.get("age_min")),
        "age_max": age(when.get("age_max")),
        "age_unknown": bool(when.get("age_unknown", False)),
    }


def _belief(b: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": b["slug"],
        "claim": b["claim"],
        "kind": b["kind"],
        "verdict": b["verdict"],
        "explanation": b["explanation"],
        "patient_text": b["patient_text"],
        "grade": b["grade"],
        "sources": sorted(b["sources"]),
        "conditions": sorted(b.get("conditions", [])),
    }


def row_normalise(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """One row (as `reference.lifecycle.content_rows` keys it) in today's canonical form.

    A baseline row stored by an older release of the code may lack fields added since;
    normalising fills their defaults, so a format change never looks like a curator's edit.
    """
    if kind == "source":
        return _source(row)
    if kind == "finding":
        return _finding(row)
    if kind == "workup-item":
        return _item(row)
    if kind == "condition":
        own = _condition({**row, "evidence": [], "red_flags": [], "workup": []})
        for part in ("evidence", "red_flags", "workup"):
            del own[part]
        return {**own, "translations": row.get("translations", {})}
    if kind == "evidence":
        return {"condition": row["condition"], **_evidence(row)}
    if kind == "red-flag":
        return {"condition": row["condition"], **_red_flag(row)}
    if kind == "workup":
        return {"condition": row["condition"], **_workup(row)}
    if kind == "belief":
        return {
            **_belief(row),
            "order": row["order"],
            "translations": row.get("translations", {}),
        }
    raise ValueError(f"unknown kind of row: {kind}")


def content_normalise(content: ReferenceContent) -> ReferenceContent:
    """The canonical form: defaults filled, numbers as floats, every list in its order."""
    translations = {
        lang: {
            kind: {slug: _translation(t) for slug, t in sorted(rows.items()) if t}
            for kind, rows in sorted(tr.items())
        }
        for lang, tr in sorted(content.translations.items())
    }
    return ReferenceContent(
        version={
            "version": content.version["version"],
            "released": content.version["released"],
            "notes": _text(content.version.get("notes")),
        },
        sources={k: _source(s) for k, s in sorted(content.sources.items())},
        findings=sorted((_finding(f) for f in content.findings), key=lambda f: f["slug"]),
        workup_items=sorted((_item(w) for w in content.workup_items), key=lambda w: w["code"]),
        conditions=sorted((_condition(c) for c in content.conditions), key=lambda c: c["slug"]),
        # Beliefs keep their order: it is the order patients are answered in.
        beliefs=[_belief(b) for b in content.beliefs],
        translations=translations,
    )


def content_from_database() -> ReferenceContent:
    """The working content in the database, as a canonical document (a fixed few queries)."""
    from reference.models import (
        Belief,
        Condition,
        ContentVersion,
        Finding,
        Source,
        WorkupItem,
    )

    version = ContentVersion.objects.order_by("-released", "-id").first()
    conditions = []
    translations: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
    for c in Condition.objects.prefetch_related(
        "sources",
        "evidence__finding",
        "evidence__sources",
        "red_flags__requires_all",
        "red_flags__requires_any",
        "red_flags__requires_absent",
        "red_flags__requires_not_present",
        "red_flags__requires_unassessed",
        "red_flags__sources",
        "workup__item",
        "workup__sources",
    ).order_by("slug"):
        for lang, t in (c.translations or {}).items():
            translations.setdefault(lang, {}).setdefault("conditions", {})[c.slug] = t
        conditions.append(
            {
                "slug": c.slug,
                "name": c.name,
                "synonyms": c.synonyms,
                "icd10cm": c.icd10cm,
                "icd10cm_display": c.icd10cm_display,
                "icd10cm_additional": c.icd10cm_additional,
                "snomed_ct": c.snomed_ct,
                "snomed_ct_display": c.snomed_ct_display,
                "code_fit_note": c.code_fit_note,
                "urgency": c.urgency,
                "must_not_miss": c.must_not_miss,
                "ranked": c.ranked,
                "prior": c.prior,
                "prior_basis": c.prior_basis,
                "age_ratios": dict(
                    zip(
                        AGE_BANDS,
                        (c.age_lr_infant, c.age_lr_child, c.age_lr_adult, c.age_lr_older),
                        strict=True,
                    )
                ),
                "age_basis": c.age_basis,
                "unlinked_frequency": c.unlinked_frequency,
                "summary": c.summary,
                "features": c.features,
                "management": c.management,
                "patient_text": c.patient_text,
                "patient": c.patient,
                "grade": c.grade,
                "grade_note": c.grade_note,
                "last_reviewed": c.last_reviewed.isoformat(),
                "review_due": c.review_due.isoformat(),
                "sources": [s.key for s in c.sources.all()],
                "evidence": [
                    {
                        "finding": e.finding.slug,
                        "lr_present": e.lr_present,
                        "lr_absent": e.lr_absent,
                        "grade": e.grade,
                        "estimate": e.is_estimate,
                        "basis": e.basis,
                        "sources": [s.key for s in e.sources.all()],
                    }
                    for e in c.evidence.all()
                ],
                "red_flags": [
                    {
                        "slug": r.slug,
                        "family": r.family,
                        "when": {
                            "all": [f.slug for f in r.requires_all.all()],
                            "any": [f.slug for f in r.requires_any.all()],
                            "absent": [f.slug for f in r.requires_absent.all()],
                            "not_present": [f.slug for f in r.requires_not_present.all()],
                            "unassessed": [f.slug for f in r.requires_unassessed.all()],
                            "age_min": r.age_min,
                            "age_max": r.age_max,
                            "age_unknown_fires": r.age_unknown_fires,
                        },
                        "urgency": r.urgency,
                        "message": r.message,
                        "action": r.action,
                        "basis": r.basis,
                        "grade": r.grade,
                        "sources": [s.key for s in r.sources.all()],
                    }
                    for r in c.red_flags.all()
                ],
                "workup": [
                    {
                        "item": w.item.code,
                        "need": w.need,
                        "priority": w.priority,
                        "rationale": w.rationale,
                        "overrides": w.overrides,
                        "when": w.applies_when,
                        "grade": w.grade,
                        "sources": [s.key for s in w.sources.all()],
                    }
                    for w in c.workup.all()
                ],
            }
        )
    beliefs = []
    for b in Belief.objects.prefetch_related("sources", "conditions").order_by("order", "slug"):
        for lang, t in (b.translations or {}).items():
            translations.setdefault(lang, {}).setdefault("beliefs", {})[b.slug] = t
        beliefs.append(
            {
                "slug": b.slug,
                "claim": b.claim,
                "kind": b.kind,
                "verdict": b.verdict,
                "explanation": b.explanation,
                "patient_text": b.patient_text,
                "grade": b.grade,
                "sources": [s.key for s in b.sources.all()],
                "conditions": [c.slug for c in b.conditions.all()],
            }
        )
    return content_normalise(
        ReferenceContent(
            version={
                "version": version.label if version else "unversioned",
                "released": version.released.isoformat() if version else "1970-01-01",
                "notes": version.notes if version else "",
            },
            sources={s.key: {k: getattr(s, k) for k in SOURCE_KEYS} for s in Source.objects.all()},
            findings=[{k: getattr(f, k) for k in FINDING_KEYS} for f in Finding.objects.all()],
            workup_items=[{k: getattr(w, k) for k in ITEM_KEYS} for w in WorkupItem.objects.all()],
            conditions=conditions,
            beliefs=beliefs,
            translations=translations,
        )
    )


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def content_files(content: ReferenceContent) -> dict[str, str]:
    """Every file of the canonical layout, by relative path, as text."""
    content = content_normalise(content)
    files = {
        "version.json": _dump(content.version),
        "sources.json": _dump(list(content.sources.values())),
        "findings.json": _dump(content.findings),
        "workup_items.json": _dump(content.workup_items),
        "beliefs.json": _dump(content.beliefs),
    }
    for c in content.conditions:
        files[f"conditions/{c['slug']}.json"] = _dump(c)
    for lang, tr in content.translations.items():
        files[f"translations/{lang}.json"] = _dump(tr)
    return files


def content_write(*, content: ReferenceContent, directory: Path) -> list[str]:
    """Write the canonical layout into `directory`, replacing its JSON files."""
    files = content_files(content)
    for old in sorted(directory.glob("**/*.json")):
        if old.relative_to(directory).as_posix() not in files:
            old.unlink()
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)
