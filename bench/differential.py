"""Benchmark the differential: prints figures; never run as a test.

1. Median in-process ranking time (differential_compute: ranking, red flags, next
   questions and workup) for 10 findings, on the real reference.
2. The same on a synthetic reference ten times larger (conditions, findings, links x10).
3. Requests per second of POST /api/v1/differential/ against GET /api/v1/health/ (a
   trivial DRF endpoint) on the same gunicorn server, in the same run, from a client on
   loopback.

Run: make bench   (or SECRET_KEY=x .venv/bin/python bench/differential.py)
"""

import http.client
import io
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from reference.differential import Assessment, differential_compute  # noqa: E402
from reference.snapshot import Snapshot, snapshot_build  # noqa: E402


def assessments(snap: Snapshot, n: int, k: int = 10) -> list[Assessment]:
    rng = random.Random(7)
    slugs = sorted(snap.findings)
    out = []
    for _ in range(n):
        chosen = rng.sample(slugs, k)
        out.append(Assessment(frozenset(chosen[:6]), frozenset(chosen[6:]), rng.uniform(0, 90)))
    return out


def median_ms(snap: Snapshot, runs: int = 2000) -> float:
    cases = assessments(snap, runs)
    for a in cases[:50]:
        differential_compute(snapshot=snap, assessment=a)
    times = []
    for a in cases:
        t = time.perf_counter()
        differential_compute(snapshot=snap, assessment=a)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def scaled(snap: Snapshot, factor: int = 10) -> Snapshot:
    """A synthetic reference `factor` times larger: every condition, finding and link copied."""
    conditions = tuple(
        replace(c, slug=f"{c.slug}~{i}") for i in range(factor) for c in snap.conditions
    )
    findings = {
        f"{f.slug}~{i}": replace(f, slug=f"{f.slug}~{i}")
        for i in range(factor)
        for f in snap.findings.values()
    }
    links = {
        f"{slug}~{i}": tuple(
            replace(link, condition=f"{link.condition}~{i}", finding=f"{slug}~{i}") for link in ls
        )
        for i in range(factor)
        for slug, ls in snap.links.items()
    }
    flags = tuple(
        replace(
            r,
            slug=f"{r.slug}~{i}",
            condition=f"{r.condition}~{i}",
            requires_all=frozenset(f"{x}~{i}" for x in r.requires_all),
            requires_any=frozenset(f"{x}~{i}" for x in r.requires_any),
        )
        for i in range(factor)
        for r in snap.red_flags
    )
    workup = {
        f"{c}~{i}": tuple(replace(w, condition=f"{c}~{i}") for w in ws)
        for i in range(factor)
        for c, ws in snap.workup.items()
    }
    return replace(
        snap,
        fingerprint=f"{snap.fingerprint}-x{factor}",
        conditions=conditions,
        findings=MappingProxyType(findings),
        links=MappingProxyType(links),
        red_flags=flags,
        workup=MappingProxyType(workup),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(
    port: int, method: str, path: str, body: bytes | None, seconds: float, threads: int
) -> float:
    """Requests per second over `seconds`, bounded, from `threads` loopback clients."""
    count = [0] * threads
    deadline = time.perf_counter() + seconds
    headers = {"Content-Type": "application/json", "Connection": "close"}

    def worker(i: int) -> None:
        while time.perf_counter() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            conn.close()
            count[i] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(count) / (time.perf_counter() - start)


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    snap = snapshot_build()
    big = scaled(snap)
    print(
        f"reference: {len(snap.conditions)} conditions, {len(snap.findings)} findings, "
        f"{sum(len(v) for v in snap.links.values())} links"
    )
    print(f"ranking, 10 findings, median: {median_ms(snap):.3f} ms   (target <= 1 ms)")
    print(
        f"synthetic x10 ({len(big.conditions)} conditions, {len(big.findings)} findings), "
        f"median: {median_ms(big, 500):.3f} ms   (target <= 10 ms)"
    )

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # The anonymous throttle would answer 429 to a benchmark; a one-second window keeps
        # its request history short, as it is at real rates.
        "THROTTLE_ANON_RATE": "1000000/second",
    }
    server = subprocess.Popen(
        [
            gunicorn or "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        body = json.dumps(
            {
                "present": [
                    "onset-sudden",
                    "facial-weakness",
                    "unilateral",
                    "flickering-twitch",
                    "high-caffeine-intake",
                    "fever",
                ],
                "absent": ["forehead-weak", "hand-tremor", "bilateral", "rest-tremor"],
                "age_years": 64,
            }
        ).encode()
        load(port, "POST", "/api/v1/differential/", body, 1.0, 2)  # warm both workers
        load(port, "GET", "/api/v1/health/", None, 1.0, 2)
        rounds = []
        for _ in range(3):
            trivial = load(port, "GET", "/api/v1/health/", None, 4.0, 4)
            ddx = load(port, "POST", "/api/v1/differential/", body, 4.0, 4)
            rounds.append((trivial, ddx))
        trivial = statistics.median(r[0] for r in rounds)
        ddx = statistics.median(r[1] for r in rounds)
        print(
            f"API (gunicorn, 2 workers, 4 loopback clients, median of 3 x 4 s): "
            f"trivial DRF endpoint {trivial:.0f} req/s, differential {ddx:.0f} req/s, "
            f"ratio {ddx / trivial:.2f}   (target >= 0.7)"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(DB.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
