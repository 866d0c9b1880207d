"""API tokens: issue (command and admin, key shown once), use, expiry, revoke, throttling."""

import datetime
import importlib
import io
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apitokens.models import ApiToken
from apitokens.services import token_issue

pytestmark = pytest.mark.django_db
STROKE = {"present": ["onset-sudden", "facial-weakness"], "absent": ["forehead-weak"]}


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def curator() -> User:
    return User.objects.create_superuser("curator", password="correct-horse-battery")


def with_key(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def issue(owner: User, **extra: Any) -> str:
    return token_issue(owner=owner, name="EHR", expires_at=None, **extra).key


def stored_text() -> str:
    """Every column of every token row, as text: what a database dump would show."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM apitokens_apitoken")
        return repr(cursor.fetchall())


# Issue


def test_token_create_prints_the_key_once_and_stores_only_its_hash(alice):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "token_create",
        "--user",
        "alice",
        "--name",
        "EHR",
        "--expires-days",
        "90",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    assert re.fullmatch(r"lt_[A-Za-z0-9_-]{43}", key)
    token = ApiToken.objects.get()
    assert token.owner == alice and token.name == "EHR"
    assert key.startswith(token.prefix) and len(token.prefix) == 11
    assert token.prefix in err.getvalue() and key not in err.getvalue()
    expected = timezone.now() + datetime.timedelta(days=90)
    assert token.expires_at is not None
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert key not in stored_text() and key[11:] not in stored_text()
    assert with_key(key).get("/api/v1/notes/").status_code == 200


def test_token_create_without_expiry_and_with_a_rate(alice):
    out = io.StringIO()
    call_command(
        "token_create",
        "--user",
        "alice",
        "--name",
        "Lab",
        "--no-expiry",
        "--rate",
        "5/minute",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = ApiToken.objects.get()
    assert token.expires_at is None and token.rate == "5/minute"


@pytest.mark.parametrize(
    "args",
    [
        ["--user", "nobody", "--name", "x"],
        ["--user", "alice", "--name", ""],
        ["--user", "alice", "--name", "x", "--expires-days", "0"],
        ["--user", "alice", "--name", "x", "--rate", "lots"],
        ["--user", "alice", "--name", "x", "--no-expiry", "--expires-days", "3"],
    ],
)
def test_token_create_refuses_bad_arguments(alice, args: list[str]):
    with pytest.raises(CommandError):
        call_command("token_create", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_the_admin_shows_the_key_once_after_saving_and_never_again(alice, curator):
    client = Client()
    client.force_login(curator)
    form = client.get("/admin/apitokens/apitoken/add/")
    assert form.status_code == 200
    response = client.post(
        "/admin/apitokens/apitoken/add/",
        {
            "name": "Clinic EHR",
            "owner": alice.pk,
            "expires_at_0": "2030-01-01",
            "expires_at_1": "00:00:00",
            "rate": "",
        },
    )
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    key = re.search(rb"lt_[A-Za-z0-9_-]{43}", response.content)
    assert key is not None
    token = ApiToken.objects.get()
    assert token.owner == alice and token.name == "Clinic EHR"
    assert token.expires_at == datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    assert b"not be shown again" in response.content
    assert with_key(key.group().decode()).get("/api/v1/notes/").status_code == 200

    for url in (
        "/admin/apitokens/apitoken/",
        f"/admin/apitokens/apitoken/{token.pk}/change/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert key.group() not in page.content, url
        assert token.prefix.encode() in page.content, url
    assert key.group().decode() not in stored_text()


def test_the_admin_list_shows_name_owner_prefix_expiry_last_use_and_revocation(alice, curator):
    token = token_issue(owner=alice, name="Clinic EHR", expires_at=None).token
    client = Client()
    client.force_login(curator)
    page = client.get("/admin/apitokens/apitoken/").content.decode()
    for column in ("Name", "Owner", "Prefix", "Expires", "Last used", "Revoked"):
        assert column in page, column
    assert "Clinic EHR" in page and "alice" in page and token.prefix in page


def test_the_admin_revoke_action_revokes(alice, curator):
    key = issue(alice)
    token = ApiToken.objects.get()
    client = Client()
    client.force_login(curator)
    response = client.post(
        "/admin/apitokens/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert with_key(key).get("/api/v1/notes/").status_code == 401


# Use


def test_a_token_reaches_the_notes_api_the_differential_note_text_and_the_handout(alice):
    api = with_key(issue(alice))
    assert api.post("/api/v1/differential/", STROKE, format="json").status_code == 200
    created = api.post("/api/v1/notes/", STROKE, format="json")
    assert created.status_code == 201 and created.json()["owner"] == "alice"
    note = created.json()["id"]
    text = api.get(f"/api/v1/notes/{note}/note.txt")
    assert text.status_code == 200 and text["Content-Type"].startswith("text/plain")
    pdf = api.get(f"/api/v1/notes/{note}/handout.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_keyword_is_case_insensitive_as_in_drf(alice):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"token {issue(alice)}")
    assert api.get("/api/v1/notes/").status_code == 200


def test_last_used_is_recorded_at_most_once_a_minute(alice, django_assert_num_queries):
    key = issue(alice)
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    api = with_key(key)
    api.get("/api/v1/notes/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and (timezone.now() - first).total_seconds() < 60
    api.get("/api/v1/notes/")
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: no write
    ApiToken.objects.update(last_used_at=first - datetime.timedelta(minutes=2))
    api.get("/api/v1/notes/")
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first


def test_within_the_minute_a_request_writes_nothing_for_the_token(alice):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    api = with_key(issue(alice))
    api.post("/api/v1/differential/", {"present": ["fever"]}, format="json")
    with CaptureQueriesContext(conn) as queries:
        assert (
            api.post("/api/v1/differential/", {"present": ["fever"]}, format="json").status_code
            == 200
        )
    token_queries = [q["sql"] for q in queries if "apitokens_apitoken" in q["sql"]]
    assert len(token_queries) == 1 and token_queries[0].lstrip().upper().startswith("SELECT")


# Refused


def test_an_expired_token_is_401_naming_the_expiry(alice):
    key = issue(alice)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = with_key(key).get("/api/v1/notes/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_is_401_naming_the_revocation(alice):
    key = issue(alice)
    out = io.StringIO()
    call_command("token_revoke", ApiToken.objects.get().prefix, stdout=out)
    assert "revoked" in out.getvalue()
    for response in (
        with_key(key).get("/api/v1/notes/"),
        with_key(key).post("/api/v1/differential/", STROKE, format="json"),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert "revoked" in response.json()["detail"]


def test_token_revoke_by_user_revokes_all_their_tokens(alice):
    keys = [issue(alice), issue(alice)]
    call_command("token_revoke", "--user", "alice", "--all", stdout=io.StringIO())
    assert all(with_key(k).get("/api/v1/notes/").status_code == 401 for k in keys)


def test_token_revoke_refuses_an_unknown_token():
    with pytest.raises(CommandError):
        call_command("token_revoke", "lt_nothing", stdout=io.StringIO())


@pytest.mark.parametrize(
    "header",
    ["Token lt_not-a-real-key", "Token", "Token a b", "Token " + "x" * 500],
)
def test_a_bad_token_is_401_with_www_authenticate_even_where_no_sign_in_is_needed(header: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    for response in (
        api.get("/api/v1/notes/"),
        api.post("/api/v1/differential/", STROKE, format="json"),
    ):
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["detail"]


def test_a_token_of_an_inactive_user_is_refused(alice):
    key = issue(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert with_key(key).get("/api/v1/notes/").status_code == 401


def test_unauthenticated_calls_that_need_sign_in_are_401_with_www_authenticate():
    api = APIClient()
    for response in (
        api.get("/api/v1/notes/"),
        api.post("/api/v1/notes/", STROKE, format="json"),
        api.get("/api/v1/notes/1/note.txt"),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["detail"]


# Session authentication keeps working, CSRF included


def test_session_auth_still_works_and_still_checks_csrf(alice):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(alice)
    assert api.get("/api/v1/notes/").status_code == 200
    refused = api.post("/api/v1/notes/", STROKE, format="json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    api.get("/accounts/login/")  # a page with a form sets the CSRF cookie
    csrf = api.cookies["csrftoken"].value
    accepted = api.post("/api/v1/notes/", STROKE, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


def test_a_token_needs_no_csrf(alice):
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue(alice)}")
    assert api.post("/api/v1/notes/", STROKE, format="json").status_code == 201


# Migrated DRF tokens


def test_a_drf_token_is_migrated_to_a_hashed_token_and_its_key_keeps_working(alice):
    from django.apps import apps

    drf_tokens = importlib.import_module("apitokens.migrations.0002_migrate_drf_tokens")

    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    created = timezone.now() - datetime.timedelta(days=400)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp "
            "with time zone NOT NULL, user_id integer NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created datetime "
            "NOT NULL, user_id integer NOT NULL)"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [
                old_key,
                created if connection.vendor == "postgresql" else created.isoformat(),
                alice.pk,
            ],
        )
    drf_tokens.drf_tokens_migrate(apps, SimpleNamespace(connection=connection))

    token = ApiToken.objects.get()
    assert token.name == "migrated DRF token" and token.owner == alice
    assert token.expires_at is None and token.prefix == old_key[:8]
    assert abs((token.created_at - created).total_seconds()) < 1
    assert old_key not in stored_text()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)  # the plain keys are gone
    assert with_key(old_key).get("/api/v1/notes/").status_code == 200


def test_drf_token_migration_without_the_old_table_does_nothing():
    from django.apps import apps

    drf_tokens = importlib.import_module("apitokens.migrations.0002_migrate_drf_tokens")

    drf_tokens.drf_tokens_migrate(apps, SimpleNamespace(connection=connection))
    assert not ApiToken.objects.exists()


def test_keys_survive_a_secret_key_rotation_with_the_old_key_as_fallback(alice, settings):
    key = issue(alice)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    assert with_key(key).get("/api/v1/notes/").status_code == 401
    settings.SECRET_KEY_FALLBACKS = [old]
    assert with_key(key).get("/api/v1/notes/").status_code == 200
    settings.SECRET_KEY_FALLBACKS = []  # the digest was rehashed under the new key
    assert with_key(key).get("/api/v1/notes/").status_code == 200


# Throttling


def test_each_token_is_throttled_on_its_own_with_retry_after(alice, settings):
    settings.THROTTLE_TOKEN_RATE = "3/minute"
    first, second = with_key(issue(alice)), with_key(issue(alice))
    codes = [first.get("/api/v1/notes/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = first.post("/api/v1/differential/", STROKE, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["detail"]
    assert second.get("/api/v1/notes/").status_code == 200


def test_a_token_rate_overrides_the_default(alice, settings):
    settings.THROTTLE_TOKEN_RATE = "1000/minute"
    api = with_key(issue(alice, rate="2/minute"))
    codes = [api.get("/api/v1/notes/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_anonymous_rate_does_not_apply_to_tokens(alice, settings):
    settings.THROTTLE_ANON_RATE = "1/minute"
    settings.THROTTLE_TOKEN_RATE = "1000/minute"
    api = with_key(issue(alice))
    codes = [
        api.post("/api/v1/differential/", STROKE, format="json").status_code for _ in range(3)
    ]
    assert codes == [200, 200, 200]


def test_a_bad_token_rate_is_refused_by_the_model(alice):
    from django.core.exceptions import ValidationError

    token = ApiToken(owner=alice, name="x", prefix="p", digest="d", rate="ten a minute")
    with pytest.raises(ValidationError) as info:
        token.full_clean()
    assert "rate" in info.value.message_dict


# The schema


def test_the_schema_declares_the_token_scheme_first():
    schema = (
        APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "apiKey" and scheme["in"] == "header"
    assert scheme["name"] == "Authorization" and "Token <key>" in scheme["description"]
    notes = schema["paths"]["/api/v1/notes/"]["get"]
    assert notes["security"][0] == {"tokenAuth": []}
    assert {} not in notes["security"]
    assert "Retry-After" in notes["responses"]["429"]["headers"]
