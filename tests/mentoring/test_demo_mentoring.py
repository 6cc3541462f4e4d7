"""The demo seed's mentoring programme: organizations, mentors, requests, a mentorship, the pipeline, workshops."""

from __future__ import annotations

import pytest

from accounts.scope import PLATFORM, Scope
from accounts.tables import AuditEvent, Notification, OutboxMail, RoleGrant, User
from contest.tables import Idea
from mentoring import directory, match_runs, mentorships, office_hours, pipeline, requests, workshops
from mentoring.tables import (
    ActionItem,
    IncubationRecord,
    MatchProposal,
    MatchRun,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    OfficeSlot,
    Organization,
    OrgKind,
    SessionNote,
    TeamNeed,
    Workshop,
    WorkshopRegistration,
)

pytestmark = pytest.mark.integration

TABLES = (
    MatchRun,
    MatchProposal,
    User,
    RoleGrant,
    Notification,
    OutboxMail,
    AuditEvent,
    Organization,
    MentorProfile,
    TeamNeed,
    MentoringRequest,
    Mentorship,
    OfficeSlot,
    SessionNote,
    ActionItem,
    IncubationRecord,
    Workshop,
    WorkshopRegistration,
)


async def counts() -> dict[str, int]:
    return {table.__name__: await table.count() for table in TABLES}


async def test_demo_mentoring(db, clock):
    from server.commands import seed_demo_data
    from tests.support.snapshots import seeded_demo

    await seeded_demo(clock())
    now = clock()

    # Partner organizations of every kind; eight approved mentors (mentor1 among them) and one waiting.
    assert {o["kind"] for o in await Organization.select(Organization.kind)} == {k.value for k in OrgKind}
    approved = await MentorProfile.select(MentorProfile.id, MentorProfile.user.email).where(
        MentorProfile.approved == True
    )  # noqa: E712
    assert len(approved) >= 8
    assert "mentor1@example.com" in {m["user.email"] for m in approved}
    assert len(await directory.directory()) == len(approved)
    assert await MentorProfile.count().where(MentorProfile.approved == False) >= 1  # noqa: E712

    # mentor1: a team's request waiting, and an active mentorship with youth1's idea.
    mentor1 = next(m["id"] for m in approved if m["user.email"] == "mentor1@example.com")
    assert await requests.requests_for_mentor(mentor1, now=now)
    [mentorship] = [m for m in await mentorships.mentorships_of_mentor(mentor1) if m.status == "active"]
    assert mentorship.title == "Livestream bán bánh đa từ lò"
    lead = await Idea.select(Idea.lead.email).where(Idea.id == mentorship.idea).first()
    assert lead["lead.email"] == "youth1@example.com"
    assert mentorship.checkin_sent_at is not None
    notes = await mentorships.notes_of(mentorship.id)
    actions = [a for n in notes for a in n.actions]
    assert len(notes) == 2 and len(actions) == 3 and sum(a.done for a in actions) == 1
    slots = await office_hours.open_slots(mentor1, now=now)
    assert len(slots) == 2 and [s["booked_by"] for s in slots].count(mentorship.id) == 1
    an_khanh = MentoringRequest.idea._.contest._.commune.slug == "an-khanh"
    statuses = [r["status"] for r in await MentoringRequest.select(MentoringRequest.status).where(an_khanh)]
    assert statuses.count("pending") == 2 and statuses.count("accepted") == 1
    declined = await MentoringRequest.select().where(an_khanh & (MentoringRequest.status == "declined"))
    assert len(declined) == 1 and declined[0]["reason"]
    assert await TeamNeed.count() >= 4

    # The incubation pipeline: ideas at four stages or more, one launched as a cooperative.
    commune = (await Idea.select(Idea.contest.commune).where(Idea.id == mentorship.idea).first())["contest.commune"]
    board = await pipeline.pipeline(scope=Scope.of_communes(commune))
    assert sum(bool(ideas) for ideas in board.values()) >= 4
    assert [r.outcome for r in board["launched"]] == ["cooperative"]

    # An upcoming workshop with registrations, and a past one whose attendance was taken.
    [upcoming] = [w for w in await workshops.workshops(now=now) if w.commune == commune]
    assert upcoming.registered >= 8 and upcoming.capacity == 20 and upcoming.place == "Nhà văn hóa xã An Khánh"
    [past] = await workshops.workshops(now=now, upcoming=False)
    assert (
        await WorkshopRegistration.count().where(
            (WorkshopRegistration.workshop == past.id) & (WorkshopRegistration.attended == True)
        )
        > 0
    )  # noqa: E712

    await check_tan_minh(commune, now)

    # The demo mail is never sent.
    assert not await OutboxMail.exists().where(OutboxMail.status == "queued")

    # A second seed changes nothing.
    before = await counts()
    await seed_demo_data(now=clock())
    assert await counts() == before


async def check_tan_minh(an_khanh: int, now):
    """The second commune's teams: needs, a mentorship, a waiting request, its own pipeline, matching and workshop."""
    from accounts.tables import Commune

    commune = (await Commune.select(Commune.id).where(Commune.slug == "tan-minh").first())["id"]
    ideas = {i["id"]: i for i in await Idea.select(Idea.id, Idea.title).where(Idea.contest.commune == commune)}
    assert await TeamNeed.count().where(TeamNeed.idea.is_in(list(ideas))) == 4
    asked = await MentoringRequest.select(MentoringRequest.status).where(MentoringRequest.idea.is_in(list(ideas)))
    assert sorted(r["status"] for r in asked) == ["accepted", "pending"]
    [mentorship] = await Mentorship.select().where(Mentorship.idea.is_in(list(ideas)))
    assert len(await mentorships.notes_of(mentorship["id"])) == 1
    assert await OfficeSlot.exists().where(OfficeSlot.booked_by == mentorship["id"])

    # Each commune's pipeline board shows only its own ideas.
    board = await pipeline.pipeline(scope=Scope.of_communes(commune))
    assert {r.idea for rows in board.values() for r in rows} <= set(ideas)
    assert sum(len(rows) for rows in board.values()) == 2
    assert not {
        r.idea for rows in (await pipeline.pipeline(scope=Scope.of_communes(an_khanh))).values() for r in rows
    } & set(ideas)

    # A matching run of its own, not published yet, proposing mentors for its teams without one.
    run = await match_runs.latest_run(commune)
    assert run is not None and run["published_at"] is None
    proposals = await match_runs.proposals(run["id"], scope=PLATFORM)
    assert proposals and {p.idea for p in proposals} <= set(ideas) - {mentorship["idea"]}
    assert await match_runs.latest_run(an_khanh) is None

    # Its upcoming workshop, with registrations of its own people.
    [workshop] = [w for w in await workshops.workshops(now=now) if w.commune == commune]
    assert workshop.registered == 5 and workshop.place == "Nhà văn hóa xã Tân Minh"
    registered = await WorkshopRegistration.select(WorkshopRegistration.user.commune).where(
        WorkshopRegistration.workshop == workshop.id
    )
    assert {r["user.commune"] for r in registered} == {commune}
