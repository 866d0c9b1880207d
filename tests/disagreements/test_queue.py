"""The curators' queue in the admin: counts per (condition, rule, release), filters,
read-only records with a reviewed flag, and comments escaped."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from disagreements.models import Disagreement

pytestmark = pytest.mark.django_db
QUEUE = "/admin/disagreements/disagreementqueue/"
RECORDS = "/admin/disagreements/disagreement/"


@pytest.fixture
def curator(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("cur", password="curator-password-1"))
    return client


def make(user: User | None = None, **fields: object) -> Disagreement:
    values: dict[str, object] = {
        "source": "clinician" if user else "cds",
        "user": user,
        "kind": "red-flag",
        "condition": "stroke",
        "rule": "stroke-sudden-focal-deficit",
        "reference_version": "2026.2",
        "reference_revision": 0,
        "reference_fingerprint": "abc",
        "reason": "should-not-fire",
        **fields,
    }
    return Disagreement.objects.create(**values)


def test_queue_counts_per_condition_rule_and_release(curator: Client):
    alice = User.objects.create_user("alice", password="x-long-password-3")
    make(alice)
    make(alice, reviewed=True, reviewed_at="2026-12-01T10:00Z")
    make(None, client_issuer="https://ehr.example.org")
    make(alice, reference_version="2026.3")
    make(alice, kind="ranking", condition="bells-palsy", rule="", reason="too-low")
    response = curator.get(QUEUE)
    assert response.status_code == 200
    rows = {
        (r.condition, r.rule, r.release): (r.total, r.open, r.from_clinicians, r.from_cds)
        for r, _ in response.context["queue"]
    }
    assert rows == {
        ("stroke", "stroke-sudden-focal-deficit", "2026.2"): (3, 2, 2, 1),
        ("stroke", "stroke-sudden-focal-deficit", "2026.3"): (1, 1, 1, 0),
        ("bells-palsy", "", "2026.2"): (1, 1, 1, 0),
    }
    html = response.content.decode()
    assert "Stroke or TIA" in html  # the condition's name beside its slug


def test_queue_filters_narrow_the_counts(curator: Client):
    alice = User.objects.create_user("alice", password="x-long-password-3")
    make(alice)
    make(None)
    make(alice, reference_version="2026.3")
    response = curator.get(QUEUE, {"source__exact": "cds"})
    assert [(r.release, r.total) for r, _ in response.context["queue"]] == [("2026.2", 1)]
    response = curator.get(QUEUE, {"reference_version__exact": "2026.3"})
    assert [(r.release, r.total) for r, _ in response.context["queue"]] == [("2026.3", 1)]
    for name in ("reason__exact", "kind__exact", "condition__exact", "rule__exact"):
        assert curator.get(QUEUE, {name: "x"}).status_code == 200


def test_a_queue_group_links_to_its_records(curator: Client):
    alice = User.objects.create_user("alice", password="x-long-password-3")
    make(alice, kind="ranking", condition="bells-palsy", rule="", reason="too-low")
    make(alice)
    ((_row, link),) = [
        q for q in curator.get(QUEUE).context["queue"] if q[0].condition == "bells-palsy"
    ]
    listed = curator.get(link).context["cl"].queryset
    assert [d.condition for d in listed] == ["bells-palsy"]


def test_records_are_read_only_and_reviewed_records_who_and_when(curator: Client):
    alice = User.objects.create_user("alice", password="x-long-password-3")
    d = make(alice, comment="<script>alert(1)</script>")
    assert curator.get(f"{RECORDS}add/").status_code == 403
    assert curator.post(f"{RECORDS}{d.pk}/delete/", {"post": "yes"}).status_code == 403
    page = curator.get(f"{RECORDS}{d.pk}/change/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    listing = curator.get(RECORDS).content.decode()
    assert "<script>alert(1)</script>" not in listing and "&lt;script&gt;" in listing
    response = curator.post(f"{RECORDS}{d.pk}/change/", {"reviewed": "on", "comment": "changed"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.reviewed and d.reviewed_by is not None and d.reviewed_by.username == "cur"
    assert d.reviewed_at is not None and d.comment == "<script>alert(1)</script>"


def test_the_bulk_action_marks_a_group_reviewed(curator: Client):
    alice = User.objects.create_user("alice", password="x-long-password-3")
    ids = [make(alice).pk, make(alice).pk]
    curator.post(RECORDS, {"action": "mark_reviewed", "_selected_action": ids})
    assert Disagreement.objects.filter(reviewed=True, reviewed_by__username="cur").count() == 2
    curator.post(RECORDS, {"action": "mark_open", "_selected_action": ids[:1]})
    assert Disagreement.objects.filter(reviewed=False, reviewed_at__isnull=True).count() == 1
