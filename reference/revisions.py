"""Revisions: every change to the working content, numbered within its release."""

from typing import Any

from django.db import transaction

from reference.models import ContentRevision, ContentVersion


def release_current() -> str:
    """The label of the release the working content comes from."""
    version = ContentVersion.objects.order_by("-released", "-id").first()
    return version.label if version else "unversioned"


def revision_current(*, release: str) -> int:
    """How many curator changes `release` has had since it was loaded."""
    last = ContentRevision.objects.filter(release=release).order_by("-number").first()
    return last.number if last else 0


def revision_label(*, release: str, number: int) -> str:
    """`2026.2` for the release as shipped, `2026.2+r3` after three curator changes."""
    return release if number == 0 else f"{release}+r{number}"


@transaction.atomic
def revision_record(*, user: Any, summary: str) -> ContentRevision:
    """Record one curator change as the next revision of the current release."""
    release = release_current()
    # Serialise writers (PostgreSQL) so that two curators never get the same number.
    list(ContentRevision.objects.select_for_update().filter(release=release))
    return ContentRevision.objects.create(
        release=release,
        number=revision_current(release=release) + 1,
        user=user if getattr(user, "is_authenticated", False) else None,
        summary=summary[:2000],
    )
