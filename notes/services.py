"""Notes: create, change while draft, finalize, amend, and the audit trail.

Every change to a note goes through these functions; views and the API only validate
input and call one of them.
"""

from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from notes.clinical_note import PlanError, plan_refit, plan_validate
from notes.clinical_note import note_context as note_context  # re-exported for callers
from notes.clinical_note import note_superseded_by as note_superseded_by
from notes.clinical_note import note_text as note_text
from notes.models import AuditEvent, Note
from reference.differential import (
    AssessmentError,
    assessment_parse,
    differential_as_dict,
    differential_compute,
)
from reference.errors import ConflictError, DomainError
from reference.snapshot import snapshot_get

EDITABLE = (
    "clinician_text",
    "follow_up_advice",
    "patient_instructions",
    "clinic_name",
    "presenting_complaint",
    "patient_label",
)


class NoteInputError(DomainError):
    """Input for a note that cannot be used; `errors` names each field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        first = next(iter(errors))
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), field=first)


class NoteFinalizedError(ConflictError):
    def __init__(self, note: Note) -> None:
        super().__init__(
            f"Note {note.pk} is final and cannot be changed. Amend it to make a new draft."
        )


def audit_record(*, note: Note, user: Any, action: str, **detail: Any) -> None:
    """Append one audit event."""
    AuditEvent.objects.create(note=note, user=user, action=action, detail=detail)


def audit_record_many(*, notes: list[Note], user: Any, action: str, **detail: Any) -> None:
    """Append one audit event per note, in one query."""
    AuditEvent.objects.bulk_create(
        AuditEvent(note=n, user=user, action=action, detail=detail) for n in notes
    )


def note_for_user(*, pk: Any, user: Any) -> Note:
    """The user's own note, or Http404; a try at someone else's note is audited."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such note.") from None
    note = Note.objects.select_related("owner").filter(pk=pk).first()
    if note is None:
        raise Http404("No such note.")
    if note.owner_id != user.pk:
        audit_record(note=note, user=user, action=AuditEvent.Action.REFUSED)
        raise Http404("No such note.")
    return note


def _text_validate(text: dict[str, Any]) -> dict[str, str]:
    """Check typed text against the model's own limits, the one rule for API and pages."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for key, value in text.items():
        if key not in EDITABLE:
            continue
        if not isinstance(value, str):
            errors[key] = ["Must be text."]
            continue
        field = Note._meta.get_field(key)
        if not isinstance(field, models.Field):  # EDITABLE names only concrete fields
            raise TypeError(f"{key} is not a field")
        try:
            field.run_validators(value)
            if not value and not field.blank:
                raise ValidationError("This field may not be blank.")
        except ValidationError as exc:
            errors[key] = list(exc.messages)
        else:
            clean[key] = value
    if errors:
        raise NoteInputError(errors)
    return clean


def _compute(
    present: Any, absent: Any, age_years: Any, working_diagnosis: str | None
) -> tuple[dict[str, Any], Any, str]:
    """The stored result for the input, computed with the working diagnosis it records.

    The working diagnosis contributes its workup and examination whatever its probability
    (`differential_compute`); none chosen means the leading condition.
    """
    snapshot = snapshot_get()
    try:
        assessment = assessment_parse(
            snapshot=snapshot, present=present, absent=absent, age_years=age_years
        )
    except AssessmentError as exc:
        raise NoteInputError(exc.errors) from exc
    ranked = {c.slug for c in snapshot.conditions}
    if working_diagnosis and working_diagnosis not in ranked:
        raise NoteInputError(
            {"working_diagnosis": [f"Unknown condition slug: {working_diagnosis}."]}
        )
    result = differential_compute(
        snapshot=snapshot, assessment=assessment, working_diagnosis=working_diagnosis or None
    )
    if not working_diagnosis:
        working_diagnosis = result.differential[0].condition
        result = differential_compute(
            snapshot=snapshot, assessment=assessment, working_diagnosis=working_diagnosis
        )
    return differential_as_dict(result), assessment, working_diagnosis


def _plan_clean(value: Any, result: dict[str, Any]) -> list[str] | None:
    try:
        return plan_validate(value=value, result=result)
    except PlanError as exc:
        raise NoteInputError({"plan": [str(exc)]}) from exc


def _not_a_slug() -> str:
    raise NoteInputError({"working_diagnosis": ["Must be a condition slug."]})


@transaction.atomic
def note_create(
    *,
    owner: User,
    present: Any = None,
    absent: Any = None,
    age_years: Any = None,
    working_diagnosis: str | None = None,
    amends: Note | None = None,
    plan: Any = None,
    **text: str,
) -> Note:
    """Compute the differential for the input and store it with the clinician's text."""
    clean_text = _text_validate(text)
    result, assessment, chosen = _compute(present, absent, age_years, working_diagnosis)
    plan = _plan_clean(plan, result)
    note = Note.objects.create(
        owner=owner,
        present=sorted(assessment.present),
        absent=sorted(assessment.absent),
        age_years=assessment.age_years,
        result=result,
        reference_version=result["reference_version"],
        reference_revision=result["reference_revision"],
        reference_fingerprint=result["reference_fingerprint"],
        working_diagnosis=chosen,
        amends=amends,
        plan=plan,
        **clean_text,
    )
    audit_record(note=note, user=owner, action=AuditEvent.Action.CREATED)
    return note


@transaction.atomic
def note_update(*, note: Note, user: Any, **changes: Any) -> Note:
    """Change a draft; a new input recomputes the differential. Final notes refuse."""
    text = _text_validate({k: v for k, v in changes.items() if k in EDITABLE})
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.is_final:
        raise NoteFinalizedError(note)
    changed: list[str] = []
    if {"present", "absent", "age_years", "working_diagnosis"} & set(changes):
        # The working diagnosis shapes the workup, so choosing another one recomputes too.
        chosen = changes.get("working_diagnosis", note.working_diagnosis)
        result, assessment, chosen = _compute(
            changes.get("present", note.present),
            changes.get("absent", note.absent),
            changes.get("age_years", note.age_years),
            chosen if isinstance(chosen, str) or chosen is None else _not_a_slug(),
        )
        note.present, note.absent = sorted(assessment.present), sorted(assessment.absent)
        note.age_years = assessment.age_years
        note.result = result
        note.reference_version = result["reference_version"]
        note.reference_revision = result["reference_revision"]
        note.reference_fingerprint = result["reference_fingerprint"]
        note.working_diagnosis = chosen
        changed += ["present", "absent", "age_years", "result"]
        if "working_diagnosis" in changes:
            changed.append("working_diagnosis")
        # A chosen plan keeps the ticks the new result still offers; never-chosen stays
        # never-chosen, so its suggestions follow the new result.
        refit = plan_refit(plan=note.plan, result=note.result)
        if refit != note.plan:
            note.plan = refit
            changed.append("plan")
    if "plan" in changes:
        plan = _plan_clean(changes["plan"], note.result)
        if plan != note.plan:
            note.plan = plan
            changed.append("plan")
    for key, value in text.items():
        if getattr(note, key) != value:
            setattr(note, key, value)
            changed.append(key)
    if changed:
        note.save()
        audit_record(note=note, user=user, action=AuditEvent.Action.CHANGED, fields=changed)
    return note


@transaction.atomic
def note_finalize(*, note: Note, user: Any) -> Note:
    """Freeze the note; its handout is rendered now so that printing is served from cache."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.is_final:
        raise NoteFinalizedError(note)
    note.status = Note.Status.FINAL
    note.finalized_at = timezone.now()
    note.save(update_fields=["status", "finalized_at", "updated_at"])
    audit_record(note=note, user=user, action=AuditEvent.Action.FINALIZED)
    # Warming the cache is a courtesy: robust=True logs a failure instead of raising, so a
    # committed finalize is always reported as the success it is.
    transaction.on_commit(
        lambda: note_handout_pdf(note=note, language="en", paper="a4"), robust=True
    )
    return note


class NoteNotFinalError(ConflictError):
    def __init__(self, note: Note) -> None:
        super().__init__(
            f"Note {note.pk} is a draft: edit it instead. Only a final note is amended."
        )


@transaction.atomic
def note_amend(*, note: Note, user: Any) -> Note:
    """Start a new draft from a final note, linked to it; the original never changes."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if not note.is_final:
        raise NoteNotFinalError(note)
    new = note_create(
        owner=user,
        present=list(note.present),
        absent=list(note.absent),
        age_years=note.age_years,
        working_diagnosis=note.working_diagnosis,
        amends=note,
        **{k: getattr(note, k) for k in EDITABLE},
    )
    # The clinician's ticks carry over, less any the recomputed result no longer offers.
    if note.plan is not None:
        new.plan = plan_refit(plan=note.plan, result=new.result)
        new.save(update_fields=["plan"])
    audit_record(note=note, user=user, action=AuditEvent.Action.AMENDED, amendment=new.pk)
    return new


def handout_cache_key(*, note: Note, language: str, paper: str, large_print: bool) -> str:
    return (
        f"handout:{note.pk}:{note.reference_version}:{note.reference_fingerprint}:"
        f"{note.updated_at.timestamp()}:{language}:{paper}:{int(large_print)}"
    )


def note_handout_pdf(*, note: Note, language: str, paper: str, large_print: bool = False) -> bytes:
    """The patient handout for a note: from cache when final, rendered fresh for drafts."""
    from notes.handout import handout_content_for_note, handout_render

    key = handout_cache_key(note=note, language=language, paper=paper, large_print=large_print)
    if note.is_final:
        cached = cache.get(key)
        if cached is not None:
            return bytes(cached)
    content = handout_content_for_note(note=note, language=language)
    pdf = handout_render(content=content, paper=paper, large_print=large_print)
    if note.is_final:
        cache.set(key, pdf, timeout=None)
    return pdf
