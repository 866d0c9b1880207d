"""Curators edit the reference here; every change is kept in its history and numbered.

Each save or delete in these pages records a revision of the current release (who, when
and Django's change message as the summary), so readers see `2026.1+r3`.
"""

import datetime
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from reference import approval, models
from reference.revisions import revision_record


class ContentAdmin(SimpleHistoryAdmin):
    """An admin page for reference content: every change is a new revision.

    With CONTENT_CHANGES_NEED_APPROVAL on, a change is only proposed here and takes
    effect when a second curator approves it (reference.approval).
    """

    def _revise(self, request: HttpRequest, verb: str, obj: Any, entry: Any) -> None:
        detail = entry.get_change_message() if entry is not None else ""
        label = self.model._meta.verbose_name
        summary = f"{verb} {label} “{obj}”" + (f": {detail}" if detail else ".")
        approved = approval.replaying(request)
        if approval.approval_required() and approved is None:
            action = {"Added": "add", "Changed": "change", "Deleted": "delete"}[verb]
            raise approval.ChangeProposed(
                approval.change_propose(request=request, obj=obj, action=action, summary=summary)
            )
        if approved is not None:
            summary += (
                f" Proposed by {approved.proposed_by.get_username()}, "
                f"approved by {request.user.get_username()}."
            )
        revision_record(user=request.user, summary=summary)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        if approval.approval_required() and request.method == "POST":
            approval.proposal_prepare(request=request, model=self.model, object_id=object_id)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except approval.ChangeProposed as proposed:  # the save was rolled back
            return approval.proposal_response(request, proposed.change)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if approval.approval_required() and request.method == "POST":
            approval.proposal_prepare(request=request, model=self.model, object_id=object_id)
        try:
            return super().delete_view(request, object_id, extra_context)
        except approval.ChangeProposed as proposed:
            return approval.proposal_response(request, proposed.change)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if approval.approval_required():
            # Bulk deletion cannot wait for approval row by row: delete one at a time.
            actions.pop("delete_selected", None)
        return actions

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        self._revise(request, "Added", obj, entry)
        return entry

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        self._revise(request, "Changed", obj, entry)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._revise(request, "Deleted", obj, None)
        return entries


class ReviewOverdueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Review overdue"), ("current", "Review not yet due")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = datetime.date.today()
        if self.value() == "overdue":
            return queryset.filter(review_due__lt=today)
        if self.value() == "current":
            return queryset.filter(review_due__gte=today)
        return queryset


class EvidenceLinkInline(admin.TabularInline):
    model = models.EvidenceLink
    extra = 0
    autocomplete_fields = ["finding", "sources"]
    fields = ["finding", "lr_present", "lr_absent", "grade", "is_estimate", "basis", "sources"]


class WorkupInline(admin.TabularInline):
    model = models.WorkupRecommendation
    extra = 0
    autocomplete_fields = ["item", "sources"]


@admin.register(models.Condition)
class ConditionAdmin(ContentAdmin):
    list_display = [
        "name",
        "slug",
        "urgency",
        "must_not_miss",
        "grade",
        "prior",
        "last_reviewed",
        "review_due",
    ]
    list_filter = [ReviewOverdueFilter, "urgency", "must_not_miss", "grade"]
    search_fields = ["name", "slug", "summary"]
    autocomplete_fields = ["sources"]
    inlines = [EvidenceLinkInline, WorkupInline]


@admin.register(models.Finding)
class FindingAdmin(ContentAdmin):
    list_display = ["label", "slug", "category", "order"]
    list_filter = ["category"]
    search_fields = ["label", "slug", "question"]


@admin.register(models.Source)
class SourceAdmin(ContentAdmin):
    list_display = ["key", "title", "publisher", "year", "pmid", "doi"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "publisher", "pmid", "doi"]


@admin.register(models.RedFlagRule)
class RedFlagRuleAdmin(ContentAdmin):
    list_display = ["slug", "family", "condition", "urgency", "grade"]
    list_filter = ["urgency"]
    search_fields = ["slug", "family", "message"]
    autocomplete_fields = [
        "condition",
        "requires_all",
        "requires_any",
        "requires_absent",
        "requires_not_present",
        "requires_unassessed",
        "sources",
    ]


@admin.register(models.WorkupItem)
class WorkupItemAdmin(ContentAdmin):
    list_display = ["name", "code", "kind", "loinc"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "loinc"]


@admin.register(models.Belief)
class BeliefAdmin(ContentAdmin):
    list_display = ["claim", "kind", "verdict", "grade"]
    list_filter = ["kind", "verdict"]
    search_fields = ["claim", "slug"]
    autocomplete_fields = ["sources"]


@admin.register(models.ContentVersion)
class ContentVersionAdmin(SimpleHistoryAdmin):
    list_display = ["label", "released"]


@admin.register(models.EvidenceLink)
class EvidenceLinkAdmin(ContentAdmin):
    list_display = ["condition", "finding", "lr_present", "lr_absent", "grade", "is_estimate"]
    list_filter = ["grade", "is_estimate", "condition"]
    search_fields = ["condition__name", "finding__label"]
    autocomplete_fields = ["condition", "finding", "sources"]


@admin.register(models.ContentRevision)
class ContentRevisionAdmin(admin.ModelAdmin):
    """The changelog: read-only, written by the load and by every change above."""

    list_display = ["label", "at", "user", "summary"]
    list_filter = ["release"]
    search_fields = ["summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.ContentChange)
class ContentChangeAdmin(admin.ModelAdmin):
    """Changes waiting for a second curator; approve or reject them here."""

    list_display = ["object_repr", "model", "action", "proposed_by", "proposed_at", "status"]
    list_filter = ["status", "model"]
    readonly_fields = [f.name for f in models.ContentChange._meta.fields]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: Any, decide: Any, verb: str) -> None:
        for change in queryset.order_by("proposed_at", "id"):
            try:
                decide(change=change, request=request)
            except approval.ChangeRefused as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
            else:
                self.message_user(request, f"{verb}: {change.summary}")

    @admin.action(description="Approve and apply the selected changes")
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, approval.change_approve, "Approved and applied")

    @admin.action(description="Reject the selected changes")
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, approval.change_reject, "Rejected")


@admin.register(models.ValidationResult)
class ValidationResultAdmin(admin.ModelAdmin):
    """Stored validation runs, one per (content fingerprint, engine version): read-only."""

    list_display = ["fingerprint", "engine_version", "created_at", "passed"]
    list_filter = ["passed", "engine_version"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
