"""Read-side queries for the reference pages and API, each with a fixed query count."""

from django.db.models import Prefetch, Q, QuerySet

from reference.models import (
    Belief,
    Condition,
    ContentRevision,
    ContentVersion,
    EvidenceLink,
    Finding,
    RedFlagRule,
    Source,
    WorkupRecommendation,
)


def condition_list() -> QuerySet[Condition]:
    """Conditions for an index: no related rows needed."""
    return Condition.objects.order_by("name")


def condition_detail_queryset() -> QuerySet[Condition]:
    """Conditions with everything a detail page or response shows, prefetched."""
    return Condition.objects.prefetch_related(
        "sources",
        Prefetch(
            "evidence",
            queryset=EvidenceLink.objects.select_related("finding")
            .prefetch_related("sources")
            .order_by("-lr_present", "finding__order"),
        ),
        Prefetch(
            "red_flags",
            queryset=RedFlagRule.objects.prefetch_related(
                "requires_all",
                "requires_any",
                "requires_absent",
                "requires_not_present",
                "requires_unassessed",
                "sources",
            ).order_by("slug"),
        ),
        Prefetch(
            "workup",
            queryset=WorkupRecommendation.objects.select_related("item")
            .prefetch_related("sources")
            .order_by("item__name"),
        ),
    )


def condition_sources(condition: Condition) -> list[Source]:
    """Every source a prefetched condition cites, anywhere in its content, sorted."""
    found: dict[str, Source] = {s.key: s for s in condition.sources.all()}
    for link in condition.evidence.all():
        found.update((s.key, s) for s in link.sources.all())
    for flag in condition.red_flags.all():
        found.update((s.key, s) for s in flag.sources.all())
    for rec in condition.workup.all():
        found.update((s.key, s) for s in rec.sources.all())
    return sorted(found.values(), key=lambda s: (s.publisher, s.year, s.title))


def finding_list() -> QuerySet[Finding]:
    return Finding.objects.order_by("order", "slug")


def source_list() -> QuerySet[Source]:
    return Source.objects.order_by("publisher", "year", "title")


def belief_list() -> QuerySet[Belief]:
    return Belief.objects.prefetch_related("sources").order_by("order", "slug")


def reference_search(*, query: str) -> tuple[list[Condition], list[Finding]]:
    """Conditions and findings whose names, synonyms or questions contain `query`."""
    q = query.strip()
    if not q:
        return [], []
    conditions = [
        c
        for c in Condition.objects.order_by("name")
        if q.lower() in " ".join([c.name, c.slug, c.summary, *c.synonyms]).lower()
    ]
    findings = list(
        Finding.objects.filter(
            Q(label__icontains=q) | Q(question__icontains=q) | Q(slug__icontains=q)
        ).order_by("order")
    )
    return conditions, findings


def changelog() -> list[tuple[ContentVersion, list[ContentRevision]]]:
    """Each release, newest first, with its revisions newest first (two queries)."""
    revisions: dict[str, list[ContentRevision]] = {}
    for r in ContentRevision.objects.select_related("user").order_by("-number"):
        revisions.setdefault(r.release, []).append(r)
    return [(v, revisions.get(v.label, [])) for v in ContentVersion.objects.all()]
