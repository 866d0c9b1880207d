"""Read-only reference API: one ReadOnlyModelViewSet per resource, looked up by slug."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets

from reference import selectors
from reference.api import serializers
from reference.api.errors import error_response
from reference.models import Belief, Condition, Finding, Source, WorkupItem


class LookupSchema(AutoSchema):
    """Documents a detail's lookup: the vocabulary enum for findings and conditions
    (`lookup_vocabulary`), else a string with an example (`lookup_example`)."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        view: Any = self.view
        lookup = view.lookup_url_kwarg or view.lookup_field
        if f"{{{lookup}}}" not in self.path:
            return parameters
        kind = getattr(view, "lookup_vocabulary", None)
        if kind:
            schema: Any = serializers.vocabulary_ref(self, kind)
            examples = []
        else:
            schema = str
            example = view.lookup_example
            examples = [OpenApiExample(example, value=example)]
        parameters.append(
            OpenApiParameter(
                lookup,
                schema,
                OpenApiParameter.PATH,
                description="Any other value is a 404.",
                examples=examples,
            )
        )
        return parameters


def read_only_schema(serializer: Any, what: str) -> Any:
    """List and retrieve responses; a retrieve answers 404 for an unknown identifier."""
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True)}),
        retrieve=extend_schema(
            responses={200: serializer, 404: error_response(f"No {what} has this identifier.")}
        ),
    )


@extend_schema_view(
    list=extend_schema(responses={200: serializers.ConditionListSerializer(many=True)}),
    retrieve=extend_schema(
        responses={
            200: serializers.ConditionDetailSerializer,
            404: error_response("No condition has this slug."),
        }
    ),
)
class ConditionViewSet(viewsets.ReadOnlyModelViewSet[Condition]):
    """Conditions in the differential; the detail holds evidence, red flags, workup, sources."""

    lookup_field = "slug"
    lookup_vocabulary = "conditions"
    schema = LookupSchema()

    def get_queryset(self) -> QuerySet[Condition]:
        if self.action == "retrieve":
            return selectors.condition_detail_queryset()
        return selectors.condition_list()

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.ConditionDetailSerializer
        return serializers.ConditionListSerializer


@read_only_schema(serializers.FindingSerializer, "finding")
class FindingViewSet(viewsets.ReadOnlyModelViewSet[Finding]):
    """Findings a clinician can mark present or absent."""

    lookup_field = "slug"
    lookup_vocabulary = "findings"
    schema = LookupSchema()
    serializer_class = serializers.FindingSerializer
    queryset = selectors.finding_list()


@read_only_schema(serializers.SourceSerializer, "source")
class SourceViewSet(viewsets.ReadOnlyModelViewSet[Source]):
    """Every source the reference cites."""

    lookup_field = "key"
    lookup_example = "aao-hns-bells-2013"
    schema = LookupSchema()
    serializer_class = serializers.SourceSerializer
    queryset = selectors.source_list()


@read_only_schema(serializers.BeliefSerializer, "belief")
class BeliefViewSet(viewsets.ReadOnlyModelViewSet[Belief]):
    """Common beliefs about lip twitching, with a verdict and a grade."""

    lookup_field = "slug"
    lookup_example = "magnesium-deficiency-causes-twitching"
    schema = LookupSchema()
    serializer_class = serializers.BeliefSerializer
    queryset = selectors.belief_list()


@read_only_schema(serializers.WorkupItemSerializer, "workup item")
class WorkupItemViewSet(viewsets.ReadOnlyModelViewSet[WorkupItem]):
    """The catalogue of tests and referrals, with LOINC codes for laboratory tests."""

    lookup_field = "code"
    lookup_example = "ct-head"
    schema = LookupSchema()
    serializer_class = serializers.WorkupItemSerializer
    queryset = WorkupItem.objects.order_by("name")
