"""The city final's pages: a commune organizer nominates and follows the commune's nominees, the team
confirms or declines, the city organizers see every nomination of their final."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms
from accounts.errors import ValidationFailed
from accounts.i18n import N_
from accounts.rules import Access
from city import final
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import lang_of
from server.web import flash, form_data, form_page_on_refusal, organizer_scope, parse_form, redirect, render


@dataclass
class NominationForm:
    """A commune's nomination of one of its ideas to a city final."""

    idea: int = forms.integer(N_("Choose the idea to nominate."), required=True)
    note: str = forms.text()


@dataclass
class LimitForm:
    """How many ideas each commune may nominate (the domain refuses a number out of its range)."""

    per_commune: int = forms.whole(-1)


class CityFinalOrganizerController(Controller):
    """Commune organizers nominate to the city finals and follow their nominees; the city organizers
    (organizers of the city level) see every nomination of their finals."""

    path = "/organizer/city-final"
    include_in_schema = False

    @get("/", opt=access(Access.organizer))
    async def index(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        scope = organizer_scope(request)
        return render(
            "city/final_index.html",
            finals=await final.finals(),
            running=await final.finals_in(scope),
            progress=await final.commune_progress(scope=scope, now=ctx.now()),
            status_labels=final.STATUS_LABELS,
            now=ctx.now(),
            is_open=final.nominations_open,
        )

    async def _nominate_page(
        self,
        request: Request,
        ctx: AppContext,
        final_id: int,
        *,
        status: int = 200,
        errors: dict | None = None,
        values: dict | None = None,
    ) -> Template:
        scope = organizer_scope(request)
        data = await final.candidates(final_id, scope=scope, now=ctx.now())
        return render(
            "city/final_nominate.html",
            status=status,
            data=data,
            final=data["final"],
            used=sum(data["used"].values()) if len(data["used"]) <= 1 else None,
            errors=errors or {},
            values=values or {},
            status_labels=final.STATUS_LABELS,
        )

    @get("/{final_id:int}", opt=access(Access.organizer))
    async def nominate_page(
        self, request: Request, final_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        return await self._nominate_page(request, ctx, final_id)

    @post("/{final_id:int}/nominations", opt=access(Access.organizer))
    async def nominate(self, request: Request, final_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        values = forms.typed(NominationForm, await form_data(request))
        async with form_page_on_refusal(
            request, lambda errors: self._nominate_page(request, ctx, final_id, errors=errors, values=values)
        ):
            nomination = await parse_form(request, NominationForm)
            await final.nominate(
                final_id,
                nomination.idea,
                note=nomination.note,
                actor_id=signed_in_user(request).id,
                now=ctx.now(),
                scope=organizer_scope(request),
                lang=lang_of(request),
            )
        flash(request, N_("The idea is nominated. Its team is asked to confirm."))
        return redirect(f"/organizer/city-final/{final_id}")

    @get("/{final_id:int}/entries", opt=access(Access.organizer))
    async def entries(self, request: Request, final_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Template:
        data = await final.entries(final_id, scope=organizer_scope(request))
        return render(
            "city/final_entries.html",
            data=data,
            final=data["final"],
            status_labels=final.STATUS_LABELS,
            errors={},
        )

    @post("/{final_id:int}/limit", opt=access(Access.organizer, refuse_to="/organizer/city-final/{final_id}/entries"))
    async def limit(self, request: Request, final_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        limit = await parse_form(request, LimitForm)
        await final.set_per_commune(
            final_id,
            limit.per_commune,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request),
        )
        flash(request, N_("The number of places per commune is saved."))
        return redirect(f"/organizer/city-final/{final_id}/entries")


@dataclass
class AnswerForm:
    """The team lead's answer to a nomination, with the judges' comments they agree to share."""

    answer: str = forms.text()
    shared: list[int] = forms.integers()


class CityNominationsController(Controller):
    """The team lead answers the commune's nomination to a city final."""

    path = "/my/city-nominations"
    include_in_schema = False

    @get("/", opt=access(Access.authenticated))
    async def index(self, request: Request) -> Template:
        return render(
            "city/final_team_list.html",
            rows=await final.team_nominations(signed_in_user(request).id),
            status_labels=final.STATUS_LABELS,
        )

    async def _page(self, request: Request, nomination_id: int, *, status: int = 200, errors: dict | None = None):
        row = await final.nomination_page(nomination_id, user_id=signed_in_user(request).id)
        return render(
            "city/final_team.html", status=status, row=row, errors=errors or {}, status_labels=final.STATUS_LABELS
        )

    @get("/{nomination_id:int}", opt=access(Access.authenticated))
    async def show(self, request: Request, nomination_id: FromPath[int]) -> Template:
        return await self._page(request, nomination_id)

    @post("/{nomination_id:int}", opt=access(Access.authenticated))
    async def answer(
        self, request: Request, nomination_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        reply = await parse_form(request, AnswerForm)
        accept = reply.answer == "confirm"
        async with form_page_on_refusal(request, lambda errors: self._page(request, nomination_id, errors=errors)):
            if reply.answer not in ("confirm", "decline"):
                raise ValidationFailed({"answer": N_("Choose to confirm or to decline.")})
            await final.respond(
                nomination_id, user_id=signed_in_user(request).id, accept=accept, shared=reply.shared, now=ctx.now()
            )
        flash(
            request,
            N_("Your idea is in the city final.") if accept else N_("You declined the nomination."),
        )
        return redirect(f"/my/city-nominations/{nomination_id}")
