"""Curators edit the reference here; every change is kept in its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reference import models


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
class ConditionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "urgency", "must_not_miss", "grade", "prior"]
    list_filter = ["urgency", "must_not_miss", "grade"]
    search_fields = ["name", "slug", "summary"]
    autocomplete_fields = ["sources"]
    inlines = [EvidenceLinkInline, WorkupInline]


@admin.register(models.Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["label", "slug", "category", "order"]
    list_filter = ["category"]
    search_fields = ["label", "slug", "question"]


@admin.register(models.Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["key", "title", "publisher", "year", "pmid", "doi"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "publisher", "pmid", "doi"]


@admin.register(models.RedFlagRule)
class RedFlagRuleAdmin(SimpleHistoryAdmin):
    list_display = ["slug", "condition", "urgency", "grade"]
    list_filter = ["urgency"]
    search_fields = ["slug", "message"]
    autocomplete_fields = ["condition", "requires_all", "requires_any", "sources"]


@admin.register(models.WorkupItem)
class WorkupItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "loinc"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "loinc"]


@admin.register(models.Belief)
class BeliefAdmin(SimpleHistoryAdmin):
    list_display = ["claim", "kind", "verdict", "grade"]
    list_filter = ["kind", "verdict"]
    search_fields = ["claim", "slug"]
    autocomplete_fields = ["sources"]


@admin.register(models.ContentVersion)
class ContentVersionAdmin(SimpleHistoryAdmin):
    list_display = ["label", "released"]


@admin.register(models.EvidenceLink)
class EvidenceLinkAdmin(SimpleHistoryAdmin):
    list_display = ["condition", "finding", "lr_present", "lr_absent", "grade", "is_estimate"]
    list_filter = ["grade", "is_estimate", "condition"]
    search_fields = ["condition__name", "finding__label"]
    autocomplete_fields = ["condition", "finding", "sources"]
