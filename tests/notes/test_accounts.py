import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_createclinician_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-sound-passphrase-42\n"))
    call_command("createclinician", "dr-ng", "--first-name", "Alice", "--password-stdin")
    user = User.objects.get(username="dr-ng")
    assert user.check_password("a-sound-passphrase-42")
    assert not user.is_staff and user.first_name == "Alice"


def test_createclinician_applies_the_password_validators(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError, match="too common"):
        call_command("createclinician", "weak", "--password-stdin")
    assert not User.objects.filter(username="weak").exists()


def test_createclinician_refuses_an_existing_username(monkeypatch):
    User.objects.create_user("taken")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-sound-passphrase-42\n"))
    with pytest.raises(CommandError, match="exists"):
        call_command("createclinician", "taken", "--password-stdin")


def test_demo_clinician_is_created_only_when_there_is_no_user(tmp_path, monkeypatch):
    from notes.management.commands import ensure_demo_clinician

    monkeypatch.setattr(ensure_demo_clinician, "CREDENTIALS_FILE", tmp_path / ".demo-login")
    out = io.StringIO()
    call_command("ensure_demo_clinician", stdout=out)
    assert User.objects.filter(username="demo").count() == 1
    assert "/accounts/login/" in out.getvalue()
    call_command("ensure_demo_clinician", stdout=io.StringIO())
    assert User.objects.count() == 1
