"""Trusting CDS clients (CDS Hooks 2.0 §Trusting CDS Clients; standards RULES.md J2).

Each client is configured per deployment in `CDS_CLIENTS` (JSON, from the environment):

    {"https://ehr.example.org": {
        "jwks_url": "https://ehr.example.org/.well-known/jwks.json",  # or "jwks": {...}
        "fhir_servers": ["https://ehr.example.org/fhir"]}}

A call carries `Authorization: Bearer <JWT>` signed with an asymmetric key: `iss` must be a
configured client; `kid` must name a key of its JWK Set (inline, or fetched from its
configured `jwks_url`; a `jku` header must equal that URL, so a token cannot point the
server at a key set of its choosing); `aud` must be the URL being called; `exp`, `iat` and
`jti` are required, and a `jti` is accepted once. The FHIR servers the service may fetch
from are the ones configured for that issuer, and no other.
"""

import json
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.core.cache import cache

# CDS Hooks forbids `none` and symmetric algorithms; ES384 and RS384 are recommended.
ALGORITHMS = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
JWKS_CACHE_SECONDS = 600
FETCH_TIMEOUT_SECONDS = 3


class ClientRefused(Exception):
    """The call's credentials are missing or not trusted; the message says why."""


@dataclass(frozen=True)
class Client:
    issuer: str
    fhir_servers: tuple[str, ...]


def clients() -> dict[str, dict[str, Any]]:
    configured: dict[str, dict[str, Any]] = settings.CDS_CLIENTS
    return configured


def _jwks(issuer: str, config: dict[str, Any]) -> dict[str, Any]:
    if "jwks" in config:
        inline: dict[str, Any] = config["jwks"]
        return inline
    url = config.get("jwks_url")
    if not url:
        raise ClientRefused(f"No key set is configured for issuer {issuer}.")
    key = f"cds-jwks:{url}"
    found = cache.get(key)
    if found is None:
        if not url.startswith("https://") and not settings.DEBUG:
            raise ClientRefused("A client key set must be fetched over https.")
        # A configured URL, never one a request names.
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # nosec B310
            found = json.loads(response.read(1_000_000))
        cache.set(key, found, JWKS_CACHE_SECONDS)
    result: dict[str, Any] = found
    return result


def client_verify(*, authorization: str, audience: str) -> Client:
    """The trusted client behind `Authorization: Bearer <JWT>`, or ClientRefused."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ClientRefused("Send Authorization: Bearer <JWT> (CDS Hooks §Trusting CDS Clients).")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise ClientRefused(f"Not a JWT: {error}.") from None
    if header.get("alg") not in ALGORITHMS:
        raise ClientRefused("The JWT must be signed with an asymmetric algorithm (ES384, RS384).")
    if header.get("typ", "JWT") != "JWT" or not header.get("kid"):
        raise ClientRefused("The JWT header needs typ JWT and a kid.")
    issuer = claims.get("iss")
    config = clients().get(issuer) if isinstance(issuer, str) else None
    if config is None or not isinstance(issuer, str):
        raise ClientRefused("The JWT issuer is not a client of this service.")
    if header.get("jku") and header["jku"] != config.get("jwks_url"):
        raise ClientRefused("The JWT's jku is not the key set configured for its issuer.")
    keys = [k for k in _jwks(issuer, config).get("keys", []) if k.get("kid") == header["kid"]]
    if not keys:
        raise ClientRefused("The JWT's kid is not in its issuer's key set.")
    try:
        key = jwt.PyJWK.from_dict(keys[0])
        verified = jwt.decode(
            token,
            key=key.key,
            algorithms=[header["alg"]],
            audience=audience,
            issuer=issuer,
            options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            leeway=30,
        )
    except jwt.PyJWTError as error:
        raise ClientRefused(f"The JWT was refused: {error}.") from None
    # Replays: a jti is accepted once while its token lives.
    ttl = max(int(verified["exp"]) - int(verified["iat"]), 60) + 60
    if not cache.add(f"cds-jti:{issuer}:{verified['jti']}", 1, ttl):
        raise ClientRefused("This JWT (jti) was used already.")
    return Client(issuer=issuer, fhir_servers=tuple(config.get("fhir_servers", ())))
