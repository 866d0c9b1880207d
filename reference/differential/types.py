"""The engine's vocabulary: its input, its result and the constants it works with."""

from dataclasses import dataclass
from typing import NamedTuple

GRADE_ORDER = {"A": 0, "B": 1, "C": 2}
AGE_BANDS = ("infant", "child", "adult", "older")
# The frequency model (docs/ranking.md). All three numbers are expert estimates.
# A finding with no evidence link to a condition: one the condition does not produce.
UNLINKED_FREQUENCY = 0.02
# The rate a finding is taken to have across the other conditions, for a link whose
# other ratio is 1 (only one side was estimated).
OTHERS_RATE = 0.1
# No single finding makes a condition impossible or certain.
FREQUENCY_MIN = 0.001
FREQUENCY_MAX = 0.98
# A present finding with no link, and a frequency at most this, is one the condition does
# not explain (shown in "why this place"); above it, the finding is common whatever the
# diagnosis (an onset pattern, a side), so leaving it unlinked explains nothing away.
UNEXPLAINED_AT_MOST = 0.05
NEXT_QUESTIONS = 8
# A condition contributes workup (and examination) when its probability is at least
# this, when one of its red flags fired, or when it is the chosen working diagnosis.
WORKUP_MIN_PROBABILITY = 0.05
# What is done at this visit rather than ordered: items of this kind go to `examination`.
EXAMINATION_KIND = "assessment"


class AssessmentError(ValueError):
    """Input that cannot be assessed; `errors` maps each field to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Assessment:
    present: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    age_years: float | None = None


class Contribution(NamedTuple):
    """A linked finding's part in a condition's place (docs/ranking.md, rule 4).

    Named tuples, not dataclasses: a result holds hundreds of these, and they are built
    several times faster."""

    finding: str
    label: str
    state: str  # "present" or "absent"
    likelihood_ratio: float  # the link's own ratio: LR+ when present, LR- when absent
    is_estimate: bool
    grade: str
    effect_ratio: float  # its effect on this condition against the others
    sources: tuple[str, ...] = ()  # the evidence link's source keys


class Unexplained(NamedTuple):
    """A present finding with no evidence link to the condition (docs/ranking.md, rule 5)."""

    finding: str
    label: str
    frequency: float  # the unlinked frequency used
    effect_ratio: float


@dataclass(frozen=True)
class RankedCondition:
    condition: str
    name: str
    probability: float
    urgency: str
    must_not_miss: bool
    evidence_grade: str
    age_likelihood_ratio: float
    supporting: tuple[Contribution, ...]
    opposing: tuple[Contribution, ...]
    unexplained: tuple[Unexplained, ...] = ()


@dataclass(frozen=True)
class RedFlag:
    rule: str
    condition: str
    condition_name: str
    urgency: str
    message: str
    action: str
    basis: str
    evidence_grade: str
    sources: tuple[str, ...]
    triggered_by: tuple[str, ...]


@dataclass(frozen=True)
class WorkupLine:
    code: str
    name: str
    kind: str
    loinc: str
    priority: str
    rationale: str
    for_conditions: tuple[str, ...]
    evidence_grade: str
    sources: tuple[str, ...]
    # The need the line serves ("Exclude stroke"), shared across conditions.
    need: str = ""


@dataclass(frozen=True)
class WorkupGroup:
    """One need with its lines (codes), at the most urgent priority among them."""

    need: str
    priority: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class NextQuestion:
    finding: str
    label: str
    question: str
    how_to_elicit: str
    category: str
    expected_information_bits: float


@dataclass(frozen=True)
class Differential:
    reference_version: str
    reference_revision: int
    reference_fingerprint: str
    assessment: Assessment
    differential: tuple[RankedCondition, ...]
    red_flags: tuple[RedFlag, ...]
    workup: tuple[WorkupLine, ...]
    next_questions: tuple[NextQuestion, ...]
    # What to examine or ask at this visit (items of kind "assessment"), same line shape.
    examination: tuple[WorkupLine, ...] = ()
    # `workup` by need, most urgent need first.
    workup_groups: tuple[WorkupGroup, ...] = ()
    working_diagnosis: str | None = None

    @property
    def workup_by_need(self) -> tuple[tuple[WorkupGroup, tuple[WorkupLine, ...]], ...]:
        """(group, its lines) for each need, most urgent need first (for the pages)."""
        lines = {w.code: w for w in self.workup}
        return tuple((g, tuple(lines[c] for c in g.codes)) for g in self.workup_groups)

    @property
    def flagged_conditions(self) -> tuple[tuple[str, str], ...]:
        """(condition name, most urgent level) once per flagged condition, most urgent first."""
        seen: dict[str, str] = {}
        for flag in self.red_flags:  # already sorted most urgent first
            seen.setdefault(flag.condition_name, flag.urgency)
        return tuple(seen.items())
