"""CDS Hooks 2.0 endpoints: discovery, the two services, feedback (docs/cds-hooks.md).

Routed with and without a trailing slash (clients build URLs without one; a redirect on a
POST breaks them). Every call but discovery and the CORS preflight needs a client JWT.
Errors are JSON OperationOutcomes; no input gives a 500.
"""

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from disagreements.services import disagreements_from_feedback
from interop import cds, cds_schema
from interop.cds_auth import Client, ClientRefused, client_verify
from interop.fhir import base_url_for
from interop.models import CardFeedback, IssuedCard
from reference.snapshot import snapshot_get


class RawJSONParser(BaseParser):
    """The body as bytes: the views parse it themselves, to answer every problem with 400."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return stream.read()


def _json_response(
    body: Any, status: int = 200, request: HttpRequest | None = None
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
    return _cors(response, request)


def _cors(response: HttpResponse, request: HttpRequest | None) -> HttpResponse:
    """Access-Control headers for an allow-listed origin (CDS_CORS_ORIGINS; '*' for any)."""
    origins: list[str] = settings.CDS_CORS_ORIGINS
    origin = request.META.get("HTTP_ORIGIN") if request is not None else None
    if "*" in origins:
        response["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in origins:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
    return response


def outcome(status: int, code: str, problems: list[str], request: HttpRequest) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": p} for p in problems],
    }
    return _json_response(body, status, request)


def _body(request: Request) -> Any:
    raw = request.data if isinstance(request.data, bytes) else b""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise cds.CdsRequestError(["The body is not JSON."]) from None


def _client(request: Request) -> Client | None:
    """The verified client, or ClientRefused (401). `aud` is the URL being called."""
    audience = request.build_absolute_uri(request.path).rstrip("/")
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if not authorization and settings.CDS_ALLOW_ANONYMOUS:
        return None
    return client_verify(authorization=authorization, audience=audience)


def _outcome_response(description: str) -> OpenApiResponse:
    from interop.views import OperationOutcomeSerializer

    return OpenApiResponse(OperationOutcomeSerializer, description=description)


ERRORS = {
    400: _outcome_response("The body is not a valid request: each problem named."),
    401: _outcome_response("No client JWT, or one this service does not trust."),
    404: _outcome_response("No service with this id."),
}


SERVICE_ID = OpenApiParameter(
    "service_id",
    str,
    OpenApiParameter.PATH,
    enum=sorted(cds.SERVICES),
    description="A service id from discovery; any other id is a 404.",
)


class CdsBaseView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [RawJSONParser]

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """The CORS preflight: answered without a JWT (a preflight never carries one)."""
        return _cors(HttpResponse(status=204), request)


class DiscoveryView(CdsBaseView):
    @extend_schema(
        operation_id="cds_discovery",
        tags=["cds-hooks"],
        responses={
            200: OpenApiResponse(
                cds_schema.CdsDiscoverySerializer, description="CDS Hooks 2.0 §Discovery."
            )
        },
    )
    def get(self, request: Request) -> HttpResponse:
        """GET /cds-services: the patient-view and order-select services with prefetch."""
        return _json_response({"services": list(cds.SERVICES.values())}, request=request)


class ServiceView(CdsBaseView):
    @extend_schema(
        operation_id="cds_service_call",
        tags=["cds-hooks"],
        parameters=[SERVICE_ID],
        request={"application/json": cds_schema.CdsRequestSerializer},
        responses={
            200: OpenApiResponse(cds_schema.CdsCardsSerializer, description="`[]` = no guidance."),
            **ERRORS,
            412: _outcome_response(
                (
                    "The findings were neither prefetched nor fetchable from an allow-listed "
                    "FHIR server."
                ),
            ),
        },
        examples=[
            OpenApiExample(
                "patient-view",
                value={
                    "hook": "patient-view",
                    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
                    "context": {"userId": "Practitioner/example", "patientId": "1288992"},
                    "prefetch": {
                        "conditions": None,
                        "observations": {"resourceType": "Bundle", "type": "searchset"},
                    },
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, service_id: str) -> HttpResponse:
        """POST /cds-services/{id}: cards for the hook's context."""
        service = cds.SERVICES.get(service_id)
        if service is None:
            return outcome(
                404, "not-found", ["No CDS service with this id (see GET /cds-services)."], request
            )
        try:
            client = _client(request)
        except ClientRefused as refused:
            return outcome(401, "security", [str(refused)], request)
        try:
            body = cds.request_validate(_body(request), hook=str(service["hook"]))
            gathered = cds.gather(body=body, allowed_servers=client.fhir_servers if client else ())
        except cds.CdsRequestError as error:
            return outcome(400, "invalid", error.problems, request)
        except cds.DataUnavailable as missing:
            return outcome(412, "incomplete", [str(missing)], request)
        build = (
            cds.patient_view_cards if service["hook"] == "patient-view" else cds.order_select_cards
        )
        with transaction.atomic():
            cards = build(
                body=body,
                gathered=gathered,
                snapshot=snapshot_get(),
                base_url=base_url_for(request),
                issuer=client.issuer if client else "",
            )
        return _json_response({"cards": cards}, request=request)


def feedback_validate(body: Any) -> list[dict[str, Any]]:
    """`{"feedback": [...]}` per CDS Hooks 2.0 §Feedback; every problem named."""
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("feedback"), list)
        or not body["feedback"]
    ):
        raise cds.CdsRequestError(
            ['The body must be {"feedback": [ ... ]} with at least one item.']
        )
    problems: list[str] = []
    items = []
    for n, item in enumerate(body["feedback"]):
        where = f"feedback[{n}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be an object.")
            continue
        try:
            card = uuid.UUID(str(item.get("card")))
        except ValueError:
            problems.append(f"{where}.card must be the card's uuid.")
            continue
        outcome_value = item.get("outcome")
        if outcome_value not in CardFeedback.Outcome.values:
            problems.append(f"{where}.outcome must be accepted or overridden.")
        moment = parse_datetime(str(item.get("outcomeTimestamp", "")))
        if moment is None or moment.tzinfo is None:
            problems.append(
                f"{where}.outcomeTimestamp must be a date-time in UTC (e.g. 2021-12-11T10:05:31Z)."
            )
        accepted = item.get("acceptedSuggestions")
        if outcome_value == "accepted" and not (
            isinstance(accepted, list)
            and accepted
            and all(isinstance(a, dict) and isinstance(a.get("id"), str) for a in accepted)
        ):
            problems.append(
                f'{where}.acceptedSuggestions is required when accepted: [{{"id": ...}}].'
            )
        reason = item.get("overrideReason") or {}
        if not isinstance(reason, dict) or (set(reason) - {"reason", "userComment"}):
            problems.append(
                f'{where}.overrideReason must be {{"reason": Coding, "userComment": text}}.'
            )
            reason = {}
        coding = reason.get("reason") or {}
        if not isinstance(coding, dict) or (
            coding and not (coding.get("code") and coding.get("system"))
        ):
            problems.append(
                f"{where}.overrideReason.reason must be a Coding with code and system."
            )
            coding = {}
        comment = reason.get("userComment", "")
        if not isinstance(comment, str) or len(comment) > 2000:
            problems.append(
                f"{where}.overrideReason.userComment must be text of at most 2,000 characters."
            )
            comment = ""
        items.append(
            {
                "card": card,
                "outcome": outcome_value,
                "outcome_timestamp": moment,
                "accepted_suggestions": accepted if isinstance(accepted, list) else [],
                "reason_system": str(coding.get("system", ""))[:300],
                "reason_code": str(coding.get("code", ""))[:100],
                "reason_display": str(coding.get("display", ""))[:300],
                "user_comment": comment,
            }
        )
    if problems:
        raise cds.CdsRequestError(problems)
    return items


class FeedbackView(CdsBaseView):
    @extend_schema(
        operation_id="cds_feedback",
        tags=["cds-hooks"],
        parameters=[SERVICE_ID],
        request={"application/json": cds_schema.CdsFeedbackSerializer},
        responses={
            200: OpenApiResponse(
                cds_schema.CdsFeedbackReceivedSerializer,
                description="Stored; repeated feedback for a card is kept too.",
            ),
            **ERRORS,
        },
    )
    def post(self, request: Request, service_id: str) -> HttpResponse:
        """POST /cds-services/{id}/feedback: accepted and overridden outcomes, stored."""
        if service_id not in cds.SERVICES:
            return outcome(
                404, "not-found", ["No CDS service with this id (see GET /cds-services)."], request
            )
        try:
            client = _client(request)
        except ClientRefused as refused:
            return outcome(401, "security", [str(refused)], request)
        try:
            items = feedback_validate(_body(request))
        except cds.CdsRequestError as error:
            return outcome(400, "invalid", error.problems, request)
        issued = {
            c.uuid: c for c in IssuedCard.objects.filter(uuid__in=[i["card"] for i in items])
        }
        with transaction.atomic():
            stored = CardFeedback.objects.bulk_create(
                CardFeedback(
                    service=service_id,
                    issuer=client.issuer if client else "",
                    issued=issued.get(i["card"]),
                    **i,
                )
                for i in items
            )
            # An override of an issued card joins the curators' review queue, like a
            # clinician's disagreement in the app.
            disagreements_from_feedback(feedback=stored)
        return _json_response({"received": len(items)}, request=request)
