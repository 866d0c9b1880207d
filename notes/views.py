"""Note pages: thin views over notes.services. Every page requires sign-in."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from notes import services
from notes.api import handout_options
from notes.models import AuditEvent, Note
from reference.differential import assessment_from_form
from reference.errors import DomainError
from reference.snapshot import snapshot_get


def _own_note(request: HttpRequest, pk: int) -> Note:
    return services.note_for_user(pk=pk, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def note_list(request: HttpRequest) -> HttpResponse:
    """Your notes; searching is a POST, so the words searched never reach a URL or a log."""
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    page_number = request.POST.get("page") if request.method == "POST" else request.GET.get("page")
    notes = Note.objects.filter(owner_id=request.user.pk)
    if query:
        notes = notes.filter(
            Q(working_diagnosis__icontains=query)
            | Q(clinician_text__icontains=query)
            | Q(presenting_complaint__icontains=query)
            | Q(clinic_name__icontains=query)
        )
    page = Paginator(notes, 20).get_page(page_number)
    return render(request, "notes/list.html", {"page": page, "query": query})


@login_required
@require_POST
def note_new(request: HttpRequest) -> HttpResponse:
    """Save the checklist as a draft note."""
    assessment, errors = assessment_from_form(data=request.POST, snapshot=snapshot_get())
    if errors:
        messages.error(request, "; ".join(" ".join(v) for v in errors.values()))
        return redirect("reference:differential")
    note = services.note_create(
        owner=cast(User, request.user),  # login_required: a signed-in User
        present=sorted(assessment.present),
        absent=sorted(assessment.absent),
        age_years=assessment.age_years,
    )
    messages.success(request, "Saved as a draft note.")
    return redirect("notes:detail", pk=note.pk)


@login_required
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    services.audit_record(note=note, user=request.user, action=AuditEvent.Action.VIEWED)
    context: dict[str, Any] = services.note_context(note=note)
    context["note_text"] = services.note_text(note=note)
    return render(request, "notes/detail.html", context)


@login_required
@require_POST
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    fields = ("working_diagnosis", *services.EDITABLE)
    try:
        services.note_update(
            note=note,
            user=request.user,
            **{k: request.POST[k] for k in fields if k in request.POST},
        )
        messages.success(request, "Note saved.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("notes:detail", pk=pk)


@login_required
@require_POST
def note_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.note_finalize(note=_own_note(request, pk), user=request.user)
        messages.success(request, "Note finalized. It can no longer be changed.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("notes:detail", pk=pk)


@login_required
@require_POST
def note_amend(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        new = services.note_amend(note=_own_note(request, pk), user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notes:detail", pk=pk)
    messages.success(request, f"Amendment started as a new draft of note {pk}.")
    return redirect("notes:detail", pk=new.pk)


@login_required
def note_handout(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    try:
        options = handout_options(request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notes:detail", pk=pk)
    pdf = services.note_handout_pdf(note=note, **options)
    services.audit_record(
        note=note, user=request.user, action=AuditEvent.Action.PRINTED, **options
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handout-{note.pk}.pdf"'
    return response
