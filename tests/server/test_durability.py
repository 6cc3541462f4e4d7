"""An acknowledged vote survives a crash of the server: SIGKILL mid-load, restart, every receipt is there.

How it works (about 20–30 s on an idle machine; up to ~45 s while other suites share its 2 cores):

1. The test gets its OWN database, not the one the other tests share: a SQLite file in a temporary
   folder (``TEST_DATABASE=sqlite``, the default) or a fresh PostgreSQL database
   (``TEST_DATABASE=postgres``; skipped when PostgreSQL is unreachable, unless ``REQUIRE_POSTGRES=1``).
   The schema comes from the migrations (``piccolo migrations forwards all``), as in production.
2. A subprocess (this module run as ``python -m tests.server.test_durability seed``, with the
   server's environment) seeds a contest whose round is in its public vote now, 8 ideas, the vote's
   rules (3 votes per voter) and 310 verified residents, with ``bench.vote.seed_round``.
3. Each voter gets a signed-in session written straight into Redis (a spare database, 6 unless
   ``DURABILITY_REDIS_URL`` names another) in the exact form Litestar's RedisStore keeps it, so no
   one has to log in; Redis is required (skipped when unreachable, unless ``REQUIRE_POSTGRES=1``).
   One GET gives a CSRF cookie and token that every POST reuses.
4. ``uvicorn server.asgi:app`` runs as a real subprocess. 16 concurrent httpx clients vote as
   distinct voters (request i: voter i % 300, idea (i // 300 + voter) % 8, so no pair repeats) with
   ``Accept: application/json``. Each 200 answer carries a receipt: that vote is acknowledged.
5. As soon as 100 votes are acknowledged the server gets SIGKILL — no shutdown, requests in flight.
6. The server is restarted on the same database. Through HTTP: repeating an acknowledged vote is
   refused as already cast, and a new voter can vote. Then, with the server stopped, a second
   subprocess (``… check``) reads the database and the test asserts that every acknowledged receipt
   is there for the same voter and idea; that every stored vote was one the clients attempted
   (acknowledged, or in flight at the kill); that the hash-chained vote log verifies and lists
   exactly the stored votes; that the live counters (VoteCount) equal a recount; and that each
   voter's ballot counts their votes.

This is a process crash, not a power cut: both engines must not lose a commit the app has
acknowledged (PostgreSQL's WAL; SQLite's WAL file, which the next connection recovers).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from bench.vote import SESSION_NAMESPACE, csrf_pair, post_vote, seed_round, write_sessions

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# The same switches as tests/conftest.py (read here, not imported: the subprocess mode of this
# module must not run conftest's environment changes).
ENGINE = os.environ.get("TEST_DATABASE", "sqlite")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DURABILITY_REDIS_URL", "redis://127.0.0.1:6379/6")  # a spare Redis database

SLUG = "ben-vung"
VOTERS = 300  # voters in the load
FRESH = 10  # more voters, kept for after the restart
IDEAS = 8
VOTES_PER_VOTER = 3
KILL_AFTER = 100  # acknowledged votes before the SIGKILL
CONCURRENCY = 16
LOAD_DEADLINE = 30.0  # seconds to reach KILL_AFTER acknowledgements


# ---------------------------------------------------------------- subprocess side (the server's environment)


async def _seed() -> dict:
    return await seed_round(voters=VOTERS + FRESH, ideas=IDEAS, slug=SLUG, code="BN", votes_per_voter=VOTES_PER_VOTER)


async def _check(round_id: int) -> dict:
    from contest import voting
    from contest.tables import Ballot, Idea, Vote

    votes = await Vote.select(Vote.receipt, Vote.voter, Vote.idea.code, Vote.voided).where(Vote.round == round_id)
    log = await voting.log_rows(round_id)
    check = voting.verify_log(log)
    codes = {r["id"]: r["code"] for r in await Idea.select(Idea.id, Idea.code)}
    log_receipts = [r["receipt"] for r in log if r["action"] == "cast"]
    ballots = await Ballot.select(Ballot.voter, Ballot.used).where(Ballot.round == round_id)
    return {
        "votes": [[v["receipt"], v["voter"], v["idea.code"], v["voided"]] for v in votes],
        "log_ok": check["ok"],
        "log_entries": check.get("entries", 0),
        "log_totals": check["totals"],
        "log_receipts": log_receipts,
        "tally": {codes[k]: v for k, v in (await voting.tally(round_id)).items()},
        "recount": {codes[k]: v for k, v in (await voting.recount(round_id)).items()},
        "ballots": {str(b["voter"]): b["used"] for b in ballots},
    }


def _subprocess_main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    result = asyncio.run(_seed() if argv[0] == "seed" else _check(int(argv[1])))
    print("RESULT " + json.dumps(result, default=str))


# ---------------------------------------------------------------- test side


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unavailable(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"{reason} (REQUIRE_POSTGRES=1)", pytrace=False)
    pytest.skip(reason)


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 — any failure means no Redis here
        client.close()
        _unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return client


def _run(command: list[str], env: dict[str, str], *, timeout: float = 120) -> str:
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _helper(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """Start this module's subprocess side; ``_result`` waits for its answer."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.server.test_durability", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(helper: subprocess.Popen[str]) -> dict:
    stdout, stderr = helper.communicate(timeout=120)
    assert isinstance(helper.args, list)  # as _helper starts it
    assert helper.returncode == 0, f"{' '.join(map(str, helper.args))} failed:\n{stdout[-3000:]}\n{stderr[-3000:]}"
    line = next(line for line in reversed(stdout.splitlines()) if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


class Server:
    """``uvicorn server.asgi:app`` as a subprocess, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "server.asgi:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 240  # a busy machine (the other test worker) starts it slowly
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited:\n{self.output()}"
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"the server did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)  # no shutdown: requests in flight are cut off

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
async def own_database(tmp_path):
    """A database for this test alone, migrated; yields the environment the server and helpers run with."""
    _redis().close()  # before any work: skip (or fail) at once without Redis
    env = dict(os.environ)
    env.update(
        {
            "APP_ENV": "development",
            "SEED_DEMO": "0",
            "SECRET_KEY": "durability-secret-" + secrets.token_hex(24),
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "SQLITE_PATH": str(tmp_path / "durability.sqlite3"),
            "DATABASE_URL": "",
            "REDIS_URL": REDIS_URL,
            "VOTE_IP_RATE_LIMIT": "1000000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    name = f"sangtao_durability_{os.getpid()}"
    if ENGINE == "postgres":
        from tests.support.db import create_postgres_database

        try:
            await create_postgres_database(PG_ADMIN_URL, name)
        except (OSError, Exception) as exc:  # noqa: BLE001
            _unavailable(f"PostgreSQL not reachable: {exc}")
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _run([str(Path(sys.executable).with_name("piccolo")), "migrations", "forwards", "all"], env)
        yield env
    finally:
        if ENGINE == "postgres":
            from tests.support.db import drop_postgres_database

            await drop_postgres_database(PG_ADMIN_URL, name)


async def fire_votes(server: Server, plan: list[tuple[int, str, str]], csrf: tuple[str, str]) -> dict:
    """Vote concurrently along ``plan`` [(voter id, session id, idea code)]; SIGKILL the server after
    KILL_AFTER acknowledgements. Returns acknowledged, refused and cut-off (in flight) attempts."""
    import httpx

    acked: list[tuple[int, str, str]] = []  # (voter, code, receipt)
    refused: list[tuple[int, str, int, str]] = []
    cut: list[tuple[int, str]] = []
    state = {"next": 0, "killed": False, "acks_at_kill": 0}
    deadline = time.monotonic() + LOAD_DEADLINE

    async def worker(client: httpx.AsyncClient) -> None:
        while not state["killed"] and state["next"] < len(plan) and time.monotonic() < deadline:
            voter, session, code = plan[state["next"]]
            state["next"] += 1
            try:
                response = await client.post(
                    f"/contests/{SLUG}/vote/{code}",
                    data={"_csrf_token": csrf[1]},
                    headers={
                        "Accept": "application/json",
                        "Cookie": f"sangtao_session={session}; sangtao_csrf={csrf[0]}",
                    },
                )
            except httpx.TransportError:
                cut.append((voter, code))
                continue
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            if response.status_code == 200 and body.get("ok") and body.get("receipt"):
                acked.append((voter, code, body["receipt"]))
                if len(acked) >= KILL_AFTER and not state["killed"]:
                    server.kill()
                    state["killed"], state["acks_at_kill"] = True, len(acked)
            else:
                refused.append((voter, code, response.status_code, response.text[:200]))

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=server.url, timeout=20, limits=limits) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    return {"acked": acked, "refused": refused, "cut": cut, **state}


async def test_acknowledged_votes_survive_a_server_crash(own_database, tmp_path):
    env = own_database
    redis_client = _redis()
    began = time.monotonic()
    seeding = _helper(env, "seed")  # seeds while the server starts (it needs only the schema to start)
    log = tmp_path / "server.log"
    server = restarted = None
    sessions: dict[str, int] = {}
    try:
        server = Server(env, log)
        seeded = _result(seeding)
        voters = seeded["voters"]
        sessions = {secrets.token_hex(32): voter for voter in voters}
        by_voter = {voter: session for session, voter in sessions.items()}
        write_sessions(REDIS_URL, sessions, ttl=3600)
        csrf = csrf_pair(server.url, session=by_voter[voters[-1]])
        codes = seeded["codes"]
        plan = []
        for i in range(VOTERS * VOTES_PER_VOTER):
            n = i % VOTERS
            plan.append((voters[n], by_voter[voters[n]], codes[(i // VOTERS + n) % IDEAS]))
        started = time.monotonic()
        load = await fire_votes(server, plan, csrf)
        assert load["killed"], (
            f"only {len(load['acked'])} votes acknowledged in {LOAD_DEADLINE:.0f} s "
            f"(refused: {load['refused'][:3]}):\n{server.output()}"
        )
        server.process.wait(timeout=10)
        assert server.process.returncode == -signal.SIGKILL
        assert not load["refused"], f"votes refused before the crash: {load['refused'][:5]}"
        assert load["cut"], "the SIGKILL should have cut off requests in flight"
        acked = load["acked"]
        loaded = time.monotonic()

        restarted = Server(env, log)
        # The restarted server knows the acknowledged votes: repeating one is refused as already cast…
        for voter, code, _ in acked[:10]:
            status, body = post_vote(restarted.url, SLUG, code, by_voter[voter], csrf)
            assert status == 409 and "đã bình chọn" in body["message"], (status, body)
        # …and it takes new votes.
        fresh = voters[VOTERS]
        status, body = post_vote(restarted.url, SLUG, codes[0], by_voter[fresh], csrf)
        assert status == 200 and body["ok"], (status, body)
        acked.append((fresh, codes[0], body["receipt"]))
        restarted.stop()

        restarted_for = time.monotonic() - loaded
        state = _result(_helper(env, "check", str(seeded["round"])))
        print(
            f"\n{len(acked) - 1} votes acknowledged ({load['acks_at_kill']} at the SIGKILL), {len(load['cut'])} "
            f"cut off in flight, {len(state['votes'])} votes stored (1 of them cast after the restart); seconds: "
            f"seed and start {started - began:.1f}, load {loaded - started:.1f}, restart and HTTP checks "
            f"{restarted_for:.1f}, database check {time.monotonic() - loaded - restarted_for:.1f}"
        )
        stored = {receipt: (voter, code, voided) for receipt, voter, code, voided in state["votes"]}
        lost = [a for a in acked if stored.get(a[2], (None, None, None))[:2] != (a[0], a[1])]
        assert not lost, f"{len(lost)} acknowledged votes are missing after the crash: {lost[:5]}"
        assert not any(voided for _, _, voided in stored.values())
        attempted = {(voter, code) for voter, code, _ in acked} | set(load["cut"])
        strays = [(voter, code) for voter, code, _ in stored.values() if (voter, code) not in attempted]
        assert not strays, f"votes nobody cast: {strays[:5]}"
        # The public log verifies and lists exactly the stored votes; the live counters equal a recount.
        assert state["log_ok"], "the vote log's hash chain does not verify"
        assert state["log_entries"] == len(stored) and sorted(state["log_receipts"]) == sorted(stored)
        assert state["log_totals"] == state["recount"]
        assert state["tally"] == state["recount"]
        assert sum(state["recount"].values()) == len(stored)
        per_voter = Counter(str(voter) for voter, _, _ in stored.values())
        assert {k: v for k, v in state["ballots"].items() if v} == dict(per_voter)
    finally:
        for running in (server, restarted):
            if running is not None:
                running.stop()
        if seeding.poll() is None:
            seeding.kill()
        if sessions:  # the sessions written here and the per-voter rate-limit counters of the app
            redis_client.delete(
                *(f"{SESSION_NAMESPACE}:{session}" for session in sessions),
                *(f"sangtao:rl:vote:user:{voter}" for voter in sessions.values()),
            )
        redis_client.close()


if __name__ == "__main__":
    _subprocess_main(sys.argv[1:])
