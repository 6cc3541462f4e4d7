"""Gallery of 10,000 ideas: filtered + searched page latency, as a ratio to a bare Litestar route.

    .venv/bin/python -m bench.gallery [--sqlite|--postgres]

Seeds 10,000 ideas into a fresh database (PostgreSQL when reachable, else SQLite), serves
the app and the bare route with uvicorn on one core, drives them with wrk from the other,
and prints one JSON line. Target: p95 < 50 ms for the filtered and searched gallery page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import sys

from bench.common import ROOT, choose_engine, drop_database, environment, report, reset_database, serve, wrk

N_IDEAS = 10_000
WORDS = (
    "nước sạch",
    "rác thải",
    "nông sản",
    "du lịch",
    "học sinh",
    "người cao tuổi",
    "thủy sản",
    "lúa",
    "chợ online",
    "điện mặt trời",
    "camera",
    "thư viện",
    "đường làng",
    "cây xanh",
    "bảo hiểm",
    "mạng xã hội",
)


async def seed(env: dict[str, str]) -> dict[str, object]:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from accounts.tables import Commune, Hamlet, User
    from accounts.text import fold
    from contest.tables import Category, Contest, Idea, Round

    now = dt.datetime.now(dt.UTC)
    commune = Commune(name="Xã Bench", slug="bench", code="BE")
    await commune.save()
    hamlets = []
    for i in range(6):
        hamlet = Hamlet(commune=commune.id, name=f"Thôn {i + 1}", sort_order=i)
        await hamlet.save()
        hamlets.append((hamlet.id, hamlet.name))
    user = User(
        username="bench@example.com",
        email="bench@example.com",
        password="$argon2id$x",
        full_name="Bench",
        pseudonym="ubench",
        active=True,
        commune=commune.id,
    )
    await user.save()
    contest = Contest(commune=commune.id, title="Bench", slug="bench", published=True)
    await contest.save()
    round_ = Round(
        contest=contest.id,
        name="Vòng 1",
        position=1,
        submission_opens=now - dt.timedelta(days=30),
        submission_closes=now + dt.timedelta(days=30),
        judging_closes=now + dt.timedelta(days=40),
        results_at=now + dt.timedelta(days=50),
    )
    await round_.save()
    categories = []
    for i, name in enumerate(("Nông nghiệp", "Chuyển đổi số", "Môi trường", "Giáo dục STEM", "Du lịch", "Xã hội")):
        category = Category(contest=contest.id, name=name, slug=f"c{i}", position=i)
        await category.save()
        categories.append((category.id, name))
    rng = random.Random(7)
    batch = []
    for n in range(1, N_IDEAS + 1):
        words = rng.sample(WORDS, 3)
        title = f"Ý tưởng {n}: {words[0]} và {words[1]}"
        summary = f"Giải pháp {words[2]} cho {words[0]} ở thôn."
        category_id, category_name = rng.choice(categories)
        hamlet_id, hamlet_name = rng.choice(hamlets)
        code = f"BE-{now.year}-{n:05d}"
        batch.append(
            Idea(
                contest=contest.id,
                round=round_.id,
                code=code,
                lead=user.id,
                hamlet=hamlet_id,
                category=category_id,
                title=title,
                summary=summary,
                problem="Vấn đề " + words[1],
                solution="Giải pháp " + words[2],
                beneficiaries="Người dân",
                resources="Vật liệu",
                status="submitted",
                submitted_at=now - dt.timedelta(minutes=n),
                created_at=now,
                updated_at=now,
                search_text=" " + fold(" ".join([code, title, summary, category_name, hamlet_name])) + " ",
            )
        )
        if len(batch) == 500:
            await Idea.insert(*batch)
            batch = []
    if batch:
        await Idea.insert(*batch)
    if Idea._meta.db.engine_type == "postgres":
        await Idea.raw("ANALYZE idea")  # as after any bulk load: fresh statistics for the planner
    return {"category": categories[0][0]}


def main() -> None:
    engine = choose_engine(sys.argv)
    env = environment(engine, "gallery")
    reset_database(engine, env)
    try:
        seeded = asyncio.run(seed(env))
        with serve("bench.bare_app:app", env) as bare_url:
            wrk(f"{bare_url}/bare", seconds=3)  # warm-up
            bare = wrk(f"{bare_url}/bare")
            bare_one = wrk(f"{bare_url}/bare", connections=1)
        with serve("server.asgi:app", env) as url:
            searched = f"{url}/contests/bench/ideas?q=nuoc+sach&category={seeded['category']}"
            plain = f"{url}/contests/bench/ideas?page=3"
            wrk(searched, seconds=3)
            # Throughput with 4 connections; server time with one request at a time.
            search = wrk(searched)
            search_one = wrk(searched, connections=1)
            browse_one = wrk(plain, connections=1)
    finally:
        drop_database(engine, env)
    figures = {
        "ideas": N_IDEAS,
        "bare_rps": bare["rps"],
        "bare_p95_ms": bare_one["p95_ms"],
        "gallery_search_rps": search["rps"],
        "gallery_search_ratio_to_bare": round(search["rps"] / bare["rps"], 3),
        "gallery_search_server_p50_ms": search_one["p50_ms"],
        "gallery_search_server_p95_ms": search_one["p95_ms"],
        "gallery_page_server_p50_ms": browse_one["p50_ms"],
        "gallery_page_server_p95_ms": browse_one["p95_ms"],
        "gallery_search_p95_ms_4_connections": search["p95_ms"],
        "errors": search["errors"] + search_one["errors"] + browse_one["errors"],
    }
    targets = {"gallery_search_server_p95_ms": "< 50", "gallery_page_server_p95_ms": "< 50"}
    met = search_one["p95_ms"] < 50 and browse_one["p95_ms"] < 50 and figures["errors"] == 0
    report("gallery", engine, figures, targets, met)


if __name__ == "__main__":
    main()
