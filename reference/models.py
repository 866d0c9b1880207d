"""The clinical knowledge base: conditions, findings, evidence, red flags, workup, sources.

Models are thin: fields, choices, constraints and `__str__`. The ranking engine reads an
immutable snapshot built from these rows (see `reference.snapshot`).
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


class Grade(models.TextChoices):
    """Strength of Recommendation Taxonomy (SORT; Ebell et al. 2004)."""

    A = "A", "A: consistent, good-quality patient-oriented evidence"
    B = "B", "B: inconsistent or limited-quality patient-oriented evidence"
    C = "C", "C: consensus, usual practice, opinion, disease-oriented evidence, case series"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "Emergency"
    URGENT = "urgent", "Urgent"
    SOON = "soon", "Soon"
    ROUTINE = "routine", "Routine"


URGENCY_ORDER = {"emergency": 0, "urgent": 1, "soon": 2, "routine": 3}


class Priority(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate"
    SOON = "soon", "Soon"
    ROUTINE = "routine", "Routine"
    CONSIDER = "consider", "Consider"
    NOT_RECOMMENDED = "not-recommended", "Not recommended"


PRIORITY_ORDER = {"immediate": 0, "soon": 1, "routine": 2, "consider": 3, "not-recommended": 4}


class ContentState(models.Model):
    """One row that changes, in the same transaction, whenever reference content changes.

    Every process reads it once per request (a primary-key lookup) and rebuilds its
    in-memory snapshot when it differs, so all workers on all servers rank with the same
    content, whatever the cache backend. `fingerprint` is the hash of the content at
    `token`, filled in by the first process that builds it.
    """

    token = models.CharField(max_length=32)
    fingerprint = models.CharField(max_length=64, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="one_content_state")]

    def __str__(self) -> str:
        return f"content {self.fingerprint or self.token}"


class ContentBaseline(models.Model):
    """The hash of one row of content as the last loaded release shipped it.

    A row whose working content no longer hashes to its baseline was changed by a
    curator; `load_reference` never overwrites or deletes such a row without being told.
    """

    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    hash = models.CharField(max_length=64)
    # The row itself, so that a later release of the code can bring it to its own format
    # (new fields, new defaults) before comparing; null for baselines stored before that.
    row = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="content_baseline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class ContentRevision(models.Model):
    """One change to the working content: a release loaded (number 0) or a curator's edit.

    `2026.2+r3` is release 2026.2 with three curator changes since it was loaded.
    """

    release = models.CharField(max_length=32)
    number = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["release", "number"], name="content_revision_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.release if self.number == 0 else f"{self.release}+r{self.number}"


class ContentChange(models.Model):
    """A curator's change made in the admin, waiting for a second curator (when required).

    With CONTENT_CHANGES_NEED_APPROVAL on, saving or deleting reference content in the
    admin stores the submitted form here instead; it takes effect only when a different
    curator approves it, and is then replayed through the same admin form.
    """

    class Action(models.TextChoices):
        ADD = "add", "Add"
        CHANGE = "change", "Change"
        DELETE = "delete", "Delete"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved and applied"
        REJECTED = "rejected", "Rejected"

    model = models.CharField(max_length=100)  # app_label.model_name
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=8, choices=Action.choices)
    data = models.JSONField(help_text="The submitted form, field name to list of values.")
    summary = models.TextField()
    # The object's latest history row when proposed: approval refuses a stale proposal.
    based_on_history_id = models.PositiveBigIntegerField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.get_status_display()})"


class ContentVersion(models.Model):
    """A release of the reference content; notes record the version they used."""

    label = models.CharField(max_length=32, unique=True)
    released = models.DateField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-released", "-id"]

    def __str__(self) -> str:
        return self.label


class Source(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        SYSTEMATIC_REVIEW = "systematic-review", "Systematic review"
        TRIAL = "trial", "Trial"
        COHORT = "cohort", "Cohort or cross-sectional study"
        CASE_SERIES = "case-series", "Case series"
        CASE_REPORT = "case-report", "Case report (one or two patients)"
        REVIEW = "review", "Narrative review"
        REFERENCE = "reference", "Reference work"
        REGULATOR = "regulator", "Regulator or public body"
        OTHER = "other", "Other"

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300, help_text="Journal or organisation.")
    year = models.PositiveSmallIntegerField()
    pmid = models.CharField("PMID", max_length=12, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(pmid="") & models.Q(doi="") & models.Q(url="")),
                name="source_has_identifier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher}, {self.year})"

    @property
    def link(self) -> str:
        """The best link for a reader: DOI, then PubMed, then the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


class Finding(models.Model):
    class Category(models.TextChoices):
        ONSET = "onset", "Onset and course"
        CHARACTER = "character", "Character of the movement"
        DISTRIBUTION = "distribution", "Distribution"
        DEFICIT = "deficit", "Weakness and other deficits"
        SENSATION = "sensation", "Sensation and pain"
        SIGN = "sign", "Signs"
        EXPOSURE = "exposure", "Context and exposures"

    slug = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=200)
    question = models.CharField(max_length=300)
    synonyms = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            'Other words for the finding, lay and clinical (["droop", "Bell palsy"]): the '
            "checklist's filter and the reference search match them."
        ),
    )
    how_to_elicit = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    order = models.PositiveSmallIntegerField(default=0)
    unlinked_frequency = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.001), MaxValueValidator(0.9)],
        help_text=(
            "How often this finding is present in a condition with no evidence link to it "
            "(blank: the default, 0.02). Set it for findings common whatever the diagnosis: "
            "an exposure, an onset pattern, a side. See docs/ranking.md."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.label


class Condition(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    synonyms = models.JSONField(default=list, blank=True)
    icd10cm = models.CharField("ICD-10-CM", max_length=16, blank=True)
    icd10cm_display = models.CharField("ICD-10-CM display", max_length=300, blank=True)
    icd10cm_additional = models.JSONField(
        "further ICD-10-CM codes",
        default=list,
        blank=True,
        help_text='Codes that apply beside the main one, in order: [{"code": "G45.9", '
        '"display": "Transient cerebral ischemic attack, unspecified"}].',
    )
    code_fit_note = models.TextField(
        blank=True,
        help_text="How well the codes fit the topic, shown beside them: say so when no "
        "code fits well, or when a code applies only at one stage.",
    )
    snomed_ct = models.CharField("SNOMED CT", max_length=20, blank=True)
    snomed_ct_display = models.CharField("SNOMED CT display", max_length=300, blank=True)
    urgency = models.CharField(max_length=12, choices=Urgency.choices)
    must_not_miss = models.BooleanField(default=False)
    ranked = models.BooleanField(
        default=True,
        help_text="Off for a topic that only carries red flags (e.g. an airway emergency of "
        "any cause): it raises its flags but takes no place in the ranking.",
    )
    prior = models.FloatField(help_text="Per 1,000 people presenting with lip twitching.")
    prior_basis = models.TextField()
    age_lr_infant = models.FloatField("age ratio, under 1 year", default=1.0)
    age_lr_child = models.FloatField("age ratio, 1 to 17 years", default=1.0)
    age_lr_adult = models.FloatField("age ratio, 18 to 59 years", default=1.0)
    age_lr_older = models.FloatField("age ratio, 60 years and over", default=1.0)
    age_basis = models.TextField(blank=True)
    unlinked_frequency = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.001), MaxValueValidator(0.9)],
        help_text=(
            "How often this condition shows a finding nobody linked to it (blank: the "
            "default, 0.02); raise it for conditions that produce many findings. The larger "
            "of this and the finding's own value applies. See docs/ranking.md."
        ),
    )
    summary = models.TextField()
    features = models.JSONField(default=list)
    management = models.TextField()
    patient_text = models.TextField()
    patient = models.JSONField(
        "patient handout content",
        default=dict,
        blank=True,
        help_text="The handout's sections as short sentences (what it is, the usual course, "
        "tests, graded treatments, steps for today, when to come back, danger signs); the "
        "format and its budget are in fixtures/reference/README.md.",
    )
    translations = models.JSONField(
        default=dict, blank=True, help_text='{"es": {"name": ..., "patient_text": ...}}'
    )
    grade = models.CharField(max_length=1, choices=Grade.choices)
    grade_note = models.TextField(blank=True)
    last_reviewed = models.DateField(help_text="When a clinician last reviewed this topic.")
    review_due = models.DateField(
        help_text="When the topic is next due for review (three years after the last review "
        "unless the fixtures say otherwise)."
    )
    sources = models.ManyToManyField(Source, related_name="conditions")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(prior__gt=0), name="condition_prior_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(age_lr_infant__gt=0)
                & models.Q(age_lr_child__gt=0)
                & models.Q(age_lr_adult__gt=0)
                & models.Q(age_lr_older__gt=0),
                name="condition_age_ratios_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        return self.review_due < (today or datetime.date.today())


class EvidenceLink(models.Model):
    """How one finding, present or absent, changes the odds of one condition."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="evidence")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="evidence")
    lr_present = models.FloatField("likelihood ratio when present")
    lr_absent = models.FloatField("likelihood ratio when absent")
    grade = models.CharField(max_length=1, choices=Grade.choices)
    is_estimate = models.BooleanField(
        "expert estimate", default=True, help_text="No study gives these numbers."
    )
    basis = models.TextField()
    sources = models.ManyToManyField(Source, related_name="evidence_links")
    history = HistoricalRecords()

    class Meta:
        ordering = ["condition__name", "finding__order"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "finding"], name="evidence_unique"),
            models.CheckConstraint(
                condition=models.Q(lr_present__gt=0) & models.Q(lr_absent__gt=0),
                name="evidence_ratios_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition.slug} x {self.finding.slug}"

    @property
    def frequency(self) -> float:
        """How often the ranking takes the finding to occur in the condition (docs/ranking.md)."""
        from reference.differential.frequencies import link_frequency

        return link_frequency(self.lr_present, self.lr_absent)


class RedFlagRule(models.Model):
    """A combination of findings (and age) that raises a safety prompt, apart from ranking."""

    slug = models.SlugField(max_length=80, unique=True)
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="red_flags")
    family = models.SlugField(
        max_length=80,
        blank=True,
        help_text="Rules of one family raise one flag, at the most urgent level that matches; "
        "a rule never removes another family's flag. Blank: the rule is its own family.",
    )
    requires_all = models.ManyToManyField(Finding, related_name="red_flags_all", blank=True)
    requires_any = models.ManyToManyField(Finding, related_name="red_flags_any", blank=True)
    requires_absent = models.ManyToManyField(
        Finding, related_name="red_flags_absent", blank=True, help_text="Marked absent."
    )
    requires_not_present = models.ManyToManyField(
        Finding,
        related_name="red_flags_not_present",
        blank=True,
        help_text="Not marked present: absent or not assessed (e.g. onset not gradual).",
    )
    requires_unassessed = models.ManyToManyField(
        Finding,
        related_name="red_flags_unassessed",
        blank=True,
        help_text="Not assessed at all (neither present nor absent).",
    )
    age_min = models.FloatField(null=True, blank=True)
    age_max = models.FloatField(null=True, blank=True)
    age_unknown_fires = models.BooleanField(default=False)
    urgency = models.CharField(max_length=12, choices=Urgency.choices)
    message = models.TextField()
    action = models.TextField()
    basis = models.TextField()
    grade = models.CharField(max_length=1, choices=Grade.choices)
    sources = models.ManyToManyField(Source, related_name="red_flags")
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class WorkupItem(models.Model):
    class Kind(models.TextChoices):
        IMAGING = "imaging", "Imaging"
        LAB = "lab", "Laboratory test"
        TEST = "test", "Test"
        ASSESSMENT = "assessment", "Assessment"
        REFERRAL = "referral", "Referral or pathway"

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    loinc = models.CharField("LOINC", max_length=16, blank=True)
    loinc_display = models.CharField("LOINC display", max_length=300, blank=True)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkupRecommendation(models.Model):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="workup")
    item = models.ForeignKey(WorkupItem, on_delete=models.PROTECT, related_name="recommendations")
    need = models.CharField(
        max_length=120,
        blank=True,
        help_text="The need the test serves, shared across conditions (e.g. 'Exclude stroke'); "
        "workup is grouped by it. Blank: the item's own name.",
    )
    priority = models.CharField(max_length=16, choices=Priority.choices)
    rationale = models.TextField()
    overrides = models.JSONField(
        default=list,
        blank=True,
        help_text='When the findings or age call for another priority: [{"when": {"all": [], '
        '"any": [], "age_min": null, "age_max": null, "age_unknown": false}, "priority": ..., '
        '"rationale": ...}]; the most urgent matching one applies.',
    )
    applies_when = models.JSONField(
        null=True,
        blank=True,
        help_text="Only when the findings or age match (same shape as an override's "
        '"when"); null: always.',
    )
    grade = models.CharField(max_length=1, choices=Grade.choices)
    sources = models.ManyToManyField(Source, related_name="workup_recommendations")
    history = HistoricalRecords()

    class Meta:
        ordering = ["condition__name", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["condition", "item"], name="workup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.condition.slug}: {self.item.code} ({self.priority})"


class Belief(models.Model):
    """A common belief about lip twitching, with an honest verdict."""

    class Kind(models.TextChoices):
        CAUSE = "cause", "Cause"
        TEST = "test", "Test"
        TREATMENT = "treatment", "Treatment"
        FOLKLORE = "folklore", "Folklore"

    class Verdict(models.TextChoices):
        SUPPORTED = "supported", "Supported"
        PARTLY = "partly-supported", "Partly supported"
        NOT_SUPPORTED = "not-supported", "Not supported"
        HARMFUL = "potentially-harmful", "Potentially harmful"

    slug = models.SlugField(max_length=80, unique=True)
    claim = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    explanation = models.TextField()
    patient_text = models.TextField()
    translations = models.JSONField(
        default=dict, blank=True, help_text='{"es": {"claim": ..., "patient_text": ...}}'
    )
    grade = models.CharField(max_length=1, choices=Grade.choices)
    conditions = models.ManyToManyField(
        Condition,
        related_name="beliefs",
        blank=True,
        help_text="The conditions whose handout answers this belief (the patient is likely to "
        "meet it with that diagnosis).",
    )
    order = models.PositiveSmallIntegerField(default=0)
    sources = models.ManyToManyField(Source, related_name="beliefs")
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.claim


class ValidationResult(models.Model):
    """The vignette suite's result for one content fingerprint and engine version.

    Written by `manage.py validate_reference` (run by `load_reference`) and by the
    validation page when nothing is stored for the content in use; never typed by hand.
    Keyed on (fingerprint, engine version): another content or engine is another row, so
    no page shows figures of content or an engine that is not in use (reference.validation).
    """

    fingerprint = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    suite_fingerprint = models.CharField(
        max_length=64, help_text="Hash of the case files (fixtures/validation) it was run on."
    )
    created_at = models.DateTimeField(auto_now=True, help_text="When it was computed.")
    report = models.JSONField()
    passed = models.BooleanField()
    cases = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint", "engine_version"], name="validation_result_key"
            ),
            models.CheckConstraint(
                condition=models.Q(failed__lte=models.F("cases")),
                name="validation_failed_within_cases",
            ),
            models.CheckConstraint(
                condition=models.Q(passed=True, failed=0) | models.Q(passed=False, failed__gt=0),
                name="validation_passed_means_no_failure",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"validation of {self.fingerprint} (engine {self.engine_version}): "
            f"{self.cases - self.failed}/{self.cases} passed"
        )
