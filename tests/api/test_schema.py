"""The OpenAPI schema describes what the server does (plain assertions on /api/v1/schema/)."""

import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import jsonschema_rs
import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from notes.api import NoteSerializer, handout_options
from notes.services import NoteInputError, note_create
from reference.api.serializers import fixture_slugs
from reference.loading import reference_read
from reference.models import Source
from reference.snapshot import snapshot_get

pytestmark = pytest.mark.django_db
SCHEMA_PATH = "/api/v1/schema/"
STROKE: dict[str, Any] = {
    "present": ["onset-sudden", "facial-weakness"],
    "absent": ["forehead-weak"],
}
IS_URI = jsonschema_rs.validator_for(
    {"type": "string", "format": "uri"}, validate_formats=True
).is_valid


@pytest.fixture
def schema() -> dict[str, Any]:
    response = Client().get(SCHEMA_PATH, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def components(schema: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = schema["components"]["schemas"]
    return result


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = components(schema)[node["$ref"].rsplit("/", 1)[1]]
    return node


def test_schema_generates_without_warnings_or_errors_and_validates():
    GENERATOR_STATS.reset()
    generated = SchemaGenerator().get_schema(request=None, public=True)
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert not problems
    validate_schema(generated)


def test_the_served_schema_is_valid_openapi_by_openapi_spec_validator():
    """The schema clients download, FHIR and CDS Hooks included, checked by a validator
    independent of the one that generated it."""
    from openapi_spec_validator import validate

    served = (
        APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    validate(served)
    paths = set(served["paths"])
    assert {"/api/v1/notes/{id}/fhir/", "/cds-services", "/cds-services/{service_id}"} <= paths


def test_the_differential_has_one_red_flag_component_with_the_fields_it_returns(schema):
    schemas = components(schema)
    red_flags = schemas["DifferentialOutput"]["properties"]["red_flags"]
    assert red_flags["items"] == {"$ref": "#/components/schemas/RedFlag"}
    # The condition detail's rules are their own component, not a second "RedFlag".
    detail_flags = schemas["ConditionDetail"]["properties"]["red_flags"]
    assert detail_flags["items"] == {"$ref": "#/components/schemas/RedFlagRule"}

    body = APIClient().post("/api/v1/differential/", STROKE | {"age_years": 71}, format="json")
    returned = body.json()["red_flags"]
    assert returned, "the example should raise a red flag"
    documented = schemas["RedFlag"]
    for flag in returned:
        assert set(flag) == set(documented["properties"]) == set(documented["required"])


def test_amends_is_nullable(schema):
    amends = components(schema)["Note"]["properties"]["amends"]
    assert amends["type"] == "integer"
    assert amends["nullable"] is True
    assert amends["readOnly"] is True


def test_finding_and_condition_slugs_are_enums_of_the_loaded_vocabulary(schema):
    snapshot = snapshot_get()
    schemas = components(schema)
    findings = schemas["FindingSlug"]["enum"]
    conditions = schemas["ConditionSlug"]["enum"]
    assert findings == sorted(snapshot.findings) == fixture_slugs("findings")
    assert conditions == sorted(snapshot.condition_names)  # flag-only topics included
    assert conditions == fixture_slugs("conditions")

    finding_ref = {"$ref": "#/components/schemas/FindingSlug"}
    condition_ref = {"$ref": "#/components/schemas/ConditionSlug"}
    for name in ("DifferentialInputRequest", "NoteRequest", "PatchedNoteRequest"):
        for field in ("present", "absent"):
            prop = schemas[name]["properties"][field]
            assert prop["items"] == finding_ref
            assert prop["uniqueItems"] is True
            assert prop["maxItems"] == len(findings)
    working = schemas["NoteRequest"]["properties"]["working_diagnosis"]
    assert condition_ref in working["oneOf"]
    assert schemas["RankedCondition"]["properties"]["condition"] == condition_ref
    assert schemas["RedFlag"]["properties"]["triggered_by"]["items"] == finding_ref
    assert schemas["WorkupLine"]["properties"]["for_conditions"]["items"] == condition_ref
    assert schemas["NextQuestion"]["properties"]["finding"] == finding_ref
    for path, ref in (
        ("/api/v1/findings/{slug}/", finding_ref),
        ("/api/v1/conditions/{slug}/", condition_ref),
    ):
        (parameter,) = schema["paths"][path]["get"]["parameters"]
        assert parameter["schema"] == ref


def enums_served() -> tuple[list[str], list[str]]:
    response = Client().get(SCHEMA_PATH, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    data = response.json()
    validate_schema(data)
    schemas = components(data)
    return schemas["FindingSlug"]["enum"], schemas["ConditionSlug"]["enum"]


def test_the_enums_follow_the_reference_in_use(monkeypatch):
    """An edit in the admin or a new release shows in the schema as soon as it is in use."""
    in_use = SimpleNamespace(
        findings={"zz-new-finding": None, "fever": None},
        condition_names={"zz-new-condition": "New"},
    )
    monkeypatch.setattr("reference.snapshot.snapshot_get", lambda: in_use)
    assert enums_served() == (["fever", "zz-new-finding"], ["zz-new-condition"])


@pytest.mark.parametrize("database", ["empty", "no tables"])
def test_without_reference_content_the_enums_list_the_fixture_release(
    monkeypatch, settings, tmp_path, database: str
):
    (tmp_path / "conditions").mkdir()
    (tmp_path / "findings.json").write_text('[{"slug": "b-finding"}, {"slug": "a-finding"}]')
    (tmp_path / "conditions" / "x.json").write_text('{"slug": "x-condition"}')
    settings.REFERENCE_FIXTURES_DIR = tmp_path

    def no_tables() -> None:
        raise DatabaseError("no such table: reference_finding")

    empty = SimpleNamespace(findings={}, condition_names={})
    snapshot = no_tables if database == "no tables" else (lambda: empty)
    monkeypatch.setattr("reference.snapshot.snapshot_get", snapshot)
    assert enums_served() == (["a-finding", "b-finding"], ["x-condition"])


def test_note_inputs_are_typed(schema):
    request = components(schema)["NoteRequest"]
    properties = request["properties"]
    assert request["additionalProperties"] is False
    assert properties["age_years"] == {
        "type": "number",
        "minimum": 0,
        "maximum": 120,
        "nullable": True,
        "description": "Age in years.",
    }
    assert properties["clinician_text"]["maxLength"] == 10_000
    assert properties["follow_up_advice"]["maxLength"] == 1_000
    assert properties["clinic_name"]["maxLength"] == 200
    assert properties["presenting_complaint"]["maxLength"] == 200
    assert components(schema)["DifferentialInputRequest"]["additionalProperties"] is False


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Seen in clinic.",
        "  trimmed  ",
        "line one\nline two\tand a tab\r\n",
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629 and \u4e2d\u6587",  # any script
        "\x0cedges\x1f",  # control characters that trimming removes
        "\x0c",
        "mid\x0cdle",
        "nul\x00",
        "bell\x07",
        "BP \u202e021",
        "isolate \u2066x\u2069",
        "\u00a0\u3000",
        "x" * 1_000,
        "x" * 1_001,
        " " + "x" * 1_000,
    ],
)
@pytest.mark.parametrize("field", ["follow_up_advice", "presenting_complaint"])
def test_text_patterns_and_limits_say_what_the_server_accepts(schema, field: str, text: str):
    documented = components(schema)["NoteRequest"]["properties"][field]
    valid = (
        re.fullmatch(documented["pattern"], text) is not None
        and len(text) <= documented["maxLength"]
        and len(text) >= documented.get("minLength", 0)
    )
    accepted = NoteSerializer(data={field: text}, partial=True).is_valid()
    assert valid == accepted


def test_handout_parameters_list_every_accepted_value(schema):
    parameters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/notes/{id}/handout.pdf"]["get"]["parameters"]
        if p["in"] == "query"
    }
    candidates = ["0", "1", "true", "false", "True", "yes", "no", "2", "", "en", "es", "fr"]
    candidates += ["a4", "letter", "A4", "Letter", "legal"]
    for name, documented in parameters.items():
        accepted = set()
        for value in candidates:
            try:
                handout_options({name: value})
            except NoteInputError:
                continue
            accepted.add(value if name != "paper" else value.lower())
        assert set(documented["enum"]) == accepted, name
    assert set(parameters["large"]["enum"]) == {"0", "1", "true", "false"}


def test_every_source_url_is_a_valid_uri(schema, settings):
    urls = [s.url for s in Source.objects.all() if s.url] + [s.link for s in Source.objects.all()]
    fixtures = reference_read(directory=settings.REFERENCE_FIXTURES_DIR)
    in_files = [s["url"] for s in fixtures.sources.values() if s.get("url")]
    assert in_files
    urls += in_files
    api = APIClient().get("/api/v1/sources/").json()
    urls += [s["url"] for s in api if s["url"]] + [s["link"] for s in api]
    urls += [v for v in strings(schema) if v.startswith(("http://", "https://"))]
    bad = sorted({u for u in urls if not IS_URI(u)})
    assert not bad


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def test_every_operation_declares_its_errors(schema):
    error = {"$ref": "#/components/schemas/Error"}
    outcome = {"$ref": "#/components/schemas/OperationOutcome"}
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        label = f"{method} {path}"
        codes = set(responses)
        assert {"400", "401", "403", "500"} <= codes, label
        for code in codes - {"200", "201"}:
            content = responses[code]["content"]
            cds_outcome = content.get("application/json", {}).get("schema") == outcome
            if path.startswith("/cds-services") and cds_outcome:
                continue  # CDS Hooks errors are OperationOutcomes too (3.0 ballot advice).
            if "/fhir" in path and list(content) == ["application/fhir+json"]:
                # A FHIR interaction reports its own errors as an OperationOutcome.
                assert content["application/fhir+json"]["schema"] == outcome, (label, code)
                continue
            assert list(content) == ["application/json"], (label, code)
            assert content["application/json"]["schema"] == error, (label, code)
        # Anonymous calls are throttled per address, token calls per token: all can 429.
        assert "Retry-After" in responses["429"]["headers"], label
        anonymous = {} in operation["security"]
        assert ("THROTTLE_ANON_RATE" in responses["429"]["description"]) == anonymous, label
        assert "THROTTLE_TOKEN_RATE" in responses["429"]["description"], label
        if "{" in path:
            assert "404" in codes, label
    conflicts = {
        ("PUT", "/api/v1/notes/{id}/"),
        ("PATCH", "/api/v1/notes/{id}/"),
        ("POST", "/api/v1/notes/{id}/finalize/"),
        ("POST", "/api/v1/notes/{id}/amend/"),
    }
    assert {(m, p) for m, p, op in operations(schema) if "409" in op["responses"]} == conflicts
    body = resolve(schema, error)
    assert body["required"] == ["detail"]
    assert body["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": "The problems with one field.",
    }


def test_cross_field_rules_are_described_with_their_400(schema):
    ruled = {
        ("POST", "/api/v1/differential/"),
        ("POST", "/api/v1/notes/"),
        ("PUT", "/api/v1/notes/{id}/"),
        ("PATCH", "/api/v1/notes/{id}/"),
    }
    found = set()
    for method, path, operation in operations(schema):
        rules = operation.get("x-cross-field-rules")
        if not rules:
            continue
        found.add((method, path))
        assert rules["status"] == 400
        assert "400" in operation["responses"]
        description = operation["description"]
        assert "both `present` and `absent`" in description
        assert "field" in description and "400" in description
    assert found == ruled


def test_the_error_bodies_have_the_documented_shape(schema):
    """A slug both present and absent, and an unknown field: 400 with `detail` + fields."""
    body_schema = resolve(schema, {"$ref": "#/components/schemas/Error"})
    validator = jsonschema_rs.validator_for(body_schema)
    user = User.objects.create_user("shape", password="correct-horse-battery")
    api = APIClient()
    api.force_authenticate(user)
    for url in ("/api/v1/differential/", "/api/v1/notes/"):
        for body in (
            {"present": ["fever"], "absent": ["fever"]},
            {"present": ["fever"], "colour": "red"},
            {"present": ["fever", None, 3]},
        ):
            response = api.post(url, body, format="json")
            assert response.status_code == 400, (url, body)
            validator.validate(response.json())


def test_note_files_answer_a_client_that_asks_for_their_media_type():
    user = User.objects.create_user("files", password="correct-horse-battery")
    note = note_create(owner=user, **STROKE)
    api = APIClient()
    api.force_authenticate(user)
    url = f"/api/v1/notes/{note.pk}"
    pdf = api.get(f"{url}/handout.pdf", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = api.get(f"{url}/note.txt", HTTP_ACCEPT="text/plain")
    assert text.status_code == 200 and text["Content-Type"].startswith("text/plain")
    missing = api.get("/api/v1/notes/999999/handout.pdf", HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404 and missing.json()["detail"]


def test_the_differential_documents_examination_needs_and_the_working_diagnosis(schema):
    schemas = components(schema)
    output = schemas["DifferentialOutput"]["properties"]
    assert output["examination"]["items"] == output["workup"]["items"]
    assert sorted(resolve(schema, output["workup_groups"]["items"])["required"]) == [
        "codes",
        "need",
        "priority",
    ]
    assert "need" in resolve(schema, output["workup"]["items"])["properties"]
    request = schemas["DifferentialInputRequest"]["properties"]
    assert "working_diagnosis" in request
    body = APIClient().post(
        "/api/v1/differential/", STROKE | {"working_diagnosis": "stroke"}, format="json"
    )
    returned = body.json()
    assert set(returned) == set(output)
    assert returned["examination"] and set(returned["examination"][0]) == set(
        resolve(schema, output["examination"]["items"])["properties"]
    )
