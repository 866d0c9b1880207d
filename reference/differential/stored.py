"""The one stored form of a result: the dict the API returns, a note keeps and the PDF reads.

Built directly, not through DRF serializers (they cost more than the ranking itself).
`reference.api.differential.DifferentialOutputSerializer` documents this shape in the
OpenAPI schema, and a test keeps the two identical.
"""

from typing import Any

from reference.differential.types import (
    EXAMINATION_KIND,
    Contribution,
    Differential,
    Unexplained,
    WorkupLine,
)


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "finding": c.finding,
        "label": c.label,
        "state": c.state,
        "likelihood_ratio": c.likelihood_ratio,
        "is_estimate": c.is_estimate,
        "grade": c.grade,
        "effect_ratio": c.effect_ratio,
        "sources": list(c.sources),
    }


# finding, label, frequency, effect_ratio: the field names are the stored keys. Built with
# zip, in C: a result can hold a hundred or more of these.
_UNEXPLAINED_KEYS = Unexplained._fields


def _workup_line(w: WorkupLine) -> dict[str, Any]:
    return {
        "code": w.code,
        "name": w.name,
        "kind": w.kind,
        "loinc": w.loinc,
        "priority": w.priority,
        "rationale": w.rationale,
        "for_conditions": list(w.for_conditions),
        "evidence_grade": w.evidence_grade,
        "sources": list(w.sources),
        "need": w.need,
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
                "unexplained": [
                    dict(zip(_UNEXPLAINED_KEYS, u, strict=True)) for u in r.unexplained
                ],
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
        "working_diagnosis": result.working_diagnosis,
        "workup": [_workup_line(w) for w in result.workup],
        "workup_groups": [
            {"need": g.need, "priority": g.priority, "codes": list(g.codes)}
            for g in result.workup_groups
        ],
        "examination": [_workup_line(w) for w in result.examination],
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


def stored_differential_read(data: dict[str, Any]) -> dict[str, Any]:
    """A stored result in today's shape, whatever release of the engine stored it.

    Results stored before engine version 2 have no `examination`, `workup_groups` or
    `need`: their assessment items (kind "assessment") are moved from `workup` to
    `examination`, each line's need is its own name, and the groups are rebuilt in the
    order the lines were stored. The stored dict itself is never changed.
    """
    if "examination" in data and "workup_groups" in data:
        return data
    lines = [{**w, "need": w.get("need") or w["name"]} for w in data.get("workup", [])]
    workup = [w for w in lines if w.get("kind") != EXAMINATION_KIND]
    groups: dict[str, list[dict[str, Any]]] = {}
    for w in workup:
        groups.setdefault(w["need"], []).append(w)
    return {
        **data,
        "working_diagnosis": data.get("working_diagnosis"),
        "workup": workup,
        "workup_groups": [
            {"need": need, "priority": ws[0]["priority"], "codes": [w["code"] for w in ws]}
            for need, ws in groups.items()
        ],
        "examination": data.get("examination")
        or [w for w in lines if w.get("kind") == EXAMINATION_KIND],
    }
