"""POST /api/v1/differential/: rank the differential for a set of findings. Stores nothing."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reference.differential import (
    Assessment,
    AssessmentError,
    assessment_parse,
    differential_compute,
)
from reference.snapshot import snapshot_get

INPUT_FIELDS = {"present", "absent", "age_years"}


class DifferentialInputSerializer(serializers.Serializer[Assessment]):
    present = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Finding slugs present."
    )
    absent = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Finding slugs absent."
    )
    age_years = serializers.FloatField(
        required=False, allow_null=True, min_value=0, max_value=120, help_text="Age in years."
    )

    def to_internal_value(self, data: Any) -> Assessment:
        # Validation is the domain's (shared with the checklist page), and strict about
        # types: a number is not a slug and "71" is not an age.
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["The body must be a JSON object."]}
            )
        unknown = sorted(set(data) - INPUT_FIELDS)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field; expected present, absent, age_years."] for name in unknown}
            )
        try:
            return assessment_parse(
                snapshot=snapshot_get(),
                present=data.get("present"),
                absent=data.get("absent"),
                age_years=data.get("age_years"),
            )
        except AssessmentError as exc:
            raise serializers.ValidationError(exc.errors) from exc


class ContributionSerializer(serializers.Serializer[Any]):
    finding = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    state = serializers.ChoiceField(choices=["present", "absent"])
    likelihood_ratio = serializers.FloatField()
    is_estimate = serializers.BooleanField()
    grade = serializers.CharField()


class RankedConditionSerializer(serializers.Serializer[Any]):
    condition = serializers.CharField()
    name = serializers.CharField()
    probability = serializers.FloatField()
    urgency = serializers.CharField()
    must_not_miss = serializers.BooleanField()
    evidence_grade = serializers.CharField()
    age_likelihood_ratio = serializers.FloatField()
    supporting = ContributionSerializer(many=True)
    opposing = ContributionSerializer(many=True)


class RedFlagSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    condition = serializers.CharField()
    condition_name = serializers.CharField()
    urgency = serializers.CharField()
    message = serializers.CharField()
    action = serializers.CharField()
    basis = serializers.CharField()
    evidence_grade = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())
    triggered_by = serializers.ListField(child=serializers.CharField())


class WorkupLineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    loinc = serializers.CharField()
    priority = serializers.CharField()
    rationale = serializers.CharField()
    for_conditions = serializers.ListField(child=serializers.CharField())
    evidence_grade = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())


class NextQuestionSerializer(serializers.Serializer[Any]):
    finding = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    question = serializers.CharField()
    how_to_elicit = serializers.CharField()
    category = serializers.CharField()
    expected_information_bits = serializers.FloatField()


class DifferentialOutputSerializer(serializers.Serializer[Any]):
    reference_version = serializers.CharField()
    reference_fingerprint = serializers.CharField()
    differential = RankedConditionSerializer(many=True)
    red_flags = RedFlagSerializer(many=True)
    workup = WorkupLineSerializer(many=True)
    next_questions = NextQuestionSerializer(many=True)


class DifferentialView(APIView):
    """Rank every condition for the findings given, with red flags, workup, next questions."""

    @extend_schema(
        request=DifferentialInputSerializer,
        responses={200: DifferentialOutputSerializer},
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
    )
    def post(self, request: Request) -> Response:
        serializer = DifferentialInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = differential_compute(
            snapshot=snapshot_get(), assessment=serializer.validated_data
        )
        return Response(DifferentialOutputSerializer(result).data)
