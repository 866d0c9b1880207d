"""The one stored form of a result: the dict the API returns, a note keeps and the PDF reads.

Built directly, not through DRF serializers (they cost more than the ranking itself).
`reference.api.differential.DifferentialOutputSerializer` documents this shape in the
OpenAPI schema, and a test keeps the two identical.
"""

from typing import Any

from reference.differential.types import Contribution, Differential, Unexplained


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "finding": c.finding,
        "label": c.label,
        "state": c.state,
        "likelihood_ratio": c.likelihood_ratio,
        "is_estimate": c.is_estimate,
        "grade": c.grade,
        "effect_ratio": c.effect_ratio,
    }


def _unexplained(u: Unexplained) -> dict[str, Any]:
    return {
        "finding": u.finding,
        "label": u.label,
        "frequency": u.frequency,
        "effect_ratio": u.effect_ratio,
    }


def differential_as_dict(result: Differential) -> dict[str, Any]:
    """A result as plain JSON-ready data: the API body and what a note stores."""
    return {
        "reference_version": result.reference_version,
        "reference_revision": result.reference_revision,
        "reference_fingerprint": result.reference_fingerprint,
        "differential": [
            {
                "condition": r.condition,
                "name": r.name,
                "probability": r.probability,
                "urgency": r.urgency,
                "must_not_miss": r.must_not_miss,
                "evidence_grade": r.evidence_grade,
                "age_likelihood_ratio": r.age_likelihood_ratio,
                "supporting": [_contribution(c) for c in r.supporting],
                "opposing": [_contribution(c) for c in r.opposing],
                "unexplained": [_unexplained(u) for u in r.unexplained],
            }
            for r in result.differential
        ],
        "red_flags": [
            {
                "rule": f.rule,
                "condition": f.condition,
                "condition_name": f.condition_name,
                "urgency": f.urgency,
                "message": f.message,
                "action": f.action,
                "basis": f.basis,
                "evidence_grade": f.evidence_grade,
                "sources": list(f.sources),
                "triggered_by": list(f.triggered_by),
            }
            for f in result.red_flags
        ],
        "workup": [
            {
                "code": w.code,
                "name": w.name,
                "kind": w.kind,
                "loinc": w.loinc,
                "priority": w.priority,
                "rationale": w.rationale,
                "for_conditions": list(w.for_conditions),
                "evidence_grade": w.evidence_grade,
                "sources": list(w.sources),
            }
            for w in result.workup
        ],
        "next_questions": [
            {
                "finding": q.finding,
                "label": q.label,
                "question": q.question,
                "how_to_elicit": q.how_to_elicit,
                "category": q.category,
                "expected_information_bits": q.expected_information_bits,
            }
            for q in result.next_questions
        ],
    }
