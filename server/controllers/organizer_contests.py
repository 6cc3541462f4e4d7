"""Organizers create and edit their contests here (title, address, texts, eligibility, fields, cover)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms, limits
from accounts.i18n import N_
from accounts.rules import Access
from contest import authoring, uploads
from contest.authoring import ContestForm
from contest.services import ContestRow
from contest.uploads import StoredFile, UploadError
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.uploads import store_form_file
from server.web import flash, form_data, form_page_on_refusal, organizer_scope, parse_form, redirect, render

BODY_LIMIT = uploads.MAX_BYTES + 2 * 1024 * 1024  # a cover image and the texts


async def _store_cover(form: FormMultiDict, ctx: AppContext) -> StoredFile | None:
    """The cover image of the form, checked by its bytes and stored; ``ValidationFailed`` on the field."""
    return await store_form_file(form, "cover", ctx.settings.upload_dir, allowed=uploads.IMAGE_TYPES)


def _page(
    *,
    form: ContestForm,
    status: int = 200,
    errors: dict[str, str] | None = None,
    contest: ContestRow | None = None,
    used: dict[int, int] | None = None,
    communes: list[dict[str, Any]] | None = None,
    preview: dict[str, Any] | None = None,
) -> Template:
    return render(
        "organizer/contest_form.html",
        status=status,
        form=form.with_blank_rows(),
        errors=errors or {},
        contest=contest,
        used=used or {},
        communes=communes or [],
        preview=preview,
        limits=limits,
        age_low=authoring.AGE_LOW,
        age_high=authoring.AGE_HIGH,
        ideas_high=authoring.IDEAS_HIGH,
        max_mb=uploads.MAX_BYTES // (1024 * 1024),
    )


@dataclass
class ContestButtons:
    """The button pressed on the contest form (preview or save) and the box to remove the cover; the
    contest's own fields are read by ``ContestForm``."""

    action: str = forms.text()
    remove_cover: bool = forms.checked()


class OrganizerContestsController(Controller):
    path = "/organizer/contests"
    include_in_schema = False

    @get("/new", opt=access(Access.organizer))
    async def new(self, request: Request) -> Template:
        return _page(form=ContestForm(), communes=await authoring.commune_choices(organizer_scope(request)))

    @post("/new", opt=access(Access.organizer), request_max_body_size=BODY_LIMIT)
    async def create(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        form = await form_data(request)
        typed = ContestForm.from_mapping(form)
        if (await parse_form(request, ContestButtons)).action == "preview":
            preview = authoring.preview(typed)
            typed.slug = typed.slug or preview["slug"]  # the address proposed from the title, to keep or change
            return _page(form=typed, communes=await authoring.commune_choices(scope), preview=preview)

        async def again(errors: dict[str, str]) -> Template:
            return _page(form=typed, errors=errors, communes=await authoring.commune_choices(scope))

        # The cover stored for a refused form is removed with the failed request (UploadCleanupMiddleware).
        async with form_page_on_refusal(request, again):
            cover = await _store_cover(form, ctx)
            slug = await authoring.create_contest(
                typed, scope=scope, actor_id=signed_in_user(request).id, now=ctx.now(), cover=cover
            )
        flash(request, N_("The contest has been created as a draft. Add its rounds with their dates, then publish it."))
        return redirect(f"/organizer/contests/{slug}")

    @get("/{slug:str}/edit", opt=access(Access.organizer))
    async def edit(self, request: Request, slug: FromPath[str]) -> Template:
        contest, typed, used = await authoring.contest_to_edit(slug, scope=organizer_scope(request))
        return _page(form=typed, contest=contest, used=used)

    @post("/{slug:str}/edit", opt=access(Access.organizer), request_max_body_size=BODY_LIMIT)
    async def update(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        contest, _, used = await authoring.contest_to_edit(slug, scope=scope)
        form = await form_data(request)
        typed = ContestForm.from_mapping(form)
        buttons = await parse_form(request, ContestButtons)
        if buttons.action == "preview":
            return _page(form=typed, contest=contest, used=used, preview=authoring.preview(typed))
        async with form_page_on_refusal(
            request, lambda errors: _page(form=typed, errors=errors, contest=contest, used=used)
        ):
            cover = await _store_cover(form, ctx)
            new_slug, old_cover = await authoring.update_contest(
                slug,
                typed,
                scope=scope,
                actor_id=signed_in_user(request).id,
                now=ctx.now(),
                cover=cover,
                remove_cover=buttons.remove_cover,
            )
        if old_cover:
            with contextlib.suppress(UploadError):  # not a name we generate: nothing of ours to remove
                uploads.delete(ctx.settings.upload_dir, old_cover)
        flash(request, N_("The contest has been saved."))
        return redirect(f"/organizer/contests/{new_slug}")
