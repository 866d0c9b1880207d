"""Note pages: thin views over notes.services. Every page requires sign-in."""

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from notes import services
from notes.api import handout_options
from notes.models import AuditEvent, Note
from reference.checklist import differential_checklist
from reference.differential import Assessment, assessment_from_form
from reference.errors import DomainError
from reference.snapshot import snapshot_get


def _own_note(request: HttpRequest, pk: int) -> Note:
    return services.note_for_user(pk=pk, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def note_list(request: HttpRequest) -> HttpResponse:
    """Your notes; searching is a POST, so the words searched (a patient label, say) never
    reach a URL or a log."""
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    page_number = request.POST.get("page") if request.method == "POST" else request.GET.get("page")
    notes = Note.objects.filter(owner_id=request.user.pk).annotate(
        superseded=Exists(Note.objects.filter(amends=OuterRef("pk"), status=Note.Status.FINAL))
    )
    if query:
        notes = notes.filter(
            Q(working_diagnosis__icontains=query)
            | Q(clinician_text__icontains=query)
            | Q(presenting_complaint__icontains=query)
            | Q(clinic_name__icontains=query)
            | Q(patient_label__icontains=query)
        )
    page = Paginator(notes, 20).get_page(page_number)
    context = {"page": page, "query": query, "zone": timezone.get_current_timezone_name()}
    return render(request, "notes/list.html", context)


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


def _detail_context(note: Note) -> dict[str, Any]:
    context: dict[str, Any] = services.note_context(note=note)
    context["note_text"] = services.note_text(note=note)
    if not note.is_final:
        context["checklist"] = differential_checklist(
            snapshot=snapshot_get(),
            assessment=Assessment(present=frozenset(note.present), absent=frozenset(note.absent)),
        )
    return context


@login_required
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    services.audit_record(note=note, user=request.user, action=AuditEvent.Action.VIEWED)
    return render(request, "notes/detail.html", _detail_context(note))


def _edit_changes(post: QueryDict) -> dict[str, Any]:
    """What one of the draft's forms sent: its findings, its plan, or its text."""
    part = post.get("part", "text")
    if part == "findings":
        assessment, errors = assessment_from_form(data=post, snapshot=snapshot_get())
        if errors:
            raise services.NoteInputError(errors)
        return {
            "present": sorted(assessment.present),
            "absent": sorted(assessment.absent),
            "age_years": assessment.age_years,
            # Blank: the leading condition of the recomputed differential.
            "working_diagnosis": post.get("working_diagnosis", ""),
        }
    if part == "plan":
        return {"plan": post.getlist("plan")}
    fields = ("working_diagnosis", *services.EDITABLE)
    return {k: post[k] for k in fields if k in post}


@login_required
@require_POST
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save one of a draft's forms; changed findings recompute the differential."""
    note = _own_note(request, pk)
    try:
        services.note_update(note=note, user=request.user, **_edit_changes(request.POST))
        messages.success(request, "Note saved.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("notes:detail", pk=pk)


@login_required
@require_POST
def note_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    """Without `confirm=yes`, a page that asks; with it, the note is frozen."""
    note = _own_note(request, pk)
    if request.POST.get("confirm") != "yes" and not note.is_final:
        context = services.note_context(note=note)
        context["note_text"] = services.note_text(note=note)
        return render(request, "notes/finalize_confirm.html", context)
    try:
        services.note_finalize(note=note, user=request.user)
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
    """The handout PDF; a superseded note's page offers its amendment's (or, on purpose,
    the original's, which never changes)."""
    note = _own_note(request, pk)
    try:
        options = handout_options(request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("notes:detail", pk=pk)
    superseded = services.note_superseded_by(note=note)
    if superseded and request.GET.get("original") != "1":
        query = {k: request.GET[k] for k in ("lang", "paper", "large") if k in request.GET}
        return render(
            request,
            "notes/handout_superseded.html",
            {
                "note": note,
                "superseded": superseded,
                "query": urlencode(query),
                "zone": timezone.get_current_timezone_name(),
            },
        )
    pdf = services.note_handout_pdf(note=note, **options)
    services.audit_record(
        note=note, user=request.user, action=AuditEvent.Action.PRINTED, **options
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handout-{note.pk}.pdf"'
    return response
