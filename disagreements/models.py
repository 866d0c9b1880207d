"""A clinician's (or a CDS client's) disagreement with a result: the content review queue.

Grouped by condition, rule and release (../shared/DECISIONS.md 1), it is what curators
work through before the next content release. Findings are slugs, never typed text; the
one typed field, the comment, is bounded plain text like a note's.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from notes.validators import PlainTextValidator
from reference.revisions import revision_label

COMMENT_MAX = 1_000


class Disagreement(models.Model):
    class Kind(models.TextChoices):
        RANKING = "ranking", "Ranking: a condition's place is wrong"
        RED_FLAG = "red-flag", "Red flag: wrong or missing"
        WORKUP = "workup", "Workup: a test's recommendation is wrong (CDS order-select)"

    class Source(models.TextChoices):
        CLINICIAN = "clinician", "Clinician (in the app)"
        CDS = "cds", "CDS client (override)"

    class Reason(models.TextChoices):
        TOO_HIGH = "too-high", "Ranked too high"
        TOO_LOW = "too-low", "Ranked too low"
        MISSING = "missing", "A red flag should have been raised"
        SHOULD_NOT_FIRE = "should-not-fire", "The red flag should not have fired"
        WORDING = "wording", "Wrong wording or action"
        # Override reasons a CDS client can send that are not about the content itself.
        FINDINGS_INCOMPLETE = "findings-incomplete", "Findings in the record incomplete (CDS)"
        PATIENT_PREFERENCE = "patient-preference", "Patient's preference (CDS)"
        OTHER = "other", "Other (an override reason this service does not know)"

    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disagreements",
        help_text="The clinician; empty for a CDS client.",
    )
    client_issuer = models.CharField(
        max_length=300, blank=True, help_text="The CDS client's JWT `iss`, for a CDS override."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    condition = models.SlugField(max_length=80, blank=True)
    rule = models.SlugField(
        max_length=80, blank=True, help_text="The red-flag rule; blank when none fired."
    )
    item = models.SlugField(max_length=80, blank=True, help_text="The workup item, if any.")
    present = models.JSONField(default=list, blank=True, help_text="Finding slugs.")
    absent = models.JSONField(default=list, blank=True, help_text="Finding slugs.")
    age_years = models.FloatField(null=True, blank=True)
    reference_version = models.CharField("release", max_length=32)
    reference_revision = models.PositiveIntegerField(
        "revision", null=True, blank=True, help_text="Empty when the source did not record it."
    )
    reference_fingerprint = models.CharField("fingerprint", max_length=32)
    note = models.ForeignKey(
        "notes.Note",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disagreements",
        help_text="The note whose result was disagreed with, if any.",
    )
    card_feedback = models.OneToOneField(
        "interop.CardFeedback",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disagreement",
        help_text="The CDS Hooks feedback this came from, if any.",
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_code = models.CharField(
        max_length=100, blank=True, help_text="The CDS client's override reason code as sent."
    )
    comment = models.TextField(
        max_length=COMMENT_MAX,
        blank=True,
        validators=[MaxLengthValidator(COMMENT_MAX), PlainTextValidator()],
    )
    reviewed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["condition", "rule", "reference_version"])]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX),
                name="disagreement_comment_bounded",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="clinician")
                | (models.Q(user__isnull=False) & ~models.Q(condition="")),
                name="clinician_disagreement_has_user_and_condition",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed=False) | models.Q(reviewed_at__isnull=False),
                name="reviewed_disagreement_has_reviewed_at",
            ),
        ]

    def __str__(self) -> str:
        what = self.rule or self.item or self.condition or "?"
        return f"{self.get_kind_display().split(':')[0]} {what} ({self.reference_label})"

    @property
    def reference_label(self) -> str:
        """`2026.2`, `2026.2+r3`, or the release alone when the revision is not known."""
        if self.reference_revision is None:
            return self.reference_version
        return revision_label(release=self.reference_version, number=self.reference_revision)

    @property
    def who(self) -> str:
        if self.source == self.Source.CDS:
            return f"CDS client {self.client_issuer or '(anonymous)'}"
        return str(self.user)


class DisagreementQueue(Disagreement):
    """The same records, counted per (condition, rule, release) in the admin."""

    class Meta:
        proxy = True
        verbose_name = "queue group"
        verbose_name_plural = "Queue by condition, rule and release"
