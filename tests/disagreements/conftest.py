import pytest
from django.contrib.auth.models import User
from django.test import Client

STROKE = {"onset-sudden": "present", "facial-weakness": "present", "age": "70"}
STROKE_RULE = "stroke-sudden-focal-deficit"


@pytest.fixture
def alice(db: None) -> User:
    return User.objects.create_user("alice", password="correct-horse-battery")


@pytest.fixture
def signed_in(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client
