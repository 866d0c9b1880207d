import pytest
from django.contrib.auth.models import User
from django.test import Client

from notes.models import AuditEvent, Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def signed_in(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def test_note_pages_require_sign_in(client: Client):
    response = client.get("/notes/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sign_in_page_works(client: Client, alice: User):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302


def test_save_as_note_from_the_checklist(signed_in: Client):
    response = signed_in.post(
        "/notes/new/", {"onset-sudden": "present", "facial-weakness": "present", "age": "70"}
    )
    note = Note.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/notes/{note.pk}/"
    assert note.present == ["facial-weakness", "onset-sudden"] and note.age_years == 70
    html = signed_in.get(f"/notes/{note.pk}/").content.decode()
    assert "Copy to clipboard" in html and "Working diagnosis: Stroke or TIA" in html
    assert AuditEvent.objects.filter(note=note, action="viewed").exists()


def test_checklist_offers_save_as_note(signed_in: Client):
    html = signed_in.get("/differential/?fever=present").content.decode()
    assert 'action="/notes/new/"' in html and 'name="fever" value="present"' in html


def test_edit_finalize_then_edit_is_refused_with_a_message(signed_in: Client, alice: User):
    signed_in.post("/notes/new/", {"fever": "present"})
    note = Note.objects.get()
    signed_in.post(
        f"/notes/{note.pk}/edit/", {"clinician_text": "Draft text", "working_diagnosis": "tetanus"}
    )
    note.refresh_from_db()
    assert note.clinician_text == "Draft text" and note.working_diagnosis == "tetanus"
    signed_in.post(f"/notes/{note.pk}/finalize/", {"confirm": "yes"})
    response = signed_in.post(
        f"/notes/{note.pk}/edit/", {"clinician_text": "Changed"}, follow=True
    )
    assert "is final and cannot be changed" in response.content.decode()
    note.refresh_from_db()
    assert note.clinician_text == "Draft text"


def test_another_users_note_is_404(client: Client, alice: User):
    bob = User.objects.create_user("bob", password="correct-horse-battery")
    client.force_login(alice)
    client.post("/notes/new/", {"fever": "present"})
    note = Note.objects.get()
    client.force_login(bob)
    for url in (f"/notes/{note.pk}/", f"/notes/{note.pk}/handout.pdf"):
        assert client.get(url).status_code == 404
    assert client.post(f"/notes/{note.pk}/finalize/").status_code == 404


def test_list_searches_and_pages(signed_in: Client):
    for _ in range(23):
        signed_in.post("/notes/new/", {"fever": "present"})
    html = signed_in.get("/notes/").content.decode()
    assert "Page 1 of 2" in html
    assert "No notes match" in signed_in.post("/notes/", {"q": "zzzz"}).content.decode()


def test_search_words_never_go_into_a_url(signed_in: Client):
    for _ in range(23):
        signed_in.post("/notes/new/", {"fever": "present"})
    html = signed_in.post("/notes/", {"q": "twitch"}).content.decode()
    assert 'method="post" role="search"' in html
    assert "Page 1 of 2" in html and 'name="page" value="2"' in html
    assert "q=twitch" not in html and "?q=" not in html
    assert (
        "Page 2 of 2" in signed_in.post("/notes/", {"q": "twitch", "page": "2"}).content.decode()
    )


def test_audit_trail_is_read_only_in_the_admin(client: Client):
    admin = User.objects.create_superuser("root", password="correct-horse-battery")
    client.force_login(admin)
    client.post("/notes/new/", {"fever": "present"})
    event = AuditEvent.objects.get()
    assert client.get("/admin/notes/auditevent/").status_code == 200
    assert (
        client.post(
            f"/admin/notes/auditevent/{event.pk}/change/", {"action": "viewed"}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/admin/notes/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
