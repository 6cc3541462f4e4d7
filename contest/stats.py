"""Figures for organizers: submissions of a contest by status, category, hamlet and age band."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.tables import Hamlet
from contest.reports import AGE_BANDS, age_band, counts
from contest.tables import Category, Contest, Idea, IdeaStatus

STATUS_ORDER = [s.value for s in IdeaStatus]


async def submissions(contest_id: int, *, round_id: int | None = None) -> list[dict[str, Any]]:
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
    return await query.order_by(Idea.id)


def summarise(rows: list[dict[str, Any]], *, year: int, categories: list[str], hamlets: list[str]) -> dict[str, Any]:
    return {
        "total": len(rows),
        "by_status": counts([r["status"] for r in rows], order=STATUS_ORDER),
        "by_category": counts([r["category.name"] for r in rows], order=categories),
        "by_hamlet": counts([r["hamlet.name"] for r in rows], order=hamlets),
        "by_age": counts([age_band(r["lead.birth_year"], year) for r in rows], order=AGE_BANDS),
    }


async def names(contest_id: int, commune_id: int) -> tuple[list[str], list[str]]:
    cats = await Category.select(Category.name).where(Category.contest == contest_id).order_by(Category.position)
    hamlets = await Hamlet.select(Hamlet.name).where(Hamlet.commune == commune_id).order_by(Hamlet.sort_order)
    return [c["name"] for c in cats], [h["name"] for h in hamlets]


async def new_submission_counts(commune_ids: list[int] | None, *, since: dt.datetime) -> list[dict[str, Any]]:
    """For the organizer dashboard: each contest with its submitted ideas and those since ``since``."""
    query = Contest.select(Contest.id, Contest.title, Contest.slug, Contest.published, Contest.commune.name)
    if commune_ids is not None:
        query = query.where(Contest.commune.is_in(commune_ids or [-1]))
    contests = await query.order_by(Contest.created_at, ascending=False)
    for contest in contests:
        submitted = Idea.code.is_not_null() & (Idea.contest == contest["id"])
        contest["submitted"] = await Idea.count().where(submitted)
        contest["new"] = await Idea.count().where(submitted & (Idea.submitted_at >= since))
        contest["drafts"] = await Idea.count().where((Idea.contest == contest["id"]) & Idea.code.is_null())
        contest["hidden"] = await Idea.count().where((Idea.contest == contest["id"]) & (Idea.hidden == True))  # noqa: E712
    return contests
