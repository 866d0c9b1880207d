"""A CDS Hooks 2.0 service: patient-view and order-select (docs/cds-hooks.md).

Findings come from coded Observations and Conditions in the prefetch, or are fetched from
the client's FHIR server when a prefetch key is absent (or holds an OperationOutcome), but
only from a server on the allow-list configured for the client's JWT issuer, with a short
timeout and the client's bearer token, which is never stored or logged. A prefetch key
that is null, or an empty Bundle, means no data. A 412 is returned only when the data is
neither prefetched nor fetchable.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from interop.cds_auth import FETCH_TIMEOUT_SECONDS
from interop.fhir import ABSENT, finding_system
from interop.models import IssuedCard
from reference.differential import Assessment, differential_compute
from reference.differential.stored import differential_as_dict
from reference.snapshot import Snapshot

PATIENT_VIEW = "lip-twitching-patient-view"
ORDER_SELECT = "lip-twitching-order-select"
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
}
SERVICES = {
    PATIENT_VIEW: {
        "hook": "patient-view",
        "id": PATIENT_VIEW,
        "title": "Lip twitching and perioral movements: red flags and differential",
        "description": (
            "Reads the patient's coded findings (Observations and Conditions), raises every "
            "red flag that applies with its recommended action and basis, and shows the "
            "leading differential with a link to the checklist."
        ),
        "prefetch": PREFETCH,
    },
    ORDER_SELECT: {
        "hook": "order-select",
        "id": ORDER_SELECT,
        "title": "Lip twitching and perioral movements: is this test suggested?",
        "description": (
            "For a selected draft order that is a test or referral in the reference's "
            "workup (by LOINC), says whether the reference suggests it for the patient's "
            "coded findings, with its grade and source."
        ),
        "prefetch": PREFETCH,
    },
}
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
INDICATOR = {"emergency": "critical", "urgent": "warning", "soon": "info", "routine": "info"}
# SNOMED CT clinical findings mapped to the checklist's findings. Each code was seen with
# this meaning in several independent published sources (docs/cds-hooks.md); a code not
# listed here is ignored. Codes of the project's own finding CodeSystem map one to one.
SNOMED_FINDINGS = {
    "8011004": "speech-disturbance",  # Dysarthria
    "87486003": "speech-disturbance",  # Aphasia
    "50582007": "limb-weakness-or-numbness",  # Hemiplegia / hemiparesis
    "386661006": "fever",  # Fever
    "70407001": "breathing-difficulty",  # Stridor
    "126485001": "urticaria-or-itch",  # Urticaria
    "41291007": "lip-or-tongue-swelling",  # Angioedema (an approximation: any site)
    "24700007": "ms-history-or-symptoms",  # Multiple sclerosis
    "38341003": "vascular-risk-factors",  # Hypertension
}
# Findings that stay true of a person once recorded (a history), even if resolved.
HISTORY = {"prior-facial-palsy", "ms-history-or-symptoms", "vascular-risk-factors"}
OVERRIDE_SYSTEM_PATH = "fhir/CodeSystem/cds-override-reason"
OVERRIDE_REASONS = [
    ("clinical-judgement", "Indicated on clinical grounds the findings do not capture"),
    ("findings-incomplete", "The coded findings are incomplete or out of date"),
    ("patient-preference", "Patient's informed preference"),
]


class CdsRequestError(ValueError):
    """A request the service cannot read (400); `problems` names each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class DataUnavailable(Exception):
    """The data needed is neither prefetched nor fetchable (412)."""


def request_validate(body: Any, *, hook: str) -> dict[str, Any]:
    """The body's shape per CDS Hooks 2.0 §HTTP Request and the hook's context table."""
    if not isinstance(body, dict):
        raise CdsRequestError(["The body must be a JSON object."])
    problems = []
    if body.get("hook") != hook:
        problems.append(f"hook must be {hook!r} for this service.")
    instance = body.get("hookInstance")
    try:
        uuid.UUID(str(instance))
    except ValueError:
        problems.append("hookInstance must be a UUID.")
    context = body.get("context")
    if not isinstance(context, dict):
        problems.append("context must be an object.")
        context = {}
    for name in ("userId", "patientId"):
        if not isinstance(context.get(name), str) or not context.get(name):
            problems.append(f"context.{name} is required (a string).")
    if hook == "order-select":
        selections = context.get("selections")
        if not (
            isinstance(selections, list)
            and selections
            and all(isinstance(s, str) for s in selections)
        ):
            problems.append("context.selections must be a non-empty list of strings.")
        if not isinstance(context.get("draftOrders"), dict):
            problems.append("context.draftOrders must be a FHIR Bundle.")
    server = body.get("fhirServer")
    if server is not None and not (
        isinstance(server, str) and server.startswith(("https://", "http://"))
    ):
        problems.append("fhirServer must be an absolute URL.")
    auth = body.get("fhirAuthorization")
    if auth is not None:
        if not isinstance(auth, dict):
            problems.append("fhirAuthorization must be an object.")
        else:
            for name in ("access_token", "token_type", "scope", "subject"):
                if not isinstance(auth.get(name), str) or not auth.get(name):
                    problems.append(f"fhirAuthorization.{name} is required.")
            if auth.get("token_type") not in (None, "Bearer"):
                problems.append("fhirAuthorization.token_type must be Bearer.")
            if not isinstance(auth.get("expires_in"), int) or isinstance(
                auth.get("expires_in"), bool
            ):
                problems.append("fhirAuthorization.expires_in must be an integer.")
        if server is None:
            problems.append("fhirServer is required with fhirAuthorization.")
    prefetch = body.get("prefetch")
    if prefetch is not None and not isinstance(prefetch, dict):
        problems.append("prefetch must be an object.")
    if problems:
        raise CdsRequestError(problems)
    return body


@dataclass
class Gathered:
    resources: list[dict[str, Any]] = field(default_factory=list)
    patient: dict[str, Any] | None = None
    available: int = 0  # how many of the finding keys (conditions, observations) were usable


def _fetch(server: str, query: str, token: str | None) -> Any:
    url = f"{server.rstrip('/')}/{query}"
    headers = {"Accept": "application/fhir+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, headers=headers)  # allow-listed server
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # nosec B310
        return json.loads(response.read(5_000_000))


def _entries(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle.get("entry") or []
        if isinstance(e, dict) and isinstance(e.get("resource"), dict)
    ]


def gather(*, body: dict[str, Any], allowed_servers: tuple[str, ...]) -> Gathered:
    """The patient and the coded resources, from prefetch or the allow-listed FHIR server."""
    prefetch = body.get("prefetch") or {}
    context = body["context"]
    server = body.get("fhirServer")
    auth = body.get("fhirAuthorization") or {}
    fetchable = isinstance(server, str) and server.rstrip("/") in {
        s.rstrip("/") for s in allowed_servers
    }
    patient_id = urllib.parse.quote(context["patientId"], safe="")
    out = Gathered()
    for key, template in PREFETCH.items():
        value = prefetch.get(key, ...)
        usable = value is None or (
            isinstance(value, dict) and value.get("resourceType") not in (None, "OperationOutcome")
        )
        if not usable and fetchable:
            query = template.replace("{{context.patientId}}", patient_id)
            try:
                value = _fetch(str(server), query, auth.get("access_token"))
                usable = isinstance(value, dict) and value.get("resourceType") not in (
                    None,
                    "OperationOutcome",
                )
            except (urllib.error.URLError, TimeoutError, ValueError, OSError):
                usable = False
        if not usable:
            continue
        if key == "patient":
            out.patient = (
                value
                if isinstance(value, dict) and value.get("resourceType") == "Patient"
                else None
            )
            continue
        out.available += 1
        if isinstance(value, dict):
            out.resources += _entries(value) if value.get("resourceType") == "Bundle" else [value]
    if out.available == 0:
        raise DataUnavailable(
            "Neither conditions nor observations were prefetched, and no allow-listed FHIR "
            "server was given to fetch them from."
        )
    return out


def _codes(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, dict):
        return []
    return [
        (str(c.get("system", "")), str(c.get("code", "")))
        for c in concept.get("coding") or []
        if isinstance(c, dict)
    ]


def _finding(concept: Any, *, snapshot: Snapshot, base_url: str) -> str | None:
    ours = finding_system(base_url)
    for system, code in _codes(concept):
        if system == ours and code in snapshot.findings:
            return code
        if system == SNOMED and code in SNOMED_FINDINGS:
            return SNOMED_FINDINGS[code]
    return None


def findings_read(
    resources: list[dict[str, Any]], *, snapshot: Snapshot, base_url: str
) -> tuple[frozenset[str], frozenset[str]]:
    """Present and absent findings from coded Observations and Conditions."""
    present: set[str] = set()
    absent: set[str] = set()
    for r in resources:
        kind = r.get("resourceType")
        slug = _finding(r.get("code"), snapshot=snapshot, base_url=base_url)
        if slug is None:
            continue
        if kind == "Observation":
            if r.get("status") in ("entered-in-error", "cancelled"):
                continue
            value = r.get("valueCodeableConcept")
            negative = r.get("valueBoolean") is False or any(
                code == ABSENT["code"] and system == SNOMED for system, code in _codes(value)
            )
            (absent if negative else present).add(slug)
        elif kind == "Condition":
            verification = {c for _, c in _codes(r.get("verificationStatus"))}
            clinical = {c for _, c in _codes(r.get("clinicalStatus"))}
            if "entered-in-error" in verification:
                continue
            if "refuted" in verification:
                absent.add(slug)
            elif not clinical or clinical & {"active", "recurrence", "relapse"} or slug in HISTORY:
                present.add(slug)
    absent -= present
    return frozenset(present), frozenset(absent)


def age_read(patient: dict[str, Any] | None) -> float | None:
    birth = (patient or {}).get("birthDate")
    if not isinstance(birth, str) or len(birth) < 4:
        return None
    try:
        born = date.fromisoformat(birth if len(birth) == 10 else f"{birth[:4]}-07-01")
    except ValueError:
        return None
    days = (timezone.localdate() - born).days
    return round(days / 365.25, 2) if 0 <= days <= 120 * 366 else None


def _source(snapshot: Snapshot, base_url: str, topic: str, display: str) -> dict[str, Any]:
    return {
        "label": f"Lip twitching reference {snapshot.version}",
        "url": base_url,
        "topic": {
            "system": f"{base_url}fhir/CodeSystem/cds-card-topic",
            "code": topic,
            "display": display,
        },
    }


def _summary(text: str) -> str:
    """One sentence under 140 characters (at most 139; RULES.md E2)."""
    return text if len(text) < 140 else text[:136].rstrip(" ,;:") + "..."


def _checklist_link(
    base_url: str, present: frozenset[str], absent: frozenset[str], age: float | None
) -> str:
    query = [(s, "present") for s in sorted(present)] + [(s, "absent") for s in sorted(absent)]
    if age is not None:
        query.append(("age", f"{age:g}"))
    return f"{base_url}differential/?{urllib.parse.urlencode(query)}"


def _issue(card: dict[str, Any], **recorded: Any) -> dict[str, Any]:
    card["uuid"] = str(uuid.uuid4())
    IssuedCard.objects.create(
        uuid=card["uuid"], indicator=card["indicator"], summary=card["summary"], **recorded
    )
    return card


def patient_view_cards(
    *, body: dict[str, Any], gathered: Gathered, snapshot: Snapshot, base_url: str, issuer: str
) -> list[dict[str, Any]]:
    present, absent = findings_read(gathered.resources, snapshot=snapshot, base_url=base_url)
    if not present and not absent:
        return []
    age = age_read(gathered.patient)
    result = differential_as_dict(
        differential_compute(snapshot=snapshot, assessment=Assessment(present, absent, age))
    )
    recorded = {
        "service": PATIENT_VIEW,
        "hook_instance": str(body["hookInstance"]),
        "issuer": issuer,
        "reference_version": snapshot.version,
        "reference_fingerprint": snapshot.fingerprint,
    }
    cards = []
    for flag in result["red_flags"]:
        grade = flag["evidence_grade"]
        cards.append(
            _issue(
                {
                    "summary": _summary(
                        f"{flag['urgency'].capitalize()} red flag: {flag['condition_name']}."
                    ),
                    "indicator": INDICATOR[flag["urgency"]],
                    "detail": (
                        f"{flag['message']}\n\n**{flag['action']}**\n\nBasis: {flag['basis']} "
                        f"(SORT grade {grade}; sources: {', '.join(flag['sources'])})"
                    ),
                    "source": _source(snapshot, base_url, "red-flag", "Red flag"),
                    "overrideReasons": _override_reasons(base_url),
                },
                kind="red-flag",
                condition=flag["condition"],
                rule=flag["rule"],
                **recorded,
            )
        )
    leaders = result["differential"][:3]
    top = leaders[0]
    others = ", ".join(f"{r['name']} {r['probability']:.0%}" for r in leaders[1:])
    cards.append(
        _issue(
            {
                "summary": _summary(
                    f"Leading cause: {top['name']} ({top['probability']:.0%}); also {others}."
                ),
                "indicator": "info",
                "detail": (
                    "Relative probabilities among the conditions in the reference, from the "
                    f"{len(present)} present and {len(absent)} absent coded findings read "
                    "from the record. Decision support: the clinician decides."
                ),
                "source": _source(snapshot, base_url, "differential", "Differential"),
                "links": [
                    {
                        "label": "Open the checklist with these findings",
                        "url": _checklist_link(base_url, present, absent, age),
                        "type": "absolute",
                    }
                ],
            },
            kind="differential",
            condition=top["condition"],
            **recorded,
        )
    )
    return cards


def _override_reasons(base_url: str) -> list[dict[str, str]]:
    system = f"{base_url}{OVERRIDE_SYSTEM_PATH}"
    return [
        {"system": system, "code": code, "display": display} for code, display in OVERRIDE_REASONS
    ]


def _selected(body: dict[str, Any]) -> list[dict[str, Any]]:
    context = body["context"]
    wanted = set(context["selections"])
    found = []
    for resource in _entries(context["draftOrders"]):
        ref = f"{resource.get('resourceType')}/{resource.get('id')}"
        if ref in wanted and resource.get("resourceType") in (
            "ServiceRequest",
            "ProcedureRequest",
        ):
            found.append(resource)
    return found


def order_select_cards(
    *, body: dict[str, Any], gathered: Gathered, snapshot: Snapshot, base_url: str, issuer: str
) -> list[dict[str, Any]]:
    from reference.models import WorkupItem

    orders = _selected(body)
    by_loinc = {w.loinc: w for w in WorkupItem.objects.exclude(loinc="")}
    matched = []
    for order in orders:
        for system, code in _codes(order.get("code")):
            if system == LOINC and code in by_loinc:
                matched.append((order, by_loinc[code]))
                break
    if not matched:
        return []
    present, absent = findings_read(gathered.resources, snapshot=snapshot, base_url=base_url)
    if not present and not absent:
        return []
    age = age_read(gathered.patient)
    result = differential_as_dict(
        differential_compute(snapshot=snapshot, assessment=Assessment(present, absent, age))
    )
    lines = {w["code"]: w for w in result["workup"] + result["examination"]}
    recorded = {
        "service": ORDER_SELECT,
        "hook_instance": str(body["hookInstance"]),
        "issuer": issuer,
        "reference_version": snapshot.version,
        "reference_fingerprint": snapshot.fingerprint,
        "kind": "order",
    }
    cards = []
    for order, item in matched:
        line = lines.get(item.code)
        source = _source(snapshot, base_url, "workup", "Suggested workup")
        if line is None:
            cards.append(
                _issue(
                    {
                        "summary": _summary(
                            f"{item.name}: not among the tests the reference suggests "
                            "for these findings."
                        ),
                        "indicator": "info",
                        "detail": (
                            "The reference neither suggests nor advises against this test "
                            "for the coded findings in the record."
                        ),
                        "source": source,
                    },
                    item=item.code,
                    **recorded,
                )
            )
            continue
        basis = (
            f"{line['rationale']} (SORT grade {line['evidence_grade']}; "
            f"sources: {', '.join(line['sources'])})"
        )
        if line["priority"] == "not-recommended":
            suggestion = {
                "label": f"Remove the draft order for {item.name}",
                "uuid": str(uuid.uuid4()),
                "actions": [
                    {
                        "type": "delete",
                        "description": (
                            f"Remove the draft {order['resourceType']} for {item.name}."
                        ),
                        "resourceId": f"{order['resourceType']}/{order['id']}",
                    }
                ],
            }
            cards.append(
                _issue(
                    {
                        "summary": _summary(f"{item.name} is not recommended for these findings."),
                        "indicator": "warning",
                        "detail": basis,
                        "source": source,
                        "suggestions": [suggestion],
                        "selectionBehavior": "at-most-one",
                        "overrideReasons": _override_reasons(base_url),
                    },
                    item=item.code,
                    condition=(line["for_conditions"] or [""])[0],
                    **recorded,
                )
            )
        else:
            cards.append(
                _issue(
                    {
                        "summary": _summary(
                            f"{item.name} is suggested for these findings "
                            f"({line['priority']}): {line['need']}."
                        ),
                        "indicator": "info",
                        "detail": basis,
                        "source": source,
                    },
                    item=item.code,
                    condition=(line["for_conditions"] or [""])[0],
                    **recorded,
                )
            )
    return cards
