"""The organizer's mentoring page (pipeline board, matching, the mentor pool) with its invitations
and approvals."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms
from accounts.i18n import N_
from accounts.rules import Access
from mentoring import common, directory, match_runs, pipeline
from server.auth import signed_in_user
from server.context import AppContext
from server.controllers.mentoring.common import LABELS
from server.guards import access
from server.i18n import lang_of, t
from server.web import flash, home_commune, organizer_scope, parse_form, redirect, render


class OrganizerMentoringController(Controller):
    path = "/organizer/mentoring"
    include_in_schema = False

    @get("/", opt=access(Access.organizer))
    async def page(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        scope = organizer_scope(request)
        run = await match_runs.latest_run(home_commune(scope))
        pending = await directory.pending_profiles()
        proposals = await match_runs.proposals(run["id"], scope=scope) if run else []
        return render(
            "mentoring/organizer.html",
            board=await pipeline.pipeline(scope=scope),
            labels=LABELS,
            run=run,
            proposals=proposals,
            pending=pending,
            mentors=await directory.directory(),
            explanations={p.id: self._explain(request, p) for p in proposals},
        )

    @staticmethod
    def _explain(request: Request, proposal: match_runs.ProposalRow) -> list[str]:
        lines = []
        for message, params in match_runs.explain_proposal(proposal.components, list(proposal.covered)):
            if "needs" in params:
                params = {"needs": ", ".join(t(request, common.EXPERTISE.get(n, str(n))) for n in params["needs"])}
            if "parts" in params:
                params = {
                    "parts": ", ".join(t(request, match_runs.COMPONENT_LABELS.get(p, p)) for p in params["parts"])
                }
            lines.append(t(request, message, **params))
        return lines

    @post("/invite", opt=access(Access.organizer, refuse_to="/organizer/mentoring/#mentors"))
    async def invite(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        # The mentor pool is city-wide: any organizer may invite an expert to it.
        invited = await parse_form(request, forms.ContactForm)
        channel = await directory.invite_mentor(
            invited.contact,
            actor_id=signed_in_user(request).id,
            base_url=ctx.settings.base_url,
            now=ctx.now(),
            lang=lang_of(request),
        )
        flash(
            request,
            N_("The invitation is in their inbox.")
            if channel == "inbox"
            else N_("The invitation has been sent by email."),
        )
        return redirect("/organizer/mentoring/#mentors")

    @post("/mentors/{mentor_id:int}/approve", opt=access(Access.organizer))
    async def approve(self, request: Request, mentor_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        # The mentor pool is city-wide: any organizer may approve a profile for it.
        await directory.approve(mentor_id, actor_id=signed_in_user(request).id, now=ctx.now())
        flash(request, N_("The mentor is approved and appears in the directory."))
        return redirect("/organizer/mentoring/#mentors")
