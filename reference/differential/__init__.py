"""The differential engine: ranking, red flags, next questions and workup.

Plain Python over an immutable `Snapshot`; no database access. Ranking is a transparent
Bayesian model: prior x age ratio x the likelihood ratio of every finding marked present
or absent, normalised over the conditions into relative probabilities that sum to 1.
Red flags are rules evaluated on the findings alone, so no ranking can hide them.
"""

from reference.differential.assessment import SLUG_SHAPE, assessment_from_form, assessment_parse
from reference.differential.compute import differential_compute
from reference.differential.red_flags import red_flags_evaluate
from reference.differential.stored import differential_as_dict, stored_differential_read
from reference.differential.types import (
    AGE_BANDS,
    GRADE_ORDER,
    NEXT_QUESTIONS,
    Assessment,
    AssessmentError,
    Contribution,
    Differential,
    NextQuestion,
    RankedCondition,
    RedFlag,
    WorkupGroup,
    WorkupLine,
)

__all__ = [
    "AGE_BANDS",
    "GRADE_ORDER",
    "NEXT_QUESTIONS",
    "SLUG_SHAPE",
    "Assessment",
    "AssessmentError",
    "Contribution",
    "Differential",
    "NextQuestion",
    "RankedCondition",
    "RedFlag",
    "WorkupGroup",
    "WorkupLine",
    "assessment_from_form",
    "assessment_parse",
    "differential_as_dict",
    "differential_compute",
    "red_flags_evaluate",
    "stored_differential_read",
]
