"""The disagreement form's target: a POST from the checklist's result or a note's page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from disagreements import services
from disagreements.forms import DisagreementForm
from notes.services import note_for_user

# How each problem is named on the page (the keys of the form's and the service's errors).
FIELD_NAMES = {
    "target": "What is wrong",
    "reason": "Why",
    "comment": "Comment",
    "fingerprint": "Reference content",
    "age_years": "Age",
}


@login_required
@require_POST
def disagreement_new(request: HttpRequest) -> HttpResponse:
    """Record the disagreement and return to the same result, or say what to correct (400)."""
    form = DisagreementForm(request.POST)
    shown = None
    try:
        if "note" in request.POST:
            note = note_for_user(pk=request.POST["note"], user=request.user)
            shown = services.shown_from_note(note=note)
        else:
            shown = services.shown_from_checklist(data=request.POST)
        if not form.is_valid():
            raise services.DisagreementInputError(
                {k: [str(m) for m in v] for k, v in form.errors.items()}
            )
        disagreement = services.disagreement_record(
            user=request.user,
            shown=shown,
            fingerprint=None if shown.note else form.cleaned_data["fingerprint"],
            **{k: form.cleaned_data[k] for k in ("target", "reason", "comment")},
        )
    except services.DisagreementInputError as exc:
        return _invalid(request, shown=shown, errors=exc.errors, form=form)
    messages.success(
        request,
        "Thank you: your disagreement is in the curators' review queue for release "
        f"{disagreement.reference_version}.",
    )
    return redirect(shown.back_url)


def _invalid(
    request: HttpRequest,
    *,
    shown: services.Shown | None,
    errors: dict[str, list[str]],
    form: DisagreementForm,
) -> HttpResponse:
    context: dict[str, Any] = {
        "shown": shown,
        "result": shown.result if shown else None,
        "note": shown.note if shown else None,
        "disagree_errors": {
            FIELD_NAMES.get(k, k.replace("_", " ").capitalize()): v for k, v in errors.items()
        },
        "disagree_data": {k: form.data.get(k, "") for k in ("target", "reason", "comment")},
    }
    return render(request, "disagreements/invalid.html", context, status=400)
