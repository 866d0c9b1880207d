"""What typed text may contain: any script, but no characters that hide or disguise text."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# C0 controls except tab, line feed and carriage return; DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional embeddings, overrides and isolates reorder the text that follows them, so
# "BP 120" can print as "021 PB". Right-to-left scripts never need them.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@deconstructible
class PlainTextValidator:
    """Refuse control characters, bidirectional overrides and lone surrogates."""

    def __call__(self, value: str) -> None:
        if _SURROGATE.search(value):
            raise ValidationError(
                "Contains an invalid character (a lone UTF-16 surrogate).", code="surrogate"
            )
        if _CONTROL.search(value):
            raise ValidationError(
                "Contains a control character; only letters, digits, punctuation, spaces, "
                "tabs and line breaks are allowed.",
                code="control",
            )
        if _BIDI.search(value):
            raise ValidationError(
                "Contains a bidirectional override or isolate character (U+202A to U+202E, "
                "U+2066 to U+2069), which can make text display in a different order; "
                "remove it.",
                code="bidi",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator)
