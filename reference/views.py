"""Server-rendered reference pages: thin views over the selectors."""

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from reference import selectors
from reference.models import ContentVersion, Finding, Urgency


def index(request: HttpRequest) -> HttpResponse:
    """Conditions grouped by urgency, with a search over conditions and findings."""
    query = request.GET.get("q", "")[:100]
    conditions = list(selectors.condition_list())
    groups = [
        (label, [c for c in conditions if c.urgency == value]) for value, label in Urgency.choices
    ]
    hits = selectors.reference_search(query=query) if query.strip() else None
    return render(
        request, "reference/index.html", {"groups": groups, "query": query, "hits": hits}
    )


def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    condition = get_object_or_404(selectors.condition_detail_queryset(), slug=slug)
    sources = selectors.condition_sources(condition)
    return render(
        request,
        "reference/condition.html",
        {"condition": condition, "sources": sources},
    )


def findings_glossary(request: HttpRequest) -> HttpResponse:
    labels = dict(Finding.Category.choices)
    groups = [
        (labels[cat], list(items))
        for cat, items in groupby(
            sorted(
                selectors.finding_list(), key=lambda f: (list(labels).index(f.category), f.order)
            ),
            key=lambda f: f.category,
        )
    ]
    return render(request, "reference/findings.html", {"groups": groups})


def beliefs(request: HttpRequest) -> HttpResponse:
    return render(request, "reference/beliefs.html", {"beliefs": selectors.belief_list()})


def sources(request: HttpRequest) -> HttpResponse:
    version = ContentVersion.objects.order_by("-released", "-id").first()
    return render(
        request,
        "reference/sources.html",
        {"sources": selectors.source_list(), "version": version},
    )
