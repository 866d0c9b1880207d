"""API tokens for integrations: `Authorization: Token <key>`, stored hashed."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# What DRF's throttles parse: a number, a slash and a period (s, m, h, d or a word
# starting with one of them, e.g. 600/minute).
RATE_PATTERN = re.compile(r"[1-9][0-9]{0,8}/(s|sec|second|m|min|minute|h|hour|d|day)")


def validate_rate(value: str) -> None:
    """A throttle rate such as 600/minute, as DRF reads it."""
    if value and not RATE_PATTERN.fullmatch(value):
        raise ValidationError(
            "Enter a rate such as 600/minute: a number, a slash and second, minute, hour or day."
        )


class ApiToken(models.Model):
    """One integration's key. Only a keyed hash of the key is kept (apitokens.keys)."""

    name = models.CharField(
        max_length=100, help_text="What uses it, e.g. 'EHR at Riverside clinic'."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Requests with the token act as this user: they see this user's notes.",
    )
    prefix = models.CharField(max_length=16, editable=False, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(
        "expires", null=True, blank=True, help_text="Empty: the token never expires."
    )
    last_used_at = models.DateTimeField(
        "last used", null=True, blank=True, editable=False, help_text="To the minute."
    )
    revoked_at = models.DateTimeField("revoked", null=True, blank=True, editable=False)
    rate = models.CharField(
        max_length=32,
        blank=True,
        validators=[validate_rate],
        help_text="Requests allowed, e.g. 600/minute. Empty: THROTTLE_TOKEN_RATE.",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
