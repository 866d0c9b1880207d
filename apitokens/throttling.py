"""Per-token rate limits: DRF's sliding window, counted in Django's cache per token."""

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from apitokens.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Each token has its own count: its `rate`, or THROTTLE_TOKEN_RATE.

    Requests without a project token (anonymous, session) are not counted here. With
    several workers the cache must be shared (Redis), or each worker counts alone.
    """

    scope = "token"

    def __init__(self) -> None:
        # The rate depends on the token, so it is chosen per request (allow_request).
        pass

    def get_rate(self) -> str:
        # Read at each request (DRF reads its rates once at import), as the anonymous one.
        return str(settings.THROTTLE_TOKEN_RATE)

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        self.rate = token.rate or self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
