"""Tenancy in mentoring, on both engines: matching runs, proposals, pipeline records and workshops
belong to a commune. An organizer of commune A handed a REAL id of commune B's object is refused
and B's rows stay exactly as they were; the same action on A's own object works. Mentors and
teams act only on their own requests and mentorships."""

from __future__ import annotations

import pytest

from accounts.errors import NotFound
from accounts.rules import Principal
from accounts.scope import Scope
from accounts.tables import AuditEvent
from contest.errors import IdeaError
from mentoring import match_runs, mentorships, pipeline, requests, workshops
from mentoring.tables import (
    IncubationRecord,
    MatchProposal,
    MatchRun,
    MentoringRequest,
    Mentorship,
    Workshop,
    WorkshopRegistration,
)
from tests.support.tenancy import snapshot, two_communes

pytestmark = pytest.mark.integration


@pytest.fixture
async def two(commune, other_commune, make_user, make_other_user, clock):
    return await two_communes(commune, other_commune, make_user, make_other_user, clock())


def scope_of(world) -> Scope:
    return Scope.of(Principal(id=world["organizer"].id, roles=frozenset({("organizer", world["commune"])})))


async def _stage(w, target, scope, now):
    await pipeline.set_stage(
        target["ideas"][2],
        stage="prototype",
        checklist=["problem_checked", "team_formed"],
        outcome="",
        actor_id=w["organizer"].id,
        now=now,
        scope=scope,
    )


async def _publish(w, target, scope, now):
    await match_runs.publish_run(target["run"], actor_id=w["organizer"].id, now=now, scope=scope)


async def _adjust(w, target, scope, now):
    await match_runs.adjust(target["proposals"][0], None, actor_id=w["organizer"].id, scope=scope)


async def _attendance(w, target, scope, now):
    await workshops.set_attendance(
        target["workshop"], target["registrations"][:1], actor_id=w["organizer"].id, now=now, scope=scope
    )


async def _run(w, target, scope, now):
    await match_runs.run_matching(target["commune"], mode="stable", actor_id=w["organizer"].id, now=now, scope=scope)


ACTIONS = {
    "incubation pipeline": _stage,
    "publish a matching run": _publish,
    "edit a proposal": _adjust,
    "workshop attendance": _attendance,
    "run matching": _run,
}


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_an_organizer_of_a_cannot_act_on_b(two, clock, action):
    a, b = two
    before = await snapshot(b)
    audit_before = await AuditEvent.count()
    with pytest.raises(NotFound):
        await ACTIONS[action](a, b, scope_of(a), clock())
    assert await snapshot(b) == before
    assert await AuditEvent.count() == audit_before


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_the_same_action_works_on_the_organizers_own_commune(two, clock, action):
    a, b = two
    before_a, before_b = await snapshot(a), await snapshot(b)
    await ACTIONS[action](a, a, scope_of(a), clock())
    assert await snapshot(a) != before_a
    assert await snapshot(b) == before_b


async def test_the_pipeline_record_of_b_keeps_its_stage(two, clock):
    a, b = two
    with pytest.raises(NotFound):
        await _stage(a, b, scope_of(a), clock())
    record = await IncubationRecord.select(IncubationRecord.stage).where(IncubationRecord.idea == b["ideas"][2]).first()
    assert record == {"stage": "idea"}
    # An idea of B without any record yet gets none either.
    with pytest.raises(NotFound):
        await pipeline.set_stage(
            b["ideas"][3],
            stage="idea",
            checklist=[],
            outcome="",
            actor_id=a["organizer"].id,
            now=clock(),
            scope=scope_of(a),
        )
    assert not await IncubationRecord.exists().where(IncubationRecord.idea == b["ideas"][3])
    await _stage(a, a, scope_of(a), clock())
    record = await IncubationRecord.select(IncubationRecord.stage).where(IncubationRecord.idea == a["ideas"][2]).first()
    assert record == {"stage": "prototype"}


async def test_publishing_b_run_from_a_starts_no_mentorship(two, clock):
    a, b = two
    with pytest.raises(NotFound):
        await _publish(a, b, scope_of(a), clock())
    assert (await MatchRun.select(MatchRun.published_at).where(MatchRun.id == b["run"]).first())["published_at"] is None
    assert await Mentorship.count() == 0
    created = await match_runs.publish_run(a["run"], actor_id=a["organizer"].id, now=clock(), scope=scope_of(a))
    assert created >= 1 and await Mentorship.count().where(Mentorship.idea.is_in(a["ideas"])) == created
    with pytest.raises(IdeaError):  # its own run, twice: already published (not "not found")
        await match_runs.publish_run(a["run"], actor_id=a["organizer"].id, now=clock(), scope=scope_of(a))


async def test_editing_b_proposal_from_a_keeps_its_mentor(two):
    a, b = two
    proposal = (
        await MatchProposal.select(MatchProposal.mentor, MatchProposal.adjusted)
        .where(MatchProposal.id == b["proposals"][0])
        .first()
    )
    with pytest.raises(NotFound):
        await match_runs.adjust(b["proposals"][0], a["mentor"], actor_id=a["organizer"].id, scope=scope_of(a))
    assert (
        await MatchProposal.select(MatchProposal.mentor, MatchProposal.adjusted)
        .where(MatchProposal.id == b["proposals"][0])
        .first()
        == proposal
    )


async def test_attendance_of_b_workshop_from_a_changes_nothing(two, clock):
    a, b = two
    with pytest.raises(NotFound):
        await _attendance(a, b, scope_of(a), clock())
    assert not await WorkshopRegistration.exists().where(
        (WorkshopRegistration.workshop == b["workshop"]) & (WorkshopRegistration.attended == True)
    )  # noqa: E712
    await _attendance(a, a, scope_of(a), clock())
    attended = await WorkshopRegistration.select(WorkshopRegistration.id).where(
        (WorkshopRegistration.workshop == a["workshop"]) & (WorkshopRegistration.attended == True)
    )  # noqa: E712
    assert [r["id"] for r in attended] == a["registrations"][:1]


async def test_a_city_wide_workshop_is_for_platform_admins(two, clock):
    a, _ = two
    await Workshop.update({Workshop.commune: None}).where(Workshop.id == a["workshop"])
    with pytest.raises(NotFound):
        await _attendance(a, a, scope_of(a), clock())
    admin = Scope.of(Principal(id=a["organizer"].id, roles=frozenset({("admin", None)})))
    await _attendance(a, a, admin, clock())
    assert await WorkshopRegistration.count().where(WorkshopRegistration.attended == True) == 1  # noqa: E712


async def test_organizer_lists_hold_only_their_communes_rows(two):
    a, b = two
    board = await pipeline.pipeline(scope=scope_of(a))
    ideas = {r.idea for rows in board.values() for r in rows}
    assert ideas == {a["ideas"][2]}
    everything = await pipeline.pipeline(scope=Scope(everywhere=True))
    assert {r.idea for rows in everything.values() for r in rows} == {a["ideas"][2], b["ideas"][2]}
    assert await match_runs.proposals(b["run"], scope=scope_of(a)) == []
    assert {p.id for p in await match_runs.proposals(a["run"], scope=scope_of(a))} == set(a["proposals"])
    assert await workshops.registrations(b["workshop"], scope=scope_of(a)) == []
    assert [r.id for r in await workshops.registrations(a["workshop"], scope=scope_of(a))] == a["registrations"]
    assert await workshops.seat_counts(b["workshop"]) == {"registered": 2, "waitlisted": 0}


async def test_mentors_and_teams_act_only_on_their_own_requests_and_mentorships(two, clock):
    a, b = two
    lead_a, lead_b = a["leads"][2], b["leads"][2]
    request_id = await requests.request_mentor(
        b["ideas"][2], b["mentor"], message="Xin hỗ trợ", user_id=lead_b.id, now=clock()
    )
    request_id = request_id or (await MentoringRequest.select(MentoringRequest.id).first())["id"]
    with pytest.raises(NotFound):  # another mentor answers
        await requests.respond(request_id, mentor_user_id=a["mentor_user"].id, accept=True, reason="", now=clock())
    with pytest.raises(NotFound):  # another team withdraws it
        await requests.cancel_request(request_id, user_id=lead_a.id, now=clock())
    assert (await MentoringRequest.select(MentoringRequest.status).where(MentoringRequest.id == request_id).first())[
        "status"
    ] == "pending"
    await requests.respond(request_id, mentor_user_id=b["mentor_user"].id, accept=True, reason="", now=clock())
    mentorship = (await Mentorship.select(Mentorship.id).where(Mentorship.idea == b["ideas"][2]).first())["id"]
    for stranger in (lead_a.id, a["mentor_user"].id, a["organizer"].id):
        with pytest.raises(NotFound):
            await mentorships.mentorship_for(mentorship, stranger)
        with pytest.raises(NotFound):
            await mentorships.add_note(mentorship, user_id=stranger, notes="Ghi chú", actions=[], now=clock())
    assert (await mentorships.mentorship_for(mentorship, lead_b.id))["side"] == "team"
    assert (await mentorships.mentorship_for(mentorship, b["mentor_user"].id))["side"] == "mentor"
