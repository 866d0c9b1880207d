"""A content change made by another process reaches this one within one request.

Each process keeps its own in-memory snapshot and, with the default local-memory cache,
its own cache; the shared database row `ContentState` is what tells them apart.
"""

import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from reference.loading import reference_load

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
BODY = {"present": ["trismus-or-risus"], "age_years": 40}


def database_url() -> str:
    db: dict[str, Any] = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():  # type: ignore[attr-defined]
            pytest.fail("Needs a file-backed database: set SQLITE_TEST_NAME.")
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def edit_in_another_process(code: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
    subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
    )


def tetanus(data: dict[str, Any]) -> float:
    return next(
        float(r["probability"]) for r in data["differential"] if r["condition"] == "tetanus"
    )


def test_an_edit_in_another_process_changes_the_next_ranking_here():
    reference_load(directory=settings.REFERENCE_FIXTURES_DIR)
    api = APIClient()
    before = api.post("/api/v1/differential/", BODY, format="json").json()
    edit_in_another_process(
        "from reference.models import Condition; c = Condition.objects.get(slug='tetanus'); "
        "c.prior = c.prior * 50; c.save()"
    )
    after = api.post("/api/v1/differential/", BODY, format="json").json()
    assert after["reference_fingerprint"] != before["reference_fingerprint"]
    assert tetanus(after) > tetanus(before)
    again = api.post("/api/v1/differential/", BODY, format="json").json()
    assert again["reference_fingerprint"] == after["reference_fingerprint"]


def test_the_content_state_records_the_fingerprint_in_use():
    from reference.models import ContentState

    reference_load(directory=settings.REFERENCE_FIXTURES_DIR)
    data = APIClient().post("/api/v1/differential/", BODY, format="json").json()
    assert ContentState.objects.get().fingerprint == data["reference_fingerprint"]


def test_the_per_request_token_query_reads_the_content_state_table():
    from reference.models import ContentState
    from reference.snapshot import CONTENT_STATE_SQL

    assert f"FROM {ContentState._meta.db_table} " in CONTENT_STATE_SQL
