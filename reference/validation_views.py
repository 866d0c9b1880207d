"""The validation page and the intended-use page: thin views over reference.validation."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reference.revisions import revision_label
from reference.snapshot import snapshot_get
from reference.validation import validation_current


def validation(request: HttpRequest) -> HttpResponse:
    """The vignette suite's result on the content and engine in use (computed if missing)."""
    snapshot = snapshot_get()
    stored = validation_current(snapshot=snapshot)
    return render(
        request,
        "reference/validation.html",
        {
            "report": stored.report,
            "computed_at": stored.computed_at,
            "label": revision_label(release=snapshot.version, number=snapshot.revision),
        },
    )


def intended_use(request: HttpRequest) -> HttpResponse:
    """Who it is for, what it does and does not do, its limits and its regulatory position."""
    snapshot = snapshot_get()
    links = [link for by_finding in snapshot.links.values() for link in by_finding]
    return render(
        request,
        "reference/intended_use.html",
        {
            "links": len(links),
            "estimates": sum(link.is_estimate for link in links),
            "conditions": len(snapshot.conditions),
            "findings": len(snapshot.findings),
            "red_flags": len(snapshot.red_flags),
            "label": revision_label(release=snapshot.version, number=snapshot.revision),
        },
    )
