"""Benchmark the handout PDF: WeasyPrint against headless Chromium, and memory over renders.

Run: SECRET_KEY=bench uv run python bench/handout.py
Renders the built-in sample handout; the cached-fetch figure uses a finalized note in a
throwaway SQLite database. Prints figures, asserts nothing.
"""

import io
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
DB_DIR = Path(tempfile.mkdtemp())
os.environ["DATABASE_URL"] = f"sqlite:///{DB_DIR / 'bench.sqlite3'}"

import django  # noqa: E402

django.setup()
logging.getLogger("weasyprint").setLevel(logging.ERROR)

from pypdf import PdfReader  # noqa: E402

from notes.handout import (  # noqa: E402
    STATIC_DIR,
    STYLESHEET,
    HandoutContent,
    handout_html,
    handout_render,
    handout_sample,
)

N_WEASY = 30
N_CHROME = 5
RSS_AT = (10, 100, 200, 300)
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def rss_mib() -> float:
    """Resident set size of this process, from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def weasyprint_times(content: HandoutContent, n: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    pdf = handout_render(content=content, paper="a4", large_print=False)
    first = time.perf_counter() - start
    print(f"sample handout: {page_count(pdf)} pages, {len(pdf) / 1024:.0f} KiB")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        handout_render(content=content, paper="a4", large_print=False)
        times.append(time.perf_counter() - start)
    return first, times


def chromium_times(content: HandoutContent, n: int) -> list[float] | None:
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if chrome is None:
        return None
    css = (STATIC_DIR / STYLESHEET).read_text()
    page = handout_html(content=content, paper="a4", large_print=False)
    page = page.replace("</head>", f"<style>{css}</style></head>")
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "handout.html"
        source.write_text(page, encoding="utf-8")
        for i in range(n):
            profile = Path(tmp) / f"profile-{i}"
            profile.mkdir()
            out = Path(tmp) / f"out-{i}.pdf"
            cmd = [
                chrome,
                *CHROME_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={out}",
                source.as_uri(),
            ]
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
            times.append(time.perf_counter() - start)
            if i == 0:
                print(f"chromium output: {page_count(out.read_bytes())} pages")
    return times


def main() -> None:
    content = handout_sample()
    print(f"== WeasyPrint (handout_render), sample handout, N={N_WEASY}")
    first, times = weasyprint_times(content, N_WEASY)
    weasy = statistics.median(times)
    print(f"first render in process (parses stylesheet, loads fonts): {first * 1000:.0f} ms")
    print(
        f"median render: {weasy * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
    )

    print(f"\n== Headless Chromium --print-to-pdf, same HTML, N={N_CHROME}")
    chrome = chromium_times(content, N_CHROME)
    if chrome is None:
        print("chromium not found; skipped")
    else:
        median = statistics.median(chrome)
        print(f"median (process start to PDF): {median * 1000:.0f} ms")
        print(f"ratio Chromium / WeasyPrint: {median / weasy:.1f}x")

    print("\n== Fetch of a finalized note's handout (served from Django's cache), N=200")
    cached_fetch_ms()

    print("\n== Memory (VmRSS) over repeated renders")
    print(f"before: {rss_mib():.1f} MiB (after {N_WEASY + 1} warm-up renders)")
    done = 0
    for target in RSS_AT:
        while done < target:
            handout_render(content=content, paper="a4", large_print=False)
            done += 1
        print(f"after {target:>3} renders: {rss_mib():.1f} MiB")


def cached_fetch_ms() -> None:
    """Median time of GET /api/v1/notes/{id}/handout.pdf for a finalized note, in process."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from notes.services import note_create, note_finalize

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    user = User.objects.create_user("bench", password="bench-password-123")
    note = note_create(owner=user, present=["flickering-twitch"], absent=[], age_years=30)
    note_finalize(note=note, user=user)  # renders into the cache (on commit: autocommit here)
    client = Client()
    client.force_login(user)
    url = f"/api/v1/notes/{note.pk}/handout.pdf"
    assert client.get(url).status_code == 200
    times = []
    for _ in range(200):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200
    print(f"median fetch: {statistics.median(times) * 1000:.2f} ms (target <= 5 ms)")
    shutil.rmtree(DB_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
