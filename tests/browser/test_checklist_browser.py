"""The checklist in a real headless Chromium: live update, keyboard use, one-click ticks."""

from pathlib import Path

import pytest
from django.conf import settings
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import open_category, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def mark(driver: webdriver.Chrome, finding: str, state: str) -> None:
    radio = driver.find_element(By.CSS_SELECTOR, f'input[name="{finding}"][value="{state}"]')
    open_category(driver, radio)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
    radio.click()


def first_condition(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.CSS_SELECTOR, "#result .cname").text


def test_ticking_findings_updates_the_differential_live(browser, live_server, reference):
    browser.get(f"{live_server.url}/differential/")
    assert first_condition(browser) == "Benign fasciculation or lip myokymia"
    age = browser.find_element(By.ID, "age")
    age.send_keys("71")
    mark(browser, "onset-sudden", "present")
    mark(browser, "facial-weakness", "present")
    mark(browser, "forehead-spared", "present")
    wait = WebDriverWait(browser, 10)
    wait.until(ec.text_to_be_present_in_element((By.ID, "result"), "Red flags"))
    wait.until(lambda d: first_condition(d) == "Stroke or TIA")
    assert "onset-sudden=present" in browser.current_url  # shareable URL kept in step
    Path(settings.BASE_DIR, "bench", "out").mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(Path(settings.BASE_DIR, "bench", "out", "checklist.png")))


def test_keyboard_alone_can_mark_a_finding(browser, live_server, reference):
    browser.get(f"{live_server.url}/differential/")
    # The keyboard opens the category (Enter on its summary) and ticks (Space on a radio).
    summary = browser.find_element(By.CSS_SELECTOR, "#group-sign summary")
    summary.send_keys(Keys.ENTER)
    radio = browser.find_element(
        By.CSS_SELECTOR, 'input[name="lip-or-tongue-swelling"][value="present"]'
    )
    radio.send_keys(Keys.SPACE)
    browser.find_element(
        By.CSS_SELECTOR, 'input[name="breathing-difficulty"][value="present"]'
    ).send_keys(Keys.SPACE)
    WebDriverWait(browser, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#result .redflags"))
    )
    banner = browser.find_element(By.CSS_SELECTOR, ".redflags").text
    assert "Angioedema" in banner and "Emergency" in banner


def test_next_question_tick_sets_the_checklist(browser, live_server, reference):
    browser.get(f"{live_server.url}/differential/?flickering-twitch=present")
    tick = browser.find_element(By.CSS_SELECTOR, "#result a.tick")
    finding, state = tick.get_attribute("data-finding"), tick.get_attribute("data-state")
    tick.click()
    WebDriverWait(browser, 10).until(lambda d: f"{finding}={state}" in d.current_url)
    radio = browser.find_element(By.CSS_SELECTOR, f'input[name="{finding}"][value="{state}"]')
    assert radio.is_selected()


def test_save_as_note_keeps_findings_ticked_after_live_updates(
    browser, live_server, reference, django_user_model
):
    from notes.models import Note

    user = django_user_model.objects.create_user("clin", password="a-long-test-password-1")
    sign_in(browser, live_server.url, "clin", "a-long-test-password-1")
    browser.get(f"{live_server.url}/differential/")
    mark(browser, "fever", "present")
    mark(browser, "trismus-or-risus", "present")
    WebDriverWait(browser, 10).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, '#save-note input[name="trismus-or-risus"]')
        )
    )
    button = browser.find_element(By.CSS_SELECTOR, "#save-note button")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    WebDriverWait(browser, 10).until(lambda d: "/notes/" in d.current_url)
    note = Note.objects.get(owner=user)
    assert note.present == ["fever", "trismus-or-risus"]
    assert "tetanus" in {f["condition"] for f in note.result["red_flags"]}
