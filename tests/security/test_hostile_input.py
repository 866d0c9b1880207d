"""Hostile and careless input: every case is a clear 4xx in JSON, never a 500."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from notes.models import Note

pytestmark = pytest.mark.django_db
DIFF = "/api/v1/differential/"
NOTES = "/api/v1/notes/"


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def api(alice: User) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(alice)
    return client


@pytest.fixture
def draft(api: APIClient) -> dict[str, Any]:
    response = api.post(NOTES, {"present": ["fever"]}, format="json")
    assert response.status_code == 201
    return response.json()


def raw(api: APIClient, method: str, url: str, body: str) -> Any:
    data: Any = body.encode("utf-8", "surrogatepass")  # bytes are sent as they are
    return api.generic(method, url, data, "application/json")


def assert_json_400(response: Any, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    data: dict[str, Any] = json.loads(response.content)
    assert data["detail"]
    if field:
        assert field in data, data
    return data


@pytest.mark.parametrize("age", ["1" + "0" * 309, "-1" + "0" * 309, "1" + "0" * 4000])
def test_a_huge_integer_age_is_a_400_everywhere(api: APIClient, draft: dict[str, Any], age: str):
    body = f'{{"present": ["fever"], "age_years": {age}}}'
    assert_json_400(raw(api, "POST", DIFF, body))
    assert_json_400(raw(api, "POST", NOTES, body))
    assert_json_400(raw(api, "PUT", f"{NOTES}{draft['id']}/", body))
    assert_json_400(raw(api, "PATCH", f"{NOTES}{draft['id']}/", f'{{"age_years": {age}}}'))


@pytest.mark.parametrize(
    "body",
    [
        '{"present": ["\\ud800"]}',
        '{"absent": ["fever\\udfff"]}',
        '{"\\ud800": 1}',
        '{"present": ["fever"], "\\ud800x": []}',
    ],
)
def test_a_lone_surrogate_in_input_is_a_400(api: APIClient, body: str):
    assert_json_400(raw(api, "POST", DIFF, body))
    assert_json_400(raw(api, "POST", NOTES, body))


@pytest.mark.parametrize(
    "field", ["clinician_text", "follow_up_advice", "clinic_name", "presenting_complaint"]
)
def test_a_lone_surrogate_in_typed_text_is_a_400(api: APIClient, field: str):
    body = f'{{"present": ["fever"], "{field}": "a\\ud800b"}}'
    assert_json_400(raw(api, "POST", NOTES, body), field)
    assert not Note.objects.exists()


def test_unknown_fields_are_not_echoed_when_they_are_not_field_names(api: APIClient):
    data = assert_json_400(api.post(NOTES, {"Jane Doe, NHS 943 476 5919": 1}, format="json"))
    assert "Jane Doe" not in json.dumps(data)
    data = assert_json_400(api.post(DIFF, {"present": ["Jane Doe 1950-01-01"]}, format="json"))
    assert "Jane Doe" not in json.dumps(data) and "present" in data


LIMITS = {
    "clinician_text": 10_000,
    "follow_up_advice": 1_000,
    "clinic_name": 200,
    "presenting_complaint": 200,
}


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_every_text_field_is_bounded_in_the_api(api: APIClient, draft, field: str, limit: int):
    ok = api.post(NOTES, {"present": ["fever"], field: "x" * limit}, format="json")
    assert ok.status_code == 201
    data = assert_json_400(
        api.post(NOTES, {"present": ["fever"], field: "x" * (limit + 1)}, format="json"), field
    )
    assert f"{limit:,}" in json.dumps(data) or str(limit) in json.dumps(data)
    assert_json_400(
        api.patch(f"{NOTES}{draft['id']}/", {field: "x" * (limit + 1)}, format="json"), field
    )


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_the_html_edit_form_applies_the_same_bounds(client: Client, alice, field, limit):
    from notes import services

    note = services.note_create(owner=alice, present=["fever"])
    client.force_login(alice)
    response = client.post(f"/notes/{note.pk}/edit/", {field: "x" * (limit + 1)}, follow=True)
    note.refresh_from_db()
    assert getattr(note, field) != "x" * (limit + 1)
    assert str(limit) in response.content.decode().replace(",", "")


@pytest.mark.parametrize("bad", ["a\x00b", "a\u202eb", "a\u2066b", "a\x07b"])
def test_control_and_bidi_override_characters_are_refused_by_form_and_api(
    client: Client, api: APIClient, alice, bad: str
):
    from notes import services

    assert_json_400(api.post(NOTES, {"present": ["fever"], "clinic_name": bad}, format="json"))
    note = services.note_create(owner=alice, present=["fever"])
    client.force_login(alice)
    client.post(f"/notes/{note.pk}/edit/", {"clinician_text": bad})
    note.refresh_from_db()
    assert note.clinician_text == ""


def test_tabs_newlines_and_other_scripts_are_kept(api: APIClient):
    text = "Line one\n\tindented\r\nالعربية עברית 中文 😀"
    response = api.post(NOTES, {"present": ["fever"], "clinician_text": text}, format="json")
    assert response.status_code == 201 and response.json()["clinician_text"] == text


def test_an_oversized_body_is_a_json_400_naming_the_limit(api: APIClient, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"present": ["fever"], "clinician_text": "x" * 20_000})
    for url in (DIFF, NOTES):
        data = assert_json_400(raw(api, "POST", url, body))
        assert "10000" in data["detail"].replace(",", "")
    form = api.generic(
        "POST", NOTES, "a=" + "x" * 20_000, content_type="application/x-www-form-urlencoded"
    )
    assert_json_400(form)


def test_finalize_with_a_handout_that_fails_to_render_still_reports_the_commit(
    api: APIClient, draft, monkeypatch, django_capture_on_commit_callbacks
):
    from notes import handout

    def boom(**_: Any) -> bytes:
        raise RuntimeError("renderer down")

    monkeypatch.setattr(handout, "handout_render", boom)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api.post(f"{NOTES}{draft['id']}/finalize/")
    assert callbacks  # the handout render was attempted after the commit
    assert response.status_code == 200 and response.json()["status"] == "final"
    assert Note.objects.get(pk=draft["id"]).is_final
