"""Figures for organizers: submissions of a contest by status, category, hamlet and age band."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from accounts.tables import Hamlet
from contest.reports import AGE_BANDS, age_band, counts
from contest.tables import Category, Contest, Idea, IdeaStatus

STATUS_ORDER = [s.value for s in IdeaStatus]


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    """An idea of a contest (drafts included) with what the counts and exports need."""

    id: int
    code: str | None
    title: str
    status: str
    hidden: bool
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    budget_vnd: int | None
    stage: str
    category_name: str | None
    hamlet_name: str | None
    lead_name: str
    lead_birth_year: int | None
    round_name: str | None


async def submissions(contest_id: int, *, round_id: int | None = None) -> list[SubmissionRow]:
    """One row per idea (drafts included) with what the counts and exports need."""
    query = Idea.select(
        Idea.id,
        Idea.code,
        Idea.title,
        Idea.status,
        Idea.hidden,
        Idea.created_at,
        Idea.submitted_at,
        Idea.budget_vnd,
        Idea.stage,
        Idea.category.name,
        Idea.hamlet.name,
        Idea.lead.full_name,
        Idea.lead.birth_year,
        Idea.round.name,
    ).where(Idea.contest == contest_id)
    if round_id:
        query = query.where(Idea.round == round_id)
    return [
        SubmissionRow(
            id=r["id"],
            code=r["code"],
            title=r["title"],
            status=r["status"],
            hidden=r["hidden"],
            created_at=r["created_at"],
            submitted_at=r["submitted_at"],
            budget_vnd=r["budget_vnd"],
            stage=r["stage"],
            category_name=r["category.name"],
            hamlet_name=r["hamlet.name"],
            lead_name=r["lead.full_name"],
            lead_birth_year=r["lead.birth_year"],
            round_name=r["round.name"],
        )
        for r in await query.order_by(Idea.id)
    ]


def summarise(rows: list[SubmissionRow], *, year: int, categories: list[str], hamlets: list[str]) -> dict[str, Any]:
    return {
        "total": len(rows),
        "by_status": counts([r.status for r in rows], order=STATUS_ORDER),
        "by_category": counts([r.category_name for r in rows], order=categories),
        "by_hamlet": counts([r.hamlet_name for r in rows], order=hamlets),
        "by_age": counts([age_band(r.lead_birth_year, year) for r in rows], order=AGE_BANDS),
    }


async def names(contest_id: int, commune_id: int) -> tuple[list[str], list[str]]:
    cats = await Category.select(Category.name).where(Category.contest == contest_id).order_by(Category.position)
    hamlets = await Hamlet.select(Hamlet.name).where(Hamlet.commune == commune_id).order_by(Hamlet.sort_order)
    return [c["name"] for c in cats], [h["name"] for h in hamlets]


@dataclass(frozen=True, slots=True)
class ContestCounts:
    """A contest on the organizer dashboard with its submitted ideas, those since a date, drafts and hidden ones."""

    id: int
    title: str
    slug: str
    published: bool
    commune_name: str
    submitted: int
    new: int
    drafts: int
    hidden: int


async def new_submission_counts(commune_ids: list[int] | None, *, since: dt.datetime) -> list[ContestCounts]:
    """For the organizer dashboard: each contest with its submitted ideas and those since ``since``."""
    query = Contest.select(Contest.id, Contest.title, Contest.slug, Contest.published, Contest.commune.name)
    if commune_ids is not None:
        query = query.where(Contest.commune.is_in(commune_ids or [-1]))
    out = []
    for contest in await query.order_by(Contest.created_at, ascending=False):
        submitted = Idea.code.is_not_null() & (Idea.contest == contest["id"])
        out.append(
            ContestCounts(
                id=contest["id"],
                title=contest["title"],
                slug=contest["slug"],
                published=contest["published"],
                commune_name=contest["commune.name"],
                submitted=await Idea.count().where(submitted),
                new=await Idea.count().where(submitted & (Idea.submitted_at >= since)),
                drafts=await Idea.count().where((Idea.contest == contest["id"]) & Idea.code.is_null()),
                hidden=await Idea.count().where((Idea.contest == contest["id"]) & (Idea.hidden == True)),  # noqa: E712
            )
        )
    return out
