"""The curators' review queue: the records (read-only but for `reviewed`) and the counts
per (condition, rule, release) that say what the next content release should look at."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from disagreements.models import Disagreement, DisagreementQueue
from disagreements.selectors import queue_rows
from disagreements.services import disagreements_review

# Filters only: the admin searches by GET, so no search box over typed comments.
FILTERS = (
    "reference_version",
    "condition",
    "rule",
    "kind",
    "source",
    "reason",
    "reviewed",
)


@admin.action(description="Mark the selected disagreements reviewed")
def mark_reviewed(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Disagreement]
) -> None:
    count = disagreements_review(queryset=queryset, user=request.user, reviewed=True)
    modeladmin.message_user(request, f"{count} marked reviewed.", messages.SUCCESS)


@admin.action(description="Mark the selected disagreements open again")
def mark_open(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Disagreement]
) -> None:
    count = disagreements_review(queryset=queryset, user=request.user, reviewed=False)
    modeladmin.message_user(request, f"{count} marked open.", messages.SUCCESS)


@admin.register(Disagreement)
class DisagreementAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "condition",
        "rule",
        "reference_label",
        "reason",
        "source",
        "who",
        "comment_start",
        "reviewed",
    )
    list_filter = FILTERS
    list_select_related = ("user",)
    actions = (mark_reviewed, mark_open)
    fields = (
        ("source", "user", "client_issuer"),
        ("kind", "condition", "rule", "item"),
        ("reason", "reason_code"),
        "comment",
        ("present", "absent", "age_years"),
        ("reference_version", "reference_revision", "reference_fingerprint"),
        ("note", "card_feedback"),
        "created_at",
        ("reviewed", "reviewed_by", "reviewed_at"),
    )
    readonly_fields = tuple(
        f.name for f in Disagreement._meta.fields if f.name not in ("id", "reviewed")
    )

    @admin.display(description="comment")
    def comment_start(self, obj: Disagreement) -> str:
        return obj.comment if len(obj.comment) <= 80 else obj.comment[:79] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Disagreement, form: Any, change: bool) -> None:
        """Only `reviewed` can change here; who and when are set with it."""
        if "reviewed" in form.changed_data:
            disagreements_review(
                queryset=Disagreement.objects.filter(pk=obj.pk),
                user=request.user,
                reviewed=obj.reviewed,
            )


@admin.register(DisagreementQueue)
class DisagreementQueueAdmin(admin.ModelAdmin):
    """The queue: the changelist's filters, then one row per (condition, rule, release)."""

    change_list_template = "admin/disagreements/queue_change_list.html"
    list_filter = FILTERS
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = response.context_data if isinstance(response, TemplateResponse) else None
        if context is None or "cl" not in context:
            return response  # e.g. the redirect for an unknown filter
        records = reverse("admin:disagreements_disagreement_changelist")
        rows = queue_rows(queryset=context["cl"].queryset)
        context["queue"] = [
            (
                row,
                records
                + "?"
                + urlencode(
                    {
                        "condition__exact": row.condition,
                        "rule__exact": row.rule,
                        "reference_version__exact": row.release,
                    }
                ),
            )
            for row in rows
        ]
        return response
