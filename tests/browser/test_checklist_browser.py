"""The checklist in a real headless Chromium: live update, keyboard use, one-click ticks."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from reference.loading import reference_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("Chromium and chromedriver are required: run scripts/system-deps.sh")
    profile = tempfile.mkdtemp()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def reference() -> None:
    # Live-server tests run in transactions that are flushed: load the content here.
    reference_load(directory=settings.REFERENCE_FIXTURES_DIR)


def mark(driver: webdriver.Chrome, finding: str, state: str) -> None:
    radio = driver.find_element(By.CSS_SELECTOR, f'input[name="{finding}"][value="{state}"]')
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
    browser.get(f"{live_server.url}/accounts/login/")
    browser.find_element(By.ID, "id_username").send_keys("clin")
    browser.find_element(By.ID, "id_password").send_keys("a-long-test-password-1")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/accounts/login/" not in d.current_url)
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
