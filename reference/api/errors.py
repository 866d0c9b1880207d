"""One error shape for the API: {"detail": "...", ...fields}, never a 500 for client input."""

from typing import Any

from django.http import Http404
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from reference.differential import SLUG_SHAPE
from reference.errors import DomainError


def unknown_fields_errors(unknown: set[str], *, expected: str) -> dict[str, list[str]]:
    """Errors for unexpected keys in a JSON object, echoing only keys shaped like names."""
    message = f"Unknown field; expected {expected}."
    errors = {k: [message] for k in sorted(unknown) if SLUG_SHAPE.fullmatch(k)}
    hidden = len(unknown) - len(errors)
    if hidden:
        errors["non_field_errors"] = [
            f"{hidden} unknown field(s) whose names are not field names; expected {expected}."
        ]
    return errors


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(v) for v in detail)
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Wrap DRF's handler so every error body has a top-level human-readable `detail`."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message}
        errors = getattr(exc, "errors", None)
        if isinstance(errors, dict):
            body.update(errors)
        elif exc.field:
            body[exc.field] = [exc.message]
        return Response(body, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" not in data:
        response.data = {"detail": _flatten(data), **data}
    elif isinstance(data, list):
        response.data = {"detail": _flatten(data), "errors": data}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        # Integrators are promised a 400 for every bad input, the content type included.
        response.status_code = status.HTTP_400_BAD_REQUEST
        response.data["detail"] = str(response.data["detail"]) + " Send application/json."
    return response


# Documentation of the error shape for the OpenAPI schema. Nothing below changes what the
# handler above does.

ERROR_REF = {"$ref": "#/components/schemas/Error"}


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error body: a one-line `detail`, plus each offending field with its messages."""

    detail = serializers.CharField(help_text="What went wrong, in one line.")


class ErrorSerializerExtension(OpenApiSerializerExtension):
    target_class = ErrorSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "description": (
                'Every error body: `{"detail": "...", <field>: ["...", ...]}`. `detail` says '
                "what went wrong in one line; on a 400 each offending field (or "
                "`non_field_errors`, or `errors` for a list) names its problems."
            ),
            "properties": {"detail": {"type": "string", "description": "One line."}},
            "required": ["detail"],
            "additionalProperties": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The problems with one field.",
            },
        }


def error_response(
    description: str, *, examples: list[OpenApiExample] | None = None
) -> OpenApiResponse:
    """A documented error response with the `Error` body."""
    return OpenApiResponse(ErrorSerializer, description=description, examples=examples or [])


# Responses every API operation can give, from project-wide rules rather than the view:
# config/middleware.py (body size, anonymous throttle), apitokens (a bad, expired or
# revoked token is refused even where no sign-in is needed; per-token throttle),
# config/errors.py (JSON 500). Views declare their own 400/401/403/404/409 with specific
# descriptions; these fill in the rest.
COMMON_ERRORS: dict[str, str] = {
    "400": (
        "The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE (1 MiB by default), "
        "or its Content-Length is not a number."
    ),
    "401": (
        "The token sent is unknown, expired or revoked (`detail` says which), or its user "
        "is inactive; with `WWW-Authenticate: Token`."
    ),
    "403": "A session client's CSRF check failed.",
    "500": "Server error: a JSON `detail` only, never a traceback; the problem is logged.",
}
THROTTLED_PER_KEY = (
    "Too many requests with this token (its own rate, or THROTTLE_TOKEN_RATE, 600 a minute "
    "by default)."
)
THROTTLED_ANONYMOUS = (
    "Too many anonymous requests from this client address (THROTTLE_ANON_RATE, 120 a "
    "minute by default), or too many with this token (its own rate, or "
    "THROTTLE_TOKEN_RATE, 600 a minute by default). Signed-in sessions are not throttled."
)


def postprocess_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular hook: declare the project-wide error responses on every operation."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            common = dict(COMMON_ERRORS)
            anonymous = {} in operation.get("security", [{}])
            common["429"] = THROTTLED_ANONYMOUS if anonymous else THROTTLED_PER_KEY
            for status_code, description in common.items():
                if status_code in responses:
                    continue
                response: dict[str, Any] = {
                    "content": {"application/json": {"schema": ERROR_REF}},
                    "description": description,
                }
                if status_code == "429":
                    response["headers"] = {
                        "Retry-After": {
                            "schema": {"type": "integer", "minimum": 0},
                            "description": "Seconds to wait before the next request.",
                        }
                    }
                responses[status_code] = response
            operation["responses"] = dict(sorted(responses.items()))
    return result
