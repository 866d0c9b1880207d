"""The checklist at clinic speed, in a real headless Chromium: filter, collapsed categories
with counts, focus after a next-question tick, the skip link, the page without
JavaScript, the reference search and long URLs on a phone."""

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown(driver: webdriver.Chrome) -> list[str]:
    """The slugs of the findings the filter leaves visible."""
    return [
        (f.get_attribute("id") or "").removeprefix("f-")
        for f in driver.find_elements(By.CSS_SELECTOR, "fieldset.finding")
        if f.is_displayed()
    ]


def press(driver: webdriver.Chrome, element: WebElement) -> None:
    """Scroll the control clear of the sticky action bar, as a user would, and click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def filter_for(driver: webdriver.Chrome, text: str) -> None:
    box = driver.find_element(By.ID, "finding-filter")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)


def test_typing_filters_findings_by_label_question_and_synonym(browser, live_server, reference):
    browser.get(f"{live_server.url}/differential/")
    assert shown(browser) == []  # every category starts collapsed
    filter_for(browser, "droop")
    assert shown(browser) == ["facial-weakness"]
    assert browser.find_element(By.ID, "filter-status").text == "1 finding matches."
    filter_for(browser, "Eyelid twitches")  # case, plural, word order: as the search
    assert "starts-around-eye" in shown(browser)
    filter_for(browser, "lockjaw")
    assert shown(browser) == ["trismus-or-risus"]
    radio = browser.find_element(
        By.CSS_SELECTOR, 'input[name="trismus-or-risus"][value="present"]'
    )
    press(browser, radio)
    WebDriverWait(browser, 10).until(lambda d: "trismus-or-risus=present" in d.current_url)
    assert "lockjaw" not in browser.current_url  # typed words never reach the URL
    browser.find_element(By.ID, "finding-filter").send_keys(Keys.ESCAPE)
    # Cleared: the categories return to how they were, and the one ticked in stays open.
    assert shown(browser) == [
        (f.get_attribute("id") or "").removeprefix("f-")
        for f in browser.find_elements(By.CSS_SELECTOR, "#group-sign fieldset.finding")
    ]


def test_a_collapsed_category_counts_what_is_ticked_in_it(browser, live_server, reference):
    browser.get(f"{live_server.url}/differential/")
    group = browser.find_element(By.ID, "group-deficit")
    summary = group.find_element(By.TAG_NAME, "summary")
    assert summary.find_element(By.CLASS_NAME, "count").text == "13 findings"
    press(browser, summary)
    press(
        browser,
        group.find_element(By.CSS_SELECTOR, 'input[name="facial-weakness"][value="present"]'),
    )
    press(
        browser, group.find_element(By.CSS_SELECTOR, 'input[name="forehead-weak"][value="absent"]')
    )
    press(browser, summary)  # collapse it again
    assert group.get_attribute("open") is None
    assert summary.find_element(By.CLASS_NAME, "count").text == "13 findings: 1 present, 1 absent"


def test_after_a_next_question_tick_focus_moves_to_the_next_question(
    browser, live_server, reference
):
    browser.get(f"{live_server.url}/differential/?onset-sudden=present&facial-weakness=present")
    first = browser.find_element(By.CSS_SELECTOR, '#next-box a.tick[data-state="present"]')
    finding = first.get_attribute("data-finding")
    browser.execute_script("arguments[0].focus()", first)
    ActionChains(browser).send_keys(Keys.ENTER).perform()  # the keyboard, not a mouse
    WebDriverWait(browser, 10).until(lambda d: f"{finding}=present" in d.current_url)
    WebDriverWait(browser, 10).until(
        lambda d: d.switch_to.active_element.get_attribute("data-finding") not in (None, finding)
    )
    active = browser.switch_to.active_element
    assert (
        active.get_attribute("class") == "tick" and active.get_attribute("data-state") == "present"
    )
    assert browser.execute_script(
        "return document.getElementById('next-box').contains(arguments[0])", active
    )
    radio = browser.find_element(By.CSS_SELECTOR, f'input[name="{finding}"][value="present"]')
    assert radio.is_selected()


def test_ticking_a_radio_keeps_focus_on_it_through_the_live_update(
    browser, live_server, reference
):
    browser.get(f"{live_server.url}/differential/")
    press(browser, browser.find_element(By.CSS_SELECTOR, "#group-onset summary"))
    radio = browser.find_element(By.CSS_SELECTOR, 'input[name="onset-sudden"][value="present"]')
    radio.send_keys(Keys.SPACE)
    WebDriverWait(browser, 10).until(lambda d: "onset-sudden=present" in d.current_url)
    assert browser.switch_to.active_element == radio


def test_the_skip_link_takes_the_keyboard_to_the_result(browser, live_server, reference):
    browser.get(f"{live_server.url}/differential/?onset-sudden=present&facial-weakness=present")
    keys = ActionChains(browser)
    for _ in range(20):
        keys.send_keys(Keys.TAB).perform()
        if "skip-result" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    else:
        pytest.fail("no skip link in the first 20 Tab presses")
    keys.send_keys(Keys.ENTER).perform()
    active = browser.switch_to.active_element
    assert active.get_attribute("id") == "result", active.get_attribute("outerHTML")[:200]
    for _ in range(8):  # the red flags' links come first, then the ranked list
        keys.send_keys(Keys.TAB).perform()
        if "cname" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    leader = browser.find_element(By.CSS_SELECTOR, "#result .cname")
    assert browser.switch_to.active_element == leader


def test_without_javascript_a_changed_tick_marks_the_result_stale_until_submitted(
    browser_without_js, live_server, reference
):
    driver = browser_without_js
    driver.get(f"{live_server.url}/differential/?fever=present")
    stale = driver.find_element(By.CSS_SELECTOR, ".stale-note.if-no-js")
    assert not stale.is_displayed()
    lead = driver.find_element(By.CLASS_NAME, "lead").text
    assert "updates as you go" not in lead and "Update differential" in lead
    assert not driver.find_element(By.ID, "filter-row").is_displayed()
    press(driver, driver.find_element(By.CSS_SELECTOR, "#group-sign summary"))
    press(
        driver,
        driver.find_element(By.CSS_SELECTOR, 'input[name="trismus-or-risus"][value="present"]'),
    )
    assert stale.is_displayed()  # the old result is beside new ticks: it says so
    # Changing it back makes the result right again.
    press(driver, driver.find_element(By.CSS_SELECTOR, 'input[name="trismus-or-risus"][value=""]'))
    assert not stale.is_displayed()
    press(
        driver,
        driver.find_element(By.CSS_SELECTOR, 'input[name="trismus-or-risus"][value="present"]'),
    )
    submit = driver.find_element(By.CSS_SELECTOR, "#checklist button[type=submit]")
    submit.click()
    WebDriverWait(driver, 10).until(lambda d: "trismus-or-risus=present" in d.current_url)
    assert not driver.find_element(By.CSS_SELECTOR, ".stale-note.if-no-js").is_displayed()
    assert "Tetanus" in driver.find_element(By.CSS_SELECTOR, "#result .redflags").text


def test_without_javascript_a_next_question_tick_returns_to_the_next_questions(
    browser_without_js, live_server, reference
):
    driver = browser_without_js
    driver.get(f"{live_server.url}/differential/?onset-sudden=present")
    tick = driver.find_element(By.CSS_SELECTOR, '#next-box a.tick[data-state="absent"]')
    finding = tick.get_attribute("data-finding")
    tick.click()
    WebDriverWait(driver, 10).until(lambda d: f"{finding}=absent" in d.current_url)
    assert driver.current_url.endswith("#next-box")
    radio = driver.find_element(By.CSS_SELECTOR, f'input[name="{finding}"][value="absent"]')
    assert radio.is_selected()


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Bell palsy", "Bell's palsy"),
        ("eyelid twitch", "Began around the eye"),
        ("face drooping", "Facial weakness"),
    ],
)
def test_the_reference_search_finds_lay_and_loose_terms(
    browser, live_server, reference, term, expected
):
    browser.get(f"{live_server.url}/")
    browser.find_element(By.ID, "q").send_keys(term)
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    results = WebDriverWait(browser, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".search-results"))
    )
    assert expected in results.text and "Nothing matched" not in results.text
    assert browser.current_url.rstrip("/") == live_server.url  # a POST: no words in the URL


PHONE_PAGES = (
    "/",
    "/sources/",
    "/conditions/stroke/",
    "/conditions/bells-palsy/",
    "/findings/",
    "/beliefs/",
    "/intended-use/",
    "/validation/",
    "/differential/?onset-sudden=present&facial-weakness=present&forehead-spared=present",
)


def test_long_urls_never_widen_a_page_on_a_phone(browser, live_server, reference):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    wide = {}
    for path in PHONE_PAGES:
        browser.get(live_server.url + path)
        width = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if width[0] > width[1]:
            wide[path] = width
    assert not wide, f"pages wider than the phone (scroll width, viewport): {wide}"
