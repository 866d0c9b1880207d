"""Schemathesis against the live schema: every operation, as a signed-in clinician.

The schema is the one the app serves at /api/v1/schema/, loaded through schemathesis's
WSGI loader from `config.wsgi.application`, so requests run in pytest-django's test
database with the reference loaded once per session (tests/conftest.py). Every default
check runs. The one expectation added is per operation and comes from the schema: an
operation's `x-cross-field-rules` names rules that refuse schema-valid input (a slug both
present and absent), and their status is expected for valid data there.
"""

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from notes.models import Note
from notes.services import note_create, note_finalize

pytestmark = pytest.mark.django_db
SCHEMA_PATH = "/api/v1/schema/"
EXAMPLES_PER_OPERATION = 25
# schemathesis's default for positive_data_acceptance (config/_checks.py).
POSITIVE_DATA_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

# What each operation answered, for the test after the run: (method, path) -> statuses.
ANSWERS: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)


@pytest.fixture
def clinician() -> User:
    return User.objects.create_user("schemathesis", password="correct-horse-battery")


@pytest.fixture
def auth_config(clinician: User) -> dict[str, Any]:
    """How the run signs in (schemathesis `auth` config for the schema's `tokenAuth`)."""
    from apitokens.services import token_issue

    key = token_issue(owner=clinician, name="schemathesis", expires_at=None).key
    return {"openapi": {"tokenAuth": {"api_key": f"Token {key}"}}}


@pytest.fixture
def notes(clinician: User) -> dict[str, Any]:
    """Notes for the {id} operations: an editable draft (the example for reading and
    editing), a draft to finalize, a final note to amend, and a pool of drafts, final
    notes and another clinician's note for the generated cases to draw from."""
    other = User.objects.create_user("someone-else", password="correct-horse-battery")
    stroke: dict[str, Any] = {
        "present": ["onset-sudden", "facial-weakness"],
        "absent": ["forehead-weak"],
    }

    def draft(owner: User = clinician) -> Note:
        return note_create(owner=owner, **stroke, age_years=71)

    def final() -> Note:
        return note_finalize(note=note_create(owner=clinician, present=["fever"]), user=clinician)

    return {
        "editable": draft().pk,
        "to_finalize": draft().pk,
        "to_amend": final().pk,
        "pool": [draft().pk, draft().pk, final().pk, final().pk, draft(owner=other).pk],
    }


def with_note_examples(raw_schema: dict[str, Any], notes: dict[str, Any]) -> None:
    """Give each `{id}` an example that exists, so examples and coverage cases (which
    start from examples) reach real notes rather than 404 alone."""
    for path, methods in raw_schema["paths"].items():
        example = notes["editable"]
        if path.endswith("/finalize/"):
            example = notes["to_finalize"]
        elif path.endswith("/amend/"):
            example = notes["to_amend"]
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["example"] = example


def run_config(raw_schema: dict[str, Any], auth: dict[str, Any]) -> schemathesis.Config:
    """The run's auth, and per operation the status that the schema's `x-cross-field-rules`
    gives to schema-valid data."""
    operations = []
    for methods in raw_schema["paths"].values():
        for operation in methods.values():
            rules = operation.get("x-cross-field-rules") if isinstance(operation, dict) else None
            if rules:
                statuses = [*POSITIVE_DATA_STATUSES, str(rules["status"])]
                operations.append(
                    {
                        "include-operation-id": operation["operationId"],
                        "checks": {"positive_data_acceptance": {"expected-statuses": statuses}},
                    }
                )
    return schemathesis.Config.from_dict({"auth": auth, "operations": operations})


@contextmanager
def connection_kept_across_requests() -> Iterator[None]:
    """Keep the test transaction's connection across requests, as Django's test client does.

    schemathesis calls the real WSGI handler, whose request signals close a connection
    that is inside a transaction: SQLite's in-memory test database ignores that,
    PostgreSQL does not.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(
    request: pytest.FixtureRequest, notes: dict[str, Any], auth_config: dict[str, Any]
) -> Iterator[Any]:
    from config.wsgi import application

    # schemathesis 4.32's lazy loader reads and renames `node._nodeid`, which pytest 9.2
    # no longer has (it keeps `_id`); give it the attribute it expects.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid

    # (Django's test client reconnects the request signals after each request.)
    raw = Client().get(SCHEMA_PATH, HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    with connection_kept_across_requests():
        schema = schemathesis.openapi.from_wsgi(
            SCHEMA_PATH, application, config=run_config(raw, auth_config)
        )
        with_note_examples(schema.raw_schema, notes)

        @schema.hook
        def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
            # Random ids are 404s (documented); also draw the notes that exist. Only an
            # integer is replaced: anything else is a deliberately invalid id.
            drawn = (path_parameters or {}).get("id")
            if not isinstance(drawn, int) or isinstance(drawn, bool):
                return st.just(path_parameters)
            ids: list[Any] = [*notes["pool"], drawn]
            return st.sampled_from(ids).map(lambda i: {**path_parameters, "id": i})

        yield schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    response = case.call_and_validate()
    ANSWERS[case.method.upper(), case.path][response.status_code] += 1


def test_every_operation_succeeded_at_least_once() -> None:
    """The run above reached each operation's success path, not only its errors."""
    if not ANSWERS:
        pytest.skip("the schemathesis run did not run in this session")
    raw = Client().get(SCHEMA_PATH, HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = {(m.upper(), p) for p, methods in raw["paths"].items() for m in methods}
    # The CDS Hooks calls succeed only with a client's signed, single-use JWT (and their
    # data); their success paths are tested in tests/interop/test_cds_hooks.py. Here they
    # are held to the schema and to never answering 500.
    signed_only = {
        op for op in operations if op[0] == "POST" and op[1].startswith("/cds-services")
    }
    missing = {
        op: dict(ANSWERS[op])
        for op in sorted(operations - signed_only)
        if not any(200 <= code < 300 for code in ANSWERS[op])
    }
    assert not missing, f"no 2xx answer (statuses seen): {missing}"
