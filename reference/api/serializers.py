"""Read-only serializers for the reference API, with explicit fields."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reference.models import (
    Belief,
    Condition,
    EvidenceLink,
    Finding,
    RedFlagRule,
    Source,
    WorkupItem,
    WorkupRecommendation,
)
from reference.selectors import condition_sources


class SourceSerializer(serializers.ModelSerializer[Source]):
    class Meta:
        model = Source
        fields = ["key", "title", "publisher", "year", "pmid", "doi", "url", "kind", "link"]


def source_keys() -> Any:
    """Sources cited by a row, as their keys (the full records are in `sources`)."""
    return serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)


class FindingSerializer(serializers.ModelSerializer[Finding]):
    class Meta:
        model = Finding
        fields = ["slug", "label", "question", "how_to_elicit", "category", "order"]


class EvidenceLinkSerializer(serializers.ModelSerializer[EvidenceLink]):
    finding: Any = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    finding_label = serializers.CharField(source="finding.label", read_only=True)
    sources = source_keys()

    class Meta:
        model = EvidenceLink
        fields = [
            "finding",
            "finding_label",
            "lr_present",
            "lr_absent",
            "grade",
            "is_estimate",
            "basis",
            "sources",
        ]


class RedFlagSerializer(serializers.ModelSerializer[RedFlagRule]):
    when = serializers.SerializerMethodField()
    sources = source_keys()

    class Meta:
        model = RedFlagRule
        fields = ["slug", "urgency", "when", "message", "action", "basis", "grade", "sources"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "all": {"type": "array", "items": {"type": "string"}},
                "any": {"type": "array", "items": {"type": "string"}},
                "age_min": {"type": "number", "nullable": True},
                "age_max": {"type": "number", "nullable": True},
            },
        }
    )
    def get_when(self, obj: RedFlagRule) -> dict[str, Any]:
        return {
            "all": sorted(f.slug for f in obj.requires_all.all()),
            "any": sorted(f.slug for f in obj.requires_any.all()),
            "age_min": obj.age_min,
            "age_max": obj.age_max,
        }


class WorkupRecommendationSerializer(serializers.ModelSerializer[WorkupRecommendation]):
    code = serializers.CharField(source="item.code", read_only=True)
    name = serializers.CharField(source="item.name", read_only=True)
    kind = serializers.CharField(source="item.kind", read_only=True)
    loinc = serializers.CharField(source="item.loinc", read_only=True)
    sources = source_keys()

    class Meta:
        model = WorkupRecommendation
        fields = ["code", "name", "kind", "loinc", "priority", "rationale", "grade", "sources"]


class ConditionListSerializer(serializers.ModelSerializer[Condition]):
    url = serializers.HyperlinkedIdentityField(
        view_name="condition-detail", lookup_field="slug", read_only=True
    )

    class Meta:
        model = Condition
        fields = ["slug", "name", "urgency", "must_not_miss", "grade", "summary", "url"]


class ConditionDetailSerializer(serializers.ModelSerializer[Condition]):
    codes = serializers.SerializerMethodField()
    age_ratios = serializers.SerializerMethodField()
    evidence = EvidenceLinkSerializer(many=True, read_only=True)
    red_flags = RedFlagSerializer(many=True, read_only=True)
    workup = WorkupRecommendationSerializer(many=True, read_only=True)
    sources = serializers.SerializerMethodField()

    class Meta:
        model = Condition
        fields = [
            "slug",
            "name",
            "synonyms",
            "codes",
            "urgency",
            "must_not_miss",
            "prior",
            "prior_basis",
            "age_ratios",
            "age_basis",
            "summary",
            "features",
            "management",
            "patient_text",
            "grade",
            "grade_note",
            "evidence",
            "red_flags",
            "workup",
            "sources",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "icd10cm": {"type": "object"},
                "snomed_ct": {"type": "object"},
            },
        }
    )
    def get_codes(self, obj: Condition) -> dict[str, dict[str, str]]:
        return {
            "icd10cm": {"code": obj.icd10cm, "display": obj.icd10cm_display},
            "snomed_ct": {"code": obj.snomed_ct, "display": obj.snomed_ct_display},
        }

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_age_ratios(self, obj: Condition) -> dict[str, float]:
        return {
            "infant": obj.age_lr_infant,
            "child": obj.age_lr_child,
            "adult": obj.age_lr_adult,
            "older": obj.age_lr_older,
        }

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, obj: Condition) -> list[dict[str, Any]]:
        return list(SourceSerializer(condition_sources(obj), many=True).data)


class WorkupItemSerializer(serializers.ModelSerializer[WorkupItem]):
    class Meta:
        model = WorkupItem
        fields = ["code", "name", "kind", "loinc", "loinc_display", "description"]


class BeliefSerializer(serializers.ModelSerializer[Belief]):
    sources = source_keys()

    class Meta:
        model = Belief
        fields = [
            "slug",
            "claim",
            "kind",
            "verdict",
            "explanation",
            "patient_text",
            "grade",
            "sources",
        ]
