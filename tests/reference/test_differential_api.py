"""POST /api/v1/differential/: the contract shape and every bad-input case."""

import json
import math
from typing import Any

import pytest
from rest_framework.test import APIClient

from reference.models import Condition, Finding

pytestmark = pytest.mark.django_db
URL = "/api/v1/differential/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def post_raw(api: APIClient, body: str, content_type: str = "application/json") -> Any:
    return api.generic("POST", URL, body, content_type=content_type)


def test_contract_example_returns_the_documented_shape(api: APIClient):
    body = {
        "present": ["onset-sudden", "facial-weakness"],
        "absent": ["forehead-weak"],
        "age_years": 71,
    }
    response = api.post(URL, body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["reference_version"] == "2026.1"
    assert {c["condition"] for c in data["differential"]} == set(
        Condition.objects.filter(ranked=True).values_list("slug", flat=True)
    )
    probabilities = [c["probability"] for c in data["differential"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert math.isclose(sum(probabilities), 1.0, abs_tol=1e-9)
    top = data["differential"][0]
    assert top["condition"] == "stroke"
    assert {"name", "urgency", "must_not_miss", "evidence_grade", "supporting", "opposing"} <= set(
        top
    )
    assert top["urgency"] in {"emergency", "urgent", "soon", "routine"}
    assert {"finding", "likelihood_ratio"} <= set(top["supporting"][0])
    flag = data["red_flags"][0]
    assert {"condition", "urgency", "message", "action"} <= set(flag)
    assert any(f["condition"] == "stroke" for f in data["red_flags"])
    for item in data["workup"]:
        assert {
            "code",
            "name",
            "priority",
            "rationale",
            "for_conditions",
            "evidence_grade",
        } <= set(item)
        assert item["priority"] in {"immediate", "soon", "routine", "consider", "not-recommended"}
    assert {"finding", "question"} <= set(data["next_questions"][0])
    assessed = {"onset-sudden", "facial-weakness", "forehead-weak"}
    assert not assessed & {q["finding"] for q in data["next_questions"]}


def test_empty_object_ranks_on_priors_alone(api: APIClient):
    data = api.post(URL, {}, format="json").json()
    assert data["red_flags"] == []
    assert data["differential"][0]["condition"] == "benign-fasciculation"


def test_stores_nothing(api: APIClient, django_assert_max_num_queries):
    api.post(URL, {}, format="json")  # warm the snapshot
    # One read, of the content state (is the snapshot current?), and no write.
    with django_assert_max_num_queries(1) as queries:
        assert api.post(URL, {"present": ["fever"]}, format="json").status_code == 200
    assert queries.captured_queries[0]["sql"].lstrip().upper().startswith("SELECT")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"present": ["no-such-finding"]}, "present", "no-such-finding"),
        ({"absent": ["made-up", "also-made-up"]}, "absent", "also-made-up"),
        ({"present": ["fever"], "absent": ["fever"]}, "absent", "fever"),
        ({"present": ["fever", "fever"]}, "present", "more than once"),
        ({"present": [1, "fever"]}, "present", "strings"),
        ({"present": [None]}, "present", "strings"),
        ({"present": [["fever"]]}, "present", "strings"),
        ({"present": "fever"}, "present", "list"),
        ({"absent": {"fever": True}}, "absent", "list"),
        ({"age_years": -1}, "age_years", "0 to 120"),
        ({"age_years": 121}, "age_years", "0 to 120"),
        ({"age_years": "71"}, "age_years", "number"),
        ({"age_years": True}, "age_years", "number"),
        ({"age_years": [71]}, "age_years", "number"),
        ({"presnt": ["fever"]}, "presnt", "Unknown field"),
    ],
)
def test_bad_input_gets_400_naming_the_field(api: APIClient, body: dict, field: str, words: str):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert field in data
    assert words in data["detail"]


def test_list_longer_than_the_vocabulary_is_refused(api: APIClient):
    slugs = list(Finding.objects.values_list("slug", flat=True))
    response = api.post(URL, {"present": [*slugs, "fever"]}, format="json")
    assert response.status_code == 400
    assert "At most" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ('{"present": [', "application/json", "JSON parse error"),
        ("not json", "application/json", "JSON parse error"),
        ('{"age_years": NaN}', "application/json", "JSON parse error"),
        ("[" * 50000, "application/json", "nested too deeply"),
        ('["fever"]', "application/json", "JSON object"),
        ("null", "application/json", "No data"),
        ('{"present": ["fever"]}', "text/plain", "application/json"),
        ("present=fever", "application/x-www-form-urlencoded", "application/json"),
    ],
)
def test_malformed_bodies_and_wrong_content_types_get_400(
    api: APIClient, body: str, content_type: str, words: str
):
    response = post_raw(api, body, content_type)
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_infinite_age_is_refused(api: APIClient):
    response = post_raw(api, '{"age_years": 1e999}')
    assert response.status_code == 400
    assert "age_years" in response.json()


def test_get_is_not_allowed(api: APIClient):
    response = api.get(URL)
    assert response.status_code == 405
    assert "detail" in response.json()


def test_token_authentication_is_accepted(api: APIClient, django_user_model):
    from apitokens.services import token_issue

    user = django_user_model.objects.create_user("integrator", password="x-very-long-pw-1")
    token = token_issue(owner=user, name="integrator", expires_at=None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post(URL, {"present": ["fever"]}, format="json").status_code == 200


def test_schema_documents_the_endpoint(api: APIClient):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    post = schema["paths"]["/api/v1/differential/"]["post"]
    assert "requestBody" in post and "200" in post["responses"]
    assert json.dumps(post).count("next_questions") >= 1 or "DifferentialOutput" in json.dumps(
        post
    )


@pytest.mark.parametrize(
    "present",
    [[], ["onset-sudden", "facial-weakness"], ["lip-or-tongue-swelling", "breathing-difficulty"]],
)
def test_fast_response_matches_the_documented_serializer(present: list[str]):
    from reference.api.differential import DifferentialOutputSerializer
    from reference.differential import Assessment, differential_as_dict, differential_compute
    from reference.snapshot import snapshot_build

    result = differential_compute(
        snapshot=snapshot_build(), assessment=Assessment(frozenset(present), frozenset(), 50)
    )
    assert differential_as_dict(result) == json.loads(
        json.dumps(DifferentialOutputSerializer(result).data)
    )
