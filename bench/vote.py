"""Public vote under load: votes/s of POST /contests/{slug}/vote/{code}, and the tally of 1,000,000 votes.

    .venv/bin/python -m bench.vote [--sqlite|--postgres] [--workers N]

Seeds a fresh database (PostgreSQL when reachable, else SQLite) with a published contest whose
round is in its public vote now, 50 submitted ideas, the vote's rules (3 votes per voter) and
20,000 verified residents (plus 5,000 others for the warm-up). Each voter gets a server-side
session written straight into Redis in the exact form Litestar stores it, so wrk can vote as
20,000 different people without logging in; one CSRF cookie + token from one GET serves every
request (Litestar's token is per cookie, not per request). The app (REDIS_URL set) runs as deployed
(``python -m server --workers N``), a bare Litestar route under uvicorn, each pinned to one core and
driven by wrk from the other, 8 connections
for 10 s after a warm-up with other voters; request i votes as voter i % 20,000 for idea
(i // 20,000 + voter) % 50, so no (voter, idea) pair repeats. Non-2xx answers are counted in
wrk's Lua `response` hook and the 2xx count is checked against the votes in the database.

Then 1,000,000 votes (20,000 voters × 50 ideas) are bulk-loaded into a second, earlier round
(COPY on PostgreSQL, executemany on SQLite) with its VoteCount rows set by one GROUP BY, and
``contest.voting.tally`` (the live counters) is timed — median of 20 — with ``recount`` for
information. Prints one JSON line. Targets: votes/s >= 0.10 × bare requests/s, p99 < 100 ms,
tally < 50 ms.

The seeding and session helpers are reused by tests/server/test_durability.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import secrets
import statistics
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from bench.common import ROOT, choose_engine, drop_database, environment, report, reset_database, serve, serve_app, wrk

N_VOTERS = 20_000
N_WARMUP = 5_000
N_IDEAS = 50
VOTES_PER_VOTER = 3
REDIS_DB = 5  # a spare Redis database, flushed before and after the run
SLUG = "bench-vote"
CONNECTIONS = 8
SECONDS = 10
WARMUP_SECONDS = 3
TALLY_RUNS = 20
RECOUNT_RUNS = 5
# A syntactically valid argon2id hash of nothing anyone knows: nobody logs in here.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2gtc2FsdA$YmVuY2gtaGFzaC1ub3QtYS1yZWFsLW9uZS0wMDA"
# As in server/app.py: RedisStore.with_client(url=..., namespace="sangtao:sessions"); the key of a
# session is "<namespace>:<session id>", its value the JSON bytes of the session data.
SESSION_NAMESPACE = "sangtao:sessions"
SESSION_COOKIE = "sangtao_session"
CSRF_COOKIE = "sangtao_csrf"
TARGETS = {"vote_ratio_to_bare": ">= 0.10", "vote_p99_ms": "< 100", "tally_ms": "< 50"}


# ---------------------------------------------------------------- seeding (shared with the durability test)


async def seed_round(
    *,
    voters: int,
    ideas: int = N_IDEAS,
    slug: str = SLUG,
    code: str = "BV",
    votes_per_voter: int = VOTES_PER_VOTER,
    tally_round: bool = False,
) -> dict[str, Any]:
    """A commune, a published contest whose round is in its public vote now, ``ideas`` submitted
    ideas, the vote's rules and ``voters`` verified residents (bulk inserts).

    With ``tally_round`` also an earlier round (results out) with its own ``ideas`` ideas, to
    bulk-load votes into. Needs the Piccolo engine of the target database (env set first).
    """
    from accounts.tables import Commune, Hamlet, User
    from accounts.text import fold
    from contest.tables import Category, Contest, Idea, Round, VoteRules

    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    commune = Commune(name=f"Xã {code}", slug=slug, code=code)
    await commune.save()
    hamlet = Hamlet(commune=commune.id, name="Thôn Một", population=5000, sort_order=0)
    await hamlet.save()
    lead = User(
        username=f"lead@{slug}.vn",
        email=f"lead@{slug}.vn",
        password=DUMMY_HASH,
        full_name="Trưởng nhóm",
        pseudonym=f"{code.lower()}lead",
        active=True,
        commune=commune.id,
        hamlet=hamlet.id,
        birth_year=2002,
        created_at=now - 90 * day,
    )
    await lead.save()
    contest = Contest(
        commune=commune.id, title="Bình chọn ý tưởng", slug=slug, published=True, created_at=now - 90 * day
    )
    await contest.save()
    # The round voted in now: submissions and judging are over, the public vote is open.
    current = Round(
        contest=contest.id,
        name="Vòng chung kết",
        position=2,
        submission_opens=now - 60 * day,
        submission_closes=now - 30 * day,
        judging_closes=now - 20 * day,
        vote_opens=now - 1 * day,
        vote_closes=now + 7 * day,
        results_at=now + 10 * day,
    )
    await current.save()
    earlier = None
    if tally_round:  # an earlier round whose vote is over (the app's current round stays the one above)
        earlier = Round(
            contest=contest.id,
            name="Vòng trước",
            position=1,
            submission_opens=now - 200 * day,
            submission_closes=now - 170 * day,
            judging_closes=now - 160 * day,
            vote_opens=now - 159 * day,
            vote_closes=now - 150 * day,
            results_at=now - 140 * day,
        )
        await earlier.save()
    category = Category(contest=contest.id, name="Chuyển đổi số", slug="cds", position=0)
    await category.save()
    await VoteRules.insert(
        VoteRules(
            round=current.id,
            votes_per_voter=votes_per_voter,
            change_allowed=True,
            live_tally=False,
            residents_only=True,
            jury_weight=0.7,
        )
    )

    def idea_rows(round_id: int, first: int) -> list:
        rows = []
        for n in range(first, first + ideas):
            idea_code = f"{code}-{now.year}-{n:03d}"
            title = f"Ý tưởng {n}: số hoá chợ quê"
            rows.append(
                Idea(
                    contest=contest.id,
                    round=round_id,
                    code=idea_code,
                    lead=lead.id,
                    hamlet=hamlet.id,
                    category=category.id,
                    title=title,
                    summary="Giải pháp cho thôn.",
                    problem="Vấn đề",
                    solution="Giải pháp",
                    beneficiaries="Người dân",
                    resources="Vật liệu",
                    status="submitted",
                    submitted_at=now - 40 * day,
                    created_at=now - 45 * day,
                    updated_at=now - 40 * day,
                    search_text=" " + fold(f"{idea_code} {title}") + " ",
                )
            )
        return rows

    await Idea.insert(*idea_rows(current.id, 1))
    idea_list = await Idea.select(Idea.id, Idea.code).where(Idea.round == current.id).order_by(Idea.code)
    tally_ideas: list[int] = []
    if earlier is not None:
        await Idea.insert(*idea_rows(earlier.id, 501))
        tally_ideas = [r["id"] for r in await Idea.select(Idea.id).where(Idea.round == earlier.id).order_by(Idea.id)]

    batch = []
    for n in range(voters):
        batch.append(
            User(
                username=f"v{n:06d}@{slug}.vn",
                email=None,
                password=DUMMY_HASH,
                full_name=f"Cử tri {n}",
                pseudonym=f"{code.lower()}{n:07d}",
                active=True,
                commune=commune.id,
                hamlet=hamlet.id,
                birth_year=1990,
                created_at=now - 60 * day,
                verified_resident=True,
                verified_method="resident_list",
                verified_at=now - 30 * day,
                terms_accepted_at=now - 60 * day,
                privacy_accepted_at=now - 60 * day,
            )
        )
        if len(batch) == 500:
            await User.insert(*batch)
            batch = []
    if batch:
        await User.insert(*batch)
    voter_ids = [
        r["id"] for r in await User.select(User.id).where(User.username.like(f"v%@{slug}.vn")).order_by(User.username)
    ]
    assert len(voter_ids) == voters, (len(voter_ids), voters)
    # A verified voter is linked to a line of the commune's resident list (one line each). The line
    # is found again by a temporary key in its indexed phone column, then the key is cleared.
    from accounts.tables import ResidentRecord

    for start in range(0, voters, 500):
        await ResidentRecord.insert(
            *[
                ResidentRecord(
                    commune=commune.id,
                    name_key=f"cu tri {n}",
                    birth_year=1990,
                    hamlet=hamlet.id,
                    phone=f"+0{user_id}",
                    imported_at=now - 60 * day,
                )
                for n, user_id in enumerate(voter_ids[start : start + 500], start=start)
            ]
        )
    await User.raw(
        "UPDATE users SET resident = (SELECT r.id FROM resident_record r WHERE r.commune = {} "
        "AND r.phone = '+0' || CAST(users.id AS TEXT)) WHERE commune = {} AND username LIKE {}",
        commune.id,
        commune.id,
        f"v%@{slug}.vn",
    )
    await ResidentRecord.update({ResidentRecord.phone: None}).where(
        (ResidentRecord.commune == commune.id) & ResidentRecord.phone.like("+0%")
    )
    if User._meta.db.engine_type == "postgres":
        await User.raw("ANALYZE")  # as after any bulk load: fresh statistics for the planner
    return {
        "slug": slug,
        "contest": contest.id,
        "round": current.id,
        "codes": [r["code"] for r in idea_list],
        "idea_ids": [r["id"] for r in idea_list],
        "voters": voter_ids,
        "tally_round": earlier.id if earlier else None,
        "tally_ideas": tally_ideas,
    }


def session_value(user_id: int, session_version: int = 0, lang: str = "vi") -> bytes:
    """The bytes Litestar keeps for a signed-in session (server.auth.sign_in's data, JSON-encoded),
    stamped with the day it was written, as the app stamps every session it stores at sign-in."""
    from litestar.serialization import encode_json

    from server.sessions import DAY_KEY, today

    return encode_json({"uid": user_id, "sv": session_version, "lang": lang, DAY_KEY: today()})


def write_sessions(redis_url: str, sessions: dict[str, int], *, ttl: int = 14 * 24 * 3600) -> None:
    """Store ``{session id: user id}`` as Litestar's RedisStore would (key "<namespace>:<id>", expiry)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        pipe = client.pipeline(transaction=False)
        for n, (session_id, user_id) in enumerate(sessions.items(), 1):
            pipe.set(f"{SESSION_NAMESPACE}:{session_id}", session_value(user_id), ex=ttl)
            if n % 5000 == 0:
                pipe.execute()
        pipe.execute()
    finally:
        client.close()


def session_ids(prefix: str, count: int) -> list[str]:
    """Session ids "<prefix><8 digits>" (64 characters with a 56-character prefix), computable in Lua."""
    return [f"{prefix}{n:08d}" for n in range(count)]


_CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_pair(base_url: str, session: str | None = None) -> tuple[str, str]:
    """One GET of a page with a form: the CSRF cookie and the form token that goes with it.

    Without ``session`` it is the login form (and the app keeps a new, empty session); with the id of
    a signed-in session it is the home page, whose header has the log-out form.
    """
    request = urllib.request.Request(
        f"{base_url}/" if session else f"{base_url}/login",
        headers={"Cookie": f"{SESSION_COOKIE}={session}"} if session else {},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    cookie = next(c.split(";", 1)[0].split("=", 1)[1] for c in cookies if c.startswith(f"{CSRF_COOKIE}="))
    found = _CSRF_FIELD.search(html)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return cookie, found.group(1)


def post_vote(base_url: str, slug: str, code: str, session_id: str, csrf: tuple[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base_url}/contests/{slug}/vote/{code}",
        data=f"_csrf_token={csrf[1]}".encode(),
        method="POST",
        headers={
            "Cookie": f"{SESSION_COOKIE}={session_id}; {CSRF_COOKIE}={csrf[0]}",
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        return exc.code, json.loads(body) if body.startswith(b"{") else {"body": body[:200].decode(errors="replace")}


# ---------------------------------------------------------------- wrk


def vote_script(*, slug: str, codes: list[str], prefix: str, voters: int, csrf: tuple[str, str]) -> str:
    """Lua for wrk: request i votes as voter i % voters for idea (i // voters + voter) % len(codes)."""
    table = ", ".join(f'"{c}"' for c in codes)
    return f"""
local codes = {{{table}}}
local n_voters, n_ideas = {voters}, {len(codes)}
local path = "/contests/{slug}/vote/"
local cookie_tail = "; {CSRF_COOKIE}={csrf[0]}"
local body = "_csrf_token={csrf[1]}"
local counter = 0
sent, ok2xx, non2xx = 0, 0, 0
local threads = {{}}

setup = function(thread)
  table.insert(threads, thread)
end

request = function()
  local i = counter
  counter = counter + 1
  sent = sent + 1
  local voter = i % n_voters
  local idea = (math.floor(i / n_voters) + voter) % n_ideas
  return wrk.format("POST", path .. codes[idea + 1], {{
    ["Cookie"] = "{SESSION_COOKIE}={prefix}" .. string.format("%08d", voter) .. cookie_tail,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json"}}, body)
end

response = function(status, headers, body)
  if status >= 200 and status < 300 then ok2xx = ok2xx + 1 else non2xx = non2xx + 1 end
end

bench_done = function(summary, latency, requests)
  local ok, bad, n = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("ok2xx")
    bad = bad + thread:get("non2xx")
    n = n + thread:get("sent")
  end
  io.write(string.format("BENCH_EXTRA ok2xx=%d\\nBENCH_EXTRA non2xx=%d\\nBENCH_EXTRA sent=%d\\n", ok, bad, n))
  io.write(string.format("BENCH_EXTRA socket_errors=%d\\n", summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


# ---------------------------------------------------------------- the tally of 1,000,000 votes


async def count_votes(round_id: int) -> int:
    from contest.tables import Vote

    return await Vote.count().where(Vote.round == round_id)


async def bulk_votes(engine: str, env: dict[str, str], round_id: int, voters: list[int], ideas: list[int]) -> float:
    """Load len(voters) × len(ideas) votes into ``round_id`` and set its VoteCount rows; returns seconds."""
    started = time.perf_counter()
    created = dt.datetime.now(dt.UTC) - dt.timedelta(days=155)
    columns = ("round", "voter", "idea", "receipt", "created_at", "ip", "voided", "void_reason")
    # Receipts "T" + 9 digits: distinct, and never equal to a real one (10 upper-case hex digits).
    pairs = ((v, i) for v in voters for i in ideas)
    count_sql = (
        "INSERT INTO vote_count (round, idea, votes) SELECT round, idea, COUNT(*) FROM vote "
        "WHERE round = {p} AND voided = {f} GROUP BY round, idea"
    )
    if engine == "postgres":
        import asyncpg

        conn = await asyncpg.connect(env["DATABASE_URL"])
        try:
            n = 0
            while True:
                chunk = []
                for voter, idea in pairs:
                    n += 1
                    chunk.append((round_id, voter, idea, f"T{n:09d}", created, "10.0.0.1", False, ""))
                    if len(chunk) == 100_000:
                        break
                if not chunk:
                    break
                await conn.copy_records_to_table("vote", records=chunk, columns=columns)
            await conn.execute(count_sql.format(p="$1", f="false"), round_id)
            await conn.execute("ANALYZE vote; ANALYZE vote_count")
        finally:
            await conn.close()
    else:
        import sqlite3

        conn = sqlite3.connect(env["SQLITE_PATH"])
        try:
            # Stored as Piccolo stores a Timestamptz on SQLite (copied from a vote the app wrote).
            stamp = conn.execute("SELECT created_at FROM vote LIMIT 1").fetchone()
            stamp = stamp[0] if stamp else created.isoformat()
            with conn:
                conn.executemany(
                    f"INSERT INTO vote ({', '.join(columns)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (round_id, voter, idea, f"T{n:09d}", stamp, "10.0.0.1", 0, "")
                        for n, (voter, idea) in enumerate(pairs, 1)
                    ),
                )
                conn.execute(count_sql.format(p="?", f="0"), (round_id,))
            conn.execute("ANALYZE")
        finally:
            conn.close()
    return time.perf_counter() - started


async def time_tally(round_id: int) -> dict[str, Any]:
    """Median times of ``tally`` and ``recount`` as the app runs them (with its pool on PostgreSQL)."""
    from piccolo.engine.postgres import PostgresEngine

    from contest import voting
    from contest.tables import Vote

    db = Vote._meta.db
    pooled = isinstance(db, PostgresEngine)
    if pooled:
        await db.start_connection_pool(min_size=1, max_size=4)
    try:
        await voting.tally(round_id)  # first use: connection and statement cache
        tally_s, recount_s = [], []
        counts = {}
        for _ in range(TALLY_RUNS):
            started = time.perf_counter()
            counts = await voting.tally(round_id)
            tally_s.append(time.perf_counter() - started)
        recounted = {}
        for _ in range(RECOUNT_RUNS):
            started = time.perf_counter()
            recounted = await voting.recount(round_id)
            recount_s.append(time.perf_counter() - started)
    finally:
        if pooled:
            await db.close_connection_pool()
    return {
        "tally_ms": round(statistics.median(tally_s) * 1000, 2),
        "recount_ms": round(statistics.median(recount_s) * 1000, 1),
        "tally_votes": sum(counts.values()),
        "tally_matches_recount": counts == recounted,
    }


# ---------------------------------------------------------------- the run


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def preflight(
    url: str, seeded: dict, csrf: tuple[str, str], sessions: list[str], first_user: int, redis_url: str
) -> int:
    """Check the hand-made sessions and the shared CSRF token before the load; returns the votes cast."""
    import redis

    slug, code = seeded["slug"], seeded["codes"][0]
    first = post_vote(url, slug, code, sessions[0], csrf)
    second = post_vote(url, slug, code, sessions[1], csrf)  # another voter, the same cookie and token
    again = post_vote(url, slug, code, sessions[0], csrf)
    assert first[0] == 200 and first[1]["ok"], first
    assert second[0] == 200 and second[1]["ok"], second
    assert again[0] == 409 and not again[1]["ok"], again
    # The session the app kept after each answer holds exactly the bytes written here.
    client = redis.Redis.from_url(redis_url)
    try:
        stored = client.get(f"{SESSION_NAMESPACE}:{sessions[0]}")
    finally:
        client.close()
    assert isinstance(stored, bytes), stored  # a synchronous client without decode_responses answers bytes
    # A session signed in today and unchanged by a vote is not written again; one written on an
    # earlier day is, with today's stamp.
    assert json.loads(stored) == json.loads(session_value(first_user)), (stored, session_value(first_user))
    print(
        f"preflight: hand-made sessions accepted and kept by the app ({stored.decode()}); "
        "one CSRF token served two voters; a repeated vote answered 409",
        file=sys.stderr,
    )
    return 2


def main() -> None:
    engine = choose_engine(sys.argv)
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 1
    env = environment(engine, "vote")
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    env.update({"REDIS_URL": redis_url, "VOTE_IP_RATE_LIMIT": "100000000"})
    reset_database(engine, env)
    flush_redis(redis_url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    try:
        seeded = asyncio.run(seed_round(voters=N_VOTERS + N_WARMUP + 2, tally_round=True))
        voters = seeded["voters"]
        main_prefix, warm_prefix, check_prefix = (secrets.token_hex(28) for _ in range(3))
        main_sessions = session_ids(main_prefix, N_VOTERS)
        warm_sessions = session_ids(warm_prefix, N_WARMUP)
        check_sessions = session_ids(check_prefix, 2)
        sessions = {
            **dict(zip(main_sessions, voters[:N_VOTERS], strict=True)),
            **dict(zip(warm_sessions, voters[N_VOTERS : N_VOTERS + N_WARMUP], strict=True)),
            **dict(zip(check_sessions, voters[N_VOTERS + N_WARMUP :], strict=True)),
        }
        write_sessions(redis_url, sessions)

        with serve("bench.bare_app:app", env) as bare_url:
            wrk(f"{bare_url}/bare", seconds=WARMUP_SECONDS, connections=CONNECTIONS)
            bare = wrk(f"{bare_url}/bare", seconds=SECONDS, connections=CONNECTIONS)
        with serve_app(env, workers) as (url, _server):  # as deployed: python -m server --workers N
            csrf = csrf_pair(url)
            cast_before = preflight(url, seeded, csrf, check_sessions, sessions[check_sessions[0]], redis_url)
            target = f"{url}/contests/{SLUG}/vote"
            warm = wrk(
                target,
                seconds=WARMUP_SECONDS,
                connections=CONNECTIONS,
                script=vote_script(slug=SLUG, codes=seeded["codes"], prefix=warm_prefix, voters=N_WARMUP, csrf=csrf),
            )
            run = wrk(
                target,
                seconds=SECONDS,
                connections=CONNECTIONS,
                script=vote_script(slug=SLUG, codes=seeded["codes"], prefix=main_prefix, voters=N_VOTERS, csrf=csrf),
            )
        # Servers stopped: every answered vote is committed; compare with what wrk saw.
        in_db = asyncio.run(count_votes(seeded["round"]))
        acknowledged = cast_before + warm["ok2xx"] + run["ok2xx"]
        unanswered = (warm["sent"] - warm["ok2xx"] - warm["non2xx"]) + (run["sent"] - run["ok2xx"] - run["non2xx"])
        print(
            f"votes in the database: {in_db}; 2xx answers counted by the Lua hook: {acknowledged} "
            f"(preflight {cast_before}, warm-up {warm['ok2xx']}, measured {run['ok2xx']}); requests made by the "
            f"Lua hook but not answered when wrk stopped: {unanswered}",
            file=sys.stderr,
        )
        votes_match = acknowledged <= in_db <= acknowledged + unanswered
        if in_db != acknowledged:
            print(
                "  the difference is the requests in flight when wrk stopped (the server committed them, "
                "wrk did not wait for their answers)"
                if votes_match
                else "  MISMATCH",
                file=sys.stderr,
            )

        bulk_s = asyncio.run(bulk_votes(engine, env, seeded["tally_round"], voters[:N_VOTERS], seeded["tally_ideas"]))
        timed = asyncio.run(time_tally(seeded["tally_round"]))
    finally:
        drop_database(engine, env)
        flush_redis(redis_url)

    seconds = run["duration_s"]
    votes_per_s = round(run["ok2xx"] / seconds, 1)
    errors = run["non2xx"] + run["socket_errors"] + warm["non2xx"] + warm["socket_errors"]
    figures = {
        "voters": N_VOTERS,
        "ideas": N_IDEAS,
        "connections": CONNECTIONS,
        "workers": workers,
        "bare_rps": bare["rps"],
        "votes_per_s": votes_per_s,
        "vote_ratio_to_bare": round(votes_per_s / bare["rps"], 3),
        "vote_p50_ms": run["p50_ms"],
        "vote_p95_ms": run["p95_ms"],
        "vote_p99_ms": run["p99_ms"],
        "votes_measured": run["ok2xx"],
        "errors": errors,
        "non2xx": run["non2xx"] + warm["non2xx"],
        "votes_in_db": in_db,
        "votes_acknowledged": acknowledged,
        "votes_in_db_match_2xx": votes_match,
        "tally_votes": timed["tally_votes"],
        "bulk_load_s": round(bulk_s, 1),
        "tally_ms": timed["tally_ms"],
        "recount_ms": timed["recount_ms"],
        "tally_matches_recount": timed["tally_matches_recount"],
    }
    met = (
        figures["vote_ratio_to_bare"] >= 0.10
        and run["p99_ms"] < 100
        and timed["tally_ms"] < 50
        and errors == 0
        and votes_match
        and timed["tally_matches_recount"]
    )
    report("vote", engine, figures, TARGETS, met)


if __name__ == "__main__":
    main()
