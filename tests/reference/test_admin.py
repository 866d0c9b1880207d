import pytest
from django.contrib.auth.models import User
from django.test import Client

from reference.models import Condition

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("curator", password="a-sound-passphrase-42"))
    return client


@pytest.mark.parametrize(
    "model",
    ["condition", "finding", "source", "redflagrule", "workupitem", "belief", "evidencelink"],
)
def test_curators_can_browse_every_content_model(curator: Client, model: str):
    assert curator.get(f"/admin/reference/{model}/").status_code == 200


def test_content_edits_keep_their_history(curator: Client):
    condition = Condition.objects.get(slug="tetanus")
    condition.summary = "A curator's edit."
    condition.save()
    assert condition.history.count() >= 2
    response = curator.get(f"/admin/reference/condition/{condition.pk}/history/")
    assert response.status_code == 200


def test_an_edit_rebuilds_the_engine_snapshot():
    from reference.snapshot import snapshot_get

    before = snapshot_get()
    condition = Condition.objects.get(slug="tetanus")
    condition.prior = 0.3
    condition.save()
    after = snapshot_get()
    assert after is not before
    assert next(c.prior for c in after.conditions if c.slug == "tetanus") == 0.3
