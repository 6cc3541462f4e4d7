"""The Department's dashboard across the communes: public figures, the city staff's view and its exports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File, Template
from markupsafe import Markup, escape

from accounts import forms
from accounts.errors import NotFound
from accounts.i18n import N_
from accounts.rules import Access, is_city_organizer
from accounts.tables import Commune
from city import charts, dashboard, export, sponsors
from city.period import parse_period
from contest import uploads
from contest.reports import AGE_BANDS
from server.auth import current_user, signed_in_user
from server.context import AppContext
from server.guards import access, public
from server.i18n import t
from server.uploads import store_form_file
from server.web import flash, form_data, form_page_on_refusal, organizer_scope, parse_form, redirect, render

LOGO_MAX_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _figures(request: Request, ctx: AppContext) -> tuple[dashboard.Figures, dict[str, str], dict[str, str]]:
    typed = {"from": request.query_params.get("from", ""), "to": request.query_params.get("to", "")}
    period, problems = parse_period(typed["from"], typed["to"], now=ctx.now())
    errors = {name: t(request, message, **params) for name, (message, params) in problems.items()}
    return await dashboard.compute(period), typed, errors


def _bodies(figures: dashboard.Figures, rows: list[dict], staff: bool) -> dict[str, Markup]:
    """The table bodies with a row per commune, in the order of ``rows`` (names and addresses escaped)."""
    num = dashboard.number_text
    communes, pipeline, ages = [], [], []
    keys = [k for k in dashboard.COLUMNS if k != "name"]
    stages = [f"stage_{s}" for s in dashboard.STAGES] + [f"venture_{v}" for v in dashboard.VENTURES]
    for c in rows:
        name = escape(c["name"])
        cells = "".join(f"<td>{num(c[k])}</td>" for k in keys)
        communes.append(f'<tr><th scope="row"><a href="/communes/{escape(c["slug"])}">{name}</a></th>{cells}</tr>')
        pipeline.append(f'<tr><th scope="row">{name}</th>{"".join(f"<td>{num(c[k])}</td>" for k in stages)}</tr>')
        if staff:
            bands = figures.youth_by_age.get(c["id"], {})
            cells = "".join(f"<td>{num(bands.get(b, 0))}</td>" for b in AGE_BANDS)
            ages.append(f'<tr><th scope="row">{name}</th>{cells}</tr>')
    return {
        "communes": Markup("\n".join(communes)),
        "pipeline": Markup("\n".join(pipeline)),
        "ages": Markup("\n".join(ages)),
    }


class CityController(Controller):
    path = "/city"
    include_in_schema = False

    @get("/", opt=public())
    async def dashboard(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        figures, typed, errors = await _figures(request, ctx)
        first, last = figures.period.text()
        shown = {"from": typed["from"] if errors else first, "to": typed["to"] if errors else last}
        sort = request.query_params.get("sort", "name")
        sort = sort if sort in dashboard.COLUMNS else "name"
        descending = request.query_params.get("dir", "desc" if sort != "name" else "asc") == "desc"
        rows = dashboard.sort_rows(figures.communes, sort, descending)
        staff = is_city_organizer(current_user(request))
        period_query = {"from": first, "to": last}

        def sort_link(key: str) -> str:
            flip = "asc" if (key == sort and descending) or (key != sort and key == "name") else "desc"
            return "/city?" + urlencode({**period_query, "sort": key, "dir": flip})

        unknown = t(request, N_("Age not given"))
        city = figures.city
        chart_list = [
            charts.bars_svg(t(request, N_("Ideas submitted, by commune")), [(c["name"], c["ideas"]) for c in rows]),
            charts.bars_svg(
                t(request, N_("Turnout of the public votes, by commune")),
                [(c["name"], c["turnout"] or 0) for c in rows],
                unit="%",
            ),
            charts.bars_svg(
                t(request, N_("Ideas in incubation, by stage")),
                [(t(request, dashboard.STAGE_LABELS[s]), city.get(f"stage_{s}", 0)) for s in dashboard.STAGES],
            ),
            charts.bars_svg(
                t(request, N_("Young people taking part, by age")),
                [(unknown if b == "?" else b, figures.youth_by_age.get(None, {}).get(b, 0)) for b in AGE_BANDS],
            ),
        ]
        return render(
            "city/dashboard.html",
            figures=figures,
            rows=rows,
            city=city,
            charts=chart_list,
            columns=dashboard.COLUMNS,
            sort=sort,
            descending=descending,
            sort_link=sort_link,
            typed=shown,
            errors=errors,
            staff=staff,
            stages=dashboard.STAGES,
            stage_labels=dashboard.STAGE_LABELS,
            ventures=dashboard.VENTURES,
            venture_labels=dashboard.VENTURE_LABELS,
            age_bands=AGE_BANDS,
            export_query=urlencode(period_query),
            num=dashboard.number_text,
            bodies=_bodies(figures, rows, staff),
        )

    @get("/export.csv", opt=access(Access.city))
    async def export_csv(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        figures, _, _ = await _figures(request, ctx)
        return Response(
            export.csv(figures, ctx.now()),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{export.filename(figures, "csv")}"'},
        )

    @get("/export.xlsx", opt=access(Access.city))
    async def export_xlsx(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        figures, _, _ = await _figures(request, ctx)
        return Response(
            export.xlsx(figures, ctx.now()),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{export.filename(figures, "xlsx")}"'},
        )


@dataclass
class SponsorForm:
    """A sponsor of a commune (the domain checks the kind and the commune; the logo is a file field)."""

    name: str = forms.text()
    kind: str = forms.text()
    commune: str = forms.text()


@dataclass
class PledgeForm:
    """What a sponsor pledges to a contest (amounts as typed, "1.500.000" included: the domain reads them)."""

    contest: str = forms.text()
    kind: str = forms.text()
    description: str = forms.text()
    value_vnd: str = forms.text()
    hours: str = forms.text()
    award: str = forms.text()


@dataclass
class DeliveryForm:
    """What a sponsor has delivered of a pledge."""

    delivered_value_vnd: str = forms.text()
    delivered_hours: str = forms.text()


class SponsorsController(Controller):
    """Organizers record their commune's sponsors and what they pledge to its contests."""

    path = "/organizer/sponsors"
    include_in_schema = False

    async def _page(
        self,
        request: Request,
        *,
        status: int = 200,
        errors: dict | None = None,
        form: str = "",
        values: dict | None = None,
        sponsor_id: int | None = None,
    ) -> Template:
        scope = organizer_scope(request)
        communes = (
            await Commune.select(Commune.id, Commune.name)
            .where(Commune.id.is_in(sorted(scope.communes) or [-1]) if not scope.everywhere else Commune.id > 0)
            .order_by(Commune.name)
        )
        contest_options: dict[int, list] = {}
        for c in await sponsors.contests_in(scope):
            contest_options.setdefault(c["commune"], []).append((c["id"], c["title"]))
        award_options: dict[int, list] = {}
        for a in await sponsors.awards_in(scope):
            award_options.setdefault(a.commune, []).append((a.id, f"{a.contest_title} — {a.name}"))
        return render(
            "city/sponsors.html",
            status=status,
            sponsors=await sponsors.sponsors_of(scope),
            pledges=await sponsors.pledges_in(scope),
            contest_options=contest_options,
            award_options=award_options,
            commune_options=[(c["id"], c["name"]) for c in communes],
            communes=communes,
            errors=errors or {},
            form=form,
            values=values or {},
            error_sponsor=sponsor_id,
            sponsor_kinds=sponsors.SPONSOR_KINDS,
            pledge_kinds=sponsors.PLEDGE_KINDS,
            sponsor_kind_options=[(k, t(request, v)) for k, v in sponsors.SPONSOR_KINDS.items()],
            pledge_kind_options=[(k, t(request, v)) for k, v in sponsors.PLEDGE_KINDS.items()],
        )

    @get("/", opt=access(Access.organizer))
    async def index(self, request: Request) -> Template:
        return await self._page(request)

    @post("/", opt=access(Access.organizer), request_max_body_size=12 * 1024 * 1024)
    async def create(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        form = await form_data(request)
        values = asdict(await parse_form(request, SponsorForm))
        # A logo stored for a refused form is removed with the failed request (UploadCleanupMiddleware).
        async with form_page_on_refusal(
            request, lambda errors: self._page(request, errors=errors, form="sponsor", values=values)
        ):
            logo = await store_form_file(
                form, "logo", ctx.settings.upload_dir, allowed=uploads.IMAGE_TYPES, max_bytes=LOGO_MAX_BYTES
            )
            await sponsors.create_sponsor(
                values,
                logo=(logo.web_name or logo.stored_name) if logo else "",
                actor_id=signed_in_user(request).id,
                now=ctx.now(),
                scope=organizer_scope(request),
            )
        flash(request, N_("The sponsor is recorded."))
        return redirect("/organizer/sponsors/")

    @post("/{sponsor_id:int}/pledges", opt=access(Access.organizer))
    async def pledge(self, request: Request, sponsor_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        values = asdict(await parse_form(request, PledgeForm))
        async with form_page_on_refusal(
            request,
            lambda errors: self._page(request, errors=errors, form="pledge", values=values, sponsor_id=sponsor_id),
        ):
            await sponsors.add_pledge(
                sponsor_id, values, actor_id=signed_in_user(request).id, now=ctx.now(), scope=organizer_scope(request)
            )
        flash(request, N_("The pledge is recorded."))
        return redirect("/organizer/sponsors/")

    @post(
        "/pledges/{pledge_id:int}/delivered",
        opt=access(Access.organizer, refuse_to="/organizer/sponsors/#pledge-{pledge_id}"),
    )
    async def delivered(self, request: Request, pledge_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        values = asdict(await parse_form(request, DeliveryForm))
        await sponsors.mark_delivered(
            pledge_id, values, actor_id=signed_in_user(request).id, now=ctx.now(), scope=organizer_scope(request)
        )
        flash(request, N_("The pledge is recorded as delivered."))
        return redirect(f"/organizer/sponsors/#pledge-{pledge_id}")


@get("/sponsors/{sponsor_id:int}/logo", opt=access(Access.public), include_in_schema=False)
async def sponsor_logo(sponsor_id: FromPath[int], ctx: NamedDependency[AppContext]) -> File:
    name = await sponsors.logo_of(sponsor_id)
    try:
        path = uploads.path_of(ctx.settings.upload_dir, name)
    except uploads.UploadError as exc:
        raise NotFound(N_("File not found.")) from exc
    if not path.is_file():
        raise NotFound(N_("File not found."))
    return File(
        path=path,
        filename=name,
        media_type="image/png" if name.endswith(".png") else "image/jpeg",
        content_disposition_type="inline",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"},
    )
