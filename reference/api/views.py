"""Read-only reference API: one ReadOnlyModelViewSet per resource, looked up by slug."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from reference import selectors
from reference.api import serializers
from reference.models import Belief, Condition, Finding, Source, WorkupItem


class ConditionViewSet(viewsets.ReadOnlyModelViewSet[Condition]):
    """Conditions in the differential; the detail holds evidence, red flags, workup, sources."""

    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Condition]:
        if self.action == "retrieve":
            return selectors.condition_detail_queryset()
        return selectors.condition_list()

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.ConditionDetailSerializer
        return serializers.ConditionListSerializer


class FindingViewSet(viewsets.ReadOnlyModelViewSet[Finding]):
    """Findings a clinician can mark present or absent."""

    lookup_field = "slug"
    serializer_class = serializers.FindingSerializer
    queryset = selectors.finding_list()


class SourceViewSet(viewsets.ReadOnlyModelViewSet[Source]):
    """Every source the reference cites."""

    lookup_field = "key"
    serializer_class = serializers.SourceSerializer
    queryset = selectors.source_list()


class BeliefViewSet(viewsets.ReadOnlyModelViewSet[Belief]):
    """Common beliefs about lip twitching, with a verdict and a grade."""

    lookup_field = "slug"
    serializer_class = serializers.BeliefSerializer
    queryset = selectors.belief_list()


class WorkupItemViewSet(viewsets.ReadOnlyModelViewSet[WorkupItem]):
    """The catalogue of tests and referrals, with LOINC codes for laboratory tests."""

    lookup_field = "code"
    serializer_class = serializers.WorkupItemSerializer
    queryset = WorkupItem.objects.order_by("name")
