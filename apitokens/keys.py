"""Token keys: high-entropy random strings, shown once, stored only as a keyed hash.

The digest is an HMAC-SHA256 of the key under SECRET_KEY (Django's `salted_hmac`), so a
copy of the database alone cannot confirm a guessed key, and a lookup is one indexed
equality match (no per-row salt to try). Rotating SECRET_KEY keeps keys working while the
old secret is in SECRET_KEY_FALLBACKS; each key is rehashed under the new secret on use.
"""

import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

# Marks a key as this project's, so secret scanners and people can recognise one.
KEY_MARK = "lt_"
# Random characters after the mark shown in the admin and by the commands: enough to tell
# tokens apart, a small part of the key's 256 bits.
PREFIX_RANDOM_CHARS = 8
# DRF's keys were 40 hex characters (160 bits); their prefix is their first 8.
LEGACY_PREFIX_CHARS = 8
# Longer than any key this project issued; longer values are refused before hashing.
MAX_KEY_LENGTH = 128
SALT = "apitokens.keys.key_digest"


def key_generate() -> str:
    """A new key: the mark and 32 random bytes, URL-safe base64 (43 characters)."""
    return KEY_MARK + secrets.token_urlsafe(32)


def key_prefix(key: str) -> str:
    """The part of a key that may be shown to identify its token."""
    if key.startswith(KEY_MARK):
        return key[: len(KEY_MARK) + PREFIX_RANDOM_CHARS]
    return key[:LEGACY_PREFIX_CHARS]


def key_digest(key: str, *, secret: str | bytes | None = None) -> str:
    """The stored form of a key: HMAC-SHA256 under `secret` (default SECRET_KEY), hex."""
    return salted_hmac(SALT, key, secret=secret, algorithm="sha256").hexdigest()


def key_digests(key: str) -> list[str]:
    """The key's digest under SECRET_KEY, then under each of SECRET_KEY_FALLBACKS."""
    secrets_in_use = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [key_digest(key, secret=secret) for secret in secrets_in_use]
