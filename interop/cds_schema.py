"""OpenAPI documentation of the CDS Hooks 2.0 shapes (the views build plain JSON).

Field names are the specification's (camelCase); the serializers only describe them.
"""

from typing import Any

from rest_framework import serializers


class CdsCodingSerializer(serializers.Serializer[Any]):
    system = serializers.CharField()
    code = serializers.CharField()
    display = serializers.CharField(required=False)


class CdsServiceSerializer(serializers.Serializer[Any]):
    hook = serializers.ChoiceField(choices=["patient-view", "order-select"])
    id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    prefetch = serializers.DictField(
        child=serializers.CharField(), help_text="Key to FHIR query template."
    )


class CdsDiscoverySerializer(serializers.Serializer[Any]):
    services = CdsServiceSerializer(many=True)


class CdsFhirAuthorizationSerializer(serializers.Serializer[Any]):
    access_token = serializers.CharField(help_text="Used for this call only; never stored.")
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField()
    scope = serializers.CharField()
    subject = serializers.CharField()
    patient = serializers.CharField(required=False)


class CdsRequestSerializer(serializers.Serializer[Any]):
    hook = serializers.ChoiceField(choices=["patient-view", "order-select"])
    hookInstance = serializers.UUIDField()
    fhirServer = serializers.URLField(required=False)
    fhirAuthorization = CdsFhirAuthorizationSerializer(required=False)
    context = serializers.DictField(  # type: ignore[assignment]  # the spec's member name
        help_text="patient-view: userId, patientId (encounterId); order-select: also "
        "selections and draftOrders (a FHIR Bundle)."
    )
    prefetch = serializers.DictField(
        required=False,
        help_text="Keys from discovery: a resource, a searchset Bundle, null (no data) or "
        "an OperationOutcome (fetched instead when the server is allow-listed).",
    )


class CdsSourceSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # the spec's member name
    url = serializers.URLField(required=False)
    topic = CdsCodingSerializer(required=False)


class CdsLinkSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # the spec's member name
    url = serializers.URLField()
    type = serializers.ChoiceField(choices=["absolute", "smart"])


class CdsActionSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=["create", "update", "delete"])
    description = serializers.CharField()
    resourceId = serializers.CharField(required=False)


class CdsSuggestionSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # the spec's member name
    uuid = serializers.UUIDField()
    actions = CdsActionSerializer(many=True)


class CdsCardSerializer(serializers.Serializer[Any]):
    uuid = serializers.UUIDField(help_text="Echoed back in feedback.")
    summary = serializers.CharField(max_length=139)
    indicator = serializers.ChoiceField(choices=["info", "warning", "critical"])
    detail = serializers.CharField(required=False, help_text="GitHub-flavoured Markdown.")
    source = CdsSourceSerializer()  # type: ignore[assignment]  # the spec's member name
    suggestions = CdsSuggestionSerializer(many=True, required=False)
    selectionBehavior = serializers.ChoiceField(choices=["at-most-one", "any"], required=False)
    overrideReasons = CdsCodingSerializer(many=True, required=False)
    links = CdsLinkSerializer(many=True, required=False)


class CdsCardsSerializer(serializers.Serializer[Any]):
    cards = CdsCardSerializer(many=True, help_text="Empty: no guidance.")


class CdsOverrideReasonSerializer(serializers.Serializer[Any]):
    reason = CdsCodingSerializer(required=False)
    userComment = serializers.CharField(required=False, max_length=2000)


class CdsAcceptedSuggestionSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()


class CdsFeedbackItemSerializer(serializers.Serializer[Any]):
    card = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=["accepted", "overridden"])
    outcomeTimestamp = serializers.DateTimeField(help_text="UTC, e.g. 2021-12-11T10:05:31Z.")
    acceptedSuggestions = CdsAcceptedSuggestionSerializer(many=True, required=False)
    overrideReason = CdsOverrideReasonSerializer(required=False)


class CdsFeedbackSerializer(serializers.Serializer[Any]):
    feedback = CdsFeedbackItemSerializer(many=True)


class CdsFeedbackReceivedSerializer(serializers.Serializer[Any]):
    received = serializers.IntegerField(help_text="How many feedback items were stored.")
