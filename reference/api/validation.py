"""GET /api/v1/validation/: the vignette suite's result on the content and engine in use."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reference.api.serializers import ConditionSlugField
from reference.snapshot import Snapshot, snapshot_get
from reference.validation import StoredValidation, validation_current, validation_report_as_dict


class PlacedSerializer(serializers.Serializer[Any]):
    condition = ConditionSlugField()
    name = serializers.CharField()
    probability = serializers.FloatField(min_value=0, max_value=1)


class CaseResultSerializer(serializers.Serializer[Any]):
    """One case: what it expects, whether it held, and what came out."""

    id = serializers.CharField(help_text="The case's id in fixtures/validation/.")
    title = serializers.CharField()
    group = serializers.CharField(help_text="The file it comes from (classic, hard-pairs, ...).")
    passed = serializers.BooleanField()
    expected = serializers.ListField(
        child=serializers.CharField(), help_text="What the case asserts, one line each."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why it failed; empty when it passed."
    )
    top = PlacedSerializer(many=True, help_text="The first places of the actual ranking.")
    red_flags = serializers.ListField(
        child=serializers.CharField(), help_text="The rules that fired, most urgent first."
    )
    expected_leader = serializers.CharField(
        allow_null=True, help_text="The condition slug the case expects first, if it names one."
    )
    top1_hit = serializers.BooleanField(allow_null=True)
    top3_hit = serializers.BooleanField(allow_null=True)
    red_flag_case = serializers.BooleanField(help_text="The case needs a rule to fire.")
    red_flag_hit = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class ConditionSummarySerializer(serializers.Serializer[Any]):
    condition = ConditionSlugField()
    name = serializers.CharField()
    cases = serializers.IntegerField(min_value=0, help_text="Cases that expect it to lead.")
    top1_hits = serializers.IntegerField(min_value=0)
    top3_hits = serializers.IntegerField(min_value=0)
    red_flag_cases = serializers.IntegerField(
        min_value=0, help_text="Cases that need one of its rules to fire."
    )
    red_flag_hits = serializers.IntegerField(min_value=0)


class TotalsSerializer(serializers.Serializer[Any]):
    cases = serializers.IntegerField(min_value=0)
    passed = serializers.IntegerField(min_value=0)
    failed = serializers.IntegerField(min_value=0)
    leader_cases = serializers.IntegerField(min_value=0, help_text="Cases that name a leader.")
    top1_hits = serializers.IntegerField(min_value=0)
    top3_hits = serializers.IntegerField(min_value=0)
    red_flag_cases = serializers.IntegerField(min_value=0)
    red_flag_hits = serializers.IntegerField(min_value=0)


class ValidationOutputSerializer(serializers.Serializer[Any]):
    reference_version = serializers.CharField()
    reference_revision = serializers.IntegerField()
    reference_fingerprint = serializers.CharField()
    engine_version = serializers.CharField()
    suite_fingerprint = serializers.CharField(help_text="Hash of the case files run.")
    computed_at = serializers.DateTimeField()
    passed = serializers.BooleanField(help_text="Every case passed.")
    totals = TotalsSerializer()
    conditions = ConditionSummarySerializer(many=True)
    cases = CaseResultSerializer(many=True)
    misses = CaseResultSerializer(many=True, help_text="The cases that failed.")


def validation_as_api(*, stored: StoredValidation, snapshot: Snapshot) -> dict[str, Any]:
    """The stored result in the API's shape, labelled with the content in use."""
    report = stored.report
    data = validation_report_as_dict(report)
    return {
        "reference_version": snapshot.version,
        "reference_revision": snapshot.revision,
        "reference_fingerprint": snapshot.fingerprint,
        "engine_version": report.engine_version,
        "suite_fingerprint": report.suite_fingerprint,
        "computed_at": stored.computed_at,
        "passed": report.passed,
        "totals": data["totals"],
        "conditions": data["conditions"],
        "cases": data["cases"],
        "misses": [case for case in data["cases"] if not case["passed"]],
    }


class ValidationView(APIView):
    """The project's own vignette suite and safety checks on the content in use."""

    @extend_schema(
        description=(
            "The result of the project's vignette suite and safety checks "
            "(fixtures/validation/) on the content and engine in use: per case, per "
            "condition and in total, with every miss. Computed and stored on first request "
            "for a content fingerprint and engine version; never figures of other content. "
            "The cases are the project's own, not a clinical study."
        ),
        responses={200: ValidationOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        snapshot = snapshot_get()
        stored = validation_current(snapshot=snapshot)
        data = validation_as_api(stored=stored, snapshot=snapshot)
        return Response(ValidationOutputSerializer(data).data)
