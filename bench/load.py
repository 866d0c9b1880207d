"""Load benchmark: gunicorn on loopback under sustained concurrent load; prints figures.

What it does, in order, bounded and stopping by itself:
1. Migrates a fresh database and loads the reference: a temporary SQLite file by default,
   `--database-url URL` (created when missing; use one you can throw away), or
   `--postgres` (a throwaway cluster from scripts/with-postgres.sh, removed afterwards).
2. Creates a clinician with an API token, a draft note and a final note.
3. Starts gunicorn (config.wsgi, DEBUG off) on a free loopback port, then runs:
   a. POST /api/v1/differential/ (anonymous, a few realistic bodies), 32 clients, 60 s;
   b. GET /api/v1/notes/<draft>/handout.pdf (token), 8 clients, 60 s: rendered each time;
   c. GET /api/v1/notes/<final>/handout.pdf, 8 clients, 15 s: served from the cache.
   Each run prints requests/s, p50/p95/p99 latency, errors (non-2xx and connection
   errors, by kind) and each worker's VmRSS at the start, after the first minute and
   after the last minute of the run, with the growth.
4. Stops gunicorn (also on error or Ctrl-C) and removes the temporary files.

The server gets THROTTLE_ANON_RATE and THROTTLE_TOKEN_RATE=100000/second, so the
anonymous and per-token throttles run but never refuse: DRF's throttle keeps the time of
every request in its window in the cache, so a per-minute rate this high would have each
request load and store a list of ~20,000 times (about 0.5 ms), a cost no real rate
(120/minute) has.

The client is asyncio streams speaking HTTP/1.1 with keep-alive (gunicorn's sync workers
close each connection, so the client reconnects when told to). It shares the machine with
the server, so each run also prints the CPU time taken by the workers, by this client, by
a local PostgreSQL and by every other program.

Run:  .venv/bin/python bench/load.py                      (SQLite, full runs, ~3 min)
      PGTEST_PORT=54341 .venv/bin/python bench/load.py --postgres
      .venv/bin/python bench/load.py --seconds 5 --cached-seconds 2   (a quick look)
"""

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

DIFFERENTIAL_BODIES = [
    {"present": ["onset-sudden", "facial-weakness"], "absent": ["forehead-weak"], "age_years": 71},
    {
        "present": ["flickering-twitch", "high-caffeine-intake", "stress-or-sleep-loss"],
        "absent": ["facial-weakness", "persistent-over-3-weeks"],
        "age_years": 34,
    },
    {
        "present": ["unilateral", "starts-around-eye", "persists-in-sleep"],
        "absent": ["facial-weakness", "rhythmic-tremor"],
        "age_years": 58,
    },
    {
        "present": ["perioral-tingling", "carpopedal-spasm", "neck-or-thyroid-surgery"],
        "absent": ["fever"],
        "age_years": 45,
    },
    {
        "present": ["facial-weakness", "forehead-weak", "ear-pain-or-vesicles"],
        "absent": ["limb-weakness-or-numbness", "speech-disturbance"],
        "age_years": 62,
    },
]

NOTE_INPUT = {
    "present": ["onset-sudden", "facial-weakness"],
    "absent": ["forehead-weak"],
    "age_years": 71,
}


# ---------------------------------------------------------------------------------------
# Set-up: database, clinician, token, notes (through the app's own manage.py)


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py with `env`; return its stdout, raising with its output on failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"manage.py {args[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def shell_json(env: dict[str, str], code: str) -> dict:
    """Run Python in `manage.py shell` and return the JSON object on its last output line."""
    out = manage(env, "shell", "--no-imports", "-c", code)
    return dict(json.loads(out.strip().splitlines()[-1]))


def api_auth_header(env: dict[str, str], username: str) -> str:
    """The Authorization header value for `username`. The only place that knows the scheme:
    a project API token (`manage.py token_create` prints its key), `Token <key>`."""
    out = manage(env, "token_create", "--user", username, "--name", "load benchmark")
    return f"Token {out.strip().splitlines()[-1]}"


def clinician_with_notes(env: dict[str, str], username: str) -> tuple[int, int]:
    """Create a clinician with a draft note and a final note; return (draft id, final id)."""
    code = (
        "import json\n"
        "from django.contrib.auth.models import User\n"
        "from notes.services import note_create, note_finalize\n"
        f"user = User.objects.create_user({username!r}, first_name='Load', last_name='Bench')\n"
        f"kw = dict(owner=user, **{NOTE_INPUT!r}, clinic_name='Bench clinic',\n"
        "          follow_up_advice='Return at once if the weakness spreads.')\n"
        "draft = note_create(**kw)\n"
        "final = note_create(**kw)\n"
        "note_finalize(note=final, user=user)\n"
        "print(json.dumps({'draft': draft.pk, 'final': final.pk}))\n"
    )
    ids = shell_json(env, code)
    return int(ids["draft"]), int(ids["final"])


def postgres_database_ensure(url: str) -> str:
    """Create the database named in a postgres:// URL when missing; say which it was."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return f"existing database {name!r} (migrate is idempotent)"
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"new database {name!r}"


# ---------------------------------------------------------------------------------------
# gunicorn and its workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mib(pid: int) -> float | None:
    """VmRSS of a process in MiB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, in seconds (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def machine_busy_seconds() -> float:
    """CPU time spent by the whole machine, all cores, in seconds (from /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(x) for x in Path("/proc/stat").read_text().split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / TICK


def database_pids(port: int | None) -> list[int]:
    """A local PostgreSQL server listening on `port`: its postmaster and every child."""
    if port is None:
        return []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"/postgres") and f"-p {port}".encode() in b" ".join(argv):
            return [int(entry.name), *children(int(entry.name))]
    return []


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    workers: list[int] = field(default_factory=list)
    database_port: int | None = None  # a local PostgreSQL's, to count its CPU time

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def server_start(env: dict[str, str], args: argparse.Namespace, log: Path) -> Server:
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "config.wsgi",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{server.log_tail()}")
        workers = children(process.pid)
        if len(workers) >= args.workers and http_get_status(port, "/api/v1/health/") == 200:
            server.workers = workers
            return server
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn not ready within 60 s:\n{server.log_tail()}")


def server_stop(server: Server) -> None:
    """SIGTERM the master (it stops its workers); SIGKILL it and them if still there."""
    workers = children(server.process.pid) or server.workers
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
    for pid in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def http_get_status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


def check_once(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None
) -> bytes:
    """One request with http.client before a run: it must be a 200; return the body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return data


# ---------------------------------------------------------------------------------------
# The load client: asyncio streams, HTTP/1.1, keep-alive when the server allows it


def request_bytes(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request, read the whole response; return (status, connection reusable)."""
    writer.write(request)
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *header_lines = head.split("\r\n")
    version, code = status_line.split(" ", 2)[:2]
    status = int(code)
    headers: dict[str, str] = {}
    for line in header_lines:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    reusable = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF (no trailers)
            if size == 0:
                break
    elif not (100 <= status < 200 or status in (204, 304)):
        await reader.read()  # delimited by the end of the connection
        reusable = False
    return status, reusable


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)


def close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        writer.close()


async def client(
    index: int, port: int, requests: list[bytes], deadline: float, timeout: float, tally: Tally
) -> None:
    """Send requests back to back until `deadline`, counting every outcome."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    n = index
    while time.perf_counter() < deadline:
        request = requests[n % len(requests)]
        n += 1
        start = time.perf_counter()
        for attempt in (1, 2):
            reused = writer is not None
            try:
                if reader is None or writer is None:
                    connect = asyncio.open_connection(HOST, port)
                    reader, writer = await asyncio.wait_for(connect, timeout)
                assert reader is not None and writer is not None
                stream = exchange(reader, writer, request)
                status, reusable = await asyncio.wait_for(stream, timeout)
            except (OSError, EOFError, ValueError, TimeoutError, asyncio.LimitOverrunError) as exc:
                close(writer)
                reader = writer = None
                # A kept-alive connection the server had just closed: retry once, fresh.
                empty = isinstance(exc, asyncio.IncompleteReadError) and not exc.partial
                if reused and attempt == 1 and (empty or isinstance(exc, ConnectionError)):
                    continue
                tally.failures[type(exc).__name__] += 1
                break
            tally.latencies.append(time.perf_counter() - start)
            tally.statuses[status] += 1
            if not reusable:
                close(writer)
                reader = writer = None
            break
    close(writer)


async def sample_rss(
    workers: list[int], start: float, seconds: float, samples: dict[str, dict[int, float | None]]
) -> None:
    """VmRSS of each worker after each whole minute of the run."""
    minute = 1
    while minute * 60 < seconds:
        await asyncio.sleep(max(0.0, start + minute * 60 - time.perf_counter()))
        samples[f"{minute} min"] = {pid: rss_mib(pid) for pid in workers}
        minute += 1


async def load(
    port: int,
    requests: list[bytes],
    clients: int,
    seconds: float,
    timeout: float,
    workers: list[int],
    samples: dict[str, dict[int, float | None]],
) -> tuple[Tally, float]:
    tally = Tally()
    start = time.perf_counter()
    deadline = start + seconds
    sampler = asyncio.create_task(sample_rss(workers, start, seconds, samples))
    tasks = [client(i, port, requests, deadline, timeout, tally) for i in range(clients)]
    gathered = asyncio.gather(*tasks)
    try:
        # Bounded: every request has its own timeout; this is the backstop.
        await asyncio.wait_for(gathered, seconds + 2 * timeout + 10)
    finally:
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
        if gathered.done():
            with contextlib.suppress(asyncio.CancelledError):
                gathered.exception()  # retrieved, so an interrupted run logs no warning
    return tally, time.perf_counter() - start


# ---------------------------------------------------------------------------------------
# A run and its report


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def growth(first: float | None, last: float | None) -> str:
    if first is None or last is None:
        return "n/a (worker gone)"
    return f"{(last - first) / first * 100:+.1f}%"


def fmt(value: float | None) -> str:
    return "gone" if value is None else f"{value:.1f}"


def run(
    name: str,
    server: Server,
    requests: list[bytes],
    clients: int,
    seconds: float,
    args: argparse.Namespace,
) -> dict:
    print(f"\n== {name}: {clients} clients, {seconds:g} s", flush=True)
    workers = children(server.process.pid)
    if args.warmup > 0:
        warm, _ = asyncio.run(
            load(server.port, requests, clients, args.warmup, args.timeout, workers, {})
        )
        bad = sum(warm.failures.values()) + sum(
            n for s, n in warm.statuses.items() if not 200 <= s < 300
        )
        print(f"warm-up {args.warmup:g} s: {len(warm.latencies)} requests, {bad} errors")
    samples: dict[str, dict[int, float | None]] = {"start": {p: rss_mib(p) for p in workers}}
    busy_before, own_before = machine_busy_seconds(), own_cpu_seconds()
    workers_before = sum(cpu_seconds(p) for p in workers)
    database_before = {p: cpu_seconds(p) for p in database_pids(server.database_port)}
    tally, elapsed = asyncio.run(
        load(server.port, requests, clients, seconds, args.timeout, workers, samples)
    )
    busy = machine_busy_seconds() - busy_before
    client_cpu = own_cpu_seconds() - own_before
    workers_cpu = sum(cpu_seconds(p) for p in workers) - workers_before
    database = database_pids(server.database_port)
    # Backends are kept open (DATABASE_CONN_MAX_AGE); one started during the run counts whole.
    database_cpu = sum(cpu_seconds(p) - database_before.get(p, 0.0) for p in database)
    samples["end"] = {p: rss_mib(p) for p in workers}

    ordered = sorted(tally.latencies)
    non_2xx = {s: n for s, n in tally.statuses.items() if not 200 <= s < 300}
    errors = sum(non_2xx.values()) + sum(tally.failures.values())
    rate = len(ordered) / elapsed
    p50, p95, p99 = (percentile(ordered, q) * 1000 for q in (50, 95, 99))
    statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())) or "none"
    kinds = [f"HTTP {s}: {n}" for s, n in sorted(non_2xx.items())]
    kinds += [f"{k}: {n}" for k, n in sorted(tally.failures.items())]
    print(f"requests: {len(ordered)} in {elapsed:.1f} s = {rate:.0f} req/s")
    print(
        f"latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms "
        f"(max {(ordered[-1] * 1000) if ordered else math.nan:.1f} ms)"
    )
    print(f"errors: {errors}" + (f" ({', '.join(kinds)})" if kinds else ""))
    print(f"statuses: {statuses}")
    other = busy - workers_cpu - client_cpu - database_cpu
    print(
        f"CPU (core-seconds, {os.cpu_count()} cores x {elapsed:.1f} s = "
        f"{(os.cpu_count() or 1) * elapsed:.0f}): gunicorn workers {workers_cpu:.1f}, "
        f"this client {client_cpu:.1f}"
        + (f", PostgreSQL {database_cpu:.1f}" if database else "")
        + f", other programs {other:.1f}"
    )
    minutes = [k for k in samples if k.endswith(" min")]
    first = minutes[0] if minutes else "end"
    note = "" if minutes else " (the run is 1 minute or shorter: its first minute is its last)"
    print(f"worker VmRSS (MiB): start, after first minute, after last minute, growth{note}")
    rss: dict[int, tuple[float | None, float | None, float | None]] = {}
    for pid in workers:
        start_mib, first_mib, last_mib = (samples[k].get(pid) for k in ("start", first, "end"))
        rss[pid] = (start_mib, first_mib, last_mib)
        print(
            f"  worker pid {pid}: {fmt(start_mib)}, {fmt(first_mib)}, {fmt(last_mib)}, "
            f"{growth(first_mib, last_mib)} (since start {growth(start_mib, last_mib)})"
        )
    replaced = sorted(set(children(server.process.pid)) - set(workers))
    if replaced:
        print(f"  new worker pids during the run (a worker was replaced): {replaced}")
    if errors:
        print(f"  last lines of the gunicorn log:\n{server.log_tail(15)}")
    return {"name": name, "rate": rate, "errors": errors, "rss": rss}


def bench(args: argparse.Namespace, database_url: str, label: str, work: Path) -> int:
    kind = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        # The anonymous API throttle, relaxed: the differential run is one client address.
        "THROTTLE_ANON_RATE": args.throttle_rate,
        # And the per-token one: the handout runs use one token from 8 clients.
        "THROTTLE_TOKEN_RATE": args.throttle_rate,
    }
    print(f"database: {label}")
    t = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference")
    username = f"load-{secrets.token_hex(4)}"
    draft, final = clinician_with_notes(env, username)
    auth = api_auth_header(env, username)
    print(
        f"migrated, reference loaded, clinician {username!r} with draft note {draft} and "
        f"final note {final} ({time.perf_counter() - t:.1f} s)"
    )

    server = server_start(env, args, work / "gunicorn.log")
    try:
        parts = urlsplit(database_url)
        if kind == "PostgreSQL" and parts.hostname in ("127.0.0.1", "localhost", "::1"):
            server.database_port = parts.port or 5432
        port = server.port
        print(
            f"gunicorn config.wsgi on {HOST}:{port}: {args.workers} {args.worker_class} "
            f"workers, pids {server.workers}"
        )
        json_headers = {"Content-Type": "application/json", "Accept": "application/json"}
        bodies = [json.dumps(b).encode() for b in DIFFERENTIAL_BODIES]
        for body in bodies:
            check_once(port, "POST", "/api/v1/differential/", json_headers, body)
        pdf_headers = {"Authorization": auth, "Accept": "*/*"}
        for note in (draft, final):
            pdf = check_once(port, "GET", f"/api/v1/notes/{note}/handout.pdf", pdf_headers, None)
            if not pdf.startswith(b"%PDF-"):
                raise RuntimeError(f"note {note}: the handout is not a PDF")

        results = []
        ddx = [
            request_bytes(port, "POST", "/api/v1/differential/", json_headers, b) for b in bodies
        ]
        results.append(
            run(
                f"POST /api/v1/differential/ (anonymous, {len(bodies)} bodies) [{kind}]",
                server,
                ddx,
                args.clients,
                args.seconds,
                args,
            )
        )
        if args.pdf_seconds > 0:
            path = f"/api/v1/notes/{draft}/handout.pdf"
            results.append(
                run(
                    f"GET {path} (draft: rendered each time) [{kind}]",
                    server,
                    [request_bytes(port, "GET", path, pdf_headers)],
                    args.pdf_clients,
                    args.pdf_seconds,
                    args,
                )
            )
        if args.cached_seconds > 0:
            path = f"/api/v1/notes/{final}/handout.pdf"
            results.append(
                run(
                    f"GET {path} (final: from the cache) [{kind}]",
                    server,
                    [request_bytes(port, "GET", path, pdf_headers)],
                    args.pdf_clients,
                    args.cached_seconds,
                    args,
                )
            )
        summary(results)
        return 1 if any(r["errors"] for r in results) else 0
    finally:
        server_stop(server)


def summary(results: list[dict]) -> None:
    """Worker memory over the whole session: after the first run and after the last."""
    if len(results) < 2:
        return
    first, last = results[0], results[-1]
    print(f"\n== worker VmRSS over the session: after '{first['name']}' -> after the last run")
    for pid, (_, _, before) in first["rss"].items():
        after = last["rss"].get(pid, (None, None, None))[2]
        print(f"  worker pid {pid}: {fmt(before)} -> {fmt(after)} MiB, {growth(before, after)}")


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="a database to use (created when missing)")
    where.add_argument(
        "--postgres",
        action="store_true",
        help="a throwaway PostgreSQL cluster (scripts/with-postgres.sh; port $PGTEST_PORT)",
    )
    p.add_argument("--seconds", type=float, default=60, help="differential run (default 60)")
    p.add_argument("--clients", type=int, default=32, help="differential clients (default 32)")
    p.add_argument(
        "--pdf-seconds", type=float, help="draft handout run (default: --seconds; 0 skips)"
    )
    p.add_argument("--pdf-clients", type=int, default=8, help="handout clients (default 8)")
    p.add_argument(
        "--cached-seconds",
        type=float,
        default=15,
        help="final (cached) handout run (default 15; 0 skips)",
    )
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
    p.add_argument("--warmup", type=float, default=2, help="seconds of warm-up before each run")
    p.add_argument("--timeout", type=float, default=30, help="per-request timeout, seconds")
    p.add_argument(
        "--throttle-rate",
        default="100000/second",
        help="THROTTLE_ANON_RATE and THROTTLE_TOKEN_RATE for the server (default "
        "100000/second, see above)",
    )
    args = p.parse_args(argv)
    if args.pdf_seconds is None:
        args.pdf_seconds = args.seconds
    if min(args.seconds, args.clients, args.pdf_clients, args.workers) <= 0:
        p.error("--seconds, --clients, --pdf-clients and --workers must be positive")
    return args


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, interrupted)  # so that `finally` stops gunicorn
    if args.postgres:
        # Re-run this script inside a throwaway cluster, with the URL the script exports.
        rest = [a for a in argv if a != "--postgres"]
        command = [
            "bash",
            str(ROOT / "scripts" / "with-postgres.sh"),
            "bash",
            "-c",
            'exec "$0" "$@" --database-url "$DATABASE_URL"',
            sys.executable,
            str(Path(__file__).resolve()),
            *rest,
        ]
        # In its own process group, so that a SIGTERM here reaches the benchmark inside
        # (which then stops gunicorn) and the wrapper, which removes the cluster.
        wrapper = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
        try:
            return wrapper.wait()
        finally:
            if wrapper.poll() is None:
                os.killpg(wrapper.pid, signal.SIGTERM)
                try:
                    wrapper.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(wrapper.pid, signal.SIGKILL)
                    wrapper.wait()
    work = Path(tempfile.mkdtemp(prefix="liptwitch-load-"))
    try:
        if args.database_url:
            url = args.database_url
            engine = urlsplit(url).scheme
            label = engine
            if engine.startswith("postgres"):
                label = f"PostgreSQL, {postgres_database_ensure(url)}"
        else:
            url = f"sqlite:///{work / 'load.sqlite3'}"
            label = "SQLite (temporary file)"
        return bench(args, url, label, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
