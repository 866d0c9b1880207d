"""Typed text never runs as script in a real browser."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def test_script_in_note_text_does_not_execute(browser, live_server, reference, django_user_model):
    from notes import services

    user = django_user_model.objects.create_user("clin", password="a-long-test-password-1")
    note = services.note_create(
        owner=user,
        present=["fever"],
        clinician_text=PAYLOAD,
        follow_up_advice=PAYLOAD,
        clinic_name=PAYLOAD[:200],
        presenting_complaint=PAYLOAD[:200],
    )
    sign_in(browser, live_server.url, "clin", "a-long-test-password-1")
    browser.get(f"{live_server.url}/notes/{note.pk}/")
    assert browser.execute_script("return window.__xss === undefined")
    assert PAYLOAD in browser.find_element(By.ID, "note-text").text
    browser.get(f"{live_server.url}/notes/")
    assert browser.execute_script("return window.__xss === undefined")
