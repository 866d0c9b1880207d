"""A CDS Hooks override of an issued card becomes a disagreement attributed to the client."""

import json
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from disagreements.models import Disagreement
from interop.models import CardFeedback, IssuedCard
from reference.snapshot import snapshot_get
from tests.interop.test_cds_hooks import ISSUER, jwks, token

pytestmark = pytest.mark.django_db
FEEDBACK = "/cds-services/lip-twitching-patient-view/feedback"


@pytest.fixture(autouse=True)
def key(settings: Any) -> Any:
    private = ec.generate_private_key(ec.SECP384R1())
    settings.CDS_CLIENTS = {ISSUER: {"jwks": jwks(private), "fhir_servers": []}}
    return private


def card(**fields: Any) -> IssuedCard:
    snapshot = snapshot_get()
    values = {
        "uuid": uuid.uuid4(),
        "service": "lip-twitching-patient-view",
        "hook_instance": "h1",
        "issuer": ISSUER,
        "kind": "red-flag",
        "condition": "stroke",
        "rule": "stroke-sudden-focal-deficit",
        "indicator": "critical",
        "summary": "Emergency red flag: Stroke or TIA.",
        "reference_version": snapshot.version,
        "reference_fingerprint": snapshot.fingerprint,
        **fields,
    }
    return IssuedCard.objects.create(**values)


def send(key: Any, card_uuid: Any, outcome: str = "overridden", **reason: Any) -> Any:
    item: dict[str, Any] = {
        "card": str(card_uuid),
        "outcome": outcome,
        "outcomeTimestamp": "2026-12-01T10:05:31Z",
    }
    if outcome == "accepted":
        item["acceptedSuggestions"] = [{"id": str(uuid.uuid4())}]
    if reason:
        item["overrideReason"] = reason
    headers: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Bearer {token(key, f'http://testserver{FEEDBACK}')}"
    }
    return Client().post(
        FEEDBACK, json.dumps({"feedback": [item]}), content_type="application/json", **headers
    )


def coding(code: str) -> dict[str, str]:
    return {"system": "http://testserver/fhir/CodeSystem/cds-override-reason", "code": code}


def test_an_overridden_red_flag_card_is_a_red_flag_disagreement_from_the_client(key: Any):
    issued = card()
    response = send(
        key, issued.uuid, reason=coding("clinical-judgement"), userComment="Seen by neurology."
    )
    assert response.status_code == 200
    d = Disagreement.objects.get()
    feedback = CardFeedback.objects.get()
    assert (d.source, d.user, d.client_issuer) == ("cds", None, ISSUER)
    assert (d.kind, d.condition, d.rule, d.reason, d.reason_code) == (
        "red-flag",
        "stroke",
        "stroke-sudden-focal-deficit",
        "should-not-fire",
        "clinical-judgement",
    )
    assert d.comment == "Seen by neurology." and d.card_feedback == feedback
    snapshot = snapshot_get()
    assert (d.reference_version, d.reference_fingerprint, d.reference_revision) == (
        snapshot.version,
        snapshot.fingerprint,
        snapshot.revision,
    )
    # interop keeps its own record unchanged
    assert feedback.user_comment == "Seen by neurology." and feedback.issued == issued


def test_card_kinds_and_reason_codes_map_to_the_queue(key: Any):
    send(
        key,
        card(kind="differential", rule="", condition="bells-palsy").uuid,
        reason=coding("clinical-judgement"),
    )
    send(
        key,
        card(kind="order", rule="", item="mri-brain").uuid,
        reason=coding("findings-incomplete"),
    )
    send(key, card(reference_fingerprint="older").uuid, reason=coding("something-new"))
    assert list(
        Disagreement.objects.order_by("id").values_list(
            "kind", "reason", "item", "reference_revision"
        )
    ) == [
        ("ranking", "too-high", "", snapshot_get().revision),
        ("workup", "findings-incomplete", "mri-brain", snapshot_get().revision),
        ("red-flag", "other", "", None),
    ]


def test_accepted_cards_and_unknown_cards_make_no_disagreement(key: Any):
    assert send(key, card().uuid, outcome="accepted").status_code == 200
    assert send(key, uuid.uuid4(), reason=coding("clinical-judgement")).status_code == 200
    assert CardFeedback.objects.count() == 2 and not Disagreement.objects.exists()


def test_a_clients_comment_is_kept_plain_and_bounded(key: Any):
    comment = "ok \u202e" + "z" * 1990
    send(key, card().uuid, reason=coding("clinical-judgement"), userComment=comment)
    d = Disagreement.objects.get()
    assert len(d.comment) == 1000 and "\u202e" not in d.comment
    assert CardFeedback.objects.get().user_comment == comment


def test_repeated_overrides_each_count(key: Any):
    issued = card()
    send(key, issued.uuid, reason=coding("clinical-judgement"))
    send(key, issued.uuid, reason=coding("clinical-judgement"))
    assert Disagreement.objects.filter(card_feedback__issued=issued).count() == 2
