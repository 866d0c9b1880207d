"""One call for the whole result: ranking, red flags, next questions and workup."""

from reference.differential.questions import next_questions_choose
from reference.differential.ranking import (
    _age_band,
    ranking_contributions,
    ranking_probabilities,
)
from reference.differential.red_flags import red_flags_evaluate
from reference.differential.types import (
    NEXT_QUESTIONS,
    Assessment,
    AssessmentError,
    Differential,
    RankedCondition,
)
from reference.differential.workup import workup_assemble
from reference.models import URGENCY_ORDER
from reference.snapshot import Snapshot


def differential_compute(
    *,
    snapshot: Snapshot,
    assessment: Assessment,
    next_limit: int = NEXT_QUESTIONS,
    working_diagnosis: str | None = None,
) -> Differential:
    """Rank every condition, raise red flags, choose next questions and assemble workup.

    `working_diagnosis` (a condition's slug, optional) always contributes its
    workup and examination, whatever its probability; an unknown slug is an
    `AssessmentError` naming `working_diagnosis`.
    """
    if working_diagnosis and working_diagnosis not in snapshot.condition_names:
        raise AssessmentError(
            {"working_diagnosis": [f"Unknown condition slug: {working_diagnosis}."]}
        )
    probabilities = ranking_probabilities(snapshot, assessment)
    band = None if assessment.age_years is None else _age_band(assessment.age_years)
    ranked_list = []
    contributions = ranking_contributions(snapshot, assessment, probabilities)
    for c, p in zip(snapshot.conditions, probabilities.tolist(), strict=True):
        supporting, opposing, unexplained = contributions[c.slug]
        ranked_list.append(
            RankedCondition(
                condition=c.slug,
                name=c.name,
                probability=p,
                urgency=c.urgency,
                must_not_miss=c.must_not_miss,
                evidence_grade=c.grade,
                age_likelihood_ratio=1.0 if band is None else c.age_ratios[band],
                supporting=supporting,
                opposing=opposing,
                unexplained=unexplained,
            )
        )
    ranked_list.sort(key=lambda r: (-r.probability, URGENCY_ORDER[r.urgency], r.condition))
    ranked = tuple(ranked_list)
    flags = red_flags_evaluate(snapshot=snapshot, assessment=assessment)
    work = workup_assemble(
        snapshot=snapshot,
        assessment=assessment,
        ranked=ranked,
        red_flags=flags,
        working_diagnosis=working_diagnosis or None,
    )
    return Differential(
        reference_version=snapshot.version,
        reference_revision=snapshot.revision,
        reference_fingerprint=snapshot.fingerprint,
        assessment=assessment,
        differential=ranked,
        red_flags=flags,
        workup=work.workup,
        next_questions=next_questions_choose(
            snapshot=snapshot, assessment=assessment, probabilities=probabilities, limit=next_limit
        ),
        examination=work.examination,
        workup_groups=work.workup_groups,
        working_diagnosis=working_diagnosis or None,
    )
