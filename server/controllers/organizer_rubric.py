"""Organizer pages: a round's rubric (criteria, weights, scales, level descriptors) and a contest's awards."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms
from accounts.errors import DomainError
from accounts.i18n import N_
from accounts.rules import Access
from contest import rubric
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.web import flash, form_page_on_refusal, organizer_scope, parse_form, redirect, render

TYPED = 20_000  # characters of a field kept as typed (the domain checks the lengths)
EMPTY_CRITERION = {"name": "", "description": "", "weight": "1", "scale_min": "1", "scale_max": "5", "descriptors": ""}
EMPTY_AWARD = {"name": "", "rank": "1", "prize": "", "basis": "combined"}
RUBRIC = "/organizer/rounds/{round_id}/rubric/"  # where a refused change of the rubric goes back to
AWARDS = "/organizer/contests/{slug}/awards/"


@dataclass
class CriterionForm:
    """A criterion of the rubric as typed: the domain reads the weight, the scale and the descriptors."""

    name: str = forms.text(limit=TYPED)
    description: str = forms.text(limit=TYPED)
    weight: str = forms.text(limit=TYPED)
    scale_min: str = forms.text(limit=TYPED)
    scale_max: str = forms.text(limit=TYPED)
    descriptors: str = forms.text(limit=TYPED)


@dataclass
class AwardForm:
    """An award as typed: the domain reads the rank and the basis."""

    name: str = forms.text(limit=TYPED)
    rank: str = forms.text(limit=TYPED)
    prize: str = forms.text(limit=TYPED)
    basis: str = forms.text(limit=TYPED)


@dataclass
class MoveForm:
    """Which way a criterion moves in the rubric's order (the domain knows the directions)."""

    direction: str = forms.text()


def _status(error: DomainError) -> int:
    return 409 if isinstance(error, rubric.Locked) else 400


class RubricController(Controller):
    path = "/organizer/rounds/{round_id:int}/rubric"
    include_in_schema = False

    async def _page(
        self,
        request: Request,
        round_id: int,
        ctx: AppContext,
        *,
        form: dict | None = None,
        errors: dict | None = None,
        status: int = 200,
    ) -> Template:
        data = await rubric.rubric_page(round_id, scope=organizer_scope(request, round_id=round_id), now=ctx.now())
        return render("organizer/rubric.html", **data, form=form or EMPTY_CRITERION, errors=errors or {}, status=status)

    @get("/", opt=access(Access.organizer))
    async def page(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Template:
        return await self._page(request, round_id, ctx)

    @post("/", opt=access(Access.organizer))
    async def add(self, request: Request, round_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        typed = asdict(await parse_form(request, CriterionForm))
        async with form_page_on_refusal(
            request,
            lambda errors: self._page(request, round_id, ctx, form=typed, errors=errors),
            status=_status,
        ):
            await rubric.add_criterion(
                round_id,
                typed,
                actor_id=signed_in_user(request).id,
                now=ctx.now(),
                scope=organizer_scope(request, round_id=round_id),
            )
        flash(request, N_("The criterion is added to the rubric."))
        return redirect(f"/organizer/rounds/{round_id}/rubric/")

    async def _edit_page(
        self,
        request: Request,
        round_id: int,
        criterion_id: int,
        ctx: AppContext,
        *,
        form: dict | None = None,
        errors: dict | None = None,
        status: int = 200,
    ) -> Template:
        scope = organizer_scope(request, round_id=round_id)
        round_ = await rubric.round_for_rubric(round_id, scope=scope)
        criterion = await rubric.criterion_of(round_id, criterion_id, scope=scope)
        return render(
            "organizer/criterion.html",
            round=round_,
            criterion=criterion,
            form=form or rubric.criterion_form(criterion),
            errors=errors or {},
            lock=await rubric.round_lock(round_id, ctx.now()),
            status=status,
        )

    @get("/{criterion_id:int}", opt=access(Access.organizer))
    async def edit(
        self, request: Request, round_id: FromPath[int], criterion_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        return await self._edit_page(request, round_id, criterion_id, ctx)

    @post("/{criterion_id:int}", opt=access(Access.organizer))
    async def save(
        self, request: Request, round_id: FromPath[int], criterion_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        typed = asdict(await parse_form(request, CriterionForm))
        async with form_page_on_refusal(
            request,
            lambda errors: self._edit_page(request, round_id, criterion_id, ctx, form=typed, errors=errors),
            status=_status,
        ):
            await rubric.update_criterion(
                round_id,
                criterion_id,
                typed,
                actor_id=signed_in_user(request).id,
                now=ctx.now(),
                scope=organizer_scope(request, round_id=round_id),
            )
        flash(request, N_("The criterion is saved."))
        return redirect(f"/organizer/rounds/{round_id}/rubric/")

    @post("/{criterion_id:int}/delete", opt=access(Access.organizer, refuse_to=RUBRIC))
    async def delete(
        self, request: Request, round_id: FromPath[int], criterion_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        await rubric.delete_criterion(
            round_id,
            criterion_id,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        flash(request, N_("The criterion is removed from the rubric."))
        return redirect(f"/organizer/rounds/{round_id}/rubric/")

    @post("/{criterion_id:int}/move", opt=access(Access.organizer, refuse_to=RUBRIC))
    async def move(
        self, request: Request, round_id: FromPath[int], criterion_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        direction = (await parse_form(request, MoveForm)).direction
        await rubric.move_criterion(
            round_id,
            criterion_id,
            direction,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request, round_id=round_id),
        )
        flash(request, N_("The order of the criteria is saved."))
        return redirect(f"/organizer/rounds/{round_id}/rubric/#criterion-{criterion_id}")


class AwardsController(Controller):
    path = "/organizer/contests/{slug:str}/awards"
    include_in_schema = False

    async def _page(
        self,
        request: Request,
        slug: str,
        ctx: AppContext,
        *,
        form: dict | None = None,
        errors: dict | None = None,
        status: int = 200,
    ) -> Template:
        data = await rubric.awards_page(slug, scope=organizer_scope(request), now=ctx.now())
        return render(
            "organizer/awards.html",
            **data,
            bases=rubric.BASES,
            form=form or EMPTY_AWARD,
            errors=errors or {},
            status=status,
        )

    @get("/", opt=access(Access.organizer))
    async def page(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        return await self._page(request, slug, ctx)

    @post("/", opt=access(Access.organizer))
    async def add(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Response:
        typed = asdict(await parse_form(request, AwardForm))
        async with form_page_on_refusal(
            request,
            lambda errors: self._page(request, slug, ctx, form=typed, errors=errors),
            status=_status,
        ):
            await rubric.add_award(
                slug, typed, actor_id=signed_in_user(request).id, now=ctx.now(), scope=organizer_scope(request)
            )
        flash(request, N_("The award is added."))
        return redirect(f"/organizer/contests/{slug}/awards/")

    async def _edit_page(
        self,
        request: Request,
        slug: str,
        award_id: int,
        ctx: AppContext,
        *,
        form: dict | None = None,
        errors: dict | None = None,
        status: int = 200,
    ) -> Template:
        scope = organizer_scope(request)
        award = await rubric.award_of(slug, award_id, scope=scope)
        contest = await rubric.contest_for_awards(slug, scope=scope)
        return render(
            "organizer/award.html",
            contest=contest,
            award=award,
            bases=rubric.BASES,
            form=form or rubric.award_form(award),
            errors=errors or {},
            lock=await rubric.contest_lock(contest.id, ctx.now()),
            status=status,
        )

    @get("/{award_id:int}", opt=access(Access.organizer))
    async def edit(
        self, request: Request, slug: FromPath[str], award_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        return await self._edit_page(request, slug, award_id, ctx)

    @post("/{award_id:int}", opt=access(Access.organizer))
    async def save(
        self, request: Request, slug: FromPath[str], award_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        typed = asdict(await parse_form(request, AwardForm))
        async with form_page_on_refusal(
            request,
            lambda errors: self._edit_page(request, slug, award_id, ctx, form=typed, errors=errors),
            status=_status,
        ):
            await rubric.update_award(
                slug,
                award_id,
                typed,
                actor_id=signed_in_user(request).id,
                now=ctx.now(),
                scope=organizer_scope(request),
            )
        flash(request, N_("The award is saved."))
        return redirect(f"/organizer/contests/{slug}/awards/")

    @post("/{award_id:int}/delete", opt=access(Access.organizer, refuse_to=AWARDS))
    async def delete(
        self, request: Request, slug: FromPath[str], award_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        await rubric.delete_award(
            slug, award_id, actor_id=signed_in_user(request).id, now=ctx.now(), scope=organizer_scope(request)
        )
        flash(request, N_("The award is removed."))
        return redirect(f"/organizer/contests/{slug}/awards/")
