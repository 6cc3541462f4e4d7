"""Xã Tân Minh's demo contest shows rounds that chain at the real date: its judged «Vòng sơ khảo» has its
results out and its shortlist carried into the «Vòng bình chọn», whose public vote is open now."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.clock import UTC
from accounts.scope import PLATFORM
from accounts.tables import AuditEvent
from contest import chaining, judging, services, voting
from contest.phases import Phase, date_problems, phase_of
from contest.tables import Idea, IdeaStatus, RoundEntry, Vote
from demo import DEMO_PASSWORD
from tests.conftest import login

pytestmark = pytest.mark.integration

TAN_MINH = "y-tuong-xanh-tan-minh-2026"


async def test_vote_round_holds_the_carried_shortlist_and_is_open_at_the_real_date(client, clock):
    from server.commands import seed_demo_data

    real_now = dt.datetime.now(UTC)
    await seed_demo_data(now=real_now)
    clock.now = real_now  # the pages below are read at the real date too

    contest = await services.contest_by_slug(TAN_MINH)
    first, vote_round = await services.rounds_of(contest.id)
    assert (first["name"], vote_round["name"]) == ("Vòng sơ khảo", "Vòng bình chọn")
    assert not date_problems(first) and not date_problems(vote_round)
    assert vote_round["submission_opens"] >= first["results_at"]  # the vote round starts after the results

    # Round 1: judged, frozen, results published, with a shortlist of four.
    assert phase_of(first, real_now) is Phase.results
    assert (await judging.settings_of(first["id"]))["frozen_hash"]
    shortlisted = {
        i["id"]
        for i in await Idea.select(Idea.id).where(
            (Idea.contest == contest.id) & (Idea.status == IdeaStatus.shortlisted.value)
        )
    }
    assert len(shortlisted) == 4

    # Round 2: a vote only (no new entries, no judging), open now, on exactly the carried shortlist.
    assert not vote_round["takes_entries"] and not vote_round["has_judging"]
    assert phase_of(vote_round, real_now) is Phase.voting
    entries = await RoundEntry.select().where(RoundEntry.round == vote_round["id"])
    assert {e["idea"] for e in entries} == shortlisted
    assert all(e["from_round"] == first["id"] and e["entered_status"] == IdeaStatus.shortlisted.value for e in entries)
    assert {e["id"] for e in await judging.entries(vote_round["id"])} == shortlisted
    assert set(await voting.votable_ideas(vote_round["id"])) == shortlisted
    assert (await voting.vote_round(TAN_MINH, real_now))["id"] == vote_round["id"]
    # Carried by the organizer's one audited action, which can no longer be undone (the vote has started).
    advanced = await AuditEvent.select(AuditEvent.created_at).where(
        (AuditEvent.action == "round.advanced") & (AuditEvent.target_id == str(first["id"]))
    )
    assert len(advanced) == 1 and first["results_at"] <= advanced[0]["created_at"] <= vote_round["vote_opens"]
    assert not (await chaining.state(await judging.round_row(first["id"], scope=PLATFORM), now=real_now))["can_undo"]
    votes = await Vote.select(Vote.idea, Vote.created_at).where(Vote.round == vote_round["id"])
    assert votes and {v["idea"] for v in votes} <= shortlisted and all(v["created_at"] <= real_now for v in votes)

    # The public vote page lists the four carried entries and says the vote is open.
    codes = [i["code"] for i in await Idea.select(Idea.code).where(Idea.id.is_in(list(shortlisted)))]
    others = [
        i["code"]
        for i in await Idea.select(Idea.code).where((Idea.contest == contest.id) & Idea.id.not_in(list(shortlisted)))
    ]
    page = await client.get(f"/contests/{TAN_MINH}/vote")
    assert page.status_code == 200
    assert all(code in page.text for code in codes) and not any(code in page.text for code in others)
    assert "Bình chọn đã kết thúc." not in page.text and "Chưa đến thời gian bình chọn." not in page.text

    # Tân Minh's organizer reads on the first round's progress page that the four went through.
    await login(client, "organizer2@example.com", DEMO_PASSWORD)
    progress = await client.get(f"/organizer/rounds/{first['id']}/judging/progress")
    assert progress.status_code == 200
    assert "Đã chuyển 4 bài dự thi vào Vòng bình chọn." in progress.text
    assert f'action="/organizer/rounds/{first["id"]}/advance/undo"' not in progress.text
