"""Project-wide request and response rules that no single view should have to remember."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    """API paths (the REST API and the CDS Hooks service) answer in JSON, errors included."""
    return request.path.startswith((API_PREFIX, "/cds-services"))


class BodySizeLimitMiddleware:
    """Refuse API bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with a JSON 400.

    Django checks that limit only when it reads `request.body` or a form; DRF reads JSON
    through `request.read()`, which Django does not check. A body never exceeds its
    Content-Length (Django's stream stops there), so checking the header is enough.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and is_api_request(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
            if length > limit:
                return JsonResponse(
                    {"detail": f"The request body is larger than the limit of {limit} bytes."},
                    status=400,
                )
        return self.get_response(request)


class ClinicalResponseHeadersMiddleware:
    """Permissions-Policy on every response; no caching of anything about a patient.

    Note pages, the note API, note text and handout PDFs are private clinical records: no
    browser or shared cache may keep them.
    """

    PRIVATE_PREFIXES = ("/notes/", "/api/v1/notes/")
    PERMISSIONS_POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        if request.path.startswith(self.PRIVATE_PREFIXES):
            response["Cache-Control"] = "no-store, private"
        return response


def client_ip_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the trusted proxy's header when configured.

    With `TRUSTED_PROXY_HEADER` (e.g. HTTP_X_FORWARDED_FOR) the last address in it is
    used: that is the one the proxy itself added; earlier ones are whatever the client sent.
    """
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        forwarded = [a.strip() for a in request.META.get(header, "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR", ""))


class AnonClientRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, keyed on `client_ip_address` (never a spoofable header)."""

    def get_rate(self) -> str:
        # Read at each request (DRF reads its rates once at import): tests and the
        # schemathesis run relax it through settings.
        return str(settings.THROTTLE_ANON_RATE)

    def get_ident(self, request: Request) -> str:
        return client_ip_address(request)
