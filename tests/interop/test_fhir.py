"""FHIR R4 documents and the Questionnaire: valid against the official R4 JSON schema
(standards/fhir-r4/fhir.schema.json, a verbatim copy) and against the document rules the
schema does not check: bdl-7, bdl-9 to bdl-11, required elements, references that
resolve inside the Bundle, and no null or empty element anywhere."""

import base64
import functools
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from pypdf import PdfReader
from rest_framework.test import APIClient

from notes.models import AuditEvent

pytestmark = pytest.mark.django_db
SCHEMA = Path(settings.BASE_DIR) / "standards" / "fhir-r4" / "fhir.schema.json"
STROKE: dict[str, Any] = {
    "present": ["onset-sudden", "facial-weakness", "forehead-spared", "speech-disturbance"],
    "absent": ["forehead-weak", "ear-pain-or-vesicles"],
    "age_years": 71,
    "patient_label": "AB-1234",
}
BENIGN: dict[str, Any] = {
    "present": ["flickering-twitch", "stress-or-sleep-loss", "episodic-brief"],
    "absent": ["facial-weakness", "limb-weakness-or-numbness"],
    "age_years": 29,
}
# Required elements (min 1) of the resources emitted, which the JSON schema leaves out.
REQUIRED = {
    "Bundle": ["type"],
    "Composition": ["status", "type", "date", "author", "title"],
    "QuestionnaireResponse": ["status"],
    "Questionnaire": ["status"],
    "Condition": ["subject"],
    "ServiceRequest": ["status", "intent", "subject"],
    "DocumentReference": ["status", "content"],
}


@functools.cache
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def schema_errors(resource: dict[str, Any]) -> list[str]:
    return [f"{list(e.path)}: {e.message[:200]}" for e in validator().iter_errors(resource)]


def empties(value: Any, path: str = "") -> list[str]:
    """FHIR JSON has no nulls, empty strings, empty arrays or empty objects."""
    if value is None or value == "" or value == [] or value == {}:
        return [path or "(root)"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in empties(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in empties(v, f"{path}[{i}]")]
    return []


def references(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def document_problems(bundle: dict[str, Any]) -> list[str]:
    problems = schema_errors(bundle) + [f"empty {p}" for p in empties(bundle)]
    if bundle.get("type") != "document":
        problems.append("not a document")
    identifier = bundle.get("identifier") or {}
    if not (identifier.get("system") and identifier.get("value")):
        problems.append("bdl-9: identifier needs system and value")
    if not bundle.get("timestamp"):
        problems.append("bdl-10: no timestamp")
    entries = bundle.get("entry", [])
    if not entries or entries[0]["resource"]["resourceType"] != "Composition":
        problems.append("bdl-11: the first resource is not a Composition")
    urls = [e.get("fullUrl") for e in entries]
    if None in urls:
        problems.append("an entry has no fullUrl")
    if len(set(urls)) != len(urls):
        problems.append("bdl-7: fullUrl repeated")
    for e in entries:
        resource = e["resource"]
        for name in REQUIRED.get(resource["resourceType"], []):
            if not resource.get(name):
                problems.append(f"{resource['resourceType']}.{name} missing")
        for ref in references(resource):
            if ref not in urls:
                problems.append(f"{resource['resourceType']} refers to {ref}, not in the Bundle")
    return problems


@pytest.fixture
def alice() -> User:
    return User.objects.create_user(
        "alice", password="correct-horse-battery", first_name="Alice", last_name="Ng"
    )


def client_for(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def note(api: APIClient, body: dict[str, Any], finalize: bool = True) -> dict[str, Any]:
    response = api.post("/api/v1/notes/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    if finalize:
        assert api.post(f"/api/v1/notes/{data['id']}/finalize/").status_code == 200
    return data


def document(api: APIClient, pk: int, **params: str) -> dict[str, Any]:
    response = api.get(f"/api/v1/notes/{pk}/fhir/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return json.loads(response.content)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.parametrize("body", [STROKE, BENIGN], ids=["stroke", "benign"])
def test_a_note_is_a_valid_fhir_document(alice: User, body: dict[str, Any]):
    api = client_for(alice)
    data = note(api, body)
    bundle = document(api, data["id"])
    assert document_problems(bundle) == []
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    for kind in ("Composition", "Patient", "Practitioner", "QuestionnaireResponse", "Condition"):
        assert kind in kinds
    assert kinds.count("DocumentReference") == 1
    composition = bundle["entry"][0]["resource"]
    assert composition["status"] == "final"
    assert composition["type"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "11506-3",
        "display": "Progress note",
    }
    assert [s["title"] for s in composition["section"]] == ["Findings", "Assessment", "Plan"]
    assert AuditEvent.objects.filter(note_id=data["id"], action="exported").exists()


def test_the_same_note_gives_the_same_document(alice: User):
    api = client_for(alice)
    data = note(api, BENIGN)
    assert document(api, data["id"]) == document(api, data["id"])


def test_findings_present_and_absent_are_coded_apart(alice: User):
    api = client_for(alice)
    bundle = document(api, note(api, STROKE)["id"])
    (qr,) = resources(bundle, "QuestionnaireResponse")
    answers = {i["linkId"]: i["answer"][0] for i in qr["item"]}
    assert answers["age-years"] == {"valueDecimal": 71}
    for slug in STROKE["present"]:
        assert answers[slug]["valueCoding"]["code"] == "52101004"
    for slug in STROKE["absent"]:
        assert answers[slug]["valueCoding"]["code"] == "2667000"
    assert qr["status"] == "completed"
    assert qr["questionnaire"].endswith("/api/v1/fhir/Questionnaire/lip-twitching-findings")


def test_conditions_are_the_differential_with_the_working_diagnosis_provisional(alice: User):
    api = client_for(alice)
    data = note(api, STROKE)
    bundle = document(api, data["id"])
    statuses = {
        c["code"]["text"]: c["verificationStatus"]["coding"][0]["code"]
        for c in resources(bundle, "Condition")
    }
    assert statuses["Stroke or TIA"] == "provisional"
    assert list(statuses.values()).count("provisional") == 1
    assert set(statuses.values()) == {"provisional", "differential"}
    stroke = next(
        c for c in resources(bundle, "Condition") if c["code"]["text"] == "Stroke or TIA"
    )
    systems = {c["system"]: c["code"] for c in stroke["code"]["coding"]}
    assert systems["http://hl7.org/fhir/sid/icd-10-cm"] in ("I63.9", "G45.9")


def test_plan_requests_are_proposals_with_loinc_for_laboratory_tests(alice: User):
    api = client_for(alice)
    bundle = document(api, note(api, STROKE)["id"])
    requests = resources(bundle, "ServiceRequest")
    assert requests, "the stroke plan proposes tests"
    assert {r["intent"] for r in requests} == {"proposal"}
    assert all(r["priority"] in ("routine", "urgent", "asap", "stat") for r in requests)
    glucose = [r for r in requests if "glucose" in r["code"]["text"].lower()]
    assert glucose and glucose[0]["code"]["coding"][0]["system"] == "http://loinc.org"
    assert not any("cpt" in json.dumps(r).lower() for r in requests)


def test_the_handout_is_embedded_as_given_with_size_and_hash(alice: User):
    api = client_for(alice)
    pk = note(api, BENIGN)["id"]
    bundle = document(api, pk, lang="es", paper="letter")
    (ref,) = resources(bundle, "DocumentReference")
    attachment = ref["content"][0]["attachment"]
    pdf = base64.b64decode(attachment["data"])
    assert attachment["contentType"] == "application/pdf"
    assert attachment["language"] == "es"
    assert attachment["size"] == len(pdf)
    assert (
        attachment["hash"]
        == base64.b64encode(hashlib.sha1(pdf, usedforsecurity=False).digest()).decode()
    )
    assert (
        pdf
        == api.get(f"/api/v1/notes/{pk}/handout.pdf", {"lang": "es", "paper": "letter"}).content
    )
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_the_patient_is_anonymous_with_the_label_as_identifier(alice: User):
    api = client_for(alice)
    (patient,) = resources(document(api, note(api, STROKE)["id"]), "Patient")
    assert set(patient) == {"resourceType", "id", "identifier"}
    assert patient["identifier"][0]["value"] == "AB-1234"
    (unlabelled,) = resources(document(api, note(api, BENIGN)["id"]), "Patient")
    assert "identifier" not in unlabelled


def test_a_draft_is_preliminary(alice: User):
    api = client_for(alice)
    bundle = document(api, note(api, BENIGN, finalize=False)["id"])
    assert document_problems(bundle) == []
    assert bundle["entry"][0]["resource"]["status"] == "preliminary"
    assert resources(bundle, "QuestionnaireResponse")[0]["status"] == "in-progress"


def test_an_amendment_replaces_the_original_document(alice: User):
    api = client_for(alice)
    original = note(api, STROKE)
    first = document(api, original["id"])
    response = api.post(f"/api/v1/notes/{original['id']}/amend/")
    assert response.status_code == 201
    amended = response.json()
    assert api.post(f"/api/v1/notes/{amended['id']}/finalize/").status_code == 200
    second = document(api, amended["id"])
    assert document_problems(second) == []
    relates = second["entry"][0]["resource"]["relatesTo"][0]
    assert relates["code"] == "replaces"
    assert relates["targetIdentifier"] == first["identifier"]
    assert second["identifier"] != first["identifier"]


def test_another_clinicians_note_is_not_found_and_audited(alice: User):
    bob = User.objects.create_user("bob", password="correct-horse-battery")
    pk = note(client_for(alice), BENIGN)["id"]
    assert client_for(bob).get(f"/api/v1/notes/{pk}/fhir/").status_code == 404
    assert AuditEvent.objects.filter(note_id=pk, user=bob, action="refused").exists()


def test_format_is_honoured(alice: User):
    api = client_for(alice)
    pk = note(api, BENIGN)["id"]
    response = api.get(f"/api/v1/notes/{pk}/fhir/", {"_format": "application/json"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    response = api.get(f"/api/v1/notes/{pk}/fhir/", {"_format": "xml"})
    assert response.status_code == 406
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"
    response = api.get(f"/api/v1/notes/{pk}/fhir/", HTTP_ACCEPT="application/fhir+xml")
    assert response.status_code == 406


def test_the_questionnaire_lists_every_finding_with_present_and_absent():
    from reference.snapshot import snapshot_get

    api = APIClient()
    response = api.get("/api/v1/fhir/Questionnaire/lip-twitching-findings")
    assert response.status_code == 200
    q = json.loads(response.content)
    assert schema_errors(q) == [] and empties(q) == []
    links = {i["linkId"]: i for g in q["item"] if g["type"] == "group" for i in g["item"]}
    assert set(links) == set(snapshot_get().findings)
    codes = {o["valueCoding"]["code"] for o in links["onset-sudden"]["answerOption"]}
    assert codes == {"52101004", "2667000"}


def test_the_questionnaire_search_is_a_searchset_bundle():
    response = APIClient().get("/api/v1/fhir/Questionnaire")
    bundle = json.loads(response.content)
    assert schema_errors(bundle) == [] and empties(bundle) == []
    assert bundle["type"] == "searchset" and bundle["total"] == 1
    assert bundle["entry"][0]["search"]["mode"] == "match"
    assert bundle["entry"][0]["fullUrl"].endswith("/Questionnaire/lip-twitching-findings")
    missing = APIClient().get("/api/v1/fhir/Questionnaire/other")
    assert missing.status_code == 404
    assert json.loads(missing.content)["resourceType"] == "OperationOutcome"


def test_the_checks_catch_what_they_are_for():
    """The validators themselves: each rule rejects a document that breaks it."""
    assert schema_errors({"resourceType": "Bundle", "type": 5})
    assert schema_errors({"resourceType": "Patient", "gender": "sometimes"})
    broken = {
        "resourceType": "Bundle",
        "type": "document",
        "entry": [
            {
                "fullUrl": "urn:uuid:1",
                "resource": {"resourceType": "Patient", "id": "p", "name": []},
            },
            {
                "resource": {
                    "resourceType": "Condition",
                    "subject": {"reference": "urn:uuid:nowhere"},
                }
            },
        ],
    }
    problems = " | ".join(document_problems(broken))
    for rule in ("bdl-9", "bdl-10", "bdl-11", "no fullUrl", "not in the Bundle", "empty"):
        assert rule in problems
