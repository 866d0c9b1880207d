from django.contrib import admin

from interop.models import CardFeedback, IssuedCard


@admin.register(IssuedCard)
class IssuedCardAdmin(admin.ModelAdmin):
    list_display = ("issued_at", "service", "kind", "condition", "rule", "item", "indicator")
    list_filter = ("service", "kind", "reference_version", "condition")
    readonly_fields = [f.name for f in IssuedCard._meta.fields]


@admin.register(CardFeedback)
class CardFeedbackAdmin(admin.ModelAdmin):
    list_display = ("received_at", "service", "outcome", "reason_display", "user_comment")
    list_filter = ("service", "outcome", "issued__condition", "issued__rule")
    readonly_fields = [f.name for f in CardFeedback._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
