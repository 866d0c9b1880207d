"""/api/v1/notes/: a clinician's own notes; other users get 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    Direction,
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from notes import services
from notes.models import AuditEvent, Note
from reference.api.errors import error_response, unknown_fields_errors
from reference.api.serializers import SLUG_PATTERN, FindingSlugListField, vocabulary_ref

# Every value `handout_options` accepts (`paper` in any letter case).
HANDOUT_PARAMETERS = [
    OpenApiParameter(
        "lang", str, enum=["en", "es"], default="en", description="Language of the handout."
    ),
    OpenApiParameter(
        "paper",
        str,
        enum=["a4", "letter"],
        default="a4",
        description="Paper size (letter case is ignored).",
    ),
    OpenApiParameter(
        "large",
        str,
        enum=["0", "1", "true", "false"],
        default="0",
        description="Large print (16 pt): `1` or `true`.",
    ),
]

# What typed text may be, as the server reads it: DRF trims leading and trailing
# whitespace (Python's str.strip), then notes.validators refuses control characters other
# than tab and line breaks, and bidirectional embeddings, overrides and isolates. The
# character classes are spelled out so that the pattern means the same in ECMA-262 and
# Python. Lone surrogates are refused too (not expressible here without the `u` flag).
_SPACE = (
    r"\t\n\u000b\u000c\r\u001c-\u001f\u0020\u0085\u00a0\u1680\u2000-\u200a"
    r"\u2028\u2029\u202f\u205f\u3000"
)
_REFUSED = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069"
_TEXT = rf"[^{_REFUSED}{_SPACE}](?:[^{_REFUSED}]*[^{_REFUSED}{_SPACE}])?"
PLAIN_TEXT_PATTERN = rf"^[{_SPACE}]*(?:{_TEXT})?[{_SPACE}]*$"
NON_BLANK_PLAIN_TEXT_PATTERN = rf"^[{_SPACE}]*{_TEXT}[{_SPACE}]*$"
PLAIN_TEXT_RULE = (
    " Plain text: leading and trailing whitespace is trimmed; no control characters other "
    "than tab and line breaks, no bidirectional embedding, override or isolate characters "
    "(U+202A to U+202E, U+2066 to U+2069) and no lone surrogates (400)."
)

CROSS_FIELD_RULES = [
    "A finding slug in both `present` and `absent` (named under `absent`); on PATCH, "
    "the list sent is checked against the stored other list.",
]
INPUT_RULES = """\
The server computes the differential from `present`, `absent` and `age_years`, with the
rules of POST /api/v1/differential/. Every bad input is a 400 naming the field:
- a finding slug not in the vocabulary, listed twice, or in both `present` and `absent`
  (the one rule the schema cannot state); an item that is not a string;
- `age_years` outside 0 to 120, or not a number;
- `working_diagnosis` not a condition slug (blank: the leading condition);
- text over its limit, not a string, or not plain text (see each field);
- a field that is not a field of a note. Read-only fields (`id`, `status`, `result`, ...)
  are accepted and ignored, so a note read by GET can be sent back."""

NOT_SIGNED_IN = {
    401: error_response(
        "Not authenticated: no sign-in session and no valid `Authorization: Token <key>` "
        "(an unknown, expired or revoked token: `detail` says which); with "
        "`WWW-Authenticate: Token`."
    ),
    403: error_response("A session client's CSRF check failed."),
}
NOT_FOUND = {404: error_response("No such note, or it is another clinician's note.")}
FINAL = "The note is final: it never changes. Amend it to make a new draft."


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 120})
class AgeYearsField(serializers.JSONField):
    """`age_years` as sent: the domain validates it (a number from 0 to 120, or null)."""


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": (
            "The differential as computed when the note was last saved: the body "
            "POST /api/v1/differential/ answered then (`DifferentialOutput` of that "
            "release), kept as it was."
        ),
    }
)
class StoredDifferentialField(serializers.JSONField):
    """The frozen differential of a note."""


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "pattern": SLUG_PATTERN},
        "uniqueItems": True,
        "nullable": True,
        "description": (
            "The tests, referrals and examinations the clinician ticked: codes of this "
            "note's `result.workup` and `result.examination`. Null (the default) until "
            "chosen: the note then shows the lines for the working diagnosis and the red "
            "flags, labelled as suggestions. A recomputed result keeps the ticks it still "
            "offers. An item that is not one of the note's codes, or listed twice, is a 400."
        ),
    }
)
class PlanField(serializers.JSONField):
    """The clinician's ticked plan as sent: the domain validates it against the result."""


class WorkingDiagnosisField(serializers.CharField):
    """A condition slug of the note's differential; blank chooses the leading one."""


class WorkingDiagnosisExtension(OpenApiSerializerFieldExtension):
    target_class = WorkingDiagnosisField

    def map_serializer_field(self, auto_schema: Any, direction: Direction) -> dict[str, Any]:
        if direction == "response":
            # As stored: a slug of the release the note was made with.
            return {"type": "string", "pattern": SLUG_PATTERN}
        return {
            "oneOf": [
                vocabulary_ref(auto_schema, "conditions"),
                {"type": "string", "enum": [""]},
            ],
            "description": "A condition slug; blank (or left out on create): the leader.",
        }


class NoteSerializer(serializers.ModelSerializer[Note]):
    """A note as stored. The differential is computed by the server, never sent."""

    present = FindingSlugListField(required=False, help_text="Finding slugs present.")
    absent = FindingSlugListField(required=False, help_text="Finding slugs absent.")
    age_years = AgeYearsField(required=False, allow_null=True, help_text="Age in years.")
    working_diagnosis = WorkingDiagnosisField(required=False, allow_blank=True)
    working_diagnosis_name = serializers.CharField(read_only=True)
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    amends: Any = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The final note this draft amends."
    )
    result = StoredDifferentialField(read_only=True)
    plan = PlanField(required=False, allow_null=True)

    class Meta:
        model = Note
        fields = [
            "id",
            "owner",
            "status",
            "created_at",
            "updated_at",
            "finalized_at",
            "amends",
            "presenting_complaint",
            "present",
            "absent",
            "age_years",
            "working_diagnosis",
            "working_diagnosis_name",
            "clinician_text",
            "follow_up_advice",
            "patient_instructions",
            "clinic_name",
            "patient_label",
            "plan",
            "reference_version",
            "reference_revision",
            "reference_fingerprint",
            "result",
        ]
        read_only_fields = [
            "status",
            "finalized_at",
            "reference_version",
            "reference_revision",
            "reference_fingerprint",
            "result",
        ]

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = set(data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                unknown_fields_errors(unknown, expected=", ".join(sorted(writable)))
            )
        # Text is text (DRF's CharField would turn 5 into "5"), and its limit counts every
        # character sent (DRF would count after trimming whitespace): as documented.
        text_errors: dict[str, list[str]] = {}
        for key in services.EDITABLE:
            value = data.get(key)
            limit = getattr(Note._meta.get_field(key), "max_length", None)
            if value is not None and not isinstance(value, str):
                text_errors[key] = ["Not a valid string."]
            elif isinstance(value, str) and limit is not None and len(value) > limit:
                text_errors[key] = [f"Ensure this field has no more than {limit} characters."]
        if text_errors:
            raise serializers.ValidationError(text_errors)
        validated = super().to_internal_value(data)
        # The domain validates findings and age strictly (shared with the differential).
        for key in ("present", "absent", "age_years", "plan"):
            if key in data:
                validated[key] = data[key]
        return validated

    def create(self, validated_data: dict[str, Any]) -> Note:
        return services.note_create(owner=self.context["request"].user, **validated_data)

    def update(self, instance: Note, validated_data: dict[str, Any]) -> Note:
        return services.note_update(
            note=instance, user=self.context["request"].user, **validated_data
        )


class NoteSerializerExtension(OpenApiSerializerExtension):
    """On input: unknown fields refused (400), and the text rules as patterns."""

    target_class = NoteSerializer

    def map_serializer(self, auto_schema: Any, direction: Direction) -> dict[str, Any]:
        schema: dict[str, Any] = super().map_serializer(auto_schema, direction)
        if direction != "request":
            return schema
        schema["additionalProperties"] = False
        properties = schema["properties"]
        for name in services.EDITABLE:
            pattern = PLAIN_TEXT_PATTERN
            if name == "presenting_complaint":
                pattern = NON_BLANK_PLAIN_TEXT_PATTERN
            properties[name]["pattern"] = pattern
            properties[name]["description"] = (
                properties[name].get("description", "") + PLAIN_TEXT_RULE
            ).strip()
        return schema


@extend_schema_view(
    list=extend_schema(responses={200: NoteSerializer(many=True), **NOT_SIGNED_IN}),
    create=extend_schema(
        description="Save an assessment as a draft note.\n\n" + INPUT_RULES,
        responses={
            201: NoteSerializer,
            400: error_response("Bad input, naming each field: see the rules above."),
            **NOT_SIGNED_IN,
        },
        examples=[
            OpenApiExample(
                "Sudden droop in an older adult",
                value={
                    "present": ["onset-sudden", "facial-weakness"],
                    "absent": ["forehead-weak"],
                    "age_years": 71,
                    "clinician_text": "Seen in clinic; onset 40 minutes ago.",
                },
                request_only=True,
            )
        ],
        extensions={"x-cross-field-rules": {"status": 400, "rules": CROSS_FIELD_RULES}},
    ),
    retrieve=extend_schema(
        description="One of your notes; audited as viewed.",
        responses={200: NoteSerializer, **NOT_SIGNED_IN, **NOT_FOUND},
    ),
    update=extend_schema(
        description=(
            "Change a draft; fields left out keep their values. A new `present`, `absent` "
            "or `age_years` recomputes the differential.\n\n" + INPUT_RULES
        ),
        responses={
            200: NoteSerializer,
            400: error_response("Bad input, naming each field: see the rules above."),
            **NOT_SIGNED_IN,
            **NOT_FOUND,
            409: error_response(FINAL),
        },
        extensions={"x-cross-field-rules": {"status": 400, "rules": CROSS_FIELD_RULES}},
    ),
    partial_update=extend_schema(
        description=(
            "Change a draft, as PUT. A new `present`, `absent` or `age_years` recomputes the "
            "differential with the stored values of the others.\n\n" + INPUT_RULES
        ),
        responses={
            200: NoteSerializer,
            400: error_response("Bad input, naming each field: see the rules above."),
            **NOT_SIGNED_IN,
            **NOT_FOUND,
            409: error_response(FINAL),
        },
        extensions={"x-cross-field-rules": {"status": 400, "rules": CROSS_FIELD_RULES}},
    ),
)
class NoteViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet[Note],
):
    """Notes belong to the clinician who made them; drafts change, final notes never do."""

    serializer_class = NoteSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Note]:
        return Note.objects.filter(owner_id=self.request.user.pk).select_related("owner")

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # note.txt and handout.pdf answer text and PDF whatever the Accept header says (a
        # client asking for application/pdf was refused with a 406); errors stay JSON.
        force = force or self.action in ("note_txt", "handout_pdf")
        return super().perform_content_negotiation(request, force)

    def get_object(self) -> Note:
        note = services.note_for_user(pk=self.kwargs["pk"], user=self.request.user)
        self.check_object_permissions(self.request, note)
        return note

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Your notes, newest first, in full; each listed note is audited as viewed."""
        notes = list(self.get_queryset())
        services.audit_record_many(
            notes=notes, user=request.user, action=AuditEvent.Action.VIEWED, via="list"
        )
        return Response(self.get_serializer(notes, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        note = self.get_object()
        services.audit_record(note=note, user=request.user, action=AuditEvent.Action.VIEWED)
        return Response(self.get_serializer(note).data)

    @extend_schema(
        request=None,
        responses={
            200: NoteSerializer,
            **NOT_SIGNED_IN,
            **NOT_FOUND,
            409: error_response("The note is final already. Amend it to make a new draft."),
        },
    )
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk: str | None = None) -> Response:
        """Freeze the note. A final note cannot be changed (409); amend it instead."""
        note = services.note_finalize(note=self.get_object(), user=request.user)
        return Response(self.get_serializer(note).data)

    @extend_schema(
        request=None,
        responses={
            201: NoteSerializer,
            **NOT_SIGNED_IN,
            **NOT_FOUND,
            409: error_response(
                "The note is a draft: edit it instead. Only a final note is amended."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: str | None = None) -> Response:
        """Start a new draft from a final note, linked to it (`amends`); the final note
        never changes."""
        new = services.note_amend(note=self.get_object(), user=request.user)
        return Response(self.get_serializer(new).data, status=201)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "long",
                str,
                enum=["0", "1", "true", "false"],
                default="0",
                description="`1` or `true`: the long version, with every basis and rationale.",
            )
        ],
        responses={
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="UTF-8 text."),
            400: error_response("`long` is not one of the values listed."),
            **NOT_SIGNED_IN,
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="note.txt")
    def note_txt(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The clinical note as plain text for pasting into a record: short (SOAP) by
        default, `?long=1` for the long version with every basis."""
        note = self.get_object()
        long = request.query_params.get("long", "0")
        if long not in ("0", "1", "true", "false"):
            raise services.NoteInputError({"long": ["Must be 0, 1, true or false."]})
        services.audit_record(
            note=note,
            user=request.user,
            action=AuditEvent.Action.EXPORTED,
            format="text-long" if long in ("1", "true") else "text",
        )
        return HttpResponse(
            services.note_text(note=note, long=long in ("1", "true")),
            content_type="text/plain; charset=utf-8",
        )

    @extend_schema(
        parameters=HANDOUT_PARAMETERS,
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The handout, inline."
            ),
            400: error_response("`lang`, `paper` or `large` is not one of the values listed."),
            **NOT_SIGNED_IN,
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="handout.pdf")
    def handout_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The patient handout for the working diagnosis as PDF."""
        note = self.get_object()
        options = handout_options(request.query_params)
        pdf = services.note_handout_pdf(note=note, **options)
        services.audit_record(
            note=note, user=request.user, action=AuditEvent.Action.PRINTED, **options
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="handout-{note.pk}.pdf"'
        return response


def handout_options(params: Any) -> dict[str, Any]:
    """Validate ?lang=, ?paper= and ?large= for a handout, naming any bad value."""
    from notes.handout import LANGUAGES, PAPERS

    errors: dict[str, list[str]] = {}
    language = params.get("lang", "en")
    paper = params.get("paper", "a4").lower()
    large = params.get("large", "0")
    if language not in LANGUAGES:
        errors["lang"] = [f"Must be one of {', '.join(LANGUAGES)}."]
    if paper not in PAPERS:
        errors["paper"] = [f"Must be one of {', '.join(PAPERS)}."]
    if large not in ("0", "1", "true", "false"):
        errors["large"] = ["Must be 0, 1, true or false."]
    if errors:
        raise services.NoteInputError(errors)
    return {"language": language, "paper": paper, "large_print": large in ("1", "true")}


def schema_file_paths(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """drf-spectacular hook: document note.txt and handout.pdf as the contract names them.

    The router's optional trailing slash (`/?`) is documented as a slash; these two are
    files, and both spellings work.
    """

    def documented(path: str) -> str:
        # Files, and the CDS Hooks endpoints (clients build them without a slash).
        if path.endswith((".txt/", ".pdf/")) or path.startswith("/cds-services"):
            return path.removesuffix("/")
        return path

    return [(documented(path), *rest) for path, *rest in endpoints]
