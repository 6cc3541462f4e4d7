"""Batch matching for the organizers: run it for the commune, adjust a proposal, publish the run."""

from __future__ import annotations

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts.i18n import N_
from accounts.rules import Access
from accounts.text import as_id
from mentoring import match_runs
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import lang_of
from server.web import flash, form_data, home_commune, organizer_scope, redirect

MATCHING = "/organizer/mentoring/#matching"  # where a refused matching action goes back to


class OrganizerMatchingController(Controller):
    path = "/organizer/mentoring"
    include_in_schema = False

    @post("/matching", opt=access(Access.organizer, refuse_to=MATCHING))
    async def run(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        form = await form_data(request)
        await match_runs.run_matching(
            home_commune(scope),
            mode=form.get("mode", "optimal"),
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=scope,
        )
        return redirect(MATCHING)

    @post("/proposals/{proposal_id:int}", opt=access(Access.organizer, refuse_to=MATCHING))
    async def adjust(self, request: Request, proposal_id: FromPath[int]) -> Response:
        form = await form_data(request)
        mentor = form.get("mentor", "")
        await match_runs.adjust(
            proposal_id, as_id(mentor), actor_id=signed_in_user(request).id, scope=organizer_scope(request)
        )
        return redirect(MATCHING)

    @post("/runs/{run_id:int}/publish", opt=access(Access.organizer, refuse_to=MATCHING))
    async def publish(self, request: Request, run_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        count = await match_runs.publish_run(
            run_id,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            lang=lang_of(request),
            scope=organizer_scope(request),
        )
        flash(request, N_("%(count)s mentorships started; the teams and mentors have been told."), count=count)
        return redirect(MATCHING)
