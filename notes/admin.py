"""Notes in the admin; the audit trail is visible to staff and cannot be edited there."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notes.models import AuditEvent, Note


class AuditInline(admin.TabularInline):
    model = AuditEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "user", "action", "detail"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "owner",
        "status",
        "working_diagnosis",
        "created_at",
        "reference_version",
    ]
    list_filter = ["status", "reference_version"]
    # The admin searches with GET (?q= in the URL and so in an access log): only names
    # that identify no patient are searchable here, never typed text or a patient label.
    search_fields = ["working_diagnosis", "owner__username"]
    readonly_fields = [f.name for f in Note._meta.fields]
    inlines = [AuditInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "note"]
    list_filter = ["action"]
    search_fields = ["user__username", "note__id"]
    readonly_fields = ["at", "user", "action", "note", "detail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
