"""What the CDS Hooks service keeps: the cards it issued and the feedback on them.

The access token a client sends (`fhirAuthorization`) is never stored: nothing here has a
field for it.
"""

from django.db import models


class IssuedCard(models.Model):
    """A card the service returned, so feedback can be traced to its rule and release."""

    uuid = models.UUIDField(unique=True)
    service = models.SlugField(max_length=40)
    hook_instance = models.CharField(max_length=64)
    issuer = models.CharField(max_length=300, blank=True, help_text="The client's JWT `iss`.")
    kind = models.CharField(max_length=20, help_text="red-flag, differential or order.")
    condition = models.SlugField(max_length=80, blank=True)
    rule = models.SlugField(max_length=80, blank=True, help_text="The red-flag rule, if any.")
    item = models.SlugField(max_length=80, blank=True, help_text="The workup item, if any.")
    indicator = models.CharField(max_length=8)
    summary = models.CharField(max_length=140)
    reference_version = models.CharField(max_length=32)
    reference_fingerprint = models.CharField(max_length=32)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["condition", "rule", "reference_version"])]

    def __str__(self) -> str:
        return f"{self.service}: {self.summary}"


class CardFeedback(models.Model):
    """One feedback item: accepted or overridden, with the reason and the comment."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        OVERRIDDEN = "overridden", "Overridden"

    card = models.UUIDField(help_text="The card's uuid as the client echoed it.")
    issued = models.ForeignKey(
        IssuedCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    service = models.SlugField(max_length=40)
    issuer = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    outcome_timestamp = models.DateTimeField()
    accepted_suggestions = models.JSONField(default=list, blank=True)
    reason_system = models.CharField(max_length=300, blank=True)
    reason_code = models.CharField(max_length=100, blank=True)
    reason_display = models.CharField(max_length=300, blank=True)
    user_comment = models.TextField(blank=True, max_length=2000)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.outcome} {self.card}"
