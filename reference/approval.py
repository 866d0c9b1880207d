"""Two-curator approval of admin changes to the reference (CONTENT_CHANGES_NEED_APPROVAL).

A change is proposed by running the admin's own save (or delete) inside a transaction,
so the form, the inlines and every validation run as usual, then rolling it back and
keeping the submitted form. Approval by another curator replays that form through the
same admin view, so what takes effect is exactly what was checked.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from reference.models import ContentChange


class ChangeProposed(Exception):
    """Raised inside the admin's transaction to roll a proposed change back."""

    def __init__(self, change: ContentChange) -> None:
        self.change = change
        super().__init__(str(change))


def approval_required() -> bool:
    """Whether admin changes wait for a second curator."""
    return bool(getattr(settings, "CONTENT_CHANGES_NEED_APPROVAL", False))


def replaying(request: HttpRequest) -> ContentChange | None:
    """The approved change this request replays, if any."""
    change = getattr(request, "_content_change", None)
    return change if isinstance(change, ContentChange) else None


def proposal_prepare(*, request: HttpRequest, model: Any, object_id: str | None) -> None:
    """Before the admin saves: remember which version of the object the change is based on."""
    obj = model.objects.filter(pk=object_id).first() if object_id else None
    request._based_on_history_id = _latest_history_id(obj) if obj is not None else None  # type: ignore[attr-defined]


def _latest_history_id(obj: Any) -> int | None:
    history = getattr(obj, "history", None)
    latest = history.order_by("-history_id").first() if history is not None else None
    return latest.history_id if latest is not None else None


def change_propose(*, request: HttpRequest, obj: Any, action: str, summary: str) -> ContentChange:
    """Store the submitted form as a pending change (the caller rolls the save back)."""
    data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    return ContentChange(
        model=obj._meta.label_lower,
        object_id="" if action == ContentChange.Action.ADD else str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        data=data,
        summary=summary,
        based_on_history_id=getattr(request, "_based_on_history_id", None),
        proposed_by=request.user,  # type: ignore[misc]  # staff only: a User
    )


def proposal_response(request: HttpRequest, change: ContentChange) -> HttpResponse:
    """Save the proposal (outside the rolled-back transaction) and say what happens next."""
    change.save()
    messages.info(
        request,
        f"Your change ({change.summary}) is waiting for a second curator's approval; "
        "it takes effect only then.",
    )
    return HttpResponseRedirect(reverse("admin:reference_contentchange_changelist"))


class ChangeRefused(Exception):
    """An approval that cannot be applied; the message says why."""


def change_approve(*, change: ContentChange, request: HttpRequest) -> None:
    """Apply a pending change as approved by `request.user`, through the same admin form."""
    if change.status != ContentChange.Status.PENDING:
        raise ChangeRefused(f"{change} is not waiting for approval.")
    if change.proposed_by_id == request.user.pk:
        raise ChangeRefused("A change must be approved by a curator other than its author.")
    app_label, model_name = change.model.split(".")
    model_admin = next(
        a for m, a in admin.site._registry.items() if m._meta.label_lower == change.model
    )
    if change.action != ContentChange.Action.ADD:
        current = model_admin.model.objects.filter(pk=change.object_id).first()
        if current is None or _latest_history_id(current) != change.based_on_history_id:
            raise ChangeRefused(
                f"{change.object_repr} has changed since this was proposed; propose it again."
            )
    name = {"add": "add", "change": "change", "delete": "delete"}[change.action]
    args = [] if change.action == ContentChange.Action.ADD else [change.object_id]
    path = reverse(f"admin:{app_label}_{model_name}_{name}", args=args)
    body = QueryDict(mutable=True)
    for key, values in change.data.items():
        body.setlist(key, values)
    replay = RequestFactory().post(
        path, data=body.urlencode(), content_type="application/x-www-form-urlencoded"
    )
    replay.user = request.user
    replay.session = request.session
    replay._messages = request._messages  # type: ignore[attr-defined]
    replay._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    replay._content_change = change  # type: ignore[attr-defined]
    if change.action == ContentChange.Action.DELETE:
        response = model_admin.delete_view(replay, change.object_id)
    else:
        response = model_admin.changeform_view(replay, change.object_id or None)
    if response.status_code != 302:
        raise ChangeRefused(
            f"{change.object_repr}: the proposed form no longer validates; propose it again."
        )
    change.status = ContentChange.Status.APPROVED
    change.decided_by = request.user  # type: ignore[assignment]
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])


def change_reject(*, change: ContentChange, request: HttpRequest) -> None:
    """Close a pending change without applying it."""
    if change.status != ContentChange.Status.PENDING:
        raise ChangeRefused(f"{change} is not waiting for approval.")
    change.status = ContentChange.Status.REJECTED
    change.decided_by = request.user  # type: ignore[assignment]
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
