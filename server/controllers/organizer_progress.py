"""Organizers follow a round's judging (each judge's sheets, reminders, conflicts) and carry its
shortlist into the next round."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts.i18n import N_
from accounts.rules import Access
from contest import chaining, progress
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import lang_of
from server.web import flash, organizer_scope, redirect, render

PROGRESS = "/organizer/rounds/{round_id}/judging/progress"  # where a refused action goes back to


class OrganizerProgressController(Controller):
    path = "/organizer/rounds/{round_id:int}"
    include_in_schema = False

    @staticmethod
    def _back(round_id: int, anchor: str = "") -> Response:
        return redirect(f"/organizer/rounds/{round_id}/judging/progress{anchor}")

    @get("/judging/progress", opt=access(Access.organizer))
    async def page(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Template:
        data = await progress.judge_progress(round_id, scope=organizer_scope(request, round_id=round_id), now=ctx.now())
        return render("organizer/judging_progress.html", now=ctx.now(), **data)

    @post(
        "/judging/progress/judges/{judge_id:int}/remind",
        opt=access(Access.organizer, refuse_to=PROGRESS + "#judges"),
    )
    async def remind(
        self, request: Request, round_id: FromPath[int], judge_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        await progress.remind_judge(
            round_id,
            judge_id,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
            lang=lang_of(request),
            base_url=ctx.settings.base_url,
        )
        flash(request, N_("The judge has been reminded."))
        return self._back(round_id, "#judges")

    @post("/advance", opt=access(Access.organizer, refuse_to=PROGRESS + "#next-round"))
    async def advance(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        result = await chaining.advance(
            round_id,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
            lang=lang_of(request),
            base_url=ctx.settings.base_url,
        )
        flash(
            request,
            N_("%(count)s entries went through to %(round)s; every team has been told."),
            count=result["through"],
            round=result["next"]["name"],
        )
        return self._back(round_id, "#next-round")

    @post("/advance/undo", opt=access(Access.organizer, refuse_to=PROGRESS + "#next-round"))
    async def undo(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        count = await chaining.undo_advance(
            round_id,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
            lang=lang_of(request),
            base_url=ctx.settings.base_url,
        )
        flash(request, N_("%(count)s entries were taken back out of the next round."), count=count)
        return self._back(round_id, "#next-round")
