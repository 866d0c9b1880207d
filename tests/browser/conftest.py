"""Real headless Chromium against the live server, and helpers the browser tests share."""

import shutil
import tempfile
from collections.abc import Iterator

import pytest
from django.conf import settings
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from reference.loading import reference_load


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    yield from _chromium(javascript=True)


@pytest.fixture
def browser_without_js() -> Iterator[webdriver.Chrome]:
    """The same browser with JavaScript switched off, as some clinic machines have it."""
    yield from _chromium(javascript=False)


def _chromium(*, javascript: bool) -> Iterator[webdriver.Chrome]:
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
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def reference() -> None:
    # Live-server tests run in transactions that are flushed: load the content here.
    reference_load(directory=settings.REFERENCE_FIXTURES_DIR)


def sign_in(driver: webdriver.Chrome, base_url: str, username: str, password: str) -> None:
    """Sign in through the real login form."""
    driver.get(f"{base_url}/accounts/login/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: "/accounts/login/" not in d.current_url)


def open_category(driver: webdriver.Chrome, radio: WebElement) -> None:
    """Open the collapsed category that holds this control, as a user would."""
    summary = driver.execute_script(
        "const d = arguments[0].closest('details:not([open])');"
        "return d ? d.querySelector(':scope > summary') : null;",
        radio,
    )
    if summary is not None:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
        summary.click()
