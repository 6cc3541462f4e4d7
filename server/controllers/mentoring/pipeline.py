"""The incubation pipeline for the organizers: move an idea to a stage, download the board."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts import forms
from accounts.i18n import N_
from accounts.rules import Access
from contest.reports import csv_bytes, xlsx_bytes
from mentoring import common, pipeline
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import t
from server.web import flash, organizer_scope, parse_form, redirect


@dataclass
class StageForm:
    """An idea's move on the incubation pipeline: the stage, the gates ticked, the outcome."""

    stage: str = forms.text()
    gate: list[str] = forms.texts()
    outcome: str = forms.text()


class OrganizerPipelineController(Controller):
    path = "/organizer/mentoring"
    include_in_schema = False

    @post("/pipeline/{idea_id:int}", opt=access(Access.organizer, refuse_to="/organizer/mentoring/#pipeline"))
    async def stage(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        move = await parse_form(request, StageForm)
        await pipeline.set_stage(
            idea_id,
            stage=move.stage,
            checklist=move.gate,
            outcome=move.outcome,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request),
        )
        flash(request, N_("The pipeline is updated."))
        return redirect("/organizer/mentoring/#pipeline")

    async def _pipeline_rows(self, request: Request) -> tuple[list[str], list[list]]:
        board = await pipeline.pipeline(scope=organizer_scope(request))
        headers = [
            t(request, h)
            for h in (N_("Code"), N_("Title"), N_("Team lead"), N_("Stage"), N_("Outcome"), N_("Last change"))
        ]
        rows = [
            [
                r.code,
                r.title,
                r.lead_name,
                t(request, common.STAGE_LABELS[stage]),
                t(request, pipeline.OUTCOMES[r.outcome]) if r.outcome in pipeline.OUTCOMES else "",
                r.updated_at,
            ]
            for stage, items in board.items()
            for r in items
        ]
        return headers, rows

    @get("/pipeline.csv", opt=access(Access.organizer))
    async def pipeline_csv(self, request: Request) -> Response:
        headers, rows = await self._pipeline_rows(request)
        return Response(
            csv_bytes(headers, rows),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="uom-tao.csv"'},
        )

    @get("/pipeline.xlsx", opt=access(Access.organizer))
    async def pipeline_xlsx(self, request: Request) -> Response:
        headers, rows = await self._pipeline_rows(request)
        return Response(
            xlsx_bytes(t(request, N_("Incubation pipeline")), headers, rows),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="uom-tao.xlsx"'},
        )
