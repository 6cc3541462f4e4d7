"""The demo's 2026 contest has two rounds that chain: the ideas shortlisted in «Vòng sơ khảo» become the
entries of «Vòng chung khảo» when the organizers move them on."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.scope import PLATFORM
from accounts.tables import Notification, User
from contest import chaining, judging, services
from contest.tables import Idea, RoundEntry

pytestmark = pytest.mark.integration

OPEN = "y-tuong-sang-tao-2026"


async def test_the_open_contests_shortlist_goes_on_to_the_final_round(db, clock):
    from server.commands import seed_demo_data
    from tests.support.snapshots import seeded_demo

    await seeded_demo(clock())
    contest = await services.contest_by_slug(OPEN)
    first, second = await services.rounds_of(contest.id)
    assert (first["name"], second["name"]) == ("Vòng sơ khảo", "Vòng chung khảo")
    assert first["takes_entries"] and not second["takes_entries"]
    assert second["submission_opens"] >= first["results_at"]
    assert await judging.entries(second["id"]) == []  # nothing carried yet: the first round takes ideas
    entries = [e["id"] for e in await judging.entries(first["id"])]
    organizer = (await User.select(User.id).where(User.email == "organizer@example.com").first())["id"]
    after_judging = first["judging_closes"] + dt.timedelta(hours=3)
    chosen = entries[:5]
    await judging.shortlist(
        first["id"], chosen, actor_id=organizer, reason="Năm ý tưởng vào chung khảo", now=after_judging, scope=PLATFORM
    )
    result = await chaining.advance(first["id"], actor_id=organizer, now=after_judging, scope=PLATFORM)
    assert result["through"] == 5 and result["not_selected"] == len(entries) - 5
    assert [e["id"] for e in await judging.entries(second["id"])] == sorted(chosen)
    assert {r["from_round"] for r in await RoundEntry.select().where(RoundEntry.round == second["id"])} == {first["id"]}
    assert {i["round"] for i in await Idea.select(Idea.round).where(Idea.id.is_in(chosen))} == {first["id"]}
    assert await Notification.count().where(Notification.kind == "round_advanced") >= 5
    assert await Notification.count().where(Notification.kind == "not_selected") >= len(entries) - 5
    await seed_demo_data(now=clock())  # seeding again adds no third round
    assert len(await services.rounds_of(contest.id)) == 2
