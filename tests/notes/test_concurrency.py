"""Real threads against a live server: concurrent finalizes and creates lose nothing.

Run on a file-backed SQLite database (SQLITE_TEST_NAME) and on PostgreSQL. Django's
in-memory SQLite test database is shared with the live server's thread, which
serialises every request, so there these tests could never fail: they refuse to run.
"""

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from apitokens.services import token_issue
from notes.models import AuditEvent, Note
from reference.loading import reference_load

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
THREADS = 20


@pytest.fixture
def token(django_user_model: Any) -> str:
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]
    if in_memory:
        pytest.fail("Concurrency tests need a file-backed database: set SQLITE_TEST_NAME.")
    reference_load(directory=settings.REFERENCE_FIXTURES_DIR)
    user = django_user_model.objects.create_user("clin", password="a-long-test-password-1")
    return token_issue(owner=user, name="concurrency", expires_at=None).key


def call(url: str, key: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def all_at_once(work: Any) -> list[tuple[int, dict[str, Any]]]:
    """Run `work` in THREADS threads released together; return their results."""
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS

    def run(i: int) -> None:
        barrier.wait()
        results[i] = work()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_twenty_concurrent_finalizes_give_one_200_and_nineteen_409s(live_server, token):
    status, note = call(f"{live_server.url}/api/v1/notes/", token, {"present": ["fever"]})
    assert status == 201
    url = f"{live_server.url}/api/v1/notes/{note['id']}/finalize/"
    results = all_at_once(lambda: call(url, token))
    statuses = sorted(s for s, _ in results)
    assert statuses == [200] + [409] * (THREADS - 1), results
    winner = next(body for s, body in results if s == 200)
    assert winner["status"] == "final"
    assert AuditEvent.objects.filter(note_id=note["id"], action="finalized").count() == 1
    assert Note.objects.get(pk=note["id"]).is_final


def test_twenty_concurrent_creates_all_succeed(live_server, token):
    url = f"{live_server.url}/api/v1/notes/"
    results = all_at_once(lambda: call(url, token, {"present": ["fever"], "age_years": 40}))
    assert sorted(s for s, _ in results) == [201] * THREADS, results
    ids = {body["id"] for _, body in results}
    assert len(ids) == THREADS == Note.objects.count()
    assert AuditEvent.objects.filter(action="created").count() == THREADS
