"""With CONTENT_CHANGES_NEED_APPROVAL, an admin change takes effect only when a second
curator approves it; without it, at once. Both ways."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from reference.models import ContentChange, ContentRevision, Source

pytestmark = pytest.mark.django_db


def curator(name: str) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(name, password="correct-horse-battery"))
    return client


def source_form(source: Source, **changes: object) -> dict[str, object]:
    fields = ("key", "title", "publisher", "year", "pmid", "doi", "url", "kind")
    return {**{f: getattr(source, f) for f in fields}, **changes}


def change_title(client: Client, title: str) -> None:
    source = Source.objects.get(key="nice-ng128")
    response = client.post(
        f"/admin/reference/source/{source.pk}/change/", source_form(source, title=title)
    )
    assert response.status_code == 302


def approve(client: Client) -> str:
    ids = list(ContentChange.objects.filter(status="pending").values_list("pk", flat=True))
    response = client.post(
        "/admin/reference/contentchange/",
        {"action": "approve", "_selected_action": ids},
        follow=True,
    )
    return response.content.decode()


def test_without_the_setting_a_change_takes_effect_at_once(settings):
    settings.CONTENT_CHANGES_NEED_APPROVAL = False
    change_title(curator("ann"), "New title")
    assert Source.objects.get(key="nice-ng128").title == "New title"
    assert not ContentChange.objects.exists()


def test_with_the_setting_a_change_waits_for_a_second_curator(settings):
    settings.CONTENT_CHANGES_NEED_APPROVAL = True
    before = Source.objects.get(key="nice-ng128").title
    ann, ben = curator("ann"), curator("ben")
    change_title(ann, "Proposed title")
    assert Source.objects.get(key="nice-ng128").title == before  # not yet in effect
    change = ContentChange.objects.get()
    assert change.status == "pending" and change.proposed_by.username == "ann"
    assert not ContentRevision.objects.exclude(number=0).exists()

    html = approve(ann)  # the author cannot approve their own change
    assert "other than its author" in html
    assert Source.objects.get(key="nice-ng128").title == before

    approve(ben)
    assert Source.objects.get(key="nice-ng128").title == "Proposed title"
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by.username == "ben"  # type: ignore[union-attr]
    revision = ContentRevision.objects.get(number=1)
    assert "Proposed by ann, approved by ben" in revision.summary


def test_a_stale_proposal_is_refused(settings):
    settings.CONTENT_CHANGES_NEED_APPROVAL = True
    ann, ben = curator("ann"), curator("ben")
    change_title(ann, "First proposal")
    settings.CONTENT_CHANGES_NEED_APPROVAL = False
    change_title(ben, "Changed directly meanwhile")
    settings.CONTENT_CHANGES_NEED_APPROVAL = True
    html = approve(curator("cat"))
    assert "has changed since this was proposed" in html
    assert Source.objects.get(key="nice-ng128").title == "Changed directly meanwhile"


def test_a_deletion_waits_for_approval_too(settings):
    settings.CONTENT_CHANGES_NEED_APPROVAL = True
    source = Source.objects.create(
        key="to-delete",
        title="T",
        publisher="P",
        year=2020,
        url="https://example.org",
        kind="other",
    )
    ann, ben = curator("ann"), curator("ben")
    response = ann.post(f"/admin/reference/source/{source.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and Source.objects.filter(key="to-delete").exists()
    approve(ben)
    assert not Source.objects.filter(key="to-delete").exists()
