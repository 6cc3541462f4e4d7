"""The Department's dashboard across the communes: public figures, the city staff's view and its exports."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template

from accounts.i18n import N_
from accounts.rules import Access, is_city_organizer
from city import charts, dashboard, export
from city.period import parse_period
from contest.reports import AGE_BANDS
from server.auth import current_user
from server.context import AppContext
from server.guards import access, public
from server.i18n import t
from server.web import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _figures(request: Request, ctx: AppContext) -> tuple[dashboard.Figures, dict[str, str], dict[str, str]]:
    typed = {"from": request.query_params.get("from", ""), "to": request.query_params.get("to", "")}
    period, problems = parse_period(typed["from"], typed["to"], now=ctx.now())
    errors = {name: t(request, message, **params) for name, (message, params) in problems.items()}
    return await dashboard.compute(period), typed, errors


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
        period_query = {"from": first, "to": last}

        def sort_link(key: str) -> str:
            flip = "asc" if (key == sort and descending) or (key != sort and key == "name") else "desc"
            return "/city?" + urlencode({**period_query, "sort": key, "dir": flip})

        unknown = t(request, N_("Age not given"))
        city = figures.city
        chart_list = [
            charts.bars_svg(t(request, N_("Ideas submitted, by commune")), [(c["name"], c["ideas"]) for c in rows]),
            charts.bars_svg(t(request, N_("Turnout of the public votes, by commune")),
                            [(c["name"], c["turnout"] or 0) for c in rows], unit="%"),
            charts.bars_svg(t(request, N_("Ideas in incubation, by stage")),
                            [(t(request, dashboard.STAGE_LABELS[s]), city.get(f"stage_{s}", 0)) for s in dashboard.STAGES]),
            charts.bars_svg(t(request, N_("Young people taking part, by age")),
                            [(unknown if b == "?" else b, figures.youth_by_age.get(None, {}).get(b, 0)) for b in AGE_BANDS]),
        ]
        return render("city/dashboard.html", figures=figures, rows=rows, city=city, charts=chart_list,
                      columns=dashboard.COLUMNS, sort=sort, descending=descending, sort_link=sort_link,
                      typed=shown, errors=errors, staff=is_city_organizer(current_user(request)),
                      stages=dashboard.STAGES, stage_labels=dashboard.STAGE_LABELS, ventures=dashboard.VENTURES,
                      venture_labels=dashboard.VENTURE_LABELS, age_bands=AGE_BANDS,
                      export_query=urlencode(period_query))

    @get("/export.csv", opt=access(Access.city))
    async def export_csv(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        figures, _, _ = await _figures(request, ctx)
        return Response(export.csv(figures, ctx.now()), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{export.filename(figures, "csv")}"'})

    @get("/export.xlsx", opt=access(Access.city))
    async def export_xlsx(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        figures, _, _ = await _figures(request, ctx)
        return Response(export.xlsx(figures, ctx.now()), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{export.filename(figures, "xlsx")}"'})

