"""FHIR R4 (4.0.1) documents for a note, and the findings checklist as a Questionnaire.

Built with the R4B models of `fhir.resources` (DECISIONS.md 4: the resources emitted here
are the same in R4 and R4B) and returned as plain JSON. Every resource in a document
Bundle has a `urn:uuid:` fullUrl, derived from the note and the resource's role so that
the same note gives the same identifiers, and every reference points at one of them.

Codes used (each seen in published FHIR and CDA material, see docs/fhir.md):
- LOINC 11506-3 "Progress note" (the Composition), sections 29545-1 "Physical findings
  Narrative", 51848-0 "Evaluation note" (assessment), 18776-5 "Plan of care note";
  69730-0 "Instructions" (the patient handout).
- SNOMED CT 52101004 "Present" and 2667000 "Absent" (qualifier values): the answer to
  each finding, so present and absent cannot be confused.
"""

import base64
import hashlib
import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.servicerequest import ServiceRequest

from reference.differential.stored import stored_differential_read
from reference.snapshot import Snapshot

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
QUESTIONNAIRE_ID = "lip-twitching-findings"
PRESENT = {"system": SNOMED, "code": "52101004", "display": "Present"}
ABSENT = {"system": SNOMED, "code": "2667000", "display": "Absent"}
XHTML = "http://www.w3.org/1999/xhtml"
# The differential items a document lists as Conditions: the leaders, and any condition a
# red flag was raised for or that is the working diagnosis, wherever it ranks.
CONDITIONS_SHOWN = 5
# The workup's five priorities as ServiceRequest.priority (routine | urgent | asap | stat).
PRIORITY = {"immediate": "stat", "soon": "urgent", "routine": "routine", "consider": "routine"}
_NAMESPACE = uuid.UUID("7d0e8f3c-8f5e-4a59-9c59-3c4e6f1f2a10")


def _json(resource: Resource) -> dict[str, Any]:
    """The resource as FHIR JSON: validated by its model, no nulls, no empty elements."""
    data: dict[str, Any] = resource.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def _div(text: str) -> dict[str, str]:
    """Generated narrative holding `text` (escaped) as preformatted XHTML."""
    return {"status": "generated", "div": f'<div xmlns="{XHTML}"><pre>{escape(text)}</pre></div>'}


def _sha1(data: bytes) -> str:
    """Attachment.hash: the base64 SHA-1 of the data (FHIR R4 defines it as SHA-1; it
    identifies the bytes, it protects nothing)."""
    return base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode("ascii")


def _instant(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def base_url_for(request: Any) -> str:
    """This server's absolute address, ending in '/', for canonical URLs and systems."""
    return str(request.build_absolute_uri("/"))


def questionnaire_url(base_url: str) -> str:
    return f"{base_url}api/v1/fhir/Questionnaire/{QUESTIONNAIRE_ID}"


def finding_system(base_url: str) -> str:
    """The code system of the checklist's findings (their slugs)."""
    return f"{base_url}fhir/CodeSystem/finding"


def patient_label_system(base_url: str) -> str:
    return f"{base_url}fhir/NamingSystem/patient-label"


# The findings checklist as a Questionnaire.
def questionnaire(*, snapshot: Snapshot, base_url: str) -> dict[str, Any]:
    """One group per category in checklist order; each finding a present/absent choice."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in sorted(snapshot.findings.values(), key=lambda f: (f.order, f.slug)):
        groups.setdefault(f.category, []).append(
            {
                "linkId": f.slug,
                "code": [{"system": finding_system(base_url), "code": f.slug, "display": f.label}],
                "text": f.question or f.label,
                "type": "choice",
                "answerOption": [{"valueCoding": PRESENT}, {"valueCoding": ABSENT}],
            }
        )
    items: list[dict[str, Any]] = [
        {
            "linkId": "age-years",
            "text": "Age in years (fractions for infants)",
            "type": "decimal",
        }
    ]
    items += [
        {
            "linkId": f"category-{category}",
            "text": category.capitalize(),
            "type": "group",
            "item": rows,
        }
        for category, rows in groups.items()
    ]
    resource = Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": QUESTIONNAIRE_ID,
            "url": questionnaire_url(base_url),
            "version": snapshot.version
            if not snapshot.revision
            else f"{snapshot.version}+r{snapshot.revision}",
            "name": "LipTwitchingFindings",
            "title": "Lip twitching and perioral movements: findings checklist",
            "status": "active",
            "subjectType": ["Patient"],
            "description": (
                "Each finding is answered Present or Absent; a finding left unanswered was "
                "not assessed. The answers are the input of the differential."
            ),
            "item": items,
        }
    )
    return _json(resource)


def questionnaire_searchset(*, snapshot: Snapshot, base_url: str) -> dict[str, Any]:
    q = questionnaire(snapshot=snapshot, base_url=base_url)
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": 1,
            "link": [{"relation": "self", "url": f"{base_url}api/v1/fhir/Questionnaire"}],
            "entry": [
                {
                    "fullUrl": questionnaire_url(base_url),
                    "resource": q,
                    "search": {"mode": "match"},
                }
            ],
        }
    )
    return _json(bundle)


# A note as a FHIR document.
class _Ids:
    """Stable urn:uuid identifiers for the resources of one note's document."""

    def __init__(self, base_url: str, note: Any) -> None:
        self.stem = f"{base_url}notes/{note.pk}/{note.updated_at.isoformat()}"

    def uuid(self, role: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.stem}/{role}"))

    def urn(self, role: str) -> str:
        return f"urn:uuid:{self.uuid(role)}"


def _codings(row: dict[str, Any]) -> list[dict[str, str]]:
    """SNOMED CT and ICD-10-CM codings of a condition, where the reference has them."""
    out = []
    if row.get("snomed_ct"):
        out.append(
            {"system": SNOMED, "code": row["snomed_ct"], "display": row["snomed_ct_display"]}
        )
    if row.get("icd10cm"):
        out.append({"system": ICD10CM, "code": row["icd10cm"], "display": row["icd10cm_display"]})
    for extra in row.get("icd10cm_additional") or []:
        out.append({"system": ICD10CM, "code": extra["code"], "display": extra["display"]})
    return [{k: v for k, v in c.items() if v} for c in out]


def _condition_codes() -> dict[str, dict[str, Any]]:
    from reference.models import Condition as ConditionRow

    return {
        c.slug: {
            "snomed_ct": c.snomed_ct,
            "snomed_ct_display": c.snomed_ct_display,
            "icd10cm": c.icd10cm,
            "icd10cm_display": c.icd10cm_display,
            "icd10cm_additional": c.icd10cm_additional,
        }
        for c in ConditionRow.objects.all()
    }


def _loinc(codes: set[str]) -> dict[str, tuple[str, str]]:
    from reference.models import WorkupItem

    return {
        w.code: (w.loinc, w.loinc_display)
        for w in WorkupItem.objects.filter(code__in=codes)
        if w.loinc
    }


def _shown(result: dict[str, Any], working: str) -> list[dict[str, Any]]:
    flagged = {f["condition"] for f in result["red_flags"]}
    ranked = result["differential"]
    return [
        r
        for i, r in enumerate(ranked)
        if i < CONDITIONS_SHOWN or r["condition"] in flagged or r["condition"] == working
    ]


def _plan(result: dict[str, Any], working: str, chosen: list[str] | None) -> list[dict[str, Any]]:
    """The tests and referrals of the note's plan: the clinician's selection when there is
    one, otherwise those suggested for the working diagnosis and the flagged conditions."""
    lines = [w for w in result["workup"] if w["priority"] != "not-recommended"]
    if chosen is not None:
        return [w for w in lines if w["code"] in set(chosen)]
    wanted = {working} | {f["condition"] for f in result["red_flags"]}
    return [w for w in lines if wanted & set(w["for_conditions"])]


def note_document(
    *,
    note: Any,
    note_text: str,
    snapshot: Snapshot,
    base_url: str,
    handout_pdf: bytes,
    language: str,
    paper: str,
) -> dict[str, Any]:
    """The note as a FHIR document Bundle (Composition first; every reference resolves)."""
    ids = _Ids(base_url, note)
    result = stored_differential_read(note.result)
    working = note.working_diagnosis
    authored = _instant(note.finalized_at or note.updated_at)
    final = note.status == "final"
    patient_ref = {"reference": ids.urn("patient")}
    author_ref = {"reference": ids.urn("practitioner")}
    owner = note.owner
    entries: list[tuple[str, Resource]] = []

    # Patient: anonymous; the note's patient label is its identifier when there is one.
    label = getattr(note, "patient_label", "") or ""
    patient: dict[str, Any] = {"resourceType": "Patient", "id": ids.uuid("patient")}
    if label:
        patient["identifier"] = [
            {
                "type": {"text": "Patient label"},
                "system": patient_label_system(base_url),
                "value": label,
            }
        ]
    entries.append(("patient", Patient.model_validate(patient)))

    name = owner.get_full_name()
    practitioner: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": ids.uuid("practitioner"),
        "identifier": [
            {"system": f"{base_url}fhir/NamingSystem/user", "value": owner.get_username()}
        ],
    }
    if name:
        practitioner["name"] = [{"text": name}]
    entries.append(("practitioner", Practitioner.model_validate(practitioner)))

    # The findings, present and absent, as answers to the checklist.
    labels = {s: f.label for s, f in snapshot.findings.items()}
    answers: list[dict[str, Any]] = []
    if note.age_years is not None:
        answers.append({"linkId": "age-years", "answer": [{"valueDecimal": note.age_years}]})
    for slugs, coding in (
        (note.present, PRESENT),
        (note.absent, ABSENT),
    ):
        for slug in sorted(slugs):
            answers.append(
                {
                    "linkId": slug,
                    "text": labels.get(slug, slug),
                    "answer": [{"valueCoding": coding}],
                }
            )
    qr: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": ids.uuid("findings"),
        "questionnaire": questionnaire_url(base_url),
        "status": "completed" if final else "in-progress",
        "subject": patient_ref,
        "authored": authored,
        "author": author_ref,
    }
    if answers:
        qr["item"] = answers
    entries.append(("findings", QuestionnaireResponse.model_validate(qr)))

    # A Condition per differential item shown; the working diagnosis provisional.
    codes = _condition_codes()
    condition_refs: dict[str, str] = {}
    for r in _shown(result, working):
        slug = r["condition"]
        status = "provisional" if slug == working else "differential"
        coded = _codings(codes.get(slug, {}))
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "id": ids.uuid(f"condition/{slug}"),
            "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": status}]},
            "category": [
                {"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
            ],
            "code": {"text": r["name"], **({"coding": coded} if coded else {})},
            "subject": patient_ref,
            "recordedDate": authored,
            "recorder": author_ref,
            "evidence": [{"detail": [{"reference": ids.urn("findings")}]}],
            "note": [
                {
                    "text": (
                        f"Relative probability {r['probability']:.0%} among the conditions in "
                        f"the reference {note.reference_version} (decision support; an "
                        "estimate, not a diagnosis)."
                    )
                }
            ],
        }
        entries.append((f"condition/{slug}", Condition.model_validate(resource)))
        condition_refs[slug] = ids.urn(f"condition/{slug}")

    # A ServiceRequest per test or referral in the plan.
    chosen = getattr(note, "plan", None)
    plan = _plan(result, working, chosen if isinstance(chosen, list) else None)
    loinc = _loinc({w["code"] for w in plan})
    for w in plan:
        code: dict[str, Any] = {"text": w["name"]}
        if w["code"] in loinc:
            number, display = loinc[w["code"]]
            code["coding"] = [
                {"system": LOINC, "code": number, **({"display": display} if display else {})}
            ]
        reasons = [
            {"reference": condition_refs[c]} for c in w["for_conditions"] if c in condition_refs
        ]
        request: dict[str, Any] = {
            "resourceType": "ServiceRequest",
            "id": ids.uuid(f"request/{w['code']}"),
            "status": "active" if final else "draft",
            "intent": "proposal",
            "priority": PRIORITY.get(w["priority"], "routine"),
            "code": code,
            "subject": patient_ref,
            "authoredOn": authored,
            "requester": author_ref,
        }
        if w.get("rationale"):
            request["note"] = [{"text": w["rationale"]}]
        if reasons:
            request["reasonReference"] = reasons
        entries.append((f"request/{w['code']}", ServiceRequest.model_validate(request)))

    # The handout, embedded as given.
    handout = DocumentReference.model_validate(
        {
            "resourceType": "DocumentReference",
            "id": ids.uuid("handout"),
            "status": "current",
            "type": {
                "coding": [{"system": LOINC, "code": "69730-0", "display": "Instructions"}],
                "text": "Patient handout",
            },
            "subject": patient_ref,
            "date": authored,
            "author": [author_ref],
            "description": f"Patient handout ({language}, {paper.upper()} paper)",
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "language": language,
                        "data": base64.b64encode(handout_pdf).decode("ascii"),
                        "size": len(handout_pdf),
                        "hash": _sha1(handout_pdf),
                        "title": f"handout-{note.pk}-{language}-{paper}.pdf",
                        "creation": authored,
                    }
                }
            ],
        }
    )
    entries.append(("handout", handout))

    def refs(prefix: str) -> list[dict[str, str]]:
        return [{"reference": ids.urn(role)} for role, _ in entries if role.startswith(prefix)]

    def section(
        title: str, loinc_code: str, display: str, text: str, entry: list[dict[str, str]]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": title,
            "code": {"coding": [{"system": LOINC, "code": loinc_code, "display": display}]},
            "text": _div(text),
        }
        if entry:
            out["entry"] = entry
        return out

    positives = ", ".join(labels.get(s, s) for s in sorted(note.present)) or "none recorded"
    negatives = ", ".join(labels.get(s, s) for s in sorted(note.absent)) or "none recorded"
    assessment = "; ".join(
        f"{r['name']} {r['probability']:.0%}"
        + (" (working diagnosis)" if r["condition"] == working else "")
        for r in _shown(result, working)
    )
    flags = " ".join(
        f"Red flag ({f['urgency']}): {f['condition_name']}. {f['action']}"
        for f in result["red_flags"]
    )
    plan_text = "; ".join(f"{w['name']} ({w['priority']})" for w in plan) or "none"
    composition = Composition.model_validate(
        {
            "resourceType": "Composition",
            "id": ids.uuid("composition"),
            "status": "final" if final else "preliminary",
            "type": {"coding": [{"system": LOINC, "code": "11506-3", "display": "Progress note"}]},
            "subject": patient_ref,
            "date": authored,
            "author": [author_ref],
            "title": f"{note.presenting_complaint}: assessment",
            "text": _div(note_text),
            "section": [
                section(
                    "Findings",
                    "29545-1",
                    "Physical findings Narrative",
                    f"Present: {positives}. Absent: {negatives}.",
                    refs("findings"),
                ),
                section(
                    "Assessment",
                    "51848-0",
                    "Evaluation note",
                    f"{assessment}. {flags}".strip(),
                    refs("condition/"),
                ),
                section(
                    "Plan",
                    "18776-5",
                    "Plan of care note",
                    f"Proposed: {plan_text}.",
                    refs("request/") + refs("handout"),
                ),
            ],
            **(
                {
                    "relatesTo": [
                        {
                            "code": "replaces",
                            "targetIdentifier": {
                                "system": "urn:ietf:rfc:3986",
                                "value": _Ids(base_url, note.amends).urn("document"),
                            },
                        }
                    ]
                }
                if note.amends_id
                else {}
            ),
        }
    )
    entries.insert(0, ("composition", composition))
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "id": ids.uuid("bundle"),
            "identifier": {"system": "urn:ietf:rfc:3986", "value": ids.urn("document")},
            "type": "document",
            "timestamp": authored,
            "entry": [{"fullUrl": ids.urn(role), "resource": _json(r)} for role, r in entries],
        }
    )
    return _json(bundle)
