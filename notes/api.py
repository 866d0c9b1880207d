"""/api/v1/notes/: a clinician's own notes; other users get 404."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from notes import services
from notes.models import AuditEvent, Note
from reference.api.errors import unknown_fields_errors

HANDOUT_PARAMETERS = [
    OpenApiParameter("lang", str, enum=["en", "es"], description="Language (default en)."),
    OpenApiParameter("paper", str, enum=["a4", "letter"], description="Paper (default a4)."),
    OpenApiParameter("large", str, enum=["0", "1"], description="Large print (16 pt)."),
]


class NoteSerializer(serializers.ModelSerializer[Note]):
    """A note as stored. The differential is computed by the server, never sent."""

    present = serializers.ListField(child=serializers.JSONField(), required=False)
    absent = serializers.ListField(child=serializers.JSONField(), required=False)
    age_years = serializers.JSONField(required=False, allow_null=True)
    working_diagnosis = serializers.CharField(required=False, allow_blank=True)
    working_diagnosis_name = serializers.CharField(read_only=True)
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    amends: Any = serializers.PrimaryKeyRelatedField(read_only=True)

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
            "clinic_name",
            "reference_version",
            "reference_fingerprint",
            "result",
        ]
        read_only_fields = [
            "status",
            "finalized_at",
            "reference_version",
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
        validated = super().to_internal_value(data)
        # The domain validates findings and age strictly (shared with the differential).
        for key in ("present", "absent", "age_years"):
            if key in data:
                validated[key] = data[key]
        return validated

    def create(self, validated_data: dict[str, Any]) -> Note:
        return services.note_create(owner=self.context["request"].user, **validated_data)

    def update(self, instance: Note, validated_data: dict[str, Any]) -> Note:
        return services.note_update(
            note=instance, user=self.context["request"].user, **validated_data
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

    @extend_schema(request=None, responses={200: NoteSerializer, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk: str | None = None) -> Response:
        """Freeze the note. A final note cannot be changed (409); amend it instead."""
        note = services.note_finalize(note=self.get_object(), user=request.user)
        return Response(self.get_serializer(note).data)

    @extend_schema(request=None, responses={201: NoteSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, pk: str | None = None) -> Response:
        """Start a new draft linked to this note."""
        new = services.note_amend(note=self.get_object(), user=request.user)
        return Response(self.get_serializer(new).data, status=201)

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"], url_path="note.txt")
    def note_txt(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The clinical note as plain text for pasting into a record."""
        note = self.get_object()
        services.audit_record(
            note=note, user=request.user, action=AuditEvent.Action.EXPORTED, format="text"
        )
        return HttpResponse(
            services.note_text(note=note), content_type="text/plain; charset=utf-8"
        )

    @extend_schema(
        parameters=HANDOUT_PARAMETERS, responses={(200, "application/pdf"): OpenApiTypes.BINARY}
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
        errors["large"] = ["Must be 0 or 1."]
    if errors:
        raise services.NoteInputError(errors)
    return {"language": language, "paper": paper, "large_print": large in ("1", "true")}
