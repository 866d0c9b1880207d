"""Measure the checklist in a real browser: clicks, keystrokes and scrolling; prints figures.

Enters the stroke picture (sudden onset, facial weakness, forehead spared, arm weakness,
speech disturbance, age 70) on /differential/ in headless Chromium at a desktop
(1280x900) and a phone (390x844) viewport, as a user would: scroll until the control is
in view, click it; open a collapsed category first if the control is inside one. Then it
scrolls until the leading condition of the result is in view. Every pixel scrolled (the
window and any scrolling box, such as the sticky result column) is summed by a listener
in the page. A second path uses the type-to-filter box when the page has one. Last, it
counts the key presses a keyboard user needs from the top of the page to the leading
condition (Tab, and Enter on a "skip to the result" link when there is one).

No timing and no assertions: it prints what it measured. Run from the project root:
    SECRET_KEY=bench-only .venv/bin/python bench/checklist_clicks.py
"""

import io
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DEBUG"] = "1"  # static files from the finders; no HTTPS-only cookies
DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

STROKE = (
    ("onset-sudden", "sudden"),
    ("facial-weakness", "droop"),
    ("forehead-spared", "forehead"),
    ("limb-weakness-or-numbness", "arm"),
    ("speech-disturbance", "speech"),
)
AGE = "70"
VIEWPORTS = {"desktop": (1280, 900, False), "phone": (390, 844, True)}

# Sums every scroll of the window and of any scrolling box, in CSS pixels.
SCROLL_METER = """
window.__scrolled = 0;
const last = new WeakMap();
last.set(document, [window.scrollX, window.scrollY]);
document.addEventListener("scroll", function (e) {
  const t = e.target === document ? document : e.target;
  const now = t === document ? [window.scrollX, window.scrollY] : [t.scrollLeft, t.scrollTop];
  const before = last.get(t) || [0, 0];
  window.__scrolled += Math.abs(now[0] - before[0]) + Math.abs(now[1] - before[1]);
  last.set(t, now);
}, true);
document.querySelectorAll("*").forEach(function (el) {
  if (el.scrollHeight > el.clientHeight) { last.set(el, [el.scrollLeft, el.scrollTop]); }
});
"""

# Is the element wholly visible, in the viewport and inside every scrolling ancestor?
IN_VIEW = """
const el = arguments[0];
const r = el.getBoundingClientRect();
if (r.width === 0 && r.height === 0) { return false; }
let top = 0, bottom = window.innerHeight;
for (let p = el.parentElement; p; p = p.parentElement) {
  const s = getComputedStyle(p);
  if (/(auto|scroll)/.test(s.overflowY) && p.scrollHeight > p.clientHeight) {
    const pr = p.getBoundingClientRect();
    top = Math.max(top, pr.top); bottom = Math.min(bottom, pr.bottom);
  }
}
// Fixed or sticky bars cover part of the viewport: the point must be the element's own.
const x = Math.min(Math.max(r.left + r.width / 2, 0), window.innerWidth - 1);
const y = (r.top + r.bottom) / 2;
if (r.top < top || r.bottom > bottom) { return false; }
const hit = document.elementFromPoint(x, y);
return !!hit && (hit === el || el.contains(hit) || hit.contains(el) ||
                 (hit.control === el) || (el.labels && [...el.labels].includes(hit)));
"""


@dataclass
class Tally:
    clicks: int = 0
    keys: int = 0

    entry: float = 0.0  # px scrolled while entering the findings
    to_top: float = 0.0  # then px to the start of the result (its red flags come first)

    def row(self, scrolled: float) -> str:
        return (
            f"{self.clicks:>3} clicks {self.keys:>3} keys {scrolled:>6.0f} px in all "
            f"(entering {self.entry:.0f}, to the result {self.to_top - self.entry:.0f}, "
            f"to its leading condition {scrolled - self.to_top:.0f})"
        )


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve() -> str:
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def chromium() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp()}")
    return webdriver.Chrome(
        service=Service(executable_path=shutil.which("chromedriver") or "chromedriver"),
        options=options,
    )


def open_page(driver: webdriver.Chrome, url: str, viewport: tuple[int, int, bool]) -> None:
    width, height, mobile = viewport
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    driver.get(url)
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#result .cname"))
    driver.execute_script(SCROLL_METER)


def scrolled(driver: webdriver.Chrome) -> float:
    driver.execute_async_script("requestAnimationFrame(() => setTimeout(arguments[0], 60))")
    return float(driver.execute_script("return window.__scrolled"))


def reach(driver: webdriver.Chrome, el: WebElement) -> None:
    """Scroll, as little as a user would, until the element is in view."""
    if not driver.execute_script(IN_VIEW, el):
        driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", el)
        if not driver.execute_script(IN_VIEW, el):
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)


def click(driver: webdriver.Chrome, el: WebElement, tally: Tally) -> None:
    reach(driver, el)
    el.click()
    tally.clicks += 1


def settle(driver: webdriver.Chrome) -> None:
    """Let a live update land (the page may move when it does) before the next action."""
    time.sleep(0.25)
    WebDriverWait(driver, 10).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, "#result[aria-busy=true]")
    )


def radio(driver: webdriver.Chrome, slug: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'input[name="{slug}"][value="present"]')


def open_category(driver: webdriver.Chrome, el: WebElement, tally: Tally) -> None:
    summary = driver.execute_script(
        "const d = arguments[0].closest('details:not([open])');"
        "return d ? d.querySelector(':scope > summary') : null;",
        el,
    )
    if summary is not None:
        click(driver, summary, tally)


def enter_age(driver: webdriver.Chrome, tally: Tally) -> None:
    age = driver.find_element(By.ID, "age")
    click(driver, age, tally)
    age.send_keys(AGE)
    tally.keys += len(AGE)


def see_result(driver: webdriver.Chrome, tally: Tally) -> str:
    wait = WebDriverWait(driver, 10)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#result .cname").text == "Stroke or TIA")
    tally.entry = scrolled(driver)
    # The start of the result: a box that is taller than the screen needs only its top.
    top = driver.find_element(By.CSS_SELECTOR, "#result .redflags h2, #result h2")
    reach(driver, top)
    tally.to_top = scrolled(driver)
    reach(driver, driver.find_element(By.CSS_SELECTOR, "#result .cname"))
    return driver.find_element(By.CSS_SELECTOR, "#result .cname").text


def by_scrolling(driver: webdriver.Chrome, base: str, viewport: tuple[int, int, bool]) -> str:
    open_page(driver, f"{base}/differential/", viewport)
    tally = Tally()
    enter_age(driver, tally)
    for slug, _ in STROKE:
        target = radio(driver, slug)
        open_category(driver, target, tally)
        click(driver, target, tally)
        settle(driver)
    leading = see_result(driver, tally)
    return f"{tally.row(scrolled(driver))}  -> {leading}"


def by_next_questions(driver: webdriver.Chrome, base: str, viewport: tuple[int, int, bool]) -> str:
    """A one-click tick from the next questions when one is offered, else as by scrolling."""
    open_page(driver, f"{base}/differential/", viewport)
    if not driver.find_elements(By.CSS_SELECTOR, "#next-box"):
        return "(no next questions beside the checklist on this page)"
    tally = Tally()
    enter_age(driver, tally)
    settle(driver)
    todo = [slug for slug, _ in STROKE]
    while todo:
        offered = [
            slug
            for slug in todo
            if driver.find_elements(By.CSS_SELECTOR, f'#next-box a.tick[data-finding="{slug}"]')
        ]
        slug = offered[0] if offered else todo[0]
        if offered:
            tick = f'#next-box a.tick[data-finding="{slug}"][data-state="present"]'
            click(driver, driver.find_element(By.CSS_SELECTOR, tick), tally)
        else:
            target = radio(driver, slug)
            open_category(driver, target, tally)
            click(driver, target, tally)
        todo.remove(slug)
        settle(driver)
    leading = see_result(driver, tally)
    return f"{tally.row(scrolled(driver))}  -> {leading}"


def by_filtering(driver: webdriver.Chrome, base: str, viewport: tuple[int, int, bool]) -> str:
    open_page(driver, f"{base}/differential/", viewport)
    boxes = driver.find_elements(By.CSS_SELECTOR, "#finding-filter")
    if not boxes or not boxes[0].is_displayed():
        return "(no filter box on this page)"
    tally = Tally()
    enter_age(driver, tally)
    box = boxes[0]
    for slug, word in STROKE:
        click(driver, box, tally)
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(word)
        tally.keys += 1 + len(word)
        target = radio(driver, slug)
        open_category(driver, target, tally)
        click(driver, target, tally)
        settle(driver)
    leading = see_result(driver, tally)
    return f"{tally.row(scrolled(driver))}  -> {leading}"


def keyboard_to_result(
    driver: webdriver.Chrome, base: str, viewport: tuple[int, int, bool]
) -> str:
    query = "&".join(f"{slug}=present" for slug, _ in STROKE) + f"&age={AGE}"
    open_page(driver, f"{base}/differential/?{query}", viewport)
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    keys = ActionChains(driver)  # keys go to whatever has focus, as a keyboard sends them
    presses, skipped = 0, False
    while presses < 600:
        keys.send_keys(Keys.TAB).perform()
        presses += 1
        classes = driver.switch_to.active_element.get_attribute("class") or ""
        if "cname" in classes:
            how = "Tab and Enter on the skip link" if skipped else "Tab only"
            return f"{presses:>3} key presses to the leading condition ({how})"
        if not skipped and "skip-result" in classes:
            keys.send_keys(Keys.ENTER).perform()
            presses += 1
            skipped = True
    return "not reached in 600 key presses"


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_reference", stdout=io.StringIO())
    base = serve()
    driver = chromium()
    try:
        print("Stroke picture: 5 findings present and age 70, then the leading condition.")
        for name, viewport in VIEWPORTS.items():
            print(f"{name} {viewport[0]}x{viewport[1]}")
            print(f"  scroll and click: {by_scrolling(driver, base, viewport)}")
            print(f"  filter and click: {by_filtering(driver, base, viewport)}")
            print(f"  next questions:   {by_next_questions(driver, base, viewport)}")
            print(f"  keyboard:         {keyboard_to_result(driver, base, viewport)}")
    finally:
        driver.quit()
        shutil.rmtree(DB.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
