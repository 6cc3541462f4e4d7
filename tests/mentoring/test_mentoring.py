"""Mentoring on both engines: requests, capacity under concurrency, office hours, workshops, pipeline, matching."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from accounts.errors import ValidationFailed
from accounts.scope import PLATFORM, Scope
from contest.errors import IdeaError
from contest.tables import Idea
from mentoring import directory, ical, match_runs, office_hours, pipeline, requests, teams, workshops
from mentoring.tables import MentoringRequest, Mentorship, OfficeSlot, Workshop, WorkshopRegistration

pytestmark = pytest.mark.integration


async def test_request_then_accept_closes_the_teams_other_requests(world, clock):
    (idea, lead), _, _ = world["teams"]
    (m0, u0), (m1, u1) = world["mentors"]
    r0 = await requests.request_mentor(idea, m0, message="Xin giúp đỡ", user_id=lead.id, now=clock())
    await requests.request_mentor(idea, m1, message="Xin giúp đỡ", user_id=lead.id, now=clock())
    await requests.respond(r0, mentor_user_id=u0.id, accept=True, reason="", now=clock())
    assert await Mentorship.count().where(Mentorship.idea == idea) == 1
    statuses = {r["mentor"]: r["status"] for r in await MentoringRequest.select().where(MentoringRequest.idea == idea)}
    assert statuses == {m0: "accepted", m1: "cancelled"}


async def test_at_most_three_pending_requests(world, make_user, clock):
    idea, lead = world["teams"][0]
    extra = []
    for i in range(3):
        user = await make_user(email=f"them{i}@example.com")
        mid = await directory.save_profile(
            user.id,
            {"title": "x", "bio": "Một người cố vấn có kinh nghiệm.", "expertise": ["law"], "capacity": "2"},
            now=clock(),
        )
        await directory.approve(mid, actor_id=user.id, now=clock())
        extra.append(mid)
    for mid in [world["mentors"][0][0], *extra[:2]]:
        await requests.request_mentor(idea, mid, message="Xin giúp", user_id=lead.id, now=clock())
    with pytest.raises(IdeaError):
        await requests.request_mentor(idea, extra[2], message="Xin giúp", user_id=lead.id, now=clock())


async def test_two_accepts_at_once_cannot_overfill_a_mentor(world, clock):
    mentor_id, mentor_user = world["mentors"][0]  # capacity 1
    asked = [
        await requests.request_mentor(idea, mentor_id, message="Xin giúp", user_id=lead.id, now=clock())
        for idea, lead in world["teams"][:2]
    ]
    results = await asyncio.gather(
        *[requests.respond(r, mentor_user_id=mentor_user.id, accept=True, reason="", now=clock()) for r in asked],
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 1
    assert await Mentorship.count().where(Mentorship.mentor == mentor_id) == 1


async def test_requests_expire_after_seven_days(world, clock):
    idea, lead = world["teams"][0]
    mentor_id, mentor_user = world["mentors"][0]
    request_id = await requests.request_mentor(idea, mentor_id, message="Xin giúp", user_id=lead.id, now=clock())
    clock.advance(days=8)
    assert await requests.expire_requests(now=clock()) == 1
    with pytest.raises(IdeaError):
        await requests.respond(request_id, mentor_user_id=mentor_user.id, accept=True, reason="", now=clock())


async def test_decline_needs_a_reason(world, clock):
    idea, lead = world["teams"][0]
    mentor_id, mentor_user = world["mentors"][0]
    request_id = await requests.request_mentor(idea, mentor_id, message="Xin giúp", user_id=lead.id, now=clock())
    with pytest.raises(ValidationFailed):
        await requests.respond(request_id, mentor_user_id=mentor_user.id, accept=False, reason="", now=clock())


async def test_a_slot_booked_twice_at_once_is_booked_once(world, clock):
    mentor_id, mentor_user = world["mentors"][1]
    await Mentorship(idea=world["teams"][0][0], mentor=mentor_id, started_at=clock()).save()
    mentorship = await Mentorship.select().where(Mentorship.mentor == mentor_id).first()
    slot = await office_hours.publish_slot(
        mentor_id,
        starts_at=clock() + dt.timedelta(days=2),
        minutes=45,
        mode="online",
        location="https://meet.example/abc",
        now=clock(),
    )
    lead = world["teams"][0][1]
    results = await asyncio.gather(
        *[office_hours.book(slot, mentorship["id"], user_id=lead.id, now=clock()) for _ in range(5)],
        return_exceptions=True,
    )
    assert sum(isinstance(r, dict) for r in results) == 1
    row = await OfficeSlot.select().where(OfficeSlot.id == slot).first()
    assert row["booked_by"] == mentorship["id"]
    body = ical.ics(
        uid="x@sangtao", title="Cố vấn", starts=row["starts_at"], ends=row["ends_at"], location=row["location"]
    )
    assert b"BEGIN:VEVENT" in body and b"DTSTART" in body


async def test_workshop_waiting_list_and_promotion(world, make_user, clock):
    workshop = Workshop(
        title="Tư duy khởi nghiệp",
        starts_at=clock() + dt.timedelta(days=5),
        ends_at=clock() + dt.timedelta(days=5, hours=3),
        capacity=2,
    )
    await workshop.save()
    people = [await make_user() for _ in range(4)]
    statuses = await asyncio.gather(*[workshops.register(workshop.id, user_id=p.id, now=clock()) for p in people])
    assert sorted(statuses) == ["registered", "registered", "waitlisted", "waitlisted"]
    first = next(p for p, s in zip(people, statuses, strict=False) if s == "registered")
    await workshops.cancel_registration(workshop.id, user_id=first.id, now=clock())
    assert (
        await WorkshopRegistration.count().where(
            (WorkshopRegistration.workshop == workshop.id) & (WorkshopRegistration.status == "registered")
        )
        == 2
    )


async def test_pipeline_gates(world, clock):
    idea, lead = world["teams"][0]
    with pytest.raises(ValidationFailed):
        await pipeline.set_stage(
            idea, stage="prototype", checklist=[], outcome="", actor_id=lead.id, now=clock(), scope=PLATFORM
        )
    await pipeline.set_stage(
        idea,
        stage="prototype",
        checklist=["problem_checked", "team_formed"],
        outcome="",
        actor_id=lead.id,
        now=clock(),
        scope=PLATFORM,
    )
    with pytest.raises(ValidationFailed):
        await pipeline.set_stage(
            idea, stage="launched", checklist=[], outcome="", actor_id=lead.id, now=clock(), scope=PLATFORM
        )
    board = await pipeline.pipeline(scope=Scope.of_communes(world["teams"][0][1].commune))
    assert [r.idea for r in board["prototype"]] == [idea]


async def test_batch_matching_respects_capacity_and_publishes(world, clock):
    for idea, lead in world["teams"]:
        await teams.save_needs(
            idea, {"needs": ["marketing"], "languages": ["vi"], "mode": "any"}, user_id=lead.id, now=clock()
        )
    commune_id = world["teams"][0][1].commune
    run_id = await match_runs.run_matching(
        commune_id, mode="optimal", actor_id=world["teams"][0][1].id, now=clock(), scope=PLATFORM
    )
    proposals = await match_runs.proposals(run_id, scope=PLATFORM)
    matched = [p for p in proposals if p.mentor]
    assert len(matched) == 2  # two mentors with one place each
    assert all("marketing" in p.covered for p in matched)
    created = await match_runs.publish_run(run_id, actor_id=world["teams"][0][1].id, now=clock(), scope=PLATFORM)
    assert created == 2 and await Mentorship.count() == 2
    with pytest.raises(IdeaError):
        await match_runs.publish_run(run_id, actor_id=world["teams"][0][1].id, now=clock(), scope=PLATFORM)


async def test_a_judge_who_mentors_the_team_is_in_conflict(app, world, clock):
    from contest import judging  # the app factory registers mentoring's conflict source

    idea, _ = world["teams"][0]
    mentor_id, mentor_user = world["mentors"][0]
    await Mentorship(idea=idea, mentor=mentor_id, started_at=clock()).save()
    round_id = (await Idea.select(Idea.round).where(Idea.id == idea).first())["round"]
    assert (mentor_user.id, idea) in await judging.conflicts(round_id)


async def test_office_hours_reminder_once_a_day_before(world, clock):
    from accounts.tables import Notification

    mentor_id, mentor_user = world["mentors"][1]
    idea, lead = world["teams"][0]
    await Mentorship(idea=idea, mentor=mentor_id, started_at=clock()).save()
    mentorship = await Mentorship.select().where(Mentorship.mentor == mentor_id).first()
    slot = await office_hours.publish_slot(
        mentor_id, starts_at=clock() + dt.timedelta(days=2), minutes=30, mode="online", location="", now=clock()
    )
    await office_hours.book(slot, mentorship["id"], user_id=lead.id, now=clock())
    assert await office_hours.remind_sessions(now=clock()) == 0  # two days ahead: not yet
    clock.advance(days=1, hours=2)
    assert await office_hours.remind_sessions(now=clock()) == 1
    assert await office_hours.remind_sessions(now=clock()) == 0  # only once
    kinds = {n["user"] for n in await Notification.select().where(Notification.kind == "office_hours_reminder")}
    assert kinds == {mentor_user.id, lead.id}


async def test_organizers_invite_mentors(world, clock):
    from accounts.tables import Notification, OutboxMail

    organizer = world["teams"][0][1]
    assert (
        await directory.invite_mentor(
            "giang.vien@example.edu.vn", actor_id=organizer.id, base_url="http://x", now=clock()
        )
        == "mail"
    )
    assert (
        "/mentors/apply"
        in (await OutboxMail.objects().where(OutboxMail.to_address == "giang.vien@example.edu.vn").first()).body
    )
    existing = world["teams"][1][1]
    assert (
        await directory.invite_mentor(existing.email, actor_id=organizer.id, base_url="http://x", now=clock())
        == "inbox"
    )
    assert await Notification.exists().where(
        (Notification.user == existing.id) & (Notification.kind == "mentor_invitation")
    )
    with pytest.raises(ValidationFailed):
        await directory.invite_mentor("0912 999 888", actor_id=organizer.id, base_url="http://x", now=clock())
