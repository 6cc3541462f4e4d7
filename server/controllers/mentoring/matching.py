"""Batch matching for the organizers: run it for the commune, adjust a proposal, publish the run."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts import forms
from accounts.i18n import N_
from accounts.rules import Access
from mentoring import match_runs
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import lang_of
from server.web import flash, home_commune, organizer_scope, parse_form, redirect

MATCHING = "/organizer/mentoring/#matching"  # where a refused matching action goes back to


@dataclass
class MatchingForm:
    """How a matching run chooses (the domain knows the modes): the best pairing overall unless told."""

    mode: str = forms.text(absent="optimal")


@dataclass
class AdjustForm:
    """The mentor chosen for a proposal (none when the choice is not an id)."""

    mentor: int | None = forms.identifier()


class OrganizerMatchingController(Controller):
    path = "/organizer/mentoring"
    include_in_schema = False

    @post("/matching", opt=access(Access.organizer, refuse_to=MATCHING))
    async def run(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        matching = await parse_form(request, MatchingForm)
        await match_runs.run_matching(
            home_commune(scope),
            mode=matching.mode,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=scope,
        )
        return redirect(MATCHING)

    @post("/proposals/{proposal_id:int}", opt=access(Access.organizer, refuse_to=MATCHING))
    async def adjust(self, request: Request, proposal_id: FromPath[int]) -> Response:
        mentor = (await parse_form(request, AdjustForm)).mentor
        await match_runs.adjust(
            proposal_id, mentor, actor_id=signed_in_user(request).id, scope=organizer_scope(request)
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
