"""Every admin change is a numbered revision; readers see versions, changes and review dates."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from notes import services
from reference.models import Condition, ContentRevision, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client: Client) -> User:
    user = User.objects.create_superuser("curator", password="correct-horse-battery")
    client.force_login(user)
    return user


def source_form(source: Source, **changes: object) -> dict[str, object]:
    data = {
        f: getattr(source, f)
        for f in ("key", "title", "publisher", "year", "pmid", "doi", "url", "kind")
    }
    return {**data, **changes}


def test_each_admin_change_records_a_revision_with_who_when_and_what(client: Client, curator):
    source = Source.objects.get(key="nice-ng128")
    url = f"/admin/reference/source/{source.pk}/change/"
    response = client.post(url, source_form(source, title="NG128 (curator's title)"))
    assert response.status_code == 302
    revision = ContentRevision.objects.exclude(number=0).get()
    assert revision.release == "2026.1" and revision.number == 1 and revision.user == curator
    assert revision.label == "2026.1+r1" and "Changed" in revision.summary
    assert "Title" in revision.summary
    client.post(url, source_form(source, title="NG128 again"))
    assert ContentRevision.objects.order_by("-number").first().label == "2026.1+r2"  # type: ignore[union-attr]


def test_the_differential_and_notes_record_release_revision_and_fingerprint(client, curator):
    body = {"present": ["fever"]}
    before = APIClient().post("/api/v1/differential/", body, format="json").json()
    assert before["reference_version"] == "2026.1" and before["reference_revision"] == 0
    note = services.note_create(owner=curator, present=["fever"])
    source = Source.objects.get(key="nice-ng128")
    client.post(f"/admin/reference/source/{source.pk}/change/", source_form(source, year=2020))
    after = APIClient().post("/api/v1/differential/", body, format="json").json()
    assert after["reference_revision"] == 1
    assert after["reference_fingerprint"] == before["reference_fingerprint"]  # a source year
    tetanus = Condition.objects.get(slug="tetanus")
    tetanus.prior *= 2
    tetanus.save()
    html = client.get(f"/notes/{note.pk}/").content.decode()
    assert "Reference 2026.1" in html
    assert "The reference content has changed since this note was computed" in html
    assert "now 2026.1+r1" in html


def test_the_sources_page_shows_the_changelog_by_release_and_revision(client: Client, curator):
    source = Source.objects.get(key="nice-ng128")
    client.post(f"/admin/reference/source/{source.pk}/change/", source_form(source, year=2020))
    html = client.get("/sources/").content.decode()
    assert "Reference content <strong>2026.1+r1</strong>" in html
    assert "Release 2026.1" in html and "2026.1+r1" in html and "Release 2026.1 loaded." in html
    assert "by curator" in html


def test_review_dates_show_on_the_condition_page(client: Client):
    html = client.get("/conditions/stroke/").content.decode()
    assert "Last reviewed 22 November 2026" in html and "next review due 22 November 2029" in html
    assert "Review overdue" not in html
    Condition.objects.filter(slug="stroke").update(review_due=datetime.date(2020, 1, 1))
    assert "Review overdue" in client.get("/conditions/stroke/").content.decode()


def test_overdue_topics_are_listed_in_the_admin(client: Client, curator):
    Condition.objects.filter(slug="tetanus").update(review_due=datetime.date(2020, 1, 1))
    html = client.get("/admin/reference/condition/?review=overdue").content.decode()
    assert "Tetanus" in html and "Stroke or TIA" not in html
