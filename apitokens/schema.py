"""The token's OpenAPI security scheme (imported by ApiTokensConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apitokens.authentication.ApiTokenAuthentication"
    # The name DRF's own token scheme had, so clients' configurations keep working.
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API token: send `Authorization: Token <key>`. Issued with "
                "`manage.py token_create` or in the admin (the key is shown once); each "
                "token has an owner, may expire and can be revoked (then 401). Each token "
                "is rate-limited (THROTTLE_TOKEN_RATE or its own rate; 429 with "
                "Retry-After)."
            ),
        }
