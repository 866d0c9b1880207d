"""An immutable in-memory snapshot of the reference, for the ranking engine.

Built once per content change with a fixed number of queries. Edits (admin or
`load_reference`) change the token of the one `ContentState` row in the same transaction;
each request reads that token (one primary-key lookup) and rebuilds the snapshot when it
has changed, so every worker of every server picks up an edit within one request,
whatever the cache backend.
"""

import hashlib
import json
import threading
import uuid
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceRef:
    key: str
    title: str
    publisher: str
    year: int
    pmid: str
    doi: str
    url: str


@dataclass(frozen=True, slots=True)
class FindingRef:
    slug: str
    label: str
    question: str
    how_to_elicit: str
    category: str
    order: int
    unlinked_frequency: float | None = None
    synonyms: tuple[str, ...] = ()  # for the checklist filter and the search, not the ranking


@dataclass(frozen=True, slots=True)
class Link:
    condition: str
    finding: str
    lr_present: float
    lr_absent: float
    grade: str
    is_estimate: bool
    basis: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConditionRef:
    slug: str
    name: str
    urgency: str
    must_not_miss: bool
    prior: float
    age_ratios: tuple[float, float, float, float]  # infant, child, adult, older
    grade: str
    sources: tuple[str, ...]
    unlinked_frequency: float | None = None


@dataclass(frozen=True, slots=True)
class RedFlagRef:
    slug: str
    condition: str
    family: str  # the rule's own slug when the content leaves it blank
    requires_all: frozenset[str]
    requires_any: frozenset[str]
    requires_absent: frozenset[str]
    requires_not_present: frozenset[str]
    requires_unassessed: frozenset[str]
    age_min: float | None
    age_max: float | None
    age_unknown_fires: bool
    urgency: str
    message: str
    action: str
    basis: str
    grade: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkupWhen:
    """Findings present and an age bound (inclusive) that a workup rule needs."""

    requires_all: tuple[str, ...]
    requires_any: tuple[str, ...]
    age_min: float | None
    age_max: float | None
    age_unknown: bool  # matches only when no age is given


@dataclass(frozen=True, slots=True)
class WorkupOverride:
    """Another priority and rationale for a recommendation when findings or age call for it."""

    when: WorkupWhen
    priority: str
    rationale: str


@dataclass(frozen=True, slots=True)
class WorkupRef:
    condition: str
    code: str
    name: str
    kind: str
    loinc: str
    priority: str
    rationale: str
    grade: str
    sources: tuple[str, ...]
    need: str = ""
    overrides: tuple[WorkupOverride, ...] = ()
    when: WorkupWhen | None = None  # the recommendation applies only when this matches


@dataclass(frozen=True)
class Snapshot:
    version: str  # the release, e.g. "2026.1"
    revision: int  # curator changes since the release was loaded (2026.1+r3 -> 3)
    fingerprint: str
    conditions: tuple[ConditionRef, ...]  # the ranked ones
    findings: MappingProxyType[str, FindingRef]
    links: MappingProxyType[str, tuple[Link, ...]]  # by finding slug
    red_flags: tuple[RedFlagRef, ...]
    workup: MappingProxyType[str, tuple[WorkupRef, ...]]  # by condition slug
    sources: MappingProxyType[str, SourceRef]
    # Topics that only carry red flags (not ranked): slug -> name.
    flag_topics: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Every condition's synonyms and summary (flag-only topics too), for the reference search.
    condition_synonyms: MappingProxyType[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    condition_summaries: MappingProxyType[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def condition_names(self) -> dict[str, str]:
        """Every condition's name by slug, flag-only topics included."""
        return {c.slug: c.name for c in self.conditions} | dict(self.flag_topics)


def snapshot_build() -> Snapshot:
    """Read the whole reference with a fixed number of queries and freeze it."""
    from reference.models import (
        Condition,
        EvidenceLink,
        Finding,
        RedFlagRule,
        Source,
        WorkupRecommendation,
    )
    from reference.revisions import release_current, revision_current

    release = release_current()
    sources = {
        s.key: SourceRef(s.key, s.title, s.publisher, s.year, s.pmid, s.doi, s.url)
        for s in Source.objects.all()
    }
    findings = {
        f.slug: FindingRef(
            f.slug,
            f.label,
            f.question,
            f.how_to_elicit,
            f.category,
            f.order,
            f.unlinked_frequency,
            tuple(f.synonyms or ()),
        )
        for f in Finding.objects.all()
    }
    all_conditions = list(Condition.objects.prefetch_related("sources").order_by("slug"))
    flag_topics = {c.slug: c.name for c in all_conditions if not c.ranked}
    condition_synonyms = {c.slug: tuple(c.synonyms or ()) for c in all_conditions}
    condition_summaries = {c.slug: c.summary for c in all_conditions}
    conditions = tuple(
        ConditionRef(
            slug=c.slug,
            name=c.name,
            urgency=c.urgency,
            must_not_miss=c.must_not_miss,
            prior=c.prior,
            age_ratios=(c.age_lr_infant, c.age_lr_child, c.age_lr_adult, c.age_lr_older),
            grade=c.grade,
            sources=tuple(sorted(s.key for s in c.sources.all())),
            unlinked_frequency=c.unlinked_frequency,
        )
        for c in all_conditions
        if c.ranked
    )
    links: dict[str, list[Link]] = {}
    for e in EvidenceLink.objects.select_related("condition", "finding").prefetch_related(
        "sources"
    ):
        links.setdefault(e.finding.slug, []).append(
            Link(
                condition=e.condition.slug,
                finding=e.finding.slug,
                lr_present=e.lr_present,
                lr_absent=e.lr_absent,
                grade=e.grade,
                is_estimate=e.is_estimate,
                basis=e.basis,
                sources=tuple(sorted(s.key for s in e.sources.all())),
            )
        )
    flags = tuple(
        RedFlagRef(
            slug=r.slug,
            condition=r.condition.slug,
            family=r.family or r.slug,
            requires_all=frozenset(f.slug for f in r.requires_all.all()),
            requires_any=frozenset(f.slug for f in r.requires_any.all()),
            requires_absent=frozenset(f.slug for f in r.requires_absent.all()),
            requires_not_present=frozenset(f.slug for f in r.requires_not_present.all()),
            requires_unassessed=frozenset(f.slug for f in r.requires_unassessed.all()),
            age_min=r.age_min,
            age_max=r.age_max,
            age_unknown_fires=r.age_unknown_fires,
            urgency=r.urgency,
            message=r.message,
            action=r.action,
            basis=r.basis,
            grade=r.grade,
            sources=tuple(sorted(s.key for s in r.sources.all())),
        )
        for r in RedFlagRule.objects.select_related("condition")
        .prefetch_related(
            "requires_all",
            "requires_any",
            "requires_absent",
            "requires_not_present",
            "requires_unassessed",
            "sources",
        )
        .order_by("slug")
    )
    workup: dict[str, list[WorkupRef]] = {}
    for w in WorkupRecommendation.objects.select_related("condition", "item").prefetch_related(
        "sources"
    ):
        workup.setdefault(w.condition.slug, []).append(
            WorkupRef(
                condition=w.condition.slug,
                code=w.item.code,
                name=w.item.name,
                kind=w.item.kind,
                loinc=w.item.loinc,
                priority=w.priority,
                rationale=w.rationale,
                grade=w.grade,
                sources=tuple(sorted(s.key for s in w.sources.all())),
                need=w.need or w.item.name,
                overrides=tuple(
                    WorkupOverride(_workup_when(o.get("when", {})), o["priority"], o["rationale"])
                    for o in w.overrides or []
                ),
                when=None if not w.applies_when else _workup_when(w.applies_when),
            )
        )
    frozen_links = {k: tuple(sorted(v, key=lambda x: x.condition)) for k, v in links.items()}
    frozen_workup = {k: tuple(sorted(v, key=lambda x: x.code)) for k, v in workup.items()}
    payload = json.dumps(
        [
            [asdict(c) for c in conditions],
            sorted(flag_topics.items()),
            # What the ranking reads from findings (docs/ranking.md); labels do not count.
            sorted((f.slug, f.unlinked_frequency) for f in findings.values()),
            {k: [asdict(x) for x in v] for k, v in sorted(frozen_links.items())},
            [
                asdict(f)
                | {
                    name: sorted(getattr(f, name))
                    for name in (
                        "requires_all",
                        "requires_any",
                        "requires_absent",
                        "requires_not_present",
                        "requires_unassessed",
                    )
                }
                for f in flags
            ],
            {k: [asdict(x) for x in v] for k, v in sorted(frozen_workup.items())},
        ],
        sort_keys=True,
        default=str,
    )
    return Snapshot(
        version=release,
        revision=revision_current(release=release),
        fingerprint=hashlib.sha256(payload.encode()).hexdigest()[:12],
        conditions=conditions,
        findings=MappingProxyType(findings),
        links=MappingProxyType(frozen_links),
        red_flags=flags,
        workup=MappingProxyType(frozen_workup),
        sources=MappingProxyType(sources),
        flag_topics=MappingProxyType(flag_topics),
        condition_synonyms=MappingProxyType(condition_synonyms),
        condition_summaries=MappingProxyType(condition_summaries),
    )


def _workup_when(when: dict[str, Any]) -> WorkupWhen:
    return WorkupWhen(
        requires_all=tuple(sorted(when.get("all", []))),
        requires_any=tuple(sorted(when.get("any", []))),
        age_min=when.get("age_min"),
        age_max=when.get("age_max"),
        age_unknown=bool(when.get("age_unknown", False)),
    )


# The table is ContentState's (a test keeps the name in step with the model).
CONTENT_STATE_SQL = "SELECT token FROM reference_contentstate WHERE id = 1"
_lock = threading.Lock()
_current: tuple[str, Snapshot] | None = None


def _content_token() -> str:
    """The content state's token: one primary-key read; "" before any content exists."""
    from django.db import connection

    # On every request: a plain cursor costs a fraction of building the ORM query.
    with connection.cursor() as cursor:
        cursor.execute(CONTENT_STATE_SQL)
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def snapshot_get() -> Snapshot:
    """Return the current snapshot, rebuilding it if the content changed since."""
    global _current
    token = _content_token()
    current = _current
    if current is not None and current[0] == token:
        return current[1]
    with _lock:
        if _current is None or _current[0] != token:
            snapshot = snapshot_build()
            _current = (token, snapshot)
            _fingerprint_record(token=token, fingerprint=snapshot.fingerprint)
        return _current[1]


def _fingerprint_record(*, token: str, fingerprint: str) -> None:
    # Only while the token is still the one this snapshot was built for.
    from reference.models import ContentState

    if token:
        ContentState.objects.filter(pk=1, token=token).exclude(fingerprint=fingerprint).update(
            fingerprint=fingerprint
        )


def snapshot_invalidate(**_: Any) -> None:
    """Mark the content changed, in the same transaction as the change, for every process."""
    from reference.models import ContentState

    token = uuid.uuid4().hex
    if not ContentState.objects.filter(pk=1).update(token=token, fingerprint=""):
        ContentState.objects.get_or_create(pk=1, defaults={"token": token})
