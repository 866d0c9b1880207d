"""The disagreement form: field shapes only; what may be pointed at is the service's check."""

from django import forms

from disagreements.models import COMMENT_MAX
from disagreements.services import CLINICIAN_REASONS
from notes.validators import PlainTextValidator


class DisagreementForm(forms.Form):
    # No message here repeats what was sent: it may be typed text (DECISIONS.md 5).
    target = forms.CharField(
        max_length=200,
        error_messages={"required": "Choose what is wrong: a red flag or a condition."},
    )
    reason = forms.ChoiceField(
        choices=[(r.value, r.label) for r in CLINICIAN_REASONS],
        error_messages={
            "required": "Choose why it is wrong.",
            "invalid_choice": "Choose one of the reasons listed.",
        },
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        validators=[PlainTextValidator()],
        error_messages={"max_length": f"The comment can be at most {COMMENT_MAX:,} characters."},
    )
    fingerprint = forms.CharField(required=False, max_length=32)
