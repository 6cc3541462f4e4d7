"""The organizer's judging page of a round with 1,000 entries and 3,000 submitted score sheets.

    .venv/bin/python -m bench.ranking [--sqlite|--postgres]

Seeds a fresh database (PostgreSQL when reachable, else SQLite): a contest whose judging is over,
a 3-criterion rubric, 60 judges who signed their declarations, 1,000 submitted entries each
assigned to 3 judges (entry i to judges i, i + 17 and i + 31 modulo 60: one connected design, as
the assignment produces with its linking) and 3,000 submitted sheets with their scores (each
judge with their own leniency), written as the judges' page writes them. Signs in as the
round's organizer through the login form, serves the app with uvicorn on one core and drives it
with wrk from the other:

* the server time of the judging page (wrk, one connection: p50 / p95), after a warm-up view
  (which freezes the sheets once and computes the ranking once), and the server process's CPU
  time per view (from /proc: it does not depend on what else the machine runs);
* the page's bytes on the wire (the app does not compress; the gzip size a compressing proxy
  would send is given for information), and the number of ranking rows on it;
* the first view after a sheet changes (the ranking is computed again, in a worker thread);
* ``/healthz`` p99 (one connection) while another wrk loads the judging page in a loop;
* the same while every judging view follows a change of a sheet (worst case: a computation per
  view), for information.

Prints one JSON line. Targets: page p50 < 100 ms, page ≤ 200 KB, /healthz p99 < 50 ms while the
page is loaded. Says what is missing (wrk, PostgreSQL) instead of failing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import http.cookiejar
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import ROOT, choose_engine, drop_database, environment, report, reset_database, serve, wrk

N_ENTRIES = 1_000
N_JUDGES = 60
OFFSETS = (0, 17, 31)  # entry i goes to judges i, i + 17 and i + 31 (mod N_JUDGES): a connected design
PASSWORD = "Mật-khẩu-đo-hiệu-năng-2026"
ORGANIZER = "btc@bench-ranking.vn"
SECONDS = 10
TARGETS = {"page_server_p50_ms": "< 100", "page_kb": "<= 200", "healthz_p99_ms_under_page_load": "< 50"}


async def seed(env: dict[str, str]) -> dict[str, Any]:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from argon2 import PasswordHasher

    from accounts import services as accounts
    from accounts.tables import Commune, Hamlet, Role, User
    from accounts.text import fold
    from contest import calibration
    from contest.tables import (
        Assignment,
        Category,
        ConflictDeclaration,
        Contest,
        Criterion,
        Idea,
        PanelMember,
        Round,
        Score,
        ScoreSheet,
    )

    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    rng = random.Random(11)
    commune = Commune(name="Xã Đo Xếp Hạng", slug="bench-ranking", code="BR")
    await commune.save()
    hamlet = Hamlet(commune=commune.id, name="Thôn Một", sort_order=0)
    await hamlet.save()
    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # login still verifies for real
    organizer = User(
        username=ORGANIZER,
        email=ORGANIZER,
        password=fast.hash(PASSWORD),
        full_name="Ban tổ chức",
        pseudonym="brorganizer",
        active=True,
        commune=commune.id,
        hamlet=hamlet.id,
        birth_year=1980,
        created_at=now - 90 * day,
        terms_accepted_at=now - 90 * day,
        privacy_accepted_at=now - 90 * day,
    )
    await organizer.save()
    await accounts.grant_role(organizer.id, Role.organizer, commune_id=commune.id, actor=None, now=now - 90 * day)
    contest = Contest(
        commune=commune.id,
        title="Ý tưởng sáng tạo 2026",
        slug="bench-ranking",
        published=True,
        created_at=now - 90 * day,
    )
    await contest.save()
    # Judging ended yesterday: the organizers read the ranking (the first view freezes the sheets).
    round_ = Round(
        contest=contest.id,
        name="Vòng sơ khảo",
        position=1,
        submission_opens=now - 60 * day,
        submission_closes=now - 20 * day,
        judging_closes=now - 1 * day,
        results_at=now + 10 * day,
    )
    await round_.save()
    categories = []
    for i, name in enumerate(("Nông nghiệp", "Chuyển đổi số", "Môi trường", "Giáo dục", "Du lịch", "Xã hội")):
        category = Category(contest=contest.id, name=name, slug=f"c{i}", position=i)
        await category.save()
        categories.append(category.id)
    criteria = []
    for position, (name, weight) in enumerate((("Sáng tạo", 2.0), ("Khả thi", 1.5), ("Tác động", 1.0)), start=1):
        criterion = Criterion(
            round=round_.id,
            name=name,
            weight=weight,
            scale_min=1,
            scale_max=5,
            position=position,
            descriptors='["chưa rõ", "sơ sài", "khá", "tốt", "xuất sắc"]',
        )
        await criterion.save()
        criteria.append(calibration.Criterion(id=criterion.id, weight=weight, scale_min=1, scale_max=5))

    judges = [
        User(
            username=f"gk{n:02d}@bench-ranking.vn",
            email=f"gk{n:02d}@bench-ranking.vn",
            password=organizer.password,
            full_name=f"Giám khảo {n:02d}",
            pseudonym=f"brjudge{n:02d}",
            active=True,
            commune=commune.id,
            hamlet=hamlet.id,
            birth_year=1975,
            created_at=now - 80 * day,
        )
        for n in range(N_JUDGES)
    ]
    await User.insert(*judges)
    judge_ids = [
        r["id"]
        for r in await User.select(User.id).where(User.username.like("gk%@bench-ranking.vn")).order_by(User.username)
    ]
    for judge_id in judge_ids:
        await accounts.grant_role(judge_id, Role.judge, actor=None, now=now - 50 * day)
    await PanelMember.insert(
        *[
            PanelMember(
                round=round_.id,
                judge=j,
                contact=f"gk{n:02d}@bench-ranking.vn",
                accepted=True,
                expertise="[]",
                added_at=now - 50 * day,
            )
            for n, j in enumerate(judge_ids)
        ]
    )
    await ConflictDeclaration.insert(
        *[
            ConflictDeclaration(
                round=round_.id, judge=j, signed_at=now - 19 * day, statement="Tôi cam kết.", relatives=""
            )
            for j in judge_ids
        ]
    )

    ideas = []
    for n in range(1, N_ENTRIES + 1):
        code = f"BR-{now.year}-{n:04d}"
        title = f"Ý tưởng {n}: số hoá sổ sách hợp tác xã"
        ideas.append(
            Idea(
                contest=contest.id,
                round=round_.id,
                code=code,
                lead=organizer.id,
                hamlet=hamlet.id,
                category=categories[n % len(categories)],
                title=title,
                summary="Giải pháp cho thôn.",
                problem="Vấn đề",
                solution="Giải pháp",
                beneficiaries="Người dân",
                resources="Vật liệu",
                status="submitted",
                submitted_at=now - 25 * day,
                created_at=now - 30 * day,
                updated_at=now - 25 * day,
                search_text=" " + fold(f"{code} {title}") + " ",
            )
        )
    for start in range(0, len(ideas), 500):
        await Idea.insert(*ideas[start : start + 500])
    idea_ids = [r["id"] for r in await Idea.select(Idea.id).where(Idea.round == round_.id).order_by(Idea.id)]

    pairs = [(judge_ids[(i + k) % N_JUDGES], idea) for i, idea in enumerate(idea_ids) for k in OFFSETS]
    assignments = [Assignment(round=round_.id, judge=j, idea=e, created_at=now - 19 * day) for j, e in pairs]
    for start in range(0, len(assignments), 500):
        await Assignment.insert(*assignments[start : start + 500])

    quality = {e: rng.gauss(0, 1) for e in idea_ids}
    leniency = {j: rng.gauss(0, 0.5) for j in judge_ids}
    scores: dict[tuple[int, int], dict[int, int]] = {}
    sheets = []
    for j, e in pairs:
        values = {c.id: min(5, max(1, round(3 + quality[e] + leniency[j] + rng.gauss(0, 0.7)))) for c in criteria}
        scores[(j, e)] = values
        submitted = now - dt.timedelta(days=rng.uniform(2, 18))
        sheets.append(
            ScoreSheet(
                round=round_.id,
                judge=j,
                idea=e,
                status="submitted",
                overall_comment=f"Ý tưởng có tính thực tiễn; cần làm rõ chi phí ({j}-{e}).",
                total=calibration.weighted_total(values, criteria),
                updated_at=submitted,
                submitted_at=submitted,
            )
        )
    for start in range(0, len(sheets), 500):
        await ScoreSheet.insert(*sheets[start : start + 500])
    sheet_ids = {
        (r["judge"], r["idea"]): r["id"]
        for r in await ScoreSheet.select(ScoreSheet.id, ScoreSheet.judge, ScoreSheet.idea).where(
            ScoreSheet.round == round_.id
        )
    }
    items = [
        Score(sheet=sheet_ids[pair], criterion=c, value=v, comment="")
        for pair, values in scores.items()
        for c, v in values.items()
    ]
    for start in range(0, len(items), 1000):
        await Score.insert(*items[start : start + 1000])
    if ScoreSheet._meta.db.engine_type == "postgres":
        for table in ("idea", "score_sheet", "score_item", "judge_assignment", "users"):
            await ScoreSheet.raw(f"ANALYZE {table}")
    return {"round": round_.id, "sheets": len(sheets), "entries": len(idea_ids)}


async def touch_a_sheet(env: dict[str, str], round_id: int, n: int) -> None:
    """A change of one submitted sheet (its total and time), as a reopened round's resubmission makes."""
    from contest.tables import ScoreSheet

    row = (
        await ScoreSheet.select(ScoreSheet.id, ScoreSheet.total)
        .where(ScoreSheet.round == round_id)
        .order_by(ScoreSheet.id)
        .offset(n % 3000)
        .first()
    )
    assert row is not None, "the round has no score sheets: seed it first"
    await ScoreSheet.update(
        {ScoreSheet.total: (row["total"] + 7.5) % 100, ScoreSheet.updated_at: dt.datetime.now(dt.UTC)}
    ).where(ScoreSheet.id == row["id"])


def sign_in(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    """Log in through the form as a browser would; returns the opener and its Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/login", timeout=30).read().decode()
    found = re.search(r'name="_csrf_token" value="([^"]+)"', form)
    if found is None:
        raise RuntimeError("no CSRF token on the login page")
    token = found.group(1)
    data = urllib.parse.urlencode({"identifier": ORGANIZER, "password": PASSWORD, "_csrf_token": token, "next": ""})
    opener.open(urllib.request.Request(f"{base}/login", data=data.encode(), method="POST"), timeout=30).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "sangtao_session" not in cookie:
        raise RuntimeError("the organizer could not sign in")
    return opener, cookie


def timed_get(opener: urllib.request.OpenerDirector, url: str, **headers: str) -> tuple[float, int, bytes, dict]:
    started = time.perf_counter()
    with opener.open(urllib.request.Request(url, headers=headers), timeout=120) as response:
        body = response.read()
        headers = {name.lower(): value for name, value in response.headers.items()}  # sent in lower case
        return (time.perf_counter() - started) * 1000, response.status, body, headers


def decoded(body: bytes, headers: dict) -> str:
    """The page's text, whichever way the server compressed it (the bytes it sent are measured as sent)."""
    encoding = headers.get("content-encoding", "")
    if encoding == "br":
        import brotli

        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def server_pid(base: str) -> int | None:
    """The process listening on the server's port (``taskset`` execs uvicorn: the same process)."""
    port = base.rsplit(":", 1)[1]
    if not shutil.which("ss"):
        return None
    output = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    match = re.search(r"pid=(\d+)", output)
    return int(match.group(1)) if match else None


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process so far (all its threads), from /proc."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_request(pid: int | None, run) -> tuple[dict[str, Any], float | None]:
    """Run ``run()`` (a wrk run) and divide the server's CPU time during it by its requests."""
    before = cpu_seconds(pid)
    result = run()
    after = cpu_seconds(pid)
    if before is None or after is None or not result.get("requests"):
        return result, None
    return result, round((after - before) * 1000 / result["requests"], 1)


def script(cookie: str, *, path: str | None = None) -> str:
    lines = [f'wrk.headers["Cookie"] = "{cookie}"']
    if path:
        lines.append(f'wrk.path = "{path}"')
    return "\n".join(lines) + "\n"


def main() -> None:
    missing = [tool for tool in ("wrk",) if not shutil.which(tool)]
    if missing:
        print(
            f"bench.ranking needs {', '.join(missing)} (install it, e.g. the Debian package 'wrk'); nothing measured."
        )
        return
    engine = choose_engine(sys.argv)
    if engine == "sqlite" and "--sqlite" not in sys.argv:
        print("PostgreSQL is not reachable at 127.0.0.1:5432: measuring on SQLite instead.", file=sys.stderr)
    env = environment(engine, "ranking")
    reset_database(engine, env)
    try:
        started = time.perf_counter()
        seeded = asyncio.run(seed(env))
        seed_seconds = time.perf_counter() - started
        page_path = f"/organizer/rounds/{seeded['round']}/judging/"
        with serve("server.asgi:app", env) as base:
            opener, cookie = sign_in(base)
            page_url = base + page_path
            first_ms, status, body, headers = timed_get(opener, page_url)  # freezes once, computes once
            if status != 200 or "BR-" not in body.decode():
                raise RuntimeError(f"the judging page answered {status}")
            second_ms, _, body, headers = timed_get(opener, page_url, **{"Accept-Encoding": "gzip, br"})
            rows = decoded(body, headers).split('id="results"', 1)[1].split('id="freeze"', 1)[0].count("<tr><td>")
            assignments_ms, _, assignments_body, _ = timed_get(opener, f"{base}{page_path}assignments?page=7")
            comments_ms, _, comments_body, _ = timed_get(opener, f"{base}{page_path}comments?page=30")
            pid = server_pid(base)
            # One sheet changes: the next view computes the ranking again (median of 3 changes).
            cold, cold_cpu = [], []
            for n in range(3):
                asyncio.run(touch_a_sheet(env, seeded["round"], n * 997))
                before = cpu_seconds(pid)
                cold.append(timed_get(opener, page_url)[0])
                after = cpu_seconds(pid)
                cold_cpu.append(None if before is None or after is None else (after - before) * 1000)
                asyncio.run(_dispose())

            page = wrk(page_url, seconds=3, connections=1, script=script(cookie))  # warm-up
            # Wall-clock latency depends on what else the machine runs; the server's CPU time per
            # view does not (much): both are reported.
            page, page_cpu = cpu_ms_per_request(
                pid, lambda: wrk(page_url, seconds=SECONDS, connections=1, script=script(cookie))
            )
            healthz_alone = wrk(f"{base}/healthz", seconds=5, connections=1)

            # /healthz while another wrk loads the judging page in a loop (both on the client core).
            loaded: dict[str, Any] = {}
            loader = threading.Thread(
                target=lambda: loaded.update(wrk(page_url, seconds=SECONDS + 2, connections=2, script=script(cookie)))
            )
            loader.start()
            time.sleep(1)
            healthz = wrk(f"{base}/healthz", seconds=SECONDS, connections=1)
            loader.join()
    finally:
        drop_database(engine, env)
    figures = {
        "entries": seeded["entries"],
        "sheets": seeded["sheets"],
        "seed_s": round(seed_seconds, 1),
        "first_view_ms_freeze_and_compute": round(first_ms, 1),
        "second_view_ms": round(second_ms, 1),
        "view_after_a_sheet_change_ms": round(sorted(cold)[1], 1),
        "page_server_p50_ms": page["p50_ms"],
        "page_server_p95_ms": page["p95_ms"],
        "page_rps": page["rps"],
        "page_server_cpu_ms_per_view": page_cpu,
        "view_after_a_sheet_change_cpu_ms": None if None in cold_cpu else round(sorted(cold_cpu)[1], 1),
        "page_bytes": len(body),
        "page_kb": round(len(body) / 1024, 1),
        "page_content_encoding": headers.get("content-encoding", "none"),
        "page_gzip_bytes_for_information": len(gzip.compress(body, 6)),
        "ranking_rows_on_page": rows,
        "assignments_page_ms": round(assignments_ms, 1),
        "assignments_page_kb": round(len(assignments_body) / 1024, 1),
        "comments_page_ms": round(comments_ms, 1),
        "comments_page_kb": round(len(comments_body) / 1024, 1),
        "healthz_p99_ms_alone": healthz_alone["p99_ms"],
        "healthz_p50_ms_under_page_load": healthz["p50_ms"],
        "healthz_p99_ms_under_page_load": healthz["p99_ms"],
        "page_rps_while_healthz": loaded.get("rps"),
        "errors": page["errors"] + healthz["errors"] + loaded.get("errors", 0),
        # Other work on the machine skews every figure: the 1-minute load average at the end, for the reader.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    met = page["p50_ms"] < 100 and len(body) <= 200 * 1024 and healthz["p99_ms"] < 50 and figures["errors"] == 0
    report("ranking", engine, figures, TARGETS, met)


async def _dispose() -> None:
    """Close the benchmark's own database pool between asyncio.run calls (the server has its own)."""
    from accounts.engine import close_connections
    from contest.tables import ScoreSheet

    await close_connections(ScoreSheet._meta.db)


if __name__ == "__main__":
    main()
