"""FHIR endpoints: a note as a document Bundle, and the findings Questionnaire.

Answered as `application/fhir+json` (or `application/json` when asked for), honouring
FHIR's `_format` parameter; a format this server cannot produce (XML) is a 406 with an
OperationOutcome. A note is its owner's only: anyone else gets the same 404 as the notes
API, and the attempt is audited.
"""

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from interop import fhir
from notes import services
from notes.api import NOT_FOUND, NOT_SIGNED_IN, handout_options
from notes.models import AuditEvent
from reference.api.errors import error_response
from reference.snapshot import snapshot_get

FHIR_JSON = "application/fhir+json"
# _format values (FHIR R4 http.html#mime-type) and Accept types this server answers.
JSON_FORMATS = {"json": FHIR_JSON, FHIR_JSON: FHIR_JSON, "application/json": "application/json"}
XML_FORMATS = {"xml", "text/xml", "application/xml", "application/fhir+xml"}
FORMAT_PARAMETER = OpenApiParameter(
    "_format",
    str,
    enum=["json", "application/json", "application/fhir+json"],
    description=(
        "FHIR's format override. JSON only: any other value (xml, application/fhir+xml) "
        "is a 406 with an OperationOutcome."
    ),
    required=False,
)


def operation_outcome(status: int, code: str, text: str) -> HttpResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }
    return HttpResponse(json.dumps(body), status=status, content_type=FHIR_JSON)


def content_type_for(request: Request) -> str | None:
    """The JSON type to answer with, or None when only XML was asked for."""
    wanted = request.query_params.get("_format")
    if wanted is not None:
        wanted = wanted.strip().lower()
        if wanted in JSON_FORMATS:
            return JSON_FORMATS[wanted]
        return None
    accept = request.META.get("HTTP_ACCEPT", "")
    types = [part.split(";")[0].strip().lower() for part in accept.split(",") if part.strip()]
    if not types or any(t in ("*/*", "application/*", FHIR_JSON) for t in types):
        return FHIR_JSON
    if "application/json" in types:
        return "application/json"
    return None


def fhir_response(request: Request, body: dict[str, Any]) -> HttpResponse:
    content_type = content_type_for(request)
    if content_type is None:
        return operation_outcome(
            406, "not-supported", "This server answers FHIR JSON only: use _format=json."
        )
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type=f"{content_type}; charset=utf-8"
    )


class OperationOutcomeIssueSerializer(serializers.Serializer[Any]):
    severity = serializers.ChoiceField(choices=["fatal", "error", "warning", "information"])
    code = serializers.CharField(help_text="An IssueType code, e.g. not-found, not-supported.")
    diagnostics = serializers.CharField()


class OperationOutcomeSerializer(serializers.Serializer[Any]):
    """A FHIR R4 OperationOutcome: how a FHIR interaction reports its own errors."""

    resourceType = serializers.ChoiceField(choices=["OperationOutcome"])  # FHIR's name
    issue = OperationOutcomeIssueSerializer(many=True)


class FhirResourceSerializer(serializers.Serializer[Any]):
    """A FHIR R4 (4.0.1) resource as JSON; validated against the official R4 schema."""

    resourceType = serializers.CharField()  # FHIR's name


def fhir_ok(description: str) -> dict[Any, OpenApiResponse]:
    response = OpenApiResponse(FhirResourceSerializer, description=description)
    return {(200, FHIR_JSON): response, (200, "application/json"): response}


NOT_ACCEPTABLE = {
    (406, FHIR_JSON): OpenApiResponse(
        OperationOutcomeSerializer,
        description="Only XML was acceptable (`_format` or Accept): an OperationOutcome.",
    )
}


class NoteDocumentView(APIView):
    """GET /api/v1/notes/{id}/fhir/: the note as a FHIR R4 document Bundle."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notes_fhir_document",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter("lang", str, enum=["en", "es"], description="Handout language."),
            OpenApiParameter("paper", str, enum=["a4", "letter"], description="Handout paper."),
        ],
        responses={
            **fhir_ok("A document Bundle: Composition first, every reference inside it."),
            400: error_response("`lang` or `paper` is not one of the values listed."),
            **NOT_SIGNED_IN,
            **NOT_FOUND,
            **NOT_ACCEPTABLE,
        },
        tags=["fhir"],
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        note = services.note_for_user(pk=pk, user=request.user)
        if content_type_for(request) is None:
            return fhir_response(request, {})
        options = handout_options(request.query_params)
        options["large_print"] = False
        pdf = services.note_handout_pdf(note=note, **options)
        body = fhir.note_document(
            note=note,
            note_text=services.note_text(note=note),
            snapshot=snapshot_get(),
            base_url=fhir.base_url_for(request),
            handout_pdf=pdf,
            language=options["language"],
            paper=options["paper"],
        )
        services.audit_record(
            note=note, user=request.user, action=AuditEvent.Action.EXPORTED, format="fhir"
        )
        return fhir_response(request, body)


class QuestionnaireListView(APIView):
    """GET /api/v1/fhir/Questionnaire: a searchset Bundle holding the findings checklist."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="fhir_questionnaire_search",
        parameters=[FORMAT_PARAMETER],
        responses={**fhir_ok("A searchset Bundle with the one Questionnaire."), **NOT_ACCEPTABLE},
        tags=["fhir"],
    )
    def get(self, request: Request) -> HttpResponse:
        body = fhir.questionnaire_searchset(
            snapshot=snapshot_get(), base_url=fhir.base_url_for(request)
        )
        return fhir_response(request, body)


class QuestionnaireDetailView(APIView):
    """GET /api/v1/fhir/Questionnaire/{id}: the findings checklist as a Questionnaire."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="fhir_questionnaire_read",
        parameters=[
            OpenApiParameter(
                "qid",
                str,
                OpenApiParameter.PATH,
                enum=[fhir.QUESTIONNAIRE_ID],
                description="The Questionnaire's id (there is one: the findings checklist).",
            ),
            FORMAT_PARAMETER,
        ],
        responses={
            **fhir_ok("The findings checklist as a Questionnaire."),
            (404, FHIR_JSON): OpenApiResponse(
                OperationOutcomeSerializer, description="No Questionnaire with this id."
            ),
            **NOT_ACCEPTABLE,
        },
        tags=["fhir"],
    )
    def get(self, request: Request, qid: str) -> HttpResponse:
        if qid != fhir.QUESTIONNAIRE_ID:
            return operation_outcome(
                404,
                "not-found",
                "No Questionnaire with this id (see GET /api/v1/fhir/Questionnaire).",
            )
        body = fhir.questionnaire(snapshot=snapshot_get(), base_url=fhir.base_url_for(request))
        return fhir_response(request, body)
