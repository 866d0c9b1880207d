"""The audit trail records every look at a note, refused ones included."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from notes import services
from notes.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def mallory() -> User:
    return User.objects.create_user("mallory", password="correct-horse-battery")


def api_for(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_listing_notes_in_the_api_records_a_view_of_each(alice):
    notes = [services.note_create(owner=alice, present=["fever"]) for _ in range(3)]
    assert api_for(alice).get("/api/v1/notes/").status_code == 200
    for note in notes:
        assert AuditEvent.objects.filter(note=note, action="viewed", user=alice).count() == 1


@pytest.mark.parametrize("path", ["", "note.txt", "handout.pdf"])
def test_refused_access_in_the_api_is_recorded(alice, mallory, path):
    note = services.note_create(owner=alice, present=["fever"])
    response = api_for(mallory).get(f"/api/v1/notes/{note.pk}/{path}")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(note=note, action="refused", user=mallory).count() == 1
    assert not AuditEvent.objects.filter(note=note, user=mallory).exclude(action="refused")


def test_refused_access_to_a_page_is_recorded(client: Client, alice, mallory):
    note = services.note_create(owner=alice, present=["fever"])
    client.force_login(mallory)
    assert client.get(f"/notes/{note.pk}/").status_code == 404
    assert client.post(f"/notes/{note.pk}/finalize/").status_code == 404
    assert AuditEvent.objects.filter(note=note, action="refused", user=mallory).count() == 2
    note.refresh_from_db()
    assert not note.is_final


def test_a_note_id_that_is_not_a_number_is_a_404(alice):
    assert api_for(alice).get("/api/v1/notes/abc/").status_code == 404


def test_a_draft_cannot_be_amended(client: Client, alice):
    note = services.note_create(owner=alice, present=["fever"])
    response = api_for(alice).post(f"/api/v1/notes/{note.pk}/amend/")
    assert response.status_code == 409 and "draft" in response.json()["detail"]
    client.force_login(alice)
    client.post(f"/notes/{note.pk}/amend/")
    assert not note.amendments.exists()
    assert not AuditEvent.objects.filter(action="amended").exists()
