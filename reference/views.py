"""Server-rendered reference pages: thin views over the selectors."""

from itertools import groupby
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from reference import selectors
from reference.checklist import differential_checklist
from reference.differential import assessment_from_form, differential_compute
from reference.models import ContentVersion, Finding, Urgency
from reference.revisions import revision_label
from reference.search import reference_search
from reference.snapshot import snapshot_get


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Conditions grouped by urgency, with a search over conditions and findings.

    The search is a POST: what a clinician types never goes into a URL or an access log.
    """
    query = request.POST.get("q", "")[:100] if request.method == "POST" else ""
    conditions = list(selectors.condition_list())
    groups = [
        (label, [c for c in conditions if c.urgency == value]) for value, label in Urgency.choices
    ]
    hits = reference_search(snapshot=snapshot_get(), query=query) if query.strip() else None
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
    snapshot = snapshot_get()
    return render(
        request,
        "reference/sources.html",
        {
            "sources": selectors.source_list(),
            "version": ContentVersion.objects.filter(label=snapshot.version).first(),
            "revision": snapshot.revision,
            "label": revision_label(release=snapshot.version, number=snapshot.revision),
            "changelog": selectors.changelog(),
        },
    )


def differential_page(request: HttpRequest) -> HttpResponse:
    """The findings checklist and its live differential (works without JavaScript)."""
    snapshot = snapshot_get()
    assessment, errors = assessment_from_form(data=request.GET, snapshot=snapshot)
    result = differential_compute(snapshot=snapshot, assessment=assessment)
    context = {
        "result": result,
        "errors": errors,
        "checklist": differential_checklist(snapshot=snapshot, assessment=assessment),
        "age": request.GET.get("age", ""),
        "query": _without_fragment(request.GET),
        # Signing in to save returns to this exact checklist, so nothing ticked is lost.
        "sign_in_to_save": reverse("login")
        + "?"
        + urlencode(
            {"next": f"{reverse('reference:differential')}?{_without_fragment(request.GET)}"}
        ),
        "sources": snapshot.sources,
    }
    if request.GET.get("fragment") == "1":
        return render(request, "reference/_differential_update.html", context)
    return render(request, "reference/differential.html", context)


def _without_fragment(query: QueryDict) -> str:
    copy = query.copy()
    copy.pop("fragment", None)
    return copy.urlencode()
