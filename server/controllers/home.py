"""Home page, commune pages, legal pages and the health check."""

from __future__ import annotations

from dataclasses import asdict

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from litestar.response import Template

from accounts import services
from accounts.engine import RecentPing
from accounts.errors import NotFound
from accounts.i18n import N_
from accounts.rules import Access
from accounts.tables import Commune
from contest import phases
from contest import services as contest_services
from server.context import AppContext
from server.controllers.api import HealthOut
from server.guards import access
from server.web import render


class HomeController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", opt=access(Access.public))
    async def home(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        communes = await services.communes()
        if len(communes) == 1:
            return await self._commune_page(communes[0], ctx)
        return render("home/communes.html", communes=communes)

    @get("/communes/{slug:str}", opt=access(Access.public))
    async def commune(self, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        commune = await services.commune_by_slug(slug)
        if commune is None:
            raise NotFound(N_("This commune does not exist on the platform."))
        return await self._commune_page(commune, ctx)

    async def _commune_page(self, commune: dict, ctx: AppContext) -> Template:
        hamlets = await services.hamlets_of(commune["id"])
        now = ctx.now()
        contests = []
        for contest in await contest_services.contests_of_commune(commune["id"]):
            round_ = contest_services.current_round(await contest_services.rounds_of(contest.id), now)
            phase = phases.phase_of(round_, now) if round_ else phases.Phase.upcoming
            contests.append(
                {
                    **asdict(contest),
                    "phase": phase.value,
                    "round": round_,
                    "countdown": phases.countdown(phases.phase_end(round_, now), now) if round_ else None,
                }
            )
        current = [c for c in contests if c["phase"] != "results"]
        past = [c for c in contests if c["phase"] == "results"]
        return render(
            "home/commune.html",
            commune=commune,
            hamlets=hamlets,
            contests=current,
            past=past,
            phase_labels={p.value: label for p, label in phases.PHASE_LABELS.items()},
        )

    @get("/terms", opt=access(Access.public))
    async def terms(self) -> Template:
        return render("home/terms.html")

    @get("/privacy", opt=access(Access.public))
    async def privacy(self) -> Template:
        return render("home/privacy.html")


DATABASE_ANSWERS = RecentPing(ttl=1.0)  # this worker's last successful round trip to the database


@get(
    "/healthz",
    opt=access(Access.public),
    tags=["system"],
    summary=N_("Health check (the database answered within the last second)"),
    responses={
        503: ResponseSpec(
            data_container=HealthOut, description=N_("The database is not reachable."), generate_examples=False
        )
    },
)
async def healthz(ctx: NamedDependency[AppContext]) -> Response[HealthOut]:
    try:
        await DATABASE_ANSWERS.check(Commune._meta.db)
        database = "ok"
    except Exception:  # noqa: BLE001 — any database failure means unhealthy
        database = "unavailable"
    status = "ok" if database == "ok" else "error"
    return Response(
        HealthOut(
            status=status,
            database=database,
            engine="postgresql" if ctx.settings.uses_postgres else "sqlite",
            time=ctx.now(),
        ),
        status_code=200 if status == "ok" else 503,
    )
