"""Public pages at city scale: every public page, and a verified resident's vote and idea pages.

    .venv/bin/python -m bench.pages [--workers N] [--seconds S] [--connections C] [--signed-in-only]

Builds a fresh PostgreSQL database seeded with the demo (Xã An Khánh, Xã Tân Minh), serves the app
with uvicorn (``--workers N``, Redis for sessions, rate limits and the page cache) pinned to one
core and a bare Litestar route the same way, and drives each page with wrk from the other core
(50 connections, ``Accept-Encoding`` as a browser sends it). The signed-in pages are measured as
citizen1 (a verified resident), signed in through the real login form.

Prints one table line per page: requests/s, ratio to the bare route, p50 and p99, bytes on the
wire per response, and the server's resident memory after the run; then one JSON line. Targets:
anonymous public pages >= 0.25 of bare, signed-in pages >= 0.10, p99 < 100 ms, the stylesheet
>= 0.5 of bare, RSS < 200 MB per worker. What is missing (wrk, PostgreSQL, Redis) is said, not
raised.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import suppress

from bench.common import (
    PYTHON,
    ROOT,
    drop_database,
    environment,
    postgres_reachable,
    report,
    reset_database,
    serve,
    serve_app,
    wrk,
)

REDIS_URL = "redis://127.0.0.1:6379/6"  # a spare Redis database, flushed before and after the run
BROWSER_ENCODING = "gzip, deflate, br, zstd"
CITIZEN = "citizen1@example.com"
DEMO_PASSWORD = "sangtao-demo"
PUBLIC = [
    "/",
    "/contests/y-tuong-sang-tao-2026/ideas",
    "/ideas/AK-2026-001",
    "/contests/y-tuong-sang-tao-2025/results",
    "/mentors/",
    "/api/contests/y-tuong-sang-tao-2026/ideas",
    "/healthz",
    "/static/css/site.css",
]
# The vote open now (the resident sees a vote button on each idea) and the larger grid of a vote about
# to open (33 ideas), then an idea's page.
SIGNED_IN = [
    "/contests/sang-kien-chuyen-doi-so-2026/vote",
    "/contests/y-tuong-sang-tao-2026/vote",
    "/ideas/AK-2026-001",
]
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+)"')


def missing_tools(want_redis: bool) -> list[str]:
    missing = []
    if not shutil.which("wrk"):
        missing.append("wrk (the HTTP load generator: install the wrk package)")
    if not asyncio.run(postgres_reachable()):
        missing.append("PostgreSQL on 127.0.0.1:5432 (user postgres)")
    if want_redis:
        try:
            import redis

            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except Exception:  # noqa: BLE001
            missing.append("Redis on 127.0.0.1:6379 (needed with --workers > 1)")
    return missing


def flush_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


def process_tree(pid: int) -> list[int]:
    """The pid and every descendant's (uvicorn's workers), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def worker_rss(pid: int, workers: int) -> list[float]:
    """RSS of each serving process (the workers; the process itself when there is one)."""
    tree = process_tree(pid)
    if workers > 1:
        # uvicorn's supervisor, its multiprocessing helper and the workers: the workers are the largest.
        return sorted((rss_mb(p) for p in tree[1:]), reverse=True)[:workers]
    return [max(rss_mb(p) for p in tree)]


def seed_demo(env: dict[str, str]) -> None:
    code = "import asyncio\nfrom server.commands import seed_demo_data\nasyncio.run(seed_demo_data())\n"
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def sign_in(base_url: str) -> str:
    """Sign in as the verified resident through the login form; returns the Cookie header to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base_url}/login", timeout=10).read().decode()
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError("no CSRF token on the login page")
    token = found.group(1)
    body = urllib.parse.urlencode(
        {"_csrf_token": token, "identifier": CITIZEN, "password": DEMO_PASSWORD, "next": "/"}
    ).encode()
    page = opener.open(urllib.request.Request(f"{base_url}/login", data=body, method="POST"), timeout=10)
    html = page.read().decode()
    if "/logout" not in html:
        raise RuntimeError("signing in as the demo resident failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def headers_script(cookie: str | None) -> str:
    lines = [f'wrk.headers["Accept-Encoding"] = "{BROWSER_ENCODING}"']
    if cookie:
        lines.append(f'wrk.headers["Cookie"] = "{cookie}"')
    lines.append(
        "bench_done = function(summary, latency, requests)\n"
        '  io.write(string.format("BENCH_EXTRA bytes=%.1f\\n", summary.bytes / math.max(summary.requests, 1)))\n'
        "end\n"
    )
    return "\n".join(lines) + "\n"


def drain(base_url: str, limit: float = 30) -> None:
    """Wait until the server has finished what wrk left in flight (a slow page's queue would otherwise
    be counted against the next page)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        with suppress(OSError):
            urllib.request.urlopen(f"{base_url}/healthz", timeout=limit).read()
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.5)


def measure(url: str, *, seconds: int, connections: int, cookie: str | None = None) -> dict:
    """wrk waits up to 10 s for an answer, so that a slow page shows as slow rather than as no answers."""
    drain(url.split("/", 3)[0] + "//" + url.split("/", 3)[2])
    wrk(url, seconds=2, connections=connections, script=headers_script(cookie), timeout=10)  # warm-up, caches
    return wrk(url, seconds=seconds, connections=connections, script=headers_script(cookie), timeout=10)


def load() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--no-redis", action="store_true", help="one worker without Redis (memory stores)")
    parser.add_argument(
        "--signed-in-only", action="store_true", help="only the resident's pages (a quicker run to repeat)"
    )
    args = parser.parse_args()
    use_redis = not args.no_redis or args.workers > 1
    missing = missing_tools(use_redis)
    if missing:
        print("bench.pages cannot run; missing: " + "; ".join(missing))
        sys.exit(2)

    env = environment("postgres", "pages")
    env["SEED_DEMO"] = "1"
    if use_redis:
        env["REDIS_URL"] = REDIS_URL
        flush_redis()
    reset_database("postgres", env)
    rows: list[dict] = []
    load_before = load()
    try:
        seed_demo(env)
        with serve("bench.bare_app:app", env) as bare_url:
            wrk(f"{bare_url}/bare", seconds=2, connections=args.connections)
            bare = wrk(f"{bare_url}/bare", seconds=args.seconds, connections=args.connections)
        with serve_app({**env, "SEED_DEMO": "0"}, args.workers) as (url, process):
            home = urllib.request.urlopen(f"{url}/", timeout=10).read().decode()
            found = STYLESHEET.search(home)
            if found is None:
                raise RuntimeError("no stylesheet link on the home page")
            hashed = found.group(1)
            pages = [] if args.signed_in_only else [(path, None) for path in PUBLIC]
            if hashed != "/static/css/site.css" and not args.signed_in_only:
                pages.append((hashed, None))
            cookie = sign_in(url)
            pages += [(path, cookie) for path in SIGNED_IN]
            peak: list[float] = []
            for path, page_cookie in pages:
                figures = measure(
                    f"{url}{path}", seconds=args.seconds, connections=args.connections, cookie=page_cookie
                )
                rss = worker_rss(process.pid, args.workers)
                peak = [max(a, b) for a, b in zip(peak, rss, strict=False)] if peak else rss
                rows.append(
                    {
                        "page": path,
                        "signed_in": page_cookie is not None,
                        "rps": figures["rps"],
                        "ratio": round(figures["rps"] / bare["rps"], 3),
                        "p50_ms": figures["p50_ms"],
                        "p99_ms": figures["p99_ms"],
                        "bytes": round(figures.get("bytes", 0)),
                        "errors": figures["errors"],
                        "rss_mb": round(max(rss), 1),
                    }
                )
    finally:
        drop_database("postgres", env)
        if use_redis:
            flush_redis()

    print(
        f"bare route: {bare['rps']} req/s, p99 {bare['p99_ms']} ms; workers: {args.workers}; "
        f"load before: {load_before}, after: {load()}"
    )
    print(f"{'page':48} {'who':9} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'bytes':>7} {'RSS MB':>7} err")
    for row in rows:
        print(
            f"{row['page']:48} {'resident' if row['signed_in'] else 'anyone':9} {row['rps']:8.1f} "
            f"{row['ratio']:6.3f} {row['p50_ms']:7.1f} {row['p99_ms']:7.1f} {row['bytes']:7d} "
            f"{row['rss_mb']:7.1f} {row['errors']}"
        )

    def target(row: dict) -> bool:
        floor = 0.10 if row["signed_in"] else (0.5 if row["page"].startswith("/static/css") else 0.25)
        return row["ratio"] >= floor and row["p99_ms"] < 100 and row["errors"] == 0

    met = all(target(row) for row in rows) and max(peak) < 200
    figures = {
        "workers": args.workers,
        "bare_rps": bare["rps"],
        "pages": rows,
        "rss_mb_per_worker": [round(v, 1) for v in peak],
        "load": load(),
    }
    targets = {
        "anonymous_ratio": ">= 0.25",
        "signed_in_ratio": ">= 0.10",
        "stylesheet_ratio": ">= 0.5",
        "p99_ms": "< 100",
        "rss_mb_per_worker": "< 200",
    }
    report("pages", "postgres", figures, targets, met)


if __name__ == "__main__":
    main()
