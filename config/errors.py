"""Error pages: JSON `{"detail": ...}` on API paths, HTML everywhere else."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from config.middleware import is_api_request

MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    500: "Server error. The problem has been logged; please try again.",
}


def _json(status: int) -> JsonResponse:
    return JsonResponse({"detail": MESSAGES[status]}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, e.g. a form body over DATA_UPLOAD_MAX_MEMORY_SIZE or a bad Host header."""
    if is_api_request(request):
        return _json(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403."""
    if is_api_request(request):
        return _json(403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404."""
    if is_api_request(request):
        return _json(404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """500: never a traceback, and JSON for API clients."""
    if is_api_request(request):
        return _json(500)
    return defaults.server_error(request)
