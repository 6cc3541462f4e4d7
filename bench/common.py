"""Shared pieces of the benchmarks: engines, servers pinned to a core, wrk runs, the JSON line.

Each benchmark starts what it needs and stops it; figures are printed as ratios to a bare
Litestar route measured in the same run (wrk and the server on different cores).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH p50=%d p95=%d p99=%d requests=%d duration=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.duration, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
  -- A benchmark's own script may define bench_done(summary, latency, requests) to print
  -- "BENCH_EXTRA name=number" lines; wrk() adds them to its result.
  if bench_done then bench_done(summary, latency, requests) end
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def postgres_reachable() -> bool:
    try:
        import asyncpg

        conn = await asyncpg.connect(PG_ADMIN, timeout=3)
        await conn.close()
        return True
    except (OSError, Exception):  # noqa: BLE001
        return False


def choose_engine(argv: list[str]) -> str:
    if "--sqlite" in argv:
        return "sqlite"
    if "--postgres" in argv:
        return "postgres"
    return "postgres" if asyncio.run(postgres_reachable()) else "sqlite"


def environment(engine: str, name: str) -> dict[str, str]:
    """Environment for a benchmark database (a fresh one each run)."""
    env = {k: v for k, v in os.environ.items()}
    tmp = tempfile.mkdtemp(prefix=f"sangtao-bench-{name}-")
    env.update(
        {
            "APP_ENV": "development",
            "SEED_DEMO": "0",
            "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": f"{tmp}/mail",
            "UPLOAD_DIR": f"{tmp}/uploads",
            "REDIS_URL": "",
            "SQLITE_PATH": f"{tmp}/bench.sqlite3",
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/sangtao_bench_{name}"
            if engine == "postgres"
            else "",
            "LOGIN_RATE_LIMIT": "1000000",
            "REGISTER_RATE_LIMIT": "1000000",
        }
    )
    return env


def reset_database(engine: str, env: dict[str, str]) -> None:
    if engine == "postgres":
        db = env["DATABASE_URL"].rsplit("/", 1)[1]
        for sql in (f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', f'CREATE DATABASE "{db}"'):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL
            )
    subprocess.run(
        [str(Path(PYTHON).with_name("piccolo")), "migrations", "forwards", "all"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def drop_database(engine: str, env: dict[str, str]) -> None:
    if engine == "postgres":
        db = env["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'],
            stdout=subprocess.DEVNULL,
        )


def cores() -> tuple[str, str]:
    n = os.cpu_count() or 1
    return ("0", "1") if n >= 2 else ("0", "0")


@contextlib.contextmanager
def serve(app: str, env: dict[str, str], *, port: int | None = None, workers: int = 1):
    """Run ``uvicorn app`` pinned to the server core until the block ends."""
    port = port or free_port()
    server_core, _ = cores()
    command = [
        PYTHON,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--workers",
        str(workers),
    ]
    if shutil.which("taskset"):
        command = ["taskset", "-c", server_core, *command]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, timeout=10)


@contextlib.contextmanager
def serve_app(env: dict[str, str], workers: int):
    """``python -m server --workers N`` (as deployed, without its access log), pinned."""
    port = free_port()
    server_core, _ = cores()
    command = [PYTHON, "-m", "server", "--workers", str(workers), "--no-migrate", "--no-access-log"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", server_core, *command]
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port)}
    with tempfile.TemporaryFile() as log:  # what the server prints (read only if it fails to start)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            try:
                wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout=60 + 90 * workers)  # busy machine
            except RuntimeError as exc:
                log.seek(0)
                raise RuntimeError(f"{exc}\n{log.read().decode(errors='replace')[-2000:]}") from None
            time.sleep(1.0 if workers > 1 else 0)  # every worker up
            yield f"http://127.0.0.1:{port}", process
        finally:
            stop(process, timeout=15)


def stop(process: subprocess.Popen, *, timeout: float) -> None:
    """Ask the server to stop; kill it when it has not stopped within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"server exited: {output[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def wrk(
    url: str, *, seconds: int = 10, connections: int = 4, script: str | None = None, timeout: int | None = None
) -> dict[str, float]:
    """Run wrk on the client core; returns requests/s and latency percentiles in ms (``timeout``: seconds
    before wrk gives up on an answer, 2 by default)."""
    _, client_core = cores()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write((script or "") + LUA)
        lua = handle.name
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "-s", lua, url]
    if timeout:
        command[1:1] = ["--timeout", f"{timeout}s"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", client_core, *command]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"BENCH p50=(\d+) p95=(\d+) p99=(\d+) requests=(\d+) duration=(\d+) errors=(\d+)", output)
    if not match:
        raise RuntimeError(output)
    p50, p95, p99, requests, duration_us, errors = map(int, match.groups())
    result = {
        "rps": round(requests / (duration_us / 1e6), 1),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": errors,
        "requests": requests,
        "duration_s": duration_us / 1e6,
    }
    for name, value in re.findall(r"BENCH_EXTRA (\w+)=(-?\d+(?:\.\d+)?)", output):
        result[name] = float(value) if "." in value else int(value)
    return result


def report(name: str, engine: str, figures: dict, targets: dict, met: bool) -> None:
    print(
        json.dumps(
            {"bench": name, "engine": engine, "figures": figures, "targets": targets, "targets_met": met},
            ensure_ascii=False,
        )
    )
