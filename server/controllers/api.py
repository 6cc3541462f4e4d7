"""Open data: a read-only JSON API of published contests and their public ideas (no personal data)."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from accounts.errors import NotFound
from accounts.i18n import N_
from accounts.rules import Access
from contest import phases, rules, services
from server.context import AppContext
from server.guards import access

MAX_PAGE = 100_000


class RoundOut(msgspec.Struct):
    name: str
    submission_opens: dt.datetime
    submission_closes: dt.datetime
    judging_closes: dt.datetime
    vote_opens: dt.datetime | None
    vote_closes: dt.datetime | None
    results_at: dt.datetime
    takes_entries: bool = True  # false: no submission phase (its two dates are the round's start)
    has_judging: bool = True  # false: no judging phase (judging_closes equals submission_closes)


class ContestOut(msgspec.Struct):
    slug: str
    title: str
    commune: str
    tagline: str
    phase: str
    url: str
    categories: list[str]
    rounds: list[RoundOut]


class IdeaOut(msgspec.Struct):
    code: str
    title: str
    summary: str
    category: str | None
    hamlet: str | None
    status: str
    submitted_at: dt.datetime | None
    url: str


class IdeaPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[IdeaOut]


class IdeaDetailOut(msgspec.Struct):
    code: str
    contest: str
    title: str
    summary: str
    problem: str
    solution: str
    beneficiaries: str
    resources: str
    budget_vnd: int | None
    stage: str
    category: str | None
    hamlet: str | None
    status: str
    submitted_at: dt.datetime | None
    url: str


async def _contest_out(contest: dict, base_url: str, now: dt.datetime) -> ContestOut:
    rounds = await services.rounds_of(contest["id"])
    current = services.current_round(rounds, now)
    return ContestOut(
        slug=contest["slug"], title=contest["title"], commune=contest.get("commune.name", ""),
        tagline=contest["tagline"], phase=phases.phase_of(current, now).value if current else "upcoming",
        url=f"{base_url}/contests/{contest['slug']}",
        categories=[c["name"] for c in await services.categories_of(contest["id"])],
        rounds=[RoundOut(**{f: r[f] for f in RoundOut.__struct_fields__}) for r in rounds],
    )


class OpenDataController(Controller):
    path = "/api"
    tags = ["open data"]

    @get("/contests", opt=access(Access.public), summary="Published contests")
    async def contests(self, ctx: NamedDependency[AppContext]) -> list[ContestOut]:
        rows = await services.Contest.select(services.Contest.all_columns(), services.Contest.commune.name).where(
            services.Contest.published == True).order_by(services.Contest.created_at, ascending=False)  # noqa: E712
        return [await _contest_out(row, ctx.settings.base_url, ctx.now()) for row in rows]

    @get("/contests/{slug:str}", opt=access(Access.public), summary="One published contest")
    async def contest(self, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> ContestOut:
        return await _contest_out(await services.contest_by_slug(slug), ctx.settings.base_url, ctx.now())

    @get("/contests/{slug:str}/ideas", opt=access(Access.public),
         summary="Public ideas of a contest (search with q, diacritics optional)")
    async def ideas(self, slug: FromPath[str], ctx: NamedDependency[AppContext], q: FromQuery[str] = "",
                    page: FromQuery[int] = 1, per_page: FromQuery[int] = 50) -> IdeaPage:
        contest = await services.contest_by_slug(slug)
        per_page = min(max(per_page, 1), 200)
        page = min(max(page, 1), MAX_PAGE)  # a page number beyond any gallery never reaches the database
        rows, total = await services.gallery(contest["id"], q=q[:200], page=page, per_page=per_page)
        return IdeaPage(total=total, page=page, per_page=per_page, items=[
            IdeaOut(code=r["code"], title=r["title"], summary=r["summary"], category=r["category.name"],
                    hamlet=r["hamlet.name"], status=r["status"], submitted_at=r["submitted_at"],
                    url=f"{ctx.settings.base_url}/ideas/{r['code']}") for r in rows])

    @get("/ideas/{code:str}", opt=access(Access.public), summary="One public idea")
    async def idea(self, code: FromPath[str], ctx: NamedDependency[AppContext]) -> IdeaDetailOut:
        idea = await services.idea_by_code(code)
        contest = await services.contest_by_slug(idea["contest.slug"], published_only=False)
        if not rules.is_public(idea) or not contest["published"]:
            raise NotFound(N_("There is no idea with this code."))
        return IdeaDetailOut(
            code=idea["code"], contest=idea["contest.slug"], title=idea["title"], summary=idea["summary"],
            problem=idea["problem"], solution=idea["solution"], beneficiaries=idea["beneficiaries"],
            resources=idea["resources"], budget_vnd=idea["budget_vnd"], stage=idea["stage"],
            category=idea["category.name"], hamlet=idea["hamlet.name"], status=idea["status"],
            submitted_at=idea["submitted_at"],
            url=f"{ctx.settings.base_url}/ideas/{idea['code']}",
        )
