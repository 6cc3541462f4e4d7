"""Two communes full of real rows, and a snapshot of what one of them holds, for tenancy tests.

Each commune gets a contest with a round, entries, a rubric, a judging panel with assignments
and a submitted sheet, public votes, vote rules, an incubation record, a mentor matching run
with proposals and a workshop with registrations — so a test can hand an organizer of one
commune the REAL ids of the other's objects and check that nothing of the other changed.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from accounts.scope import PLATFORM
from accounts.tables import Role
from contest import judging, services
from contest.tables import (
    Assignment,
    Contest,
    Criterion,
    Idea,
    IdeaRevision,
    PanelMember,
    Round,
    RoundJudging,
    ScoreSheet,
    Vote,
    VoteCount,
    VoteRules,
)
from mentoring import directory, match_runs, pipeline, teams, workshops
from mentoring.tables import (
    IncubationRecord,
    MatchProposal,
    MatchRun,
    Mentorship,
    Workshop,
    WorkshopRegistration,
)
from tests.support.factories import complete_form, make_contest
from tests.support.snapshots import built_once


async def two_communes(commune: dict, other_commune: dict, make_user, make_other_user, now: dt.datetime):
    """Both communes built (``a`` in the first, ``b`` in the second): once per worker, then put back."""

    async def build():
        a = await build_commune(commune, make_user, now, tag="a")
        b = await build_commune(other_commune, make_other_user, now, tag="b")
        return a, b

    return await built_once(f"two communes at {now.isoformat()}", build)


async def build_commune(commune: dict, make_user, now: dt.datetime, *, tag: str) -> dict[str, Any]:
    """Everything an organizer acts on in one commune; ``tag`` keeps emails and slugs apart."""
    contest = await make_contest(commune=commune, now=now, slug=f"y-tuong-{tag}")
    row = await services.contest_by_slug(contest["slug"])
    round_ = (await services.rounds_of(row.id))[0]
    organizer = await make_user(email=f"btc-{tag}@example.com", roles=(Role.organizer,), full_name=f"Ban tổ chức {tag}")
    ideas, leads = [], []
    for i in range(4):
        lead = await make_user(birth_year=2003, full_name=f"Trưởng nhóm {tag} {i}")
        idea_id = await services.create_draft(
            row, round_, complete_form(contest["categories"][0], title=f"Ý tưởng {tag} {i}"), user_id=lead.id, now=now
        )
        await services.submit(idea_id, user_id=lead.id, now=now)
        ideas.append(idea_id)
        leads.append(lead)
    # The last idea is hidden by moderation (waiting to be shown again).
    await Idea.update({Idea.hidden: True, Idea.hidden_reason: "Chờ xem xét"}).where(Idea.id == ideas[3])
    # A second revision of the first idea, so the revisions page has a change to show.
    await services.save(
        ideas[0], complete_form(contest["categories"][0], title=f"Ý tưởng {tag} 0 (sửa)"), user_id=leads[0].id, now=now
    )
    await Criterion(round=round_["id"], name="Sáng tạo", weight=1, scale_min=1, scale_max=5, position=1).save()
    judges = []
    for i in range(3):
        judge = await make_user(email=f"gk-{tag}-{i}@example.com", full_name=f"Giám khảo {tag} {i}")
        await judging.add_judge(round_["id"], judge.email, expertise=[], actor_id=organizer.id, now=now, scope=PLATFORM)
        member = (await judging.panel_invitations(judge.id))[0]
        await judging.accept_panel(member.id, user_id=judge.id, now=now)
        await judging.sign_declaration(round_["id"], judge.id, statement="", related_codes=[], relatives=[], now=now)
        judges.append(judge)
    assignments = []
    for judge, idea in ((judges[0], ideas[0]), (judges[1], ideas[0]), (judges[0], ideas[1])):
        a = Assignment(round=round_["id"], judge=judge.id, idea=idea, created_at=now)
        await a.save()
        assignments.append(a.id)
    sheet = ScoreSheet(
        round=round_["id"],
        judge=judges[1].id,
        idea=ideas[0],
        status="submitted",
        total=75.0,
        overall_comment=f"Nhận xét {tag}",
        updated_at=now,
        submitted_at=now,
    )
    await sheet.save()
    await judging.settings_of(round_["id"])
    await VoteRules(round=round_["id"], votes_per_voter=3).save()
    voters, votes = [], []
    for i in range(2):
        voter = await make_user(full_name=f"Cử tri {tag} {i}", phone=None)
        vote = Vote(
            round=round_["id"],
            voter=voter.id,
            idea=ideas[2],
            receipt=secrets.token_hex(5).upper(),
            created_at=now,
            ip="10.0.0.1",
        )
        await vote.save()
        voters.append(voter)
        votes.append(vote.id)
    await VoteCount(round=round_["id"], idea=ideas[2], votes=2).save()
    # Mentoring: two shortlisted teams state their needs; a mentor of the city-wide pool; a run.
    for idea in ideas[2:]:
        await Idea.update({Idea.status: "shortlisted"}).where(Idea.id == idea)
    mentor_user = await make_user(email=f"covan-{tag}@example.com", full_name=f"Cố vấn {tag}")
    mentor_id = await directory.save_profile(
        mentor_user.id,
        {
            "title": "Giảng viên",
            "bio": "Kinh nghiệm khởi nghiệp.",
            "expertise": ["marketing"],
            "capacity": "3",
            "languages": ["vi"],
            "mode": "any",
        },
        now=now,
    )
    await directory.approve(mentor_id, actor_id=organizer.id, now=now)
    for idea, lead in zip(ideas[2:], leads[2:], strict=False):
        await teams.save_needs(
            idea, {"needs": ["marketing"], "languages": ["vi"], "mode": "any"}, user_id=lead.id, now=now
        )
    run_id = await match_runs.run_matching(
        commune["id"], mode="optimal", actor_id=organizer.id, now=now, scope=PLATFORM
    )
    proposals = [p.id for p in await match_runs.proposals(run_id, scope=PLATFORM)]
    await pipeline.set_stage(
        ideas[2],
        stage="idea",
        checklist=["problem_checked"],
        outcome="",
        actor_id=organizer.id,
        now=now,
        scope=PLATFORM,
    )
    workshop = Workshop(
        commune=commune["id"],
        title=f"Tư duy khởi nghiệp {tag}",
        starts_at=now + dt.timedelta(days=5),
        ends_at=now + dt.timedelta(days=5, hours=3),
        capacity=10,
    )
    await workshop.save()
    attendees = []
    for i in range(2):
        person = await make_user(full_name=f"Học viên {tag} {i}")
        await workshops.register(workshop.id, user_id=person.id, now=now)
        attendees.append(person)
    registrations = [r.id for r in await workshops.registrations(workshop.id, scope=PLATFORM)]
    return {
        "commune": commune["id"],
        "contest": contest,
        "round": round_["id"],
        "ideas": ideas,
        "leads": leads,
        "organizer": organizer,
        "judges": judges,
        "assignments": assignments,
        "sheet": sheet.id,
        "votes": votes,
        "voters": voters,
        "mentor": mentor_id,
        "mentor_user": mentor_user,
        "run": run_id,
        "proposals": proposals,
        "workshop": workshop.id,
        "registrations": registrations,
        "attendees": attendees,
    }


async def snapshot(world: dict[str, Any]) -> dict[str, Any]:
    """What the database holds for one commune's objects (compared before and after an action)."""
    round_id, ideas = world["round"], world["ideas"]

    def rows(items):
        return [json.loads(json.dumps(r, default=str, sort_keys=True)) for r in items]

    return {
        "contest": rows(await Contest.select().where(Contest.id == world["contest"]["id"])),
        "round": rows(await Round.select().where(Round.id == round_id)),
        "ideas": rows(
            await Idea.select(Idea.id, Idea.status, Idea.hidden, Idea.hidden_reason, Idea.title)
            .where(Idea.id.is_in(ideas))
            .order_by(Idea.id)
        ),
        "revisions": rows(
            await IdeaRevision.select(IdeaRevision.id, IdeaRevision.number)
            .where(IdeaRevision.idea.is_in(ideas))
            .order_by(IdeaRevision.id)
        ),
        "panel": rows(
            await PanelMember.select(PanelMember.id, PanelMember.judge, PanelMember.contact)
            .where(PanelMember.round == round_id)
            .order_by(PanelMember.id)
        ),
        "settings": rows(await RoundJudging.select().where(RoundJudging.round == round_id)),
        "assignments": rows(await Assignment.select().where(Assignment.round == round_id).order_by(Assignment.id)),
        "sheets": rows(await ScoreSheet.select().where(ScoreSheet.round == round_id).order_by(ScoreSheet.id)),
        "rules": rows(await VoteRules.select().where(VoteRules.round == round_id)),
        "votes": rows(await Vote.select().where(Vote.round == round_id).order_by(Vote.id)),
        "counts": rows(await VoteCount.select().where(VoteCount.round == round_id)),
        "runs": rows(await MatchRun.select().where(MatchRun.commune == world["commune"]).order_by(MatchRun.id)),
        "proposals": rows(
            await MatchProposal.select().where(MatchProposal.run == world["run"]).order_by(MatchProposal.id)
        ),
        "mentorships": rows(await Mentorship.select().where(Mentorship.idea.is_in(ideas)).order_by(Mentorship.id)),
        "incubation": rows(
            await IncubationRecord.select().where(IncubationRecord.idea.is_in(ideas)).order_by(IncubationRecord.id)
        ),
        "registrations": rows(
            await WorkshopRegistration.select()
            .where(WorkshopRegistration.workshop == world["workshop"])
            .order_by(WorkshopRegistration.id)
        ),
    }
