"""Read-only serializers for the reference API, with explicit fields.

Also the schema vocabulary: finding and condition slugs are documented as enums
(`FindingSlug`, `ConditionSlug`) built when the schema is generated, from the reference
the server validates against (see `vocabulary_slugs`).
"""

import json
from typing import Any, Literal

from django.conf import settings
from django.db import DatabaseError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import Direction, extend_schema_field
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

Vocabulary = Literal["findings", "conditions"]
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


def vocabulary_slugs(kind: Vocabulary) -> list[str]:
    """The finding or condition slugs the server accepts now, for the schema's enums.

    Read from the loaded reference (the snapshot every request validates against), so a
    release or an admin edit shows in the schema as soon as the server applies it. A
    database without content (before `load_reference`, or before `migrate`) would give
    an empty enum, which OpenAPI forbids: the schema then lists the release in
    `fixtures/reference/`, which is what the server accepts once it is loaded.
    """
    from reference.snapshot import snapshot_get

    try:
        snapshot = snapshot_get()
    except DatabaseError:
        slugs: list[str] = []
    else:
        slugs = list(snapshot.findings if kind == "findings" else snapshot.condition_names)
    return sorted(slugs) or fixture_slugs(kind)


def fixture_slugs(kind: Vocabulary) -> list[str]:
    """The slugs of the release in `fixtures/reference/`."""
    directory = settings.REFERENCE_FIXTURES_DIR
    if kind == "findings":
        findings = json.loads((directory / "findings.json").read_text(encoding="utf-8"))
        return sorted(f["slug"] for f in findings)
    return sorted(
        json.loads(path.read_text(encoding="utf-8"))["slug"]
        for path in (directory / "conditions").glob("*.json")
    )


class FindingSlugField(serializers.CharField):
    """A finding slug; documented as the `FindingSlug` enum (the current vocabulary)."""


class ConditionSlugField(serializers.CharField):
    """A condition slug; documented as the `ConditionSlug` enum (the current vocabulary)."""


class _VocabularyExtension(OpenApiSerializerFieldExtension):
    kind: Vocabulary
    component: str
    description: str

    def get_name(self) -> str:
        return self.component

    def map_serializer_field(self, auto_schema: Any, direction: Direction) -> dict[str, Any]:
        return {
            "type": "string",
            "enum": vocabulary_slugs(self.kind),
            "description": self.description,
        }


class FindingSlugExtension(_VocabularyExtension):
    target_class = FindingSlugField
    kind = "findings"
    component = "FindingSlug"
    description = "A finding slug of the loaded reference (GET /api/v1/findings/)."


class ConditionSlugExtension(_VocabularyExtension):
    target_class = ConditionSlugField
    kind = "conditions"
    component = "ConditionSlug"
    description = "A condition slug of the loaded reference (GET /api/v1/conditions/)."


def vocabulary_ref(auto_schema: Any, kind: Vocabulary) -> dict[str, Any]:
    """`{"$ref": ...}` to the slug enum, registering it in this schema run if needed."""
    field = FindingSlugField() if kind == "findings" else ConditionSlugField()
    ref: dict[str, Any] = auto_schema._map_serializer_field(field, "response")
    return ref


class FindingSlugListField(serializers.ListField):
    """`present` or `absent`: finding slugs, validated by the domain (`assessment_parse`).

    Documented on input as distinct slugs of the vocabulary, at most its size; on output
    (a stored note) as the slugs saved, which may include one retired since.
    """

    def __init__(self, **kwargs: Any) -> None:
        # Any item, null included, reaches the domain, which names the bad positions.
        kwargs.setdefault("child", serializers.JSONField(allow_null=True))
        super().__init__(**kwargs)


class FindingSlugListExtension(OpenApiSerializerFieldExtension):
    target_class = FindingSlugListField

    def map_serializer_field(self, auto_schema: Any, direction: Direction) -> dict[str, Any]:
        if direction == "response":
            return {"type": "array", "items": {"type": "string", "pattern": SLUG_PATTERN}}
        return {
            "type": "array",
            "items": vocabulary_ref(auto_schema, "findings"),
            "uniqueItems": True,
            "maxItems": len(vocabulary_slugs("findings")),
        }


class SourceSerializer(serializers.ModelSerializer[Source]):
    link = serializers.URLField(
        read_only=True, help_text="The best link for a reader: DOI, then PubMed, then the URL."
    )

    class Meta:
        model = Source
        fields = ["key", "title", "publisher", "year", "pmid", "doi", "url", "kind", "link"]


def source_keys() -> Any:
    """Sources cited by a row, as their keys (the full records are in `sources`)."""
    return serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class StringListField(serializers.JSONField):
    """A JSON list of strings as stored (synonyms, features), documented as such."""


class FindingSerializer(serializers.ModelSerializer[Finding]):
    slug = FindingSlugField(read_only=True)

    class Meta:
        model = Finding
        fields = ["slug", "label", "question", "how_to_elicit", "category", "order"]


class EvidenceLinkSerializer(serializers.ModelSerializer[EvidenceLink]):
    finding = FindingSlugField(source="finding.slug", read_only=True)
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


class RedFlagWhenSerializer(serializers.Serializer[Any]):
    """When a red-flag rule fires: every finding in `all` and at least one in `any`
    present, every one in `absent` marked absent, none in `not_present` marked present,
    none in `unassessed` assessed (an empty list is no condition), and the age within the
    bounds given (without an age, only if `age_unknown_fires`)."""

    all = serializers.ListField(child=FindingSlugField())
    any = serializers.ListField(child=FindingSlugField())
    absent = serializers.ListField(child=FindingSlugField())
    not_present = serializers.ListField(child=FindingSlugField())
    unassessed = serializers.ListField(child=FindingSlugField())
    age_min = serializers.FloatField(allow_null=True)
    age_max = serializers.FloatField(allow_null=True)
    age_unknown_fires = serializers.BooleanField()


class RedFlagRuleSerializer(serializers.ModelSerializer[RedFlagRule]):
    """A red-flag rule as the reference states it (the differential's `RedFlag` is a rule
    that fired for the findings given)."""

    when = serializers.SerializerMethodField()
    sources = source_keys()

    class Meta:
        model = RedFlagRule
        fields = [
            "slug",
            "family",
            "urgency",
            "when",
            "message",
            "action",
            "basis",
            "grade",
            "sources",
        ]

    @extend_schema_field(RedFlagWhenSerializer)
    def get_when(self, obj: RedFlagRule) -> dict[str, Any]:
        return {
            "all": sorted(f.slug for f in obj.requires_all.all()),
            "any": sorted(f.slug for f in obj.requires_any.all()),
            "absent": sorted(f.slug for f in obj.requires_absent.all()),
            "not_present": sorted(f.slug for f in obj.requires_not_present.all()),
            "unassessed": sorted(f.slug for f in obj.requires_unassessed.all()),
            "age_min": obj.age_min,
            "age_max": obj.age_max,
            "age_unknown_fires": obj.age_unknown_fires,
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
    slug = ConditionSlugField(read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="condition-detail", lookup_field="slug", read_only=True
    )

    class Meta:
        model = Condition
        fields = ["slug", "name", "urgency", "must_not_miss", "grade", "summary", "url"]


class CodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Empty when the terminology has no code for it.")
    display = serializers.CharField()


class ConditionCodesSerializer(serializers.Serializer[Any]):
    icd10cm = CodeSerializer(help_text="ICD-10-CM, the main code.")
    icd10cm_additional = CodeSerializer(
        many=True, help_text="Further ICD-10-CM codes that apply beside the main one, in order."
    )
    snomed_ct = CodeSerializer(help_text="SNOMED CT.")
    fit_note = serializers.CharField(
        help_text="How well the codes fit the topic (empty when they fit without comment)."
    )


class AgeRatiosSerializer(serializers.Serializer[Any]):
    """Likelihood ratio of the patient's age band given the condition."""

    infant = serializers.FloatField(help_text="Under 1 year.")
    child = serializers.FloatField(help_text="1 to 17 years.")
    adult = serializers.FloatField(help_text="18 to 59 years.")
    older = serializers.FloatField(help_text="60 years and over.")


class ConditionDetailSerializer(serializers.ModelSerializer[Condition]):
    slug = ConditionSlugField(read_only=True)
    synonyms = StringListField(read_only=True)
    features = StringListField(read_only=True)
    codes = serializers.SerializerMethodField()
    age_ratios = serializers.SerializerMethodField()
    evidence = EvidenceLinkSerializer(many=True, read_only=True)
    red_flags = RedFlagRuleSerializer(many=True, read_only=True)
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

    @extend_schema_field(ConditionCodesSerializer)
    def get_codes(self, obj: Condition) -> dict[str, Any]:
        return {
            "icd10cm": {"code": obj.icd10cm, "display": obj.icd10cm_display},
            "icd10cm_additional": [
                {"code": x["code"], "display": x["display"]} for x in obj.icd10cm_additional
            ],
            "snomed_ct": {"code": obj.snomed_ct, "display": obj.snomed_ct_display},
            "fit_note": obj.code_fit_note,
        }

    @extend_schema_field(AgeRatiosSerializer)
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
