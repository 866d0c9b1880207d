"""One error shape for the API: {"detail": "...", ...fields}, never a 500 for client input."""

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
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
