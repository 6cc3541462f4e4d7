"""The mentoring page of a signed-in person (their teams, requests and mentees), a team's needs,
and the answers to mentoring requests."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms
from accounts.errors import NotFound
from accounts.i18n import N_
from accounts.rules import Access
from mentoring import directory, mentorships, office_hours, requests, teams
from server.auth import signed_in_user
from server.context import AppContext
from server.controllers.mentoring.common import LABELS
from server.guards import access
from server.i18n import lang_of
from server.web import flash, form_page_on_refusal, parse_form, redirect, render


@dataclass
class NeedsForm:
    """What a team says it needs from a mentor (the domain checks the choices)."""

    sector: str = forms.text()
    stage: str = forms.text()
    mode: str = forms.text()
    place: str = forms.text()
    needs: list[str] = forms.texts()
    languages: list[str] = forms.texts()
    availability: list[str] = forms.texts()
    preferred: list[str] = forms.texts()


class MentoringHubController(Controller):
    path = "/mentoring"
    include_in_schema = False

    @get("/", opt=access(Access.authenticated))
    async def hub(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        me = signed_in_user(request)
        now = ctx.now()
        mine = await directory.profile_of_user(me.id)
        my_teams = []
        for idea in await teams.team_ideas(me.id):
            my_teams.append(
                {
                    "idea": idea,
                    "needs": await teams.needs_of(idea["id"]),
                    "requests": await requests.requests_of_team(idea["id"], now=now),
                    "mentorships": await mentorships.mentorships_of_idea(idea["id"]),
                }
            )
        return render(
            "mentoring/hub.html",
            labels=LABELS,
            teams=my_teams,
            mentor=mine,
            incoming=await requests.requests_for_mentor(mine["id"], now=now) if mine else [],
            mentees=await mentorships.mentorships_of_mentor(mine["id"]) if mine else [],
            slots=await office_hours.open_slots(mine["id"], now=now) if mine else [],
            errors={},
        )

    @get("/needs/{idea_id:int}", opt=access(Access.authenticated))
    async def needs_form(self, request: Request, idea_id: FromPath[int]) -> Template:
        ideas = {i["id"]: i for i in await teams.team_ideas(signed_in_user(request).id)}
        if idea_id not in ideas:
            raise NotFound(N_("This idea does not exist."))
        return render(
            "mentoring/needs.html",
            idea=ideas[idea_id],
            values=await teams.needs_of(idea_id),
            labels=LABELS,
            errors={},
            mentors=await directory.directory(),
        )

    @post("/needs/{idea_id:int}", opt=access(Access.authenticated))
    async def save_needs(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        values = asdict(await parse_form(request, NeedsForm))

        async def again(errors: dict[str, str]) -> Template:
            ideas = {i["id"]: i for i in await teams.team_ideas(signed_in_user(request).id)}
            return render(
                "mentoring/needs.html",
                idea=ideas[idea_id],
                values={**values, "idea": idea_id},
                labels=LABELS,
                errors=errors,
                mentors=await directory.directory(),
            )

        async with form_page_on_refusal(request, again):
            await teams.save_needs(idea_id, values, user_id=signed_in_user(request).id, now=ctx.now())
        flash(request, N_("Your team's needs are saved."))
        return redirect("/mentoring")

    @post("/requests/{request_id:int}/{answer:str}", opt=access(Access.authenticated, refuse_to="/mentoring"))
    async def answer(
        self, request: Request, request_id: FromPath[int], answer: FromPath[str], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await parse_form(request, forms.ReasonForm)
        me = signed_in_user(request)
        if answer == "cancel":
            await requests.cancel_request(request_id, user_id=me.id, now=ctx.now())
        elif answer in ("accept", "decline"):
            await requests.respond(
                request_id,
                mentor_user_id=me.id,
                accept=answer == "accept",
                reason=form.reason,
                now=ctx.now(),
                lang=lang_of(request),
            )
        else:
            raise NotFound(N_("This request does not exist."))
        flash(
            request,
            {
                "accept": N_("You accepted the team. Welcome aboard!"),
                "decline": N_("The team has been told."),
                "cancel": N_("The request is withdrawn."),
            }[answer],
        )
        return redirect("/mentoring")
