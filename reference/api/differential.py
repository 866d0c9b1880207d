"""POST /api/v1/differential/: rank the differential for a set of findings. Stores nothing."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reference.api.errors import unknown_fields_errors
from reference.differential import (
    Assessment,
    AssessmentError,
    Contribution,
    Differential,
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
        unknown = set(data) - INPUT_FIELDS
        if unknown:
            raise serializers.ValidationError(
                unknown_fields_errors(unknown, expected="present, absent, age_years")
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


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "finding": c.finding,
        "label": c.label,
        "state": c.state,
        "likelihood_ratio": c.likelihood_ratio,
        "is_estimate": c.is_estimate,
        "grade": c.grade,
    }


def differential_as_dict(result: Differential) -> dict[str, Any]:
    """The response body, built directly: DRF serializers cost more than the ranking itself.

    `DifferentialOutputSerializer` documents this shape in the OpenAPI schema; a test keeps
    the two identical.
    """
    return {
        "reference_version": result.reference_version,
        "reference_fingerprint": result.reference_fingerprint,
        "differential": [
            {
                "condition": r.condition,
                "name": r.name,
                "probability": r.probability,
                "urgency": r.urgency,
                "must_not_miss": r.must_not_miss,
                "evidence_grade": r.evidence_grade,
                "age_likelihood_ratio": r.age_likelihood_ratio,
                "supporting": [_contribution(c) for c in r.supporting],
                "opposing": [_contribution(c) for c in r.opposing],
            }
            for r in result.differential
        ],
        "red_flags": [
            {
                "rule": f.rule,
                "condition": f.condition,
                "condition_name": f.condition_name,
                "urgency": f.urgency,
                "message": f.message,
                "action": f.action,
                "basis": f.basis,
                "evidence_grade": f.evidence_grade,
                "sources": list(f.sources),
                "triggered_by": list(f.triggered_by),
            }
            for f in result.red_flags
        ],
        "workup": [
            {
                "code": w.code,
                "name": w.name,
                "kind": w.kind,
                "loinc": w.loinc,
                "priority": w.priority,
                "rationale": w.rationale,
                "for_conditions": list(w.for_conditions),
                "evidence_grade": w.evidence_grade,
                "sources": list(w.sources),
            }
            for w in result.workup
        ],
        "next_questions": [
            {
                "finding": q.finding,
                "label": q.label,
                "question": q.question,
                "how_to_elicit": q.how_to_elicit,
                "category": q.category,
                "expected_information_bits": q.expected_information_bits,
            }
            for q in result.next_questions
        ],
    }


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
        return Response(differential_as_dict(result))
