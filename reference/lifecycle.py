"""One rule between the shipped release (the fixtures) and the working content (the database).

Content is compared row by row: a source, a finding, a workup item, a condition's own
fields, an evidence link, a red flag, a workup recommendation, a belief. Each row loaded
from a release leaves its hash behind (the baseline). When a release is loaded again:
- a row nobody changed since (database = baseline) takes the release's version;
- a row a curator changed, added or deleted (database != baseline) is kept as it is,
  unless the release changed it too: that is a conflict, which stops the load until it
  is resolved explicitly (keep the curator's version, or take the release's).
These functions are pure: they work on plain data and never touch the database.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from reference.content import ReferenceContent

RowKey = tuple[str, str]  # (kind, key), e.g. ("evidence", "stroke/facial-weakness")
Row = dict[str, Any]
Resolution = Literal["keep-local", "force"]
CONDITION_PARTS = ("evidence", "red_flags", "workup")


def content_rows(content: ReferenceContent) -> dict[RowKey, Row]:
    """The content as rows, each with a stable key. The inverse of `content_from_rows`."""
    rows: dict[RowKey, Row] = {}
    for key, s in content.sources.items():
        rows[("source", key)] = s
    for f in content.findings:
        rows[("finding", f["slug"])] = f
    for w in content.workup_items:
        rows[("workup-item", w["code"])] = w
    for c in content.conditions:
        slug = c["slug"]
        own = {k: v for k, v in c.items() if k not in CONDITION_PARTS}
        own["translations"] = _translations_of(content, "conditions", slug)
        rows[("condition", slug)] = own
        for e in c["evidence"]:
            rows[("evidence", f"{slug}/{e['finding']}")] = {"condition": slug, **e}
        for r in c["red_flags"]:
            rows[("red-flag", r["slug"])] = {"condition": slug, **r}
        for w in c["workup"]:
            rows[("workup", f"{slug}/{w['item']}")] = {"condition": slug, **w}
    for order, b in enumerate(content.beliefs):
        rows[("belief", b["slug"])] = {
            **b,
            "order": order,
            "translations": _translations_of(content, "beliefs", b["slug"]),
        }
    return rows


def _translations_of(content: ReferenceContent, kind: str, slug: str) -> dict[str, Any]:
    return {
        lang: tr[kind][slug]
        for lang, tr in sorted(content.translations.items())
        if slug in tr.get(kind, {})
    }


def content_from_rows(*, rows: Mapping[RowKey, Row], version: dict[str, Any]) -> ReferenceContent:
    """Rebuild a document from rows (a merge of release and working content)."""
    by_kind: dict[str, list[Row]] = {}
    for (kind, _key), row in sorted(rows.items()):
        by_kind.setdefault(kind, []).append(row)
    translations: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
    conditions = []
    for row in by_kind.get("condition", []):
        c = {k: v for k, v in row.items() if k != "translations"}
        for lang, t in row["translations"].items():
            translations.setdefault(lang, {}).setdefault("conditions", {})[c["slug"]] = t
        for part in CONDITION_PARTS:
            c[part] = []
        conditions.append(c)
    index = {c["slug"]: c for c in conditions}
    for kind, part in (("evidence", "evidence"), ("red-flag", "red_flags"), ("workup", "workup")):
        for row in by_kind.get(kind, []):
            parent = index.get(row["condition"])
            entry = {k: v for k, v in row.items() if k != "condition"}
            if parent is None:
                # Its condition is gone: keep it visible, so validation names it.
                parent = {"slug": row["condition"], "evidence": [], "red_flags": [], "workup": []}
                index[row["condition"]] = parent
                conditions.append(parent)
            parent[part].append(entry)
    beliefs = []
    for row in sorted(by_kind.get("belief", []), key=lambda b: (b["order"], b["slug"])):
        b = {k: v for k, v in row.items() if k not in ("order", "translations")}
        for lang, t in row["translations"].items():
            translations.setdefault(lang, {}).setdefault("beliefs", {})[b["slug"]] = t
        beliefs.append(b)
    return ReferenceContent(
        version=version,
        sources={row["key"]: row for row in by_kind.get("source", [])},
        findings=by_kind.get("finding", []),
        workup_items=by_kind.get("workup-item", []),
        conditions=conditions,
        beliefs=beliefs,
        translations=translations,
    )


def row_hash(row: Row | None) -> str | None:
    """A stable hash of one row (None for a row that does not exist)."""
    if row is None:
        return None
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Conflict:
    """A row a curator changed that the release changed differently."""

    kind: str
    key: str
    differences: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.kind} {self.key}: " + "; ".join(self.differences)


@dataclass(frozen=True)
class Plan:
    rows: dict[RowKey, Row]  # what the working content becomes
    conflicts: tuple[Conflict, ...]
    kept_local: tuple[RowKey, ...]  # curator changes kept (no conflict, or --keep-local)
    taken_from_release: tuple[RowKey, ...]  # rows the release changes
    forced: tuple[RowKey, ...]  # conflicts resolved in favour of the release


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _differences(local: Row | None, release: Row | None) -> tuple[str, ...]:
    if local is None:
        return ("deleted by a curator; changed in the release",)
    if release is None:
        return ("changed by a curator; removed in the release",)
    return tuple(
        f"{k}: curator {_short(local.get(k))}, release {_short(release.get(k))}"
        for k in sorted(set(local) | set(release))
        if local.get(k) != release.get(k)
    )


def lifecycle_plan(
    *,
    release: Mapping[RowKey, Row],
    working: Mapping[RowKey, Row],
    baseline: Mapping[RowKey, str] | None,
    resolution: Resolution | None = None,
) -> Plan:
    """Decide, row by row, what loading `release` over `working` does.

    `baseline` is None for a database loaded before baselines existed: rows equal to the
    release then count as unchanged and the others as a curator's changes to it.
    """
    if baseline is None:
        baseline = {k: h for k, row in release.items() if (h := row_hash(row)) and k in working}
    rows: dict[RowKey, Row] = {}
    conflicts: list[Conflict] = []
    kept: list[RowKey] = []
    taken: list[RowKey] = []
    forced: list[RowKey] = []
    for key in sorted(set(release) | set(working) | set(baseline)):
        r, w, b = release.get(key), working.get(key), baseline.get(key)
        hr, hw = row_hash(r), row_hash(w)
        if hw == b:  # nobody changed it here: the release decides
            chosen = r
            if hr != hw:
                taken.append(key)
        elif hr in (b, hw) or resolution == "keep-local":
            # A curator's change the release leaves alone (or makes too), or told to keep.
            chosen = w
            kept.append(key)
        elif resolution == "force":
            chosen = r
            forced.append(key)
        else:
            conflicts.append(Conflict(key[0], key[1], _differences(w, r)))
            chosen = w
        if chosen is not None:
            rows[key] = chosen
    return Plan(rows, tuple(conflicts), tuple(kept), tuple(taken), tuple(forced))
