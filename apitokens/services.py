"""Issuing, checking and revoking API tokens."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from apitokens.keys import MAX_KEY_LENGTH, key_digest, key_digests, key_generate, key_prefix
from apitokens.models import ApiToken

# Last use is recorded to the minute: at most one write per token a minute, not one a request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A saved token and its key. The key exists only here: show it once, then drop it."""

    token: ApiToken
    key: str


class TokenRefused(Exception):
    """A key that does not authenticate, with the reason to give the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def token_key_assign(*, token: ApiToken) -> str:
    """Give an unsaved token a new key (its prefix and digest); return the key."""
    key = key_generate()
    token.prefix = key_prefix(key)
    token.digest = key_digest(key)
    return key


def token_issue(
    *,
    owner: User,
    name: str,
    expires_at: datetime.datetime | None,
    rate: str = "",
) -> IssuedToken:
    """Create a token for `owner`; the returned key is the only copy."""
    token = ApiToken(owner=owner, name=name, expires_at=expires_at, rate=rate)
    key = token_key_assign(token=token)
    token.full_clean()
    token.save()
    return IssuedToken(token=token, key=key)


def token_revoke(*, token: ApiToken) -> bool:
    """Revoke the token from now on; False if it was revoked already."""
    now = timezone.now()
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if revoked:
        token.revoked_at = now
    return bool(revoked)


def token_authenticate(*, key: str) -> ApiToken:
    """The live token for `key`, its owner loaded and its last use recorded.

    Raises TokenRefused naming the problem: unknown, revoked, expired, or owner inactive.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise TokenRefused("Invalid token.")
    digests = key_digests(key)
    token = ApiToken.objects.select_related("owner").filter(digest__in=digests).first()
    if token is None:
        raise TokenRefused("Invalid token.")
    if token.revoked_at is not None:
        raise TokenRefused(f"This token was revoked on {token.revoked_at:%Y-%m-%d %H:%M} UTC.")
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused(f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC.")
    if not token.owner.is_active:
        raise TokenRefused("The token's user is inactive or deleted.")
    if token.digest != digests[0]:
        # Found under a SECRET_KEY_FALLBACKS secret: store it under the current one.
        ApiToken.objects.filter(pk=token.pk).update(digest=digests[0])
        token.digest = digests[0]
    token_touch(token=token, now=now)
    return token


def token_touch(*, token: ApiToken, now: datetime.datetime) -> None:
    """Record a use, writing only when the stored time is a minute old or more."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
