"""Stored assessments (notes) owned by a clinician, and their audit trail."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from notes.validators import PlainTextValidator
from reference.revisions import revision_label

# Limits on typed text. Text printed on the handout must fit its two-page budget; the
# clinician's private text is generous but bounded, so no note can stall a worker.
NAME_MAX = 200
HANDOUT_TEXT_MAX = 1_000
PATIENT_LABEL_MAX = 64
PRIVATE_TEXT_MAX = 10_000


def _text_field(max_length: int, **kwargs: object) -> models.TextField:
    # TextField keeps max_length for forms and serializers only; the validator makes the
    # model itself (and so every path through notes.services) enforce it.
    return models.TextField(
        max_length=max_length,
        validators=[MaxLengthValidator(max_length), PlainTextValidator()],
        blank=True,
        **kwargs,  # type: ignore[arg-type]
    )


class Note(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    finalized_at = models.DateTimeField(null=True, blank=True)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    presenting_complaint = models.CharField(
        max_length=NAME_MAX, default="Lip twitching", validators=[PlainTextValidator()]
    )
    present = models.JSONField(default=list, blank=True)
    absent = models.JSONField(default=list, blank=True)
    age_years = models.FloatField(null=True, blank=True)
    result = models.JSONField(help_text="The differential, frozen when the note was saved.")
    reference_version = models.CharField(max_length=32, help_text="The release, e.g. 2026.1.")
    reference_revision = models.PositiveIntegerField(
        default=0, help_text="Curator changes to the release when the note was computed."
    )
    reference_fingerprint = models.CharField(max_length=32)
    working_diagnosis = models.SlugField(max_length=80)
    clinician_text = _text_field(
        PRIVATE_TEXT_MAX, help_text="The clinician's notes for the record; never on a handout."
    )
    follow_up_advice = _text_field(
        HANDOUT_TEXT_MAX, help_text="Advice for the patient, printed on the handout."
    )
    clinic_name = models.CharField(
        max_length=NAME_MAX, blank=True, validators=[PlainTextValidator()]
    )
    patient_instructions = _text_field(
        HANDOUT_TEXT_MAX,
        help_text="What the clinician wants the patient to read, printed on the handout.",
    )
    patient_label = models.CharField(
        max_length=PATIENT_LABEL_MAX,
        blank=True,
        validators=[PlainTextValidator()],
        help_text=(
            "Optional initials or record number, so notes can be told apart. Personal data: "
            "stored plainly so its owner can search it, never put in a URL or a log line."
        ),
    )

    plan = models.JSONField(
        null=True,
        blank=True,
        default=None,
        help_text=(
            "Codes of the tests, referrals and examinations the clinician ticked from the "
            "note's suggestions; null until they choose (the note then shows the suggestions "
            "for the working diagnosis and the red flags, labelled as suggestions)."
        ),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(finalized_at__isnull=False),
                name="final_note_has_finalized_at",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("clinician_text"), PRIVATE_TEXT_MAX),
                name="clinician_text_bounded",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("follow_up_advice"), HANDOUT_TEXT_MAX),
                name="follow_up_advice_bounded",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("patient_instructions"), HANDOUT_TEXT_MAX),
                name="patient_instructions_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"Note {self.pk} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @property
    def reference_label(self) -> str:
        """`2026.1` or `2026.1+r3`: the content the note was computed with."""
        return revision_label(release=self.reference_version, number=self.reference_revision)

    @property
    def working_diagnosis_name(self) -> str:
        for row in self.result.get("differential", []):
            if row["condition"] == self.working_diagnosis:
                return str(row["name"])
        return self.working_diagnosis


class AuditEvent(models.Model):
    """Who did what to which note, and when. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        VIEWED = "viewed", "Viewed"
        CHANGED = "changed", "Changed"
        FINALIZED = "finalized", "Finalized"
        AMENDED = "amended", "Amended"
        PRINTED = "printed", "Printed handout"
        EXPORTED = "exported", "Exported"
        REFUSED = "refused", "Access refused"

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="audit_events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_events"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} note {self.note_id}"
