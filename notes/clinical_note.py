"""The clinical note a clinician pastes into a record, and the plan it records.

The short note (the default) is a SOAP-style summary; the long note keeps every basis,
ratio and rationale. Both are rendered from templates out of `note_context`.
"""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from notes.models import Note
from reference.differential import stored_differential_read
from reference.differential.types import EXAMINATION_KIND
from reference.revisions import revision_label
from reference.snapshot import snapshot_get

NOT_RECOMMENDED = "not-recommended"
# Alternatives the short note names beside the working diagnosis.
ALTERNATIVES = 3


class PlanError(ValueError):
    """A plan that is not a list of the note's own suggested codes; says which item."""


@dataclass(frozen=True, slots=True)
class Supersession:
    """The final amendment that replaces a final note, and when it was finalized."""

    note: Note
    at: Any  # an aware datetime


def plan_lines(*, result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every line a plan may tick, by code: the stored examination, then the workup."""
    stored = stored_differential_read(result)
    return {w["code"]: w for w in [*stored["examination"], *stored["workup"]]}


def plan_default(*, result: dict[str, Any], working_diagnosis: str) -> list[str]:
    """The suggested plan: lines for the working diagnosis or a flagged condition.

    Lines the reference advises against are never suggested as a plan (the short note
    names them separately).
    """
    wanted = {working_diagnosis} | {f["condition"] for f in result.get("red_flags", [])}
    return [
        code
        for code, w in plan_lines(result=result).items()
        if w["priority"] != NOT_RECOMMENDED and wanted & set(w.get("for_conditions", []))
    ]


def plan_validate(*, value: Any, result: dict[str, Any]) -> list[str] | None:
    """A plan as sent: null (back to the suggestions) or a list of the note's codes.

    Errors never quote what was sent: an item is named by its position.
    """
    if value is None:
        return None
    if not isinstance(value, list):
        raise PlanError("Must be a list of workup or examination codes, or null.")
    known = plan_lines(result=result)
    seen: set[str] = set()
    for index, code in enumerate(value):
        if not isinstance(code, str) or code not in known:
            raise PlanError(
                f"Item {index} is not a test, referral or examination suggested in this note."
            )
        if code in seen:
            raise PlanError(f"Item {index} is listed twice.")
        seen.add(code)
    # Stored in the note's own order, so the text reads the same however it was ticked.
    return [code for code in known if code in seen]


def plan_refit(*, plan: list[str] | None, result: dict[str, Any]) -> list[str] | None:
    """A chosen plan after the findings changed: the ticks the new result still offers."""
    if plan is None:
        return None
    known = plan_lines(result=result)
    return [code for code in plan if code in known]


def note_superseded_by(*, note: Note) -> Supersession | None:
    """The latest final amendment of a final note, or None while it is the record.

    A draft amendment does not supersede: it may never be finished, and the final note
    stays the record until its amendment is final.
    """
    if not note.is_final:
        return None
    latest = (
        note.amendments.filter(status=Note.Status.FINAL).order_by("-finalized_at", "-id").first()
    )
    return Supersession(note=latest, at=latest.finalized_at) if latest else None


def note_context(*, note: Note) -> dict[str, Any]:
    """What the clinical note templates (text and HTML) show."""
    snapshot = snapshot_get()

    def labels(slugs: list[str]) -> list[str]:
        # In checklist order, as a clinician reads the history; unknown (retired) slugs last.
        known = [snapshot.findings[s] for s in slugs if s in snapshot.findings]
        return [f.label for f in sorted(known, key=lambda f: f.order)] + [
            s for s in slugs if s not in snapshot.findings
        ]

    result = stored_differential_read(note.result)
    differential = result["differential"]
    lines = {w["code"]: w for w in result["workup"]}
    offered = plan_lines(result=note.result)
    chosen = note.plan is not None
    codes = (
        note.plan
        if note.plan is not None
        else plan_default(result=note.result, working_diagnosis=note.working_diagnosis)
    )
    planned = [offered[c] for c in codes if c in offered]
    wanted = {note.working_diagnosis} | {f["condition"] for f in result["red_flags"]}
    owner = note.owner
    return {
        "note": note,
        # The reference has changed since the note was computed: its frozen result stands,
        # but a reader should know that today's content may rank it differently.
        "content_changed": note.reference_fingerprint != snapshot.fingerprint,
        "content_now": revision_label(release=snapshot.version, number=snapshot.revision),
        "clinician": owner.get_full_name() or owner.get_username(),
        "zone": timezone.get_current_timezone_name(),
        "superseded": note_superseded_by(note=note),
        "positives": labels(note.present),
        "negatives": labels(note.absent),
        "leaders": differential[:5],
        "working": next(
            (r for r in differential if r["condition"] == note.working_diagnosis), None
        ),
        "alternatives": [r for r in differential if r["condition"] != note.working_diagnosis][
            :ALTERNATIVES
        ],
        "red_flags": result["red_flags"],
        "flag_triggers": [labels(list(f.get("triggered_by", []))) for f in result["red_flags"]],
        # By need, most urgent need first: (need, its lines).
        "workup": [
            (g["need"], [lines[c] for c in g["codes"] if c in lines])
            for g in result["workup_groups"]
        ],
        "examination": result["examination"],
        "plan_chosen": chosen,
        "plan_codes": codes,
        "plan_offered": list(offered.values()),
        "plan_examination": [w for w in planned if w["kind"] == EXAMINATION_KIND],
        "plan_tests": [w for w in planned if w["kind"] != EXAMINATION_KIND],
        # What the reference advises against for this picture, unless the clinician ticked it.
        "advised_against": [
            w
            for w in offered.values()
            if w["priority"] == NOT_RECOMMENDED
            and w["code"] not in codes
            and wanted & set(w.get("for_conditions", []))
        ],
    }


def note_text(*, note: Note, long: bool = False) -> str:
    """The clinical note as plain text for pasting into a record (never marked safe).

    Short by default; `long` keeps every basis, ratio and rationale.
    """
    template = "notes/clinical_note_long.txt" if long else "notes/clinical_note.txt"
    text = render_to_string(template, note_context(note=note))
    # The text template has autoescaping off because it is plain text, and the string it
    # returns is marked safe. Drop the mark (a slice is a plain str), so that any HTML
    # page showing the note escapes it.
    return text[:]
