"""Batch matching runs: the commune's teams without a mentor are matched with the mentor pool
(``mentoring.matching`` solves the problem), organizers review and adjust the proposals, then
publish them as mentorships."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from accounts import audit, notifications
from accounts.engine import atomic
from accounts.errors import NotFound
from accounts.i18n import N_, translate
from accounts.scope import PLATFORM, Scope, clause, load
from contest.errors import IdeaError
from contest.tables import Idea, ScoreSheet
from mentoring import matching
from mentoring.common import db, dict_from_json, from_json
from mentoring.directory import active_counts
from mentoring.tables import (
    MatchProposal,
    MatchRun,
    MentorProfile,
    Mentorship,
    TeamNeed,
)

COMPONENT_LABELS = {
    "needs": N_("needs covered"),
    "sector": N_("sector"),
    "stage": N_("stage fit"),
    "availability": N_("time overlap"),
    "language": N_("language"),
    "mode": N_("online or in person"),
    "preference": N_("the team's preference"),
}


def _team_of(need: dict[str, Any], judged_by: set[int]) -> matching.Team:
    return matching.Team(
        id=need["idea"],
        needs=frozenset(from_json(need["needs"])),
        sector=need["sector"] or None,
        stage=need["stage"],
        languages=frozenset(from_json(need["languages"])),
        availability=frozenset(from_json(need["availability"])),
        mode=need["mode"],
        place=need["place"] or None,
        preferred=tuple(from_json(need["preferred"])),
        judged_by=frozenset(judged_by),
    )


async def _mentor_pool(mentor_id: int | None = None) -> list[matching.Mentor]:
    """The approved mentors (or only ``mentor_id``, when approved) with their free places."""
    condition = MentorProfile.approved == True  # noqa: E712
    if mentor_id is not None:
        condition = condition & (MentorProfile.id == mentor_id)
    rows = await MentorProfile.select().where(condition)
    counts = await active_counts([r["id"] for r in rows])
    pool = []
    for row in rows:
        free = row["capacity"] - counts.get(row["id"], 0)
        pool.append(
            matching.Mentor(
                id=row["id"],
                expertise=frozenset(from_json(row["expertise"])),
                sectors=frozenset(from_json(row["sectors"])),
                stages=frozenset(from_json(row["stages"])),
                languages=frozenset(from_json(row["languages"])),
                availability=frozenset(from_json(row["availability"])),
                mode=row["mode"],
                place=row["place"] or None,
                capacity=max(0, free),
                user_id=row["user"],
            )
        )
    return pool


async def run_matching(
    commune_id: int, *, mode: str, actor_id: int, now: dt.datetime, min_score: float = 0.3, scope: Scope
) -> int:
    """Propose mentors for the commune's teams that stated their needs and have no mentor yet."""
    import asyncio

    if not scope.covers(commune_id):
        raise NotFound(N_("This commune does not exist on the platform."))

    needs = await TeamNeed.select(*TeamNeed.all_columns()).where(TeamNeed.idea._.contest.commune == commune_id)
    mentored = {m["idea"] for m in await Mentorship.select(Mentorship.idea).where(Mentorship.status == "active")}
    needs = [n for n in needs if n["idea"] not in mentored]
    if not needs:
        raise IdeaError(N_("No team without a mentor has stated its needs yet."))
    judged: dict[int, set[int]] = {}
    for s in await ScoreSheet.select(ScoreSheet.idea, ScoreSheet.judge).where(
        ScoreSheet.idea.is_in([n["idea"] for n in needs])
    ):
        judged.setdefault(s["idea"], set()).add(s["judge"])
    teams = [_team_of(n, judged.get(n["idea"], set())) for n in needs]
    mentors = await _mentor_pool()
    solver = matching.stable if mode == "stable" else matching.optimal
    result = await asyncio.to_thread(solver, teams, mentors, min_score=min_score)
    by_id = {m.id: m for m in mentors}
    total, found = 0.0, []
    for team in teams:
        mentor_id = result.get(team.id)
        s = matching.score(team, by_id[mentor_id]) if mentor_id else None
        total += s.total if s else 0.0
        found.append((team.id, mentor_id, s))
    async with atomic(db()):
        run = MatchRun(
            commune=commune_id,
            mode="stable" if mode == "stable" else "optimal",
            created_by=actor_id,
            created_at=now,
            total_score=total,
        )
        await run.save()
        await MatchProposal.insert(
            *(
                MatchProposal(
                    run=run.id,
                    idea=idea_id,
                    mentor=mentor_id,
                    score=s.total if s else 0.0,
                    components=json.dumps(dict(s.components) if s else {}),
                    covered=json.dumps(list(s.needs_covered) if s else []),
                )
                for idea_id, mentor_id, s in found
            )
        )
        await audit.record(
            "matching.run",
            actor_id=actor_id,
            target_type="commune",
            target_id=commune_id,
            now=now,
            commune_id=commune_id,
            data={"mode": mode, "teams": len(teams), "total": round(total, 3)},
        )
    return run.id


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """A matching run's proposal: a team's idea and the mentor proposed for it (or none)."""

    id: int
    run: int
    idea: int
    code: str
    title: str
    mentor: int | None
    mentor_name: str | None
    score: float
    components: dict[str, float]
    covered: tuple[str, ...]
    adjusted: bool


async def proposals(run_id: int, *, scope: Scope) -> list[ProposalRow]:
    """A matching run's proposals, best first — none when the run lies outside ``scope``."""
    condition = MatchProposal.run == run_id
    within = clause(MatchProposal, scope)
    rows = (
        await MatchProposal.select(
            *MatchProposal.all_columns(),
            MatchProposal.idea.code,
            MatchProposal.idea.title,
            MatchProposal.mentor._.user.full_name,
        )
        .where(condition if within is None else condition & within)
        .order_by(MatchProposal.score, ascending=False)
    )
    return [
        ProposalRow(
            id=row["id"],
            run=row["run"],
            idea=row["idea"],
            code=row["idea.code"],
            title=row["idea.title"],
            mentor=row["mentor"],
            mentor_name=row["mentor.user.full_name"],
            score=row["score"],
            components=dict_from_json(row["components"]),
            covered=tuple(from_json(row["covered"])),
            adjusted=row["adjusted"],
        )
        for row in rows
    ]


async def latest_run(commune_id: int) -> dict[str, Any] | None:
    return await MatchRun.select().where(MatchRun.commune == commune_id).order_by(MatchRun.id, ascending=False).first()


async def adjust(proposal_id: int, mentor_id: int | None, *, actor_id: int, scope: Scope) -> None:
    """An organizer changes the mentor of a proposal before the run is published. The proposal is
    loaded within ``scope`` (its run's commune) in one query: one of another commune is not found."""
    row = await load(
        MatchProposal,
        proposal_id,
        scope,
        MatchProposal.all_columns(),
        MatchProposal.run.published_at,
        missing=N_("This proposal cannot be changed."),
    )
    if row["run.published_at"]:
        raise IdeaError(N_("This proposal cannot be changed."))
    values: dict[Any, Any] = {MatchProposal.mentor: mentor_id, MatchProposal.adjusted: True}
    if mentor_id:
        need = await TeamNeed.select().where(TeamNeed.idea == row["idea"]).first()
        mentor = next(iter(await _mentor_pool(mentor_id)), None)
        if need is None or mentor is None or not matching.hard_ok(_team_of(need, set()), mentor):
            raise IdeaError(N_("This mentor cannot take this team (language or capacity)."))
        s = matching.score(_team_of(need, set()), mentor)
        values.update(
            {
                MatchProposal.score: s.total,
                MatchProposal.components: json.dumps(dict(s.components)),
                MatchProposal.covered: json.dumps(list(s.needs_covered)),
            }
        )
    await MatchProposal.update(values).where(MatchProposal.id == proposal_id)


async def publish_run(run_id: int, *, actor_id: int, now: dt.datetime, lang: str = "vi", scope: Scope) -> int:
    """Turn the reviewed proposals into mentorships (capacity checked) and tell both sides.

    The run is claimed within ``scope`` (its commune) by the same statement that marks it
    published: a run of another commune is not found and stays unpublished."""
    created = 0
    within = clause(MatchRun, scope)
    async with atomic(db()):
        condition = (MatchRun.id == run_id) & MatchRun.published_at.is_null()
        done = (
            await MatchRun.update({MatchRun.published_at: now})
            .where(condition if within is None else condition & within)
            .returning(MatchRun.commune)
        )
        if not done:
            await load(MatchRun, run_id, scope, MatchRun.id, missing=N_("This matching run does not exist."))
            raise IdeaError(N_("This matching has already been published."))
        # Best proposals first; a mentor takes teams while places are free (the ones this run
        # gives counted), and a team already paired with its proposed mentor is skipped.
        chosen = [(p.idea, p.mentor) for p in await proposals(run_id, scope=PLATFORM) if p.mentor]
        mentor_ids = sorted({mentor for _, mentor in chosen})
        idea_ids = sorted({idea for idea, _ in chosen})
        mentors = {
            m["id"]: m
            for m in await MentorProfile.select(MentorProfile.id, MentorProfile.capacity, MentorProfile.user).where(
                MentorProfile.id.is_in(mentor_ids or [-1])
            )
        }
        ideas = {
            i["id"]: i for i in await Idea.select(Idea.id, Idea.lead, Idea.title).where(Idea.id.is_in(idea_ids or [-1]))
        }
        paired = {
            (m["idea"], m["mentor"])
            for m in await Mentorship.select(Mentorship.idea, Mentorship.mentor).where(
                Mentorship.idea.is_in(idea_ids or [-1])
            )
        }
        taken = await active_counts(mentor_ids)
        starting = []
        for idea_id, mentor_id in chosen:
            if (idea_id, mentor_id) in paired or taken.get(mentor_id, 0) >= mentors[mentor_id]["capacity"]:
                continue
            paired.add((idea_id, mentor_id))
            taken[mentor_id] = taken.get(mentor_id, 0) + 1
            starting.append((idea_id, mentor_id))
        added = set()
        if starting:
            added = {
                (r["idea"], r["mentor"])
                for r in await Mentorship.insert(
                    *(
                        Mentorship(idea=idea_id, mentor=mentor_id, source="matching", started_at=now)
                        for idea_id, mentor_id in starting
                    )
                )
                .on_conflict(target=(Mentorship.idea, Mentorship.mentor), action="DO NOTHING")
                .returning(Mentorship.idea, Mentorship.mentor)
            }
        for idea_id, mentor_id in starting:
            if (idea_id, mentor_id) not in added:
                continue
            created += 1
            idea = ideas[idea_id]
            for person in (mentors[mentor_id]["user"], idea["lead"]):
                await notifications.notify(
                    person,
                    title=translate(N_("New mentorship: “%(title)s”"), lang, title=idea["title"]),
                    link="/mentoring",
                    kind="mentoring_match",
                    now=now,
                )
        await audit.record(
            "matching.published",
            actor_id=actor_id,
            target_type="match_run",
            target_id=run_id,
            commune_id=done[0]["commune"],
            now=now,
            data={"mentorships": created},
        )
    return created


def explain_proposal(components: dict[str, float], covered: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Why a match was proposed, as (msgid, params) pairs for the reader's language."""
    lines: list[tuple[str, dict[str, Any]]] = []
    if covered:
        lines.append((N_("Covers these needs: %(needs)s"), {"needs": covered}))
    strong = [k for k, v in components.items() if v >= 0.99 and k != "needs"]
    if strong:
        lines.append((N_("Good fit on: %(parts)s"), {"parts": strong}))
    return lines
