"""POST /api/v1/differential/: rank the differential for a set of findings. Stores nothing."""

from dataclasses import dataclass
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reference.api.errors import error_response, unknown_fields_errors
from reference.api.serializers import ConditionSlugField, FindingSlugField, FindingSlugListField
from reference.differential import (
    SLUG_SHAPE,
    Assessment,
    AssessmentError,
    assessment_parse,
    differential_as_dict,
    differential_compute,
)
from reference.models import Finding, Grade, Priority, Urgency, WorkupItem
from reference.snapshot import snapshot_get

INPUT_FIELDS = {"present", "absent", "age_years", "working_diagnosis"}

# The rules on the input that a JSON schema cannot state, each answered with a 400. The
# same text is in the operation's description and in its `x-cross-field-rules`.
CROSS_FIELD_RULES = [
    "A finding slug in both `present` and `absent` (named under `absent`).",
]
INPUT_RULES = """\
Every bad input is a 400 naming the field and, where they look like slugs, the values:
- a finding slug not in the vocabulary (`FindingSlug`), listed twice, or a list longer
  than the vocabulary;
- a finding slug in both `present` and `absent` (the one rule the schema cannot state);
- an item that is not a string, or `present`/`absent` that is not a list (`null` is the
  same as an empty list);
- `age_years` outside 0 to 120, or not a number (`"71"` is not an age; `null` is unknown);
- `working_diagnosis` that is not a condition slug (`ConditionSlug`; `null`: none);
- a field other than `present`, `absent`, `age_years` and `working_diagnosis`;
- a body that is not a JSON object, malformed JSON, or a content type other than
  `application/json`."""


@dataclass(frozen=True)
class DifferentialInput:
    assessment: Assessment
    working_diagnosis: str | None


class DifferentialInputSerializer(serializers.Serializer[DifferentialInput]):
    """The findings to rank. A finding in neither list is "not assessed"."""

    # The fields document the input; validation is the domain's (`to_internal_value`).
    present = FindingSlugListField(
        required=False, allow_null=True, help_text="Finding slugs present."
    )
    absent = FindingSlugListField(
        required=False, allow_null=True, help_text="Finding slugs absent."
    )
    age_years = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=120, help_text="Age in years."
    )
    working_diagnosis = ConditionSlugField(
        required=False,
        allow_null=True,
        help_text="The chosen working diagnosis, optional: its workup and examination are "
        "always included, whatever its probability.",
    )

    def to_internal_value(self, data: Any) -> DifferentialInput:
        # Validation is the domain's (shared with the checklist page), and strict about
        # types: a number is not a slug and "71" is not an age.
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["The body must be a JSON object."]}
            )
        unknown = set(data) - INPUT_FIELDS
        if unknown:
            raise serializers.ValidationError(
                unknown_fields_errors(
                    unknown, expected="present, absent, age_years, working_diagnosis"
                )
            )
        snapshot = self.context.get("snapshot") or snapshot_get()
        errors: dict[str, list[str]] = {}
        assessment = None
        try:
            assessment = assessment_parse(
                snapshot=snapshot,
                present=data.get("present"),
                absent=data.get("absent"),
                age_years=data.get("age_years"),
            )
        except AssessmentError as exc:
            errors.update(exc.errors)
        chosen = data.get("working_diagnosis")
        if chosen is not None and (not isinstance(chosen, str) or not chosen):
            errors["working_diagnosis"] = ["Must be a condition slug (a string) or null."]
        elif chosen and chosen not in snapshot.condition_names:
            shown = chosen if SLUG_SHAPE.fullmatch(chosen) else "(not slug-shaped)"
            errors["working_diagnosis"] = [f"Unknown condition slug: {shown}."]
        if errors or assessment is None:
            raise serializers.ValidationError(errors)
        return DifferentialInput(assessment=assessment, working_diagnosis=chosen or None)


class ClosedObjectExtension(OpenApiSerializerExtension):
    """Request bodies refuse unknown fields (400): `additionalProperties: false`."""

    target_class = DifferentialInputSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = super().map_serializer(auto_schema, direction)
        if direction == "request":
            schema["additionalProperties"] = False
        return schema


class ContributionSerializer(serializers.Serializer[Any]):
    finding = FindingSlugField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    state = serializers.ChoiceField(choices=["present", "absent"])
    likelihood_ratio = serializers.FloatField(
        help_text="The evidence link's own ratio: LR+ when present, LR- when absent."
    )
    is_estimate = serializers.BooleanField(help_text="An expert estimate: no study gives it.")
    grade = serializers.ChoiceField(choices=Grade.choices)
    effect_ratio = serializers.FloatField(
        help_text=(
            "The finding's effect on this condition against the other conditions: its "
            "frequency here over its probability-weighted frequency in the others "
            "(docs/ranking.md)."
        )
    )
    sources = serializers.ListField(
        child=serializers.CharField(), help_text="Source keys of the evidence link."
    )


class UnexplainedSerializer(serializers.Serializer[Any]):
    """A present finding with no evidence link to the condition: it counts against it."""

    finding = FindingSlugField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    frequency = serializers.FloatField(
        min_value=0, max_value=1, help_text="The unlinked frequency used (an expert estimate)."
    )
    effect_ratio = serializers.FloatField(
        help_text="Its effect on this condition against the other conditions."
    )


class RankedConditionSerializer(serializers.Serializer[Any]):
    condition = ConditionSlugField()
    name = serializers.CharField()
    probability = serializers.FloatField(
        min_value=0, max_value=1, help_text="Relative probability; they sum to 1."
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    must_not_miss = serializers.BooleanField()
    evidence_grade = serializers.ChoiceField(choices=Grade.choices)
    age_likelihood_ratio = serializers.FloatField(
        help_text="The ratio of the age band given (1 when no age is given)."
    )
    supporting = ContributionSerializer(many=True)
    opposing = ContributionSerializer(many=True)
    unexplained = UnexplainedSerializer(
        many=True, help_text="Present findings this condition does not explain."
    )


class RedFlagSerializer(serializers.Serializer[Any]):
    """A red-flag rule that fired for the findings (and age) given."""

    rule = serializers.CharField(help_text="The rule's slug (`red_flags[].slug` of a condition).")
    condition = ConditionSlugField()
    condition_name = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    message = serializers.CharField()
    action = serializers.CharField()
    basis = serializers.CharField()
    evidence_grade = serializers.ChoiceField(choices=Grade.choices)
    sources = serializers.ListField(child=serializers.CharField(), help_text="Source keys.")
    triggered_by = serializers.ListField(
        child=FindingSlugField(), help_text="The findings present that made the rule fire."
    )


class WorkupLineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=WorkupItem.Kind.choices)
    loinc = serializers.CharField(help_text="LOINC code for laboratory tests, else empty.")
    priority = serializers.ChoiceField(choices=Priority.choices)
    rationale = serializers.CharField()
    for_conditions = serializers.ListField(child=ConditionSlugField())
    evidence_grade = serializers.ChoiceField(choices=Grade.choices)
    sources = serializers.ListField(child=serializers.CharField(), help_text="Source keys.")
    need = serializers.CharField(
        help_text="The need the line serves (e.g. 'Exclude stroke'), shared across conditions; "
        "a need is never shown both recommended and not recommended."
    )


class WorkupGroupSerializer(serializers.Serializer[Any]):
    """One need with its lines, most urgent need first."""

    need = serializers.CharField()
    priority = serializers.ChoiceField(
        choices=Priority.choices, help_text="The most urgent priority among its lines."
    )
    codes = serializers.ListField(
        child=serializers.CharField(), help_text="The `code` of each line of this need."
    )


class NextQuestionSerializer(serializers.Serializer[Any]):
    finding = FindingSlugField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    question = serializers.CharField()
    how_to_elicit = serializers.CharField()
    category = serializers.ChoiceField(choices=Finding.Category.choices)
    expected_information_bits = serializers.FloatField()


class DifferentialOutputSerializer(serializers.Serializer[Any]):
    reference_version = serializers.CharField()
    reference_revision = serializers.IntegerField(
        help_text="Curator changes to the release since it was loaded (2026.1+r3 is 3)."
    )
    reference_fingerprint = serializers.CharField()
    differential = RankedConditionSerializer(many=True)
    red_flags = RedFlagSerializer(many=True)
    working_diagnosis = ConditionSlugField(
        allow_null=True, help_text="The working diagnosis given, or null."
    )
    workup = WorkupLineSerializer(
        many=True,
        help_text="Tests and referrals (not examination), in need order (see `workup_groups`).",
    )
    workup_groups = WorkupGroupSerializer(many=True)
    examination = WorkupLineSerializer(
        many=True,
        help_text="What to examine or ask at this visit (items of kind `assessment`), "
        "the same line shape as `workup`.",
    )
    next_questions = NextQuestionSerializer(many=True)


class DifferentialView(APIView):
    """Rank every condition for the findings given, with red flags, workup, next questions."""

    @extend_schema(
        description=(
            "Rank every condition for the findings given, with red flags, workup and the "
            "next questions worth asking. Stores nothing.\n\n" + INPUT_RULES
        ),
        request=DifferentialInputSerializer,
        responses={
            200: DifferentialOutputSerializer,
            400: error_response(
                "Bad input, naming each field: see the rules above.",
                examples=[
                    OpenApiExample(
                        "A finding both present and absent",
                        value={
                            "detail": "absent: Marked both present and absent: fever.",
                            "absent": ["Marked both present and absent: fever."],
                        },
                    )
                ],
            ),
        },
        examples=[
            OpenApiExample(
                "Sudden droop in an older adult",
                value={
                    "present": ["onset-sudden", "facial-weakness"],
                    "absent": ["forehead-weak"],
                    "age_years": 71,
                },
                request_only=True,
            )
        ],
        extensions={"x-cross-field-rules": {"status": 400, "rules": CROSS_FIELD_RULES}},
    )
    def post(self, request: Request) -> Response:
        # One snapshot for the whole request: validation and ranking see the same content.
        snapshot = snapshot_get()
        serializer = DifferentialInputSerializer(data=request.data, context={"snapshot": snapshot})
        serializer.is_valid(raise_exception=True)
        given: DifferentialInput = serializer.validated_data
        result = differential_compute(
            snapshot=snapshot,
            assessment=given.assessment,
            working_diagnosis=given.working_diagnosis,
        )
        return Response(differential_as_dict(result))
