"""CDS Hooks 2.0: discovery, patient-view, order-select and feedback, shaped like the spec's
examples and like real clients (with and without prefetch, with fhirAuthorization), against
the MUST rules in standards RULES.md. A small HTTP server on loopback stands in for the
EHR's FHIR server."""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from interop.models import CardFeedback, IssuedCard

pytestmark = pytest.mark.django_db
ISSUER = "https://ehr.example.org"
KID = "key-1"
BASE = "http://testserver"
PATIENT_VIEW = "/cds-services/lip-twitching-patient-view"
ORDER_SELECT = "/cds-services/lip-twitching-order-select"
FINDING = f"{BASE}/fhir/CodeSystem/finding"
SNOMED = "http://snomed.info/sct"
TOKEN = "opaque-ehr-access-token-not-to-be-kept"


@pytest.fixture(scope="module")
def key() -> Any:
    return ec.generate_private_key(ec.SECP384R1())


def jwks(key: Any) -> dict[str, Any]:
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "ES384"}]}


class FhirServer(BaseHTTPRequestHandler):
    """Serves /fhir/Patient/123, /fhir/Condition?patient=123, /fhir/Observation?patient=123."""

    seen: list[tuple[str, str]] = []
    data: dict[str, Any] = {}

    def do_GET(self) -> None:  # the http.server name
        FhirServer.seen.append((self.path, self.headers.get("Authorization", "")))
        parts = urlsplit(self.path)
        body = FhirServer.data.get(parts.path.removeprefix("/fhir/").split("?")[0])
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        raw = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/fhir+json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fhir_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FhirServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FhirServer.seen = []
    FhirServer.data = {}
    yield f"http://127.0.0.1:{server.server_address[1]}/fhir"
    server.shutdown()


@pytest.fixture(autouse=True)
def trusted(settings: Any, key: Any, fhir_server: str) -> None:
    settings.CDS_CLIENTS = {ISSUER: {"jwks": jwks(key), "fhir_servers": [fhir_server]}}
    settings.CDS_CORS_ORIGINS = ["https://ehr.example.org"]


def token(key: Any, aud: str, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": aud, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    headers = {"kid": KID, "typ": "JWT"}
    algorithm = changes.pop("alg", "ES384")
    headers.update(changes.pop("headers", {}))
    claims.update(changes)
    signing = key if algorithm.startswith("ES") else "a-shared-secret-that-is-long-enough-32b"
    return jwt.encode(claims, signing, algorithm=algorithm, headers=headers)


def call(key: Any, path: str, body: Any, **auth: Any) -> Any:
    aud = auth.pop("aud", f"{BASE}{path}".rstrip("/"))
    headers: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Bearer {token(key, aud, **auth)}",
        "HTTP_ORIGIN": "https://ehr.example.org",
    }
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(path, data, content_type="application/json", **headers)


def observation(code: str, system: str = FINDING, absent: bool = False) -> dict[str, Any]:
    value = {"coding": [{"system": SNOMED, "code": "2667000" if absent else "52101004"}]}
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": system, "code": code}]},
        "valueCodeableConcept": value,
        "subject": {"reference": "Patient/123"},
    }


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


STROKE_OBSERVATIONS = bundle(
    observation("onset-sudden"),
    observation("facial-weakness"),
    observation("8011004", SNOMED),  # dysarthria
    observation("50582007", SNOMED),  # hemiparesis
)
PATIENT = {"resourceType": "Patient", "id": "123", "birthDate": "1952-03-01"}


def patient_view(prefetch: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/example", "patientId": "123"},
        **extra,
    }
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


def empties(value: Any, path: str = "") -> list[str]:
    if value is None or value == "" or value == [] or value == {}:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in empties(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in empties(v, f"{path}[{i}]")]
    return []


def card_problems(card: dict[str, Any]) -> list[str]:
    problems = [f"empty {p}" for p in empties(card)]
    if not (isinstance(card.get("summary"), str) and len(card["summary"]) < 140):
        problems.append("summary must be under 140 characters")
    if card.get("indicator") not in ("info", "warning", "critical"):
        problems.append("bad indicator")
    if not card.get("source", {}).get("label"):
        problems.append("source.label missing")
    uuid.UUID(card["uuid"])
    if "suggestions" in card and card.get("selectionBehavior") not in ("at-most-one", "any"):
        problems.append("suggestions without selectionBehavior")
    for reason in card.get("overrideReasons", []):
        if not (reason.get("code") and reason.get("system") and reason.get("display")):
            problems.append("overrideReason needs code, system and display")
    for link in card.get("links", []):
        if not (
            link.get("label") and link.get("url") and link.get("type") in ("absolute", "smart")
        ):
            problems.append("bad link")
    return problems


def test_discovery_lists_both_services_with_prefetch_templates():
    response = Client().get("/cds-services")
    assert response.status_code == 200
    services = {s["hook"]: s for s in response.json()["services"]}
    assert set(services) == {"patient-view", "order-select"}
    for s in services.values():
        assert s["id"] and s["description"] and s["title"]
        assert empties(s) == []
        for template in s["prefetch"].values():
            assert "{{context.patientId}}" in template
    assert Client().get("/cds-services/").status_code == 200


def test_a_stroke_picture_gives_a_critical_card_with_action_basis_and_source(key: Any):
    body = patient_view(
        {"patient": PATIENT, "observations": STROKE_OBSERVATIONS, "conditions": None}
    )
    response = call(key, PATIENT_VIEW, body)
    assert response.status_code == 200, response.content
    cards = response.json()["cards"]
    assert all(card_problems(c) == [] for c in cards), [card_problems(c) for c in cards]
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert any("Stroke" in c["summary"] for c in critical)
    stroke = next(c for c in critical if "Stroke" in c["summary"])
    assert "Recommended now" in stroke["detail"] and "Basis:" in stroke["detail"]
    leader = cards[-1]
    assert leader["indicator"] == "info" and leader["summary"].startswith("Leading cause: Stroke")
    link = leader["links"][0]["url"]
    assert (
        "onset-sudden=present" in link and "speech-disturbance=present" in link and "age=" in link
    )
    assert IssuedCard.objects.filter(uuid=stroke["uuid"], rule__startswith="stroke").exists()
    assert response["Access-Control-Allow-Origin"] == "https://ehr.example.org"


def test_a_benign_picture_raises_no_alarm(key: Any):
    observations = bundle(
        observation("flickering-twitch"),
        observation("stress-or-sleep-loss"),
        observation("facial-weakness", absent=True),
    )
    response = call(
        key, PATIENT_VIEW, patient_view({"observations": observations, "conditions": None})
    )
    cards = response.json()["cards"]
    assert [c["indicator"] for c in cards] == ["info"]
    assert "Benign fasciculation" in cards[0]["summary"]


def test_a_missing_prefetch_is_fetched_with_the_bearer_token_which_is_never_kept(
    key: Any, fhir_server: str, caplog: Any
):
    FhirServer.data = {
        "Patient/123": PATIENT,
        "Observation": STROKE_OBSERVATIONS,
        "Condition": bundle(),
    }
    body = patient_view(
        fhirServer=fhir_server,
        fhirAuthorization={
            "access_token": TOKEN,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read user/Observation.read user/Condition.read",
            "subject": "cds-service",
        },
    )
    response = call(key, PATIENT_VIEW, body)
    assert response.status_code == 200, response.content
    assert any(c["indicator"] == "critical" for c in response.json()["cards"])
    assert {p.split("?")[0] for p, _ in FhirServer.seen} == {
        "/fhir/Patient/123",
        "/fhir/Condition",
        "/fhir/Observation",
    }
    assert all(auth == f"Bearer {TOKEN}" for _, auth in FhirServer.seen)
    kept = json.dumps(
        [list(IssuedCard.objects.values()), list(CardFeedback.objects.values())], default=str
    )
    assert TOKEN not in kept and TOKEN not in caplog.text


def test_a_server_off_the_allow_list_is_never_called(key: Any, fhir_server: str):
    body = patient_view(fhirServer="http://127.0.0.1:9/fhir")
    response = call(key, PATIENT_VIEW, body)
    assert response.status_code == 412
    assert response.json()["resourceType"] == "OperationOutcome"
    assert FhirServer.seen == []


def test_no_prefetch_and_no_server_is_412(key: Any):
    assert call(key, PATIENT_VIEW, patient_view()).status_code == 412


def test_null_and_empty_prefetch_mean_no_data(key: Any):
    response = call(
        key, PATIENT_VIEW, patient_view({"observations": bundle(), "conditions": None})
    )
    assert response.status_code == 200 and response.json() == {"cards": []}


def test_an_operation_outcome_in_prefetch_is_fetched_instead(key: Any, fhir_server: str):
    FhirServer.data = {"Observation": STROKE_OBSERVATIONS, "Condition": bundle()}
    failed = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    body = patient_view(
        {"observations": failed, "conditions": None, "patient": None}, fhirServer=fhir_server
    )
    response = call(key, PATIENT_VIEW, body)
    assert response.status_code == 200
    assert any(c["indicator"] == "critical" for c in response.json()["cards"])
    assert [p.split("?")[0] for p, _ in FhirServer.seen] == ["/fhir/Observation"]


def test_conditions_on_the_problem_list_count_as_findings(key: Any):
    conditions = bundle(
        {
            "resourceType": "Condition",
            "clinicalStatus": {"coding": [{"code": "active"}]},
            "code": {"coding": [{"system": SNOMED, "code": "24700007"}]},
        }
    )
    observations = bundle(observation("flickering-twitch"), observation("persistent-over-3-weeks"))
    cards = call(
        key, PATIENT_VIEW, patient_view({"observations": observations, "conditions": conditions})
    ).json()["cards"]
    assert "myokymia" in cards[-1]["summary"].lower()


@pytest.mark.parametrize(
    "change",
    [
        {"alg": "HS256"},
        {"aud": "https://elsewhere.example.org/cds-services"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000},
        {"headers": {"kid": "unknown"}},
        {"iss": "https://stranger.example.org"},
        {"headers": {"jku": "https://attacker.example.org/jwks.json"}},
    ],
    ids=["symmetric", "wrong-aud", "expired", "unknown-kid", "unknown-iss", "foreign-jku"],
)
def test_an_untrusted_jwt_is_refused(key: Any, change: dict[str, Any]):
    body = patient_view({"observations": STROKE_OBSERVATIONS, "conditions": None})
    response = call(key, PATIENT_VIEW, body, **change)
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"


def test_no_jwt_and_a_replayed_jwt_are_refused(key: Any):
    body = json.dumps(patient_view({"observations": STROKE_OBSERVATIONS, "conditions": None}))
    assert Client().post(PATIENT_VIEW, body, content_type="application/json").status_code == 401
    signed = token(key, f"{BASE}{PATIENT_VIEW}")
    first = Client().post(
        PATIENT_VIEW, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {signed}"
    )
    again = Client().post(
        PATIENT_VIEW, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {signed}"
    )
    assert (first.status_code, again.status_code) == (200, 401)


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        [],
        {"hook": "patient-view"},
        {"hook": "order-select", "hookInstance": str(uuid.uuid4()), "context": {}},
    ],
)
def test_a_malformed_request_is_400_never_500(key: Any, body: Any):
    response = call(key, PATIENT_VIEW, body)
    assert response.status_code == 400
    assert response.json()["issue"]


def test_unknown_service_is_404_and_preflight_needs_no_jwt():
    assert (
        Client().post("/cds-services/nope", "{}", content_type="application/json").status_code
        == 404
    )
    preflight = Client().options(PATIENT_VIEW, HTTP_ORIGIN="https://ehr.example.org")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "https://ehr.example.org"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]


def order_select(code: str, prefetch: dict[str, Any]) -> dict[str, Any]:
    order = {
        "resourceType": "ServiceRequest",
        "id": "draft-1",
        "status": "draft",
        "intent": "proposal",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": "Patient/123"},
    }
    return {
        "hook": "order-select",
        "hookInstance": str(uuid.uuid4()),
        "context": {
            "userId": "Practitioner/example",
            "patientId": "123",
            "selections": ["ServiceRequest/draft-1"],
            "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": order}]},
        },
        "prefetch": prefetch,
    }


def test_order_select_warns_on_a_test_not_recommended_with_override_reasons(key: Any):
    observations = bundle(observation("flickering-twitch"), observation("stress-or-sleep-loss"))
    body = order_select(
        "24590-2", {"observations": observations, "conditions": None, "patient": PATIENT}
    )
    (card,) = call(key, ORDER_SELECT, body).json()["cards"]
    assert card_problems(card) == []
    assert card["indicator"] == "warning" and "not recommended" in card["summary"]
    assert card["overrideReasons"] and card["selectionBehavior"] == "at-most-one"
    action = card["suggestions"][0]["actions"][0]
    assert action == {
        "type": "delete",
        "description": action["description"],
        "resourceId": "ServiceRequest/draft-1",
    }


def test_order_select_confirms_a_suggested_test_with_grade_and_source(key: Any):
    body = order_select(
        "24725-4", {"observations": STROKE_OBSERVATIONS, "conditions": None, "patient": PATIENT}
    )
    (card,) = call(key, ORDER_SELECT, body).json()["cards"]
    assert card["indicator"] == "info" and "suggested" in card["summary"]
    assert "SORT grade" in card["detail"]


def feedback(card: str, **item: Any) -> dict[str, Any]:
    return {"feedback": [{"card": card, "outcomeTimestamp": "2026-12-01T10:05:31Z", **item}]}


def test_feedback_is_stored_including_repeats(key: Any):
    body = patient_view({"observations": STROKE_OBSERVATIONS, "conditions": None})
    card = call(key, PATIENT_VIEW, body).json()["cards"][0]
    path = f"{PATIENT_VIEW}/feedback"
    overridden = feedback(
        card["uuid"],
        outcome="overridden",
        overrideReason={
            "reason": card["overrideReasons"][0],
            "userComment": "Seen by neurology today.",
        },
    )
    assert call(key, path, overridden).status_code == 200
    assert call(key, path, overridden).status_code == 200
    stored = CardFeedback.objects.filter(card=card["uuid"])
    assert stored.count() == 2
    first = stored.first()
    assert first is not None and first.issued is not None and first.issued.rule
    assert (
        first.user_comment == "Seen by neurology today."
        and first.reason_code == "clinical-judgement"
    )
    accepted = feedback(
        card["uuid"], outcome="accepted", acceptedSuggestions=[{"id": str(uuid.uuid4())}]
    )
    assert call(key, path, accepted).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"feedback": []},
        feedback(str(uuid.uuid4()), outcome="accepted"),
        feedback(str(uuid.uuid4()), outcome="ignored"),
        feedback("not-a-uuid", outcome="overridden"),
        feedback(
            str(uuid.uuid4()), outcome="overridden", overrideReason={"code": "x", "system": "y"}
        ),
    ],
    ids=["empty", "accepted-without-suggestions", "bad-outcome", "bad-card", "legacy-flat-reason"],
)
def test_malformed_feedback_is_400(key: Any, body: dict[str, Any]):
    assert call(key, f"{PATIENT_VIEW}/feedback", body).status_code == 400
