"""`Authorization: Token <key>` for integrations (the API contract's header)."""

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from apitokens.models import ApiToken
from apitokens.services import TokenRefused, token_authenticate


class ApiTokenAuthentication(BaseAuthentication):
    """DRF authentication by project API token.

    Listed first in DEFAULT_AUTHENTICATION_CLASSES: DRF takes the first class's
    `authenticate_header` for unauthenticated requests, so they get 401 with
    `WWW-Authenticate: Token` (with session authentication first they got 403). A request
    without the header falls through to session authentication, CSRF check included.
    """

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: send `Authorization: Token <key>`, one key, no spaces."
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        try:
            token = token_authenticate(key=key)
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message) from None
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
