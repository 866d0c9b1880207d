"""Recording disagreements: from a result a clinician was shown, and from CDS overrides."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from disagreements.models import COMMENT_MAX, Disagreement
from interop.models import CardFeedback
from notes.models import Note
from notes.validators import PlainTextValidator
from reference.differential import assessment_from_form, differential_compute
from reference.errors import DomainError
from reference.snapshot import Snapshot, snapshot_get

Reason = Disagreement.Reason
Kind = Disagreement.Kind

# What a clinician may say about each kind of entry they point at.
RANKING_REASONS = (Reason.TOO_HIGH, Reason.TOO_LOW, Reason.MISSING)
RED_FLAG_REASONS = (Reason.SHOULD_NOT_FIRE, Reason.WORDING)
CLINICIAN_REASONS = RANKING_REASONS + RED_FLAG_REASONS

# CDS Hooks override reasons (interop.cds.OVERRIDE_REASONS) by the kind of card overridden.
# "Indicated on clinical grounds" says the content is wrong: against a red flag it should
# not have fired, against the leading condition it is ranked too high, against a test the
# reference advises against, that test is ranked too low. The other two codes are about
# the record or the patient, kept as such so curators can tell them apart.
CDS_KINDS = {"red-flag": Kind.RED_FLAG, "differential": Kind.RANKING, "order": Kind.WORKUP}
CDS_JUDGEMENT = {
    Kind.RED_FLAG: Reason.SHOULD_NOT_FIRE,
    Kind.RANKING: Reason.TOO_HIGH,
    Kind.WORKUP: Reason.TOO_LOW,
}
CDS_REASONS = {
    "findings-incomplete": Reason.FINDINGS_INCOMPLETE,
    "patient-preference": Reason.PATIENT_PREFERENCE,
}


class DisagreementInputError(DomainError):
    """A disagreement that cannot be recorded; `errors` names each problem by field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(" ".join(v) for v in errors.values()), field=next(iter(errors)))


@dataclass(frozen=True)
class Shown:
    """The result a clinician was looking at: what they can point at, and its content."""

    present: tuple[str, ...]
    absent: tuple[str, ...]
    age_years: float | None
    release: str
    revision: int
    fingerprint: str
    ranked: tuple[str, ...]  # condition slugs in the differential
    flags: Mapping[str, str]  # red-flag rule -> its condition
    result: Any  # as the page renders it: a Differential, or a note's stored result
    back_url: str  # the same page again
    note: Note | None = None


def shown_from_checklist(*, data: Mapping[str, str], snapshot: Snapshot | None = None) -> Shown:
    """The checklist result for the posted findings, on the content in use."""
    snapshot = snapshot or snapshot_get()
    assessment, errors = assessment_from_form(data=data, snapshot=snapshot)
    if errors:
        raise DisagreementInputError(errors)
    result = differential_compute(snapshot=snapshot, assessment=assessment)
    query = [(s, "present") for s in sorted(assessment.present)]
    query += [(s, "absent") for s in sorted(assessment.absent)]
    if assessment.age_years is not None:
        query.append(("age", _age_text(assessment.age_years)))
    return Shown(
        present=tuple(sorted(assessment.present)),
        absent=tuple(sorted(assessment.absent)),
        age_years=assessment.age_years,
        release=result.reference_version,
        revision=result.reference_revision,
        fingerprint=result.reference_fingerprint,
        ranked=tuple(r.condition for r in result.differential),
        flags={f.rule: f.condition for f in result.red_flags},
        result=result,
        back_url=f"{reverse('reference:differential')}?{urlencode(query)}",
    )


def _age_text(age: float) -> str:
    """`70` rather than `70.0`, but every digit of `0.0833...` (the age band depends on it)."""
    short = f"{age:g}"
    return short if float(short) == age else repr(age)


def shown_from_note(*, note: Note) -> Shown:
    """A note's frozen result, with the content it was computed with."""
    result = note.result
    return Shown(
        present=tuple(note.present),
        absent=tuple(note.absent),
        age_years=note.age_years,
        release=note.reference_version,
        revision=note.reference_revision,
        fingerprint=note.reference_fingerprint,
        ranked=tuple(r["condition"] for r in result.get("differential", [])),
        flags={f["rule"]: f["condition"] for f in result.get("red_flags", [])},
        result=result,
        back_url=reverse("notes:detail", kwargs={"pk": note.pk}),
        note=note,
    )


def _target_read(*, shown: Shown, target: str, reason: str) -> dict[str, str]:
    """Kind, condition and rule for what was pointed at, or DisagreementInputError."""
    prefix, _, slug = target.partition(":")
    if prefix == "flag" and slug in shown.flags:
        if reason not in RED_FLAG_REASONS:
            raise DisagreementInputError(
                {"reason": ["For a red flag, choose: should not have fired, or wrong wording."]}
            )
        return {"kind": Kind.RED_FLAG, "condition": shown.flags[slug], "rule": slug}
    if prefix == "rank" and slug in shown.ranked:
        if reason not in RANKING_REASONS:
            raise DisagreementInputError(
                {"reason": ["For a condition, choose: too high, too low, or a missing red flag."]}
            )
        kind = Kind.RED_FLAG if reason == Reason.MISSING else Kind.RANKING
        return {"kind": kind, "condition": slug, "rule": ""}
    raise DisagreementInputError(
        {"target": ["Choose a red flag or a condition from this result."]}
    )


def disagreement_record(
    *,
    user: Any,
    shown: Shown,
    target: str,
    reason: str,
    comment: str = "",
    fingerprint: str | None = None,
) -> Disagreement:
    """Record a clinician's disagreement with one entry of the result they were shown."""
    if fingerprint is not None and fingerprint != shown.fingerprint:
        raise DisagreementInputError(
            {
                "fingerprint": [
                    "The reference content changed after this result was shown. "
                    "Check the updated result below and send again."
                ]
            }
        )
    disagreement = Disagreement(
        source=Disagreement.Source.CLINICIAN,
        user=user,
        present=list(shown.present),
        absent=list(shown.absent),
        age_years=shown.age_years,
        reference_version=shown.release,
        reference_revision=shown.revision,
        reference_fingerprint=shown.fingerprint,
        note=shown.note,
        reason=reason,
        comment=comment,
        **_target_read(shown=shown, target=target, reason=reason),
    )
    try:
        disagreement.full_clean()
    except ValidationError as exc:
        raise DisagreementInputError(exc.message_dict) from None
    disagreement.save()
    return disagreement


def _comment_clean(text: str) -> str:
    """A client's comment as plain bounded text (its full text stays in CardFeedback)."""
    validator = PlainTextValidator()
    kept = "".join(c for c in text if _plain(validator, c))
    return kept[:COMMENT_MAX]


def _plain(validator: PlainTextValidator, char: str) -> bool:
    try:
        validator(char)
    except ValidationError:
        return False
    return True


def disagreements_from_feedback(*, feedback: Iterable[CardFeedback]) -> list[Disagreement]:
    """A disagreement for each `overridden` outcome on a card this service issued."""
    snapshot = snapshot_get()
    made = []
    for item in feedback:
        card = item.issued
        if item.outcome != CardFeedback.Outcome.OVERRIDDEN or card is None:
            continue
        kind = CDS_KINDS.get(card.kind, Kind.RANKING)
        reason = CDS_REASONS.get(item.reason_code) or (
            CDS_JUDGEMENT[kind] if item.reason_code in ("", "clinical-judgement") else Reason.OTHER
        )
        made.append(
            Disagreement(
                source=Disagreement.Source.CDS,
                client_issuer=item.issuer,
                kind=kind,
                condition=card.condition,
                rule=card.rule,
                item=card.item,
                reference_version=card.reference_version,
                # The card keeps no revision; the fingerprint tells when it is today's.
                reference_revision=(
                    snapshot.revision
                    if card.reference_fingerprint == snapshot.fingerprint
                    else None
                ),
                reference_fingerprint=card.reference_fingerprint,
                card_feedback=item,
                reason=reason,
                reason_code=item.reason_code,
                comment=_comment_clean(item.user_comment),
            )
        )
    return Disagreement.objects.bulk_create(made)


@transaction.atomic
def disagreements_review(
    *, queryset: QuerySet[Disagreement], user: Any, reviewed: bool = True
) -> int:
    """Mark disagreements reviewed (by whom, when) or back to open; returns how many."""
    if reviewed:
        return queryset.filter(reviewed=False).update(
            reviewed=True, reviewed_by=user, reviewed_at=timezone.now()
        )
    return queryset.filter(reviewed=True).update(
        reviewed=False, reviewed_by=None, reviewed_at=None
    )
