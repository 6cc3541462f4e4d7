"""Organizers plan a contest's rounds on one page: the timeline, adding, editing and deleting rounds,
extending a deadline (with a preview of what moves) and opening or closing a phase now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms
from accounts.i18n import N_
from accounts.localtime import EXAMPLE, HTML_PATTERN, format_local
from accounts.rules import Access
from contest import phases, timeline
from contest.rounds import RoundRow, round_row
from contest.services import ContestRef
from contest.timeline import RoundForm
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import t
from server.web import flash, form_data, form_page_on_refusal, organizer_scope, parse_form, redirect, refuse_to, render

NOW_DONE = {
    "open": N_("%(phase)s is open from now on."),
    "close": N_("%(phase)s is closed from now on."),
}


def _common() -> dict[str, Any]:
    return {
        "fmt": format_local,
        "pattern": HTML_PATTERN,
        "example": EXAMPLE,
        "phase_names": timeline.PHASE_NAMES,
        "labels": timeline.MILESTONE_LABELS,
        "Phase": phases.Phase,
    }


def _form_page(
    *,
    contest: ContestRef,
    form: RoundForm,
    round_: RoundRow | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return render(
        "organizer/round_form.html",
        status=status,
        contest=contest,
        form=form,
        round=round_,
        errors=errors or {},
        **_common(),
    )


def _extend_page(
    *,
    round_: RoundRow,
    phase: str,
    new_end: str,
    plan: timeline.Extension | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return render(
        "organizer/round_extend.html",
        contest=_contest_of(round_),
        status=status,
        round=round_,
        phase=phase,
        new_end=new_end,
        plan=plan,
        errors=errors or {},
        **_common(),
    )


@dataclass
class ExtendForm:
    """Extending a phase: which (the submission unless told), its new end as typed (``new_end``, or the
    round form's ``submission_closes``; the domain reads the date), and ``confirm=1`` once previewed."""

    phase: str = forms.text()
    new_end: str = forms.text()
    submission_closes: str = forms.text()
    confirm: bool = forms.checked("1")


@dataclass
class NowForm:
    """ "Open now" / "Close now": the action and the phase (the domain checks both)."""

    action: str = forms.text()
    phase: str = forms.text()


class OrganizerRoundsController(Controller):
    path = "/organizer"
    include_in_schema = False

    @get("/contests/{slug:str}/rounds", opt=access(Access.organizer))
    async def rounds(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        contest = await timeline.contest_in_scope(slug, scope=organizer_scope(request))
        return render(
            "organizer/rounds.html",
            contest=contest,
            items=await timeline.overview(contest.id, now=ctx.now()),
            **_common(),
        )

    @get("/contests/{slug:str}/rounds/new", opt=access(Access.organizer))
    async def new(self, request: Request, slug: FromPath[str]) -> Template:
        contest = await timeline.contest_in_scope(slug, scope=organizer_scope(request))
        first = not await timeline.contest_rounds(contest.id)
        return _form_page(contest=contest, form=RoundForm(takes_entries=first))

    @post("/contests/{slug:str}/rounds/new", opt=access(Access.organizer))
    async def create(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        contest = await timeline.contest_in_scope(slug, scope=scope)
        form = RoundForm.from_form(await form_data(request))
        async with form_page_on_refusal(request, lambda errors: _form_page(contest=contest, form=form, errors=errors)):
            await timeline.add_round(slug, form, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope)
        flash(request, N_("The round has been added."))
        return redirect(f"/organizer/contests/{contest.slug}/rounds")

    @get("/rounds/{round_id:int}/edit", opt=access(Access.organizer))
    async def edit(self, request: Request, round_id: FromPath[int]) -> Template:
        scope = organizer_scope(request)
        round_ = await round_row(round_id, scope=scope)
        return _form_page(contest=_contest_of(round_), form=RoundForm.of_round(round_), round_=round_)

    @post("/rounds/{round_id:int}/edit", opt=access(Access.organizer))
    async def save(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        round_ = await round_row(round_id, scope=scope)
        form = RoundForm.from_form(await form_data(request))
        async with form_page_on_refusal(
            request, lambda errors: _form_page(contest=_contest_of(round_), form=form, round_=round_, errors=errors)
        ):
            await timeline.edit_round(round_id, form, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope)
        flash(request, N_("The round has been saved."))
        return redirect(f"/organizer/contests/{round_.contest_slug}/rounds")

    @post("/rounds/{round_id:int}/delete", opt=access(Access.organizer))
    async def delete(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        round_ = await round_row(round_id, scope=scope)
        refuse_to(request, f"/organizer/contests/{round_.contest_slug}/rounds#round-{round_id}")
        await timeline.delete_round(round_id, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope)
        flash(request, N_("The round has been deleted."))
        return redirect(f"/organizer/contests/{round_.contest_slug}/rounds")

    @post("/rounds/{round_id:int}/extend", opt=access(Access.organizer))
    async def extend(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        """Without ``confirm``: the preview of what moves. With ``confirm=1``: the extension itself."""
        scope = organizer_scope(request)
        round_ = await round_row(round_id, scope=scope)
        form = await parse_form(request, ExtendForm)
        phase = form.phase or "submission"
        new_end = (form.new_end or form.submission_closes).strip()
        async with form_page_on_refusal(
            request, lambda errors: _extend_page(round_=round_, phase=phase, new_end=new_end, errors=errors)
        ):
            if not form.confirm:
                plan = await timeline.preview_extension(round_id, phase, new_end, now=ctx.now(), scope=scope)
                return _extend_page(round_=round_, phase=phase, new_end=new_end, plan=plan)
            await timeline.extend(
                round_id, phase, new_end, actor_id=signed_in_user(request).id, now=ctx.now(), scope=scope
            )
        flash(request, N_("The deadline has been extended; the later dates moved with it."))
        return redirect(f"/organizer/contests/{round_.contest_slug}/rounds#round-{round_id}")

    @post("/rounds/{round_id:int}/now", opt=access(Access.organizer))
    async def now(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        """ "Open now" / "Close now" for the round's current or next phase."""
        scope = organizer_scope(request)
        round_ = await round_row(round_id, scope=scope)
        form = await parse_form(request, NowForm)
        action = form.action
        back = f"/organizer/contests/{round_.contest_slug}/rounds#round-{round_id}"
        refuse_to(request, back)
        phase = await timeline.act_now(
            round_id,
            action,
            form.phase,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=scope,
        )
        flash(request, NOW_DONE[action], phase=t(request, timeline.PHASE_NAMES[phase]))
        return redirect(back)


def _contest_of(round_: RoundRow) -> ContestRef:
    """The round's contest as the pages read it (like ``timeline.contest_in_scope``)."""
    return ContestRef(id=round_.contest, commune=round_.commune, slug=round_.contest_slug, title=round_.contest_title)
