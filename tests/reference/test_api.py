import pytest
from rest_framework.test import APIClient

from reference.models import Condition, Finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_conditions_list_has_every_condition(api: APIClient):
    data = api.get("/api/v1/conditions/").json()
    assert {c["slug"] for c in data} == set(Condition.objects.values_list("slug", flat=True))
    assert set(data[0]) == {"slug", "name", "urgency", "must_not_miss", "grade", "summary", "url"}


def test_condition_detail_holds_evidence_red_flags_workup_and_sources(api: APIClient):
    data = api.get("/api/v1/conditions/stroke/").json()
    assert data["urgency"] == "emergency" and data["must_not_miss"] is True
    assert data["codes"]["icd10cm"]["code"]
    link = data["evidence"][0]
    assert {"finding", "lr_present", "lr_absent", "grade", "is_estimate", "sources"} <= set(link)
    flag = next(f for f in data["red_flags"] if f["slug"] == "stroke-sudden-focal-deficit")
    assert flag["when"]["all"] == ["onset-sudden"]
    assert {w["priority"] for w in data["workup"]} <= {
        "immediate",
        "soon",
        "routine",
        "consider",
        "not-recommended",
    }
    cited = {k for e in data["evidence"] for k in e["sources"]}
    assert cited <= {s["key"] for s in data["sources"]}


def test_unknown_condition_gives_json_404(api: APIClient):
    response = api.get("/api/v1/conditions/nope/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_findings_sources_beliefs_and_workup_items_list(api: APIClient):
    assert len(api.get("/api/v1/findings/").json()) == Finding.objects.count()
    assert all(s["pmid"] or s["doi"] or s["url"] for s in api.get("/api/v1/sources/").json())
    beliefs = api.get("/api/v1/beliefs/").json()
    assert beliefs and {"claim", "verdict", "grade", "sources"} <= set(beliefs[0])
    items = api.get("/api/v1/workup-items/").json()
    assert any(i["loinc"] for i in items)


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/api/v1/conditions/", 2),
        # One query per relation, whatever the size: red flags read five finding lists.
        ("/api/v1/conditions/hypocalcemia/", 15),
        ("/api/v1/findings/", 2),
        ("/api/v1/sources/", 2),
        ("/api/v1/beliefs/", 3),
    ],
)
def test_query_count_is_constant(
    api: APIClient, django_assert_max_num_queries, url: str, limit: int
):
    with django_assert_max_num_queries(limit):
        assert api.get(url).status_code == 200


def test_openapi_schema_and_docs_are_served_locally(api: APIClient):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/conditions/{slug}/" in schema.json()["paths"]
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"drf_spectacular_sidecar" in docs.content
