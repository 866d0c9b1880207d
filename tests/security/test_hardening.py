"""Sign-in lockout, throttling, security headers, sessions, JSON errors and the deploy check."""

import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from notes import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


def wrong_passwords(client: Client, url: str, n: int, **extra: Any) -> list[int]:
    return [
        client.post(url, {"username": "alice", "password": f"wrong-{i}"}, **extra).status_code
        for i in range(n)
    ]


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_ten_wrong_passwords_lock_that_username_from_that_address(client: Client, alice, url):
    # The tenth failure locks the pair, and its answer already says so.
    assert wrong_passwords(client, url, 10) == [200] * 9 + [429]
    locked = client.post(url, {"username": "alice", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "too many" in locked.content.decode().lower()
    other_address = Client(REMOTE_ADDR="10.9.9.9")
    ok = other_address.post(
        "/accounts/login/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert ok.status_code == 302  # another address is not locked out


def test_a_spoofed_forwarded_header_does_not_escape_the_lockout(client: Client, alice):
    for i in range(10):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "nope"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_lockout_uses_the_proxys_address(
    client: Client, alice, settings
):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(10):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "nope"},
            HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7",
        )
    same = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert same.status_code == 429
    colleague = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert colleague.status_code == 302


def test_anonymous_differential_calls_are_throttled_with_retry_after(settings):
    settings.THROTTLE_ANON_RATE = "3/minute"
    api = APIClient()
    codes = [
        api.post("/api/v1/differential/", {"present": ["fever"]}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    response = api.post("/api/v1/differential/", {}, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["detail"]


def test_clinical_responses_are_never_cached(client: Client, alice):
    note = services.note_create(owner=alice, present=["fever"])
    client.force_login(alice)
    for url in (
        "/notes/",
        f"/notes/{note.pk}/",
        f"/notes/{note.pk}/handout.pdf",
        "/api/v1/notes/",
        f"/api/v1/notes/{note.pk}/",
        f"/api/v1/notes/{note.pk}/note.txt",
        f"/api/v1/notes/{note.pk}/handout.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store, private", url


def test_every_response_has_a_permissions_policy(client: Client):
    policy = client.get("/")["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_sessions_end_after_thirty_minutes_idle_and_each_request_renews(client: Client, alice):
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(alice)
    assert client.get("/notes/").status_code == 200
    expires = Session.objects.get().expire_date
    assert abs(expires - timezone.now() - datetime.timedelta(minutes=30)).total_seconds() < 60
    # Idle for 31 minutes: the session is gone and the clinician signs in again.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get("/notes/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_idle_timeout_is_configurable():
    code = "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    env = {**os.environ, "SESSION_IDLE_MINUTES": "10", "SECRET_KEY": "x"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert out.stdout.strip() == "600"


@pytest.mark.parametrize(
    "url", ["/api/v1/nope/", "/api/v1/notes/999999/", "/api/v1/conditions/nope/"]
)
def test_api_404s_are_json(url: str, alice):
    client = Client()
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_an_api_server_error_is_json_without_a_traceback(alice, monkeypatch):
    from reference.api import differential

    def boom(**_: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(differential, "differential_compute", boom)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/differential/", {"present": ["fever"]}, content_type="application/json"
    )
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] and b"secret internals" not in response.content


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 20 + "-production-like-secret-key-" + "k" * 20,
    "ALLOWED_HOSTS": "reference.example.org",
    "SECURE_COOKIES": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def test_deploy_check_reports_nothing_with_a_production_environment():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout


def test_each_production_setting_comes_from_its_own_variable():
    code = (
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.ALLOWED_HOSTS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert (
        out.stdout.strip() == "False True True True 31536000 True True ['reference.example.org']"
    )
