"""Open data: a read-only JSON API of published contests and their public ideas (no personal data)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import PathParameter, QueryParameter

from accounts.errors import NotFound
from accounts.i18n import N_
from accounts.rules import Access
from contest import phases, rules, services
from server.context import AppContext
from server.guards import access

MAX_PAGE = 100_000


class ErrorOut(msgspec.Struct):
    """The body of every error of the open-data API (in the reader's language: Vietnamese unless ?lang=en)."""

    status: int
    title: str
    detail: str


def errors(*statuses: int) -> dict[int, ResponseSpec]:
    """The documented error answers of an open-data route: the same JSON body for each."""
    texts = {
        400: N_("The request is malformed (e.g. a page number that is not a number)."),
        404: N_("Nothing public has this address, or it is not published yet."),
        503: N_("The database is not reachable."),
    }
    return {
        status: ResponseSpec(data_container=ErrorOut, description=texts[status], generate_examples=False)
        for status in statuses
    }


NOT_FOUND = errors(400, 404)  # 400: a path with a NUL byte or bytes that are not UTF-8
SLUG = Annotated[str, PathParameter(description=N_("The contest's short name, as in its address on the site."))]
CODE = Annotated[str, PathParameter(description=N_("The idea's code, as shown on the idea's page."))]


class RankingRowOut(msgspec.Struct):
    rank: int
    code: str
    title: str
    jury: float  # 0–100, the jury's score scaled within the round
    votes: int
    public: float  # 0–100, the votes scaled within the round
    combined: float  # alpha * jury + (1 - alpha) * public
    jury_group: int | None  # scores compare only within a group; null: one group


class AwardOut(msgspec.Struct):
    award: str
    code: str | None  # null: not given (yet)
    prize: str


class CorrectionOut(msgspec.Struct):
    at: dt.datetime
    reason: str


class VoteLogLinksOut(msgspec.Struct):
    head_hash: str
    entries: int
    totals: dict[str, int]
    sealed_at: dt.datetime
    csv: str
    json: str
    recount: str
    script: str


class ResultsOut(msgspec.Struct):
    contest: str
    formula: str
    alpha: float
    jury_method: str
    ranking: list[RankingRowOut]
    jury_groups: list[list[str]]
    awards: list[AwardOut]
    corrections: list[CorrectionOut]
    vote_log: VoteLogLinksOut | None  # null: the round had no public vote


class VoteLogEntryOut(msgspec.Struct):
    round: int
    seq: int
    voter_alias: str
    idea_code: str
    action: str  # cast | withdraw | void
    time_bucket: str
    receipt: str
    reason: str
    prev_hash: str
    hash: str


class VoteLogOut(msgspec.Struct):
    contest: str
    round: int
    head_hash: str | None
    entry_count: int
    entries: list[VoteLogEntryOut]
    totals: dict[str, int]


class HealthOut(msgspec.Struct):
    status: str  # ok | error
    database: str  # ok | unavailable
    engine: str  # postgresql | sqlite
    time: dt.datetime


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


async def _contest_out(contest: services.ContestRow, base_url: str, now: dt.datetime) -> ContestOut:
    rounds = await services.rounds_of(contest.id)
    current = services.current_round(rounds, now)
    return ContestOut(
        slug=contest.slug,
        title=contest.title,
        commune=contest.commune_name,
        tagline=contest.tagline,
        phase=phases.phase_of(current, now).value if current else "upcoming",
        url=f"{base_url}/contests/{contest.slug}",
        categories=[c["name"] for c in await services.categories_of(contest.id)],
        rounds=[RoundOut(**{f: r[f] for f in RoundOut.__struct_fields__}) for r in rounds],
    )


class OpenDataController(Controller):
    path = "/api"
    tags = ["open data"]

    @get(
        "/contests",
        opt=access(Access.public),
        summary=N_("Published contests"),
        description=N_("Every published contest of every commune, newest first, with its rounds and their dates."),
    )
    async def contests(self, ctx: NamedDependency[AppContext]) -> list[ContestOut]:
        rows = (
            await services.Contest.select(*services.CONTEST_COLUMNS)
            .where(services.Contest.published == True)
            .order_by(services.Contest.created_at, ascending=False)
        )  # noqa: E712
        return [await _contest_out(services.contest_row(row), ctx.settings.base_url, ctx.now()) for row in rows]

    @get("/contests/{slug:str}", opt=access(Access.public), summary=N_("One published contest"), responses=NOT_FOUND)
    async def contest(self, slug: SLUG, ctx: NamedDependency[AppContext]) -> ContestOut:
        return await _contest_out(await services.contest_by_slug(slug), ctx.settings.base_url, ctx.now())

    @get(
        "/contests/{slug:str}/ideas",
        opt=access(Access.public),
        summary=N_("Public ideas of a contest"),
        description=N_(
            "The submitted ideas of a contest, page by page; q searches titles and summaries, "
            "with or without Vietnamese diacritics."
        ),
        responses=errors(400, 404),
    )
    async def ideas(
        self,
        slug: SLUG,
        ctx: NamedDependency[AppContext],
        q: Annotated[str, QueryParameter(description=N_("Words to search for (optional)."))] = "",
        page: Annotated[int, QueryParameter(description=N_("Page number, from 1."))] = 1,
        per_page: Annotated[int, QueryParameter(description=N_("Ideas per page (1 to 200)."))] = 50,
    ) -> IdeaPage:
        contest = await services.contest_by_slug(slug)
        per_page = min(max(per_page, 1), 200)
        page = min(max(page, 1), MAX_PAGE)  # a page number beyond any gallery never reaches the database
        rows, total = await services.gallery(contest.id, q=q[:200], page=page, per_page=per_page)
        return IdeaPage(
            total=total,
            page=page,
            per_page=per_page,
            items=[
                IdeaOut(
                    code=r.code,
                    title=r.title,
                    summary=r.summary,
                    category=r.category_name,
                    hamlet=r.hamlet_name,
                    status=r.status,
                    submitted_at=r.submitted_at,
                    url=f"{ctx.settings.base_url}/ideas/{r.code}",
                )
                for r in rows
            ],
        )

    @get("/ideas/{code:str}", opt=access(Access.public), summary=N_("One public idea"), responses=NOT_FOUND)
    async def idea(self, code: CODE, ctx: NamedDependency[AppContext]) -> IdeaDetailOut:
        idea = await services.idea_by_code(code)
        contest = await services.contest_by_slug(idea.contest_slug, published_only=False)
        if not rules.is_public(idea) or idea.code is None or not contest.published:  # public: it has a code
            raise NotFound(N_("There is no idea with this code."))
        return IdeaDetailOut(
            code=idea.code,
            contest=idea.contest_slug,
            title=idea.title,
            summary=idea.summary,
            problem=idea.problem,
            solution=idea.solution,
            beneficiaries=idea.beneficiaries,
            resources=idea.resources,
            budget_vnd=idea.budget_vnd,
            stage=idea.stage,
            category=idea.category_name,
            hamlet=idea.hamlet_name,
            status=idea.status,
            submitted_at=idea.submitted_at,
            url=f"{ctx.settings.base_url}/ideas/{idea.code}",
        )
