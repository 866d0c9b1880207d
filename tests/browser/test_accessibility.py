"""axe-core and the Content-Security-Policy on every page, in a real headless Chromium.

Each page in PAGES is opened with the policy enforced; axe-core (node_modules/, from
package.json: `npm ci`) runs on it, and the test fails on any critical or serious
accessibility violation or on any CSP violation (blocked inline style or script, a
resource from elsewhere). A new page joins by adding one line to PAGES:
`test_every_html_route_is_in_pages` fails until it does (or until the route is listed in
NOT_PAGES with the reason).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import open_category, sign_in

AXE_JS = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")
BLOCKING_IMPACTS = {"critical", "serious"}
PASSWORD = "a-long-test-password-1"

# Runs in every document before its own scripts (DevTools injects it, so the page's CSP
# does not apply to it) and records each violation the browser reports.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample
  });
}, true);
"""

AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(function (r) {
    done({violations: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(function (n) { return n.target.join(" "); })};
    })});
  })
  .catch(function (e) { done({error: String(e)}); });
"""


def tick(driver: webdriver.Chrome, finding: str, state: str) -> None:
    """Mark a finding in the live checklist and wait for the result to be redrawn."""
    old = driver.find_element(By.CSS_SELECTOR, "#result .ranked")
    radio = driver.find_element(By.CSS_SELECTOR, f'input[name="{finding}"][value="{state}"]')
    open_category(driver, radio)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", radio)
    radio.click()
    WebDriverWait(driver, 10).until(ec.staleness_of(old))


def tick_facial_weakness(driver: webdriver.Chrome) -> None:
    """The live update: the result fragment is fetched and inserted by differential.js."""
    tick(driver, "facial-weakness", "present")


def search_reference(driver: webdriver.Chrome) -> None:
    """The reference search (a POST) with results."""
    driver.find_element(By.ID, "q").send_keys("twitch")
    driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "results")))


def search_bell_palsy(driver: webdriver.Chrome) -> None:
    """The forgiving search: a synonym typed loosely finds the condition and findings."""
    driver.find_element(By.ID, "q").send_keys("bell palsy")
    driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.ID, "results")))


def filter_and_open(driver: webdriver.Chrome) -> None:
    """Type in the checklist's filter (it opens the matching categories) and tick a match."""
    driver.find_element(By.ID, "finding-filter").send_keys("droop")
    WebDriverWait(driver, 10).until(ec.visibility_of_element_located((By.ID, "f-facial-weakness")))
    tick(driver, "facial-weakness", "present")


def tick_next_question(driver: webdriver.Chrome) -> None:
    """A one-click tick from the next questions; focus moves to the next one."""
    old = driver.find_element(By.CSS_SELECTOR, "#result .ranked")
    driver.find_element(By.CSS_SELECTOR, "#next-box a.tick").click()
    WebDriverWait(driver, 10).until(ec.staleness_of(old))


def search_notes(driver: webdriver.Chrome) -> None:
    """A notes search (a POST, so the words stay out of the URL) that matches nothing."""
    driver.find_element(By.ID, "q").send_keys("nothing-matches")
    driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    WebDriverWait(driver, 10).until(
        ec.text_to_be_present_in_element((By.ID, "main"), "No notes match")
    )


def ask_to_finalize(driver: webdriver.Chrome) -> None:
    """The draft's "Finalize note..." button: the confirmation page (finalizes nothing)."""
    driver.find_element(
        By.XPATH, "//button[starts-with(normalize-space(), 'Finalize note')]"
    ).click()
    WebDriverWait(driver, 10).until(
        ec.text_to_be_present_in_element((By.ID, "main"), "Yes, finalize")
    )


def try_an_operation(driver: webdriver.Chrome) -> None:
    """Expand an operation in Swagger UI and run it ("Try it out", "Execute")."""
    operation = "#operations-health-health_retrieve"
    driver.find_element(By.CSS_SELECTOR, f"{operation} .opblock-summary-control").click()
    wait = WebDriverWait(driver, 10)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f"{operation} .try-out__btn"))).click()
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f"{operation} .execute"))).click()
    wait.until(
        ec.text_to_be_present_in_element(
            (By.CSS_SELECTOR, f"{operation} .live-responses-table tbody .response-col_status"),
            "200",
        )
    )


def open_authorize_dialog(driver: webdriver.Chrome) -> None:
    driver.find_element(By.CSS_SELECTOR, ".auth-wrapper .btn.authorize").click()
    WebDriverWait(driver, 10).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".modal-ux .close-modal"))
    )


def disagree(driver: webdriver.Chrome, reason: str | None) -> None:
    """Open "Disagree with this result", choose the red flag and a reason, and send it."""
    driver.find_element(By.CSS_SELECTOR, "#disagree summary").click()
    driver.find_element(By.CSS_SELECTOR, "#disagree-target optgroup option").click()
    if reason:
        driver.find_element(By.CSS_SELECTOR, f'#disagree input[value="{reason}"]').click()
    driver.find_element(By.ID, "disagree-comment").send_keys("Wording reads as an order.")
    driver.find_element(By.CSS_SELECTOR, "#disagree button[type=submit]").click()


def disagree_with_a_red_flag(driver: webdriver.Chrome) -> None:
    """A disagreement sent: back on the same result, with the confirmation."""
    disagree(driver, "wording")
    WebDriverWait(driver, 10).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "review queue")
    )


def disagree_with_the_wrong_reason(driver: webdriver.Chrome) -> None:
    """A ranking reason for a red flag: the 400 page names it and keeps the form."""
    disagree(driver, "too-high")
    WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".errors")))
    driver.find_element(By.CSS_SELECTOR, "#disagree-target").is_displayed()


@dataclass(frozen=True)
class Page:
    """One page to check. `path` may use {draft} and {final} (the notes made for the run)."""

    path: str
    signed_in: bool = False
    ready: str = "main"  # a CSS selector present once the page has rendered
    then: Callable[[webdriver.Chrome], None] | None = None  # an interaction before axe runs

    @property
    def label(self) -> str:
        return self.path + (f" then {self.then.__name__}" if self.then else "")


PAGES: tuple[Page, ...] = (
    Page("/"),
    Page("/", then=search_reference),
    Page("/", then=search_bell_palsy),
    Page("/conditions/stroke/"),
    Page("/differential/"),
    Page("/differential/?onset-sudden=present&facial-weakness=present", ready=".redflags"),
    Page("/differential/?onset-sudden=present", then=tick_facial_weakness),
    Page("/differential/", then=filter_and_open),
    Page("/differential/?onset-sudden=present", then=tick_next_question),
    Page("/findings/"),
    Page("/beliefs/"),
    Page("/sources/"),
    Page("/validation/"),
    Page("/intended-use/"),
    Page("/accounts/login/"),
    Page("/notes/", signed_in=True),
    Page("/notes/", signed_in=True, then=search_notes),
    Page("/notes/{draft}/", signed_in=True),
    Page("/notes/{draft}/", signed_in=True, then=ask_to_finalize),
    Page("/notes/{final}/", signed_in=True),
    Page("/differential/?fever=present", signed_in=True, ready="#save-note"),
    Page(
        "/differential/?onset-sudden=present&facial-weakness=present",
        signed_in=True,
        ready="#disagree",
        then=disagree_with_a_red_flag,
    ),
    Page(
        "/differential/?onset-sudden=present&facial-weakness=present",
        signed_in=True,
        ready="#disagree",
        then=disagree_with_the_wrong_reason,
    ),
    Page("/accounts/password_change/", signed_in=True),
    Page("/accounts/password_change/done/", signed_in=True),
    Page("/api/v1/docs/", ready="#swagger-ui .opblock"),
    Page("/api/v1/docs/", ready="#swagger-ui .opblock", then=try_an_operation),
    Page("/api/v1/docs/", ready="#swagger-ui .opblock", then=open_authorize_dialog),
    Page("/admin/login/"),
)

# Routes that are not HTML pages a browser shows; everything else must be in PAGES.
NOT_PAGES = {
    "notes:new": "POST only, redirects to the note",
    "notes:edit": "POST only, redirects to the note",
    "notes:finalize": "POST only: the confirmation page it answers is checked through "
    "ask_to_finalize on the draft's page",
    "notes:amend": "POST only, redirects to the new draft",
    "notes:handout": "a PDF",
    "disagreements:new": "POST only: redirects back to the result (checked through "
    "disagree_with_a_red_flag), or its 400 page (disagree_with_the_wrong_reason)",
    "logout": "POST only, redirects to the index (LOGOUT_REDIRECT_URL)",
    "schema": "the OpenAPI schema (YAML)",
}
HTML_VIEW_MODULES = (
    "reference.views",
    "reference.validation_views",
    "notes.views",
    "disagreements.views",
    "django.contrib.auth.views",
)


def html_routes(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names |= html_routes(entry, f"{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            module = getattr(entry.callback, "__module__", "")
            if module.startswith(HTML_VIEW_MODULES) or entry.name == "api-docs":
                names.add(namespace + entry.name)
    return names


def test_every_html_route_is_in_pages():
    covered = {resolve(p.path.format(draft=1, final=2).split("?")[0]).view_name for p in PAGES}
    missing = html_routes(get_resolver()) - covered - set(NOT_PAGES)
    assert not missing, f"add these pages to PAGES in {Path(__file__).name}: {sorted(missing)}"


def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(
            f"{AXE_JS} is missing: install axe-core with `npm ci --no-audit --no-fund` "
            f"in {settings.BASE_DIR} (make test does this)"
        )
    return AXE_JS.read_text(encoding="utf-8")


def csp_problems(driver: webdriver.Chrome) -> list[str]:
    """The policy violations so far: the listener's records and the console's errors."""
    # Violation events are queued tasks: let those already fired arrive first.
    driver.execute_async_script("setTimeout(arguments[arguments.length - 1], 100)")
    problems = [
        f"CSP violation: {json.dumps(v, sort_keys=True)}"
        for v in driver.execute_script("return window.__cspViolations || []")
    ]
    problems += [
        f"CSP console error: {entry['message']}"
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry.get("message", "")
    ]
    return problems


def check_page(driver: webdriver.Chrome, base_url: str, page: Page, source: str) -> list[str]:
    """Open one page, run axe-core on it and return what is wrong, one line each."""
    driver.get(base_url + page.path)
    try:
        WebDriverWait(driver, 20).until(
            ec.presence_of_element_located((By.CSS_SELECTOR, page.ready))
        )
        if page.then:
            page.then(driver)
    except TimeoutException:
        what = f"{page.ready!r}" + (f" or {page.then.__name__}" if page.then else "")
        return [f"never rendered {what}", *csp_problems(driver)]
    # Read the page's own violations before axe-core runs: axe parses @import-ed style
    # sheets in <style> elements of its own, which the policy blocks (harmlessly).
    problems = csp_problems(driver)
    driver.execute_script(source)
    outcome: dict[str, Any] = driver.execute_async_script(AXE_RUN)
    driver.get_log("browser")  # drop axe-core's own console errors
    if "error" in outcome:
        problems.append(f"axe-core failed: {outcome['error']}")
    for v in outcome.get("violations", []):
        if v["impact"] in BLOCKING_IMPACTS:
            problems.append(f"axe {v['id']} ({v['impact']}): {v['help']}; nodes: {v['nodes']}")
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe_and_the_csp(browser, live_server, reference, django_user_model):
    from notes import services

    source = axe_source()
    user = django_user_model.objects.create_user("clin", password=PASSWORD)
    draft = services.note_create(owner=user, present=["fever", "trismus-or-risus"])
    final = services.note_create(owner=user, present=["onset-sudden", "facial-weakness"])
    services.note_finalize(note=final, user=user)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    browser.set_script_timeout(60)

    report: dict[str, list[str]] = {}
    signed_in = False
    for page in PAGES:
        if page.signed_in and not signed_in:
            sign_in(browser, live_server.url, "clin", PASSWORD)
        elif not page.signed_in and signed_in:
            browser.delete_all_cookies()
        signed_in = page.signed_in
        real = replace(page, path=page.path.format(draft=draft.pk, final=final.pk))
        problems = check_page(browser, live_server.url, real, source)
        if problems:
            report[page.label] = problems

    assert not report, "\n".join(
        f"{label}:\n  " + "\n  ".join(problems) for label, problems in report.items()
    )
