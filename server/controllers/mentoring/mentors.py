"""The mentor directory and a mentor's page (public), a team's request to a mentor, and the
form where an expert applies to the pool."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Template

from accounts import forms
from accounts.errors import NotFound
from accounts.i18n import N_
from accounts.rules import Access
from contest import uploads
from mentoring import directory, office_hours, requests, teams
from server.auth import current_user, signed_in_user
from server.context import AppContext
from server.controllers.mentoring.common import LABELS
from server.guards import access
from server.i18n import lang_of
from server.uploads import store_form_file
from server.web import flash, form_data, form_page_on_refusal, parse_form, redirect, render

# The form of a new mentor profile: every field the page shows, blank.
NEW_PROFILE: dict[str, Any] = {
    **dict.fromkeys(("title", "bio", "free_tags", "capacity", "mode", "place"), ""),
    **{key: [] for key in ("expertise", "sectors", "languages", "stages", "availability")},
    "organization": None,
}


@dataclass
class MentorRequestForm:
    """A team's request to a mentor: the idea it is for and a message."""

    idea: int | None = forms.identifier()
    message: str = forms.text()


@dataclass
class MentorProfileForm:
    """A mentor's profile as typed (the domain reads the capacity and checks every field), the boxes
    ticked for each list, and the organization chosen."""

    title: str = forms.text()
    bio: str = forms.text()
    free_tags: str = forms.text()
    capacity: str = forms.text()
    mode: str = forms.text()
    place: str = forms.text()
    expertise: list[str] = forms.texts()
    sectors: list[str] = forms.texts()
    languages: list[str] = forms.texts()
    stages: list[str] = forms.texts()
    availability: list[str] = forms.texts()
    organization: int | None = forms.identifier()


class MentorsController(Controller):
    path = "/mentors"
    include_in_schema = False

    @get("/", opt=access(Access.public))
    async def directory(
        self,
        q: FromQuery[str] = "",
        expertise: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        sector: FromQuery[str] = "",
        available: FromQuery[str] = "",
    ) -> Template:
        mentors = await directory.directory(
            q=q[:200], expertise=expertise, org_kind=kind, sector=sector, available=available == "1"
        )
        return render(
            "mentoring/directory.html",
            mentors=mentors,
            labels=LABELS,
            filters={"q": q, "expertise": expertise, "kind": kind, "sector": sector, "available": available},
        )

    @get("/{mentor_id:int}", opt=access(Access.public))
    async def mentor(self, request: Request, mentor_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Template:
        me = current_user(request)
        ideas = await teams.team_ideas(me.id) if me else []
        return render(
            "mentoring/mentor.html",
            mentor=await directory.mentor_page(mentor_id),
            labels=LABELS,
            ideas=ideas,
            slots=await office_hours.open_slots(mentor_id, now=ctx.now()),
            errors={},
            values={},
        )

    @post("/{mentor_id:int}/request", opt=access(Access.authenticated))
    async def request_mentor(
        self, request: Request, mentor_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        asked = await parse_form(request, MentorRequestForm)
        typed = forms.typed(MentorRequestForm, await form_data(request))

        async def again(errors: dict[str, str]) -> Template:
            return render(
                "mentoring/mentor.html",
                mentor=await directory.mentor_page(mentor_id),
                labels=LABELS,
                ideas=await teams.team_ideas(signed_in_user(request).id),
                errors=errors,
                slots=await office_hours.open_slots(mentor_id, now=ctx.now()),
                values=typed,
            )

        async with form_page_on_refusal(request, again):
            await requests.request_mentor(
                asked.idea or 0,
                mentor_id,
                message=asked.message,
                user_id=signed_in_user(request).id,
                now=ctx.now(),
                lang=lang_of(request),
            )
        flash(request, N_("Your request has been sent. The mentor has 7 days to answer."))
        return redirect("/mentoring")

    @get("/apply", opt=access(Access.authenticated))
    async def apply_form(self, request: Request) -> Template:
        existing = await directory.profile_of_user(signed_in_user(request).id)
        return render(
            "mentoring/apply.html",
            labels=LABELS,
            errors={},
            values=existing or {**NEW_PROFILE, "languages": ["vi"]},
            organizations=await directory.organizations(),
            existing=existing,
        )

    @get("/{mentor_id:int}/photo", opt=access(Access.public))
    async def photo(self, mentor_id: FromPath[int], ctx: NamedDependency[AppContext]) -> File:
        mentor = await directory.profile(mentor_id)
        if not mentor["photo"]:
            raise NotFound(N_("File not found."))
        try:
            path = uploads.path_of(ctx.settings.upload_dir, mentor["photo"])
        except uploads.UploadError as exc:
            raise NotFound(N_("File not found.")) from exc
        if not path.is_file():
            raise NotFound(N_("File not found."))
        return File(
            path=path,
            filename=mentor["photo"],
            media_type="image/jpeg",
            content_disposition_type="inline",
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"},
        )

    @post("/apply", opt=access(Access.authenticated), request_max_body_size=12 * 1024 * 1024)
    async def apply(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        values = asdict(await parse_form(request, MentorProfileForm))
        me = signed_in_user(request)

        async def again(errors: dict[str, str]) -> Template:
            return render(
                "mentoring/apply.html",
                labels=LABELS,
                errors=errors,
                values=values,
                organizations=await directory.organizations(),
                existing=await directory.profile_of_user(me.id),
            )

        # A photo stored for a refused form is removed with the failed request (UploadCleanupMiddleware).
        async with form_page_on_refusal(request, again):
            photo = await store_form_file(
                await form_data(request), "photo", ctx.settings.upload_dir, allowed=uploads.IMAGE_TYPES
            )
            await directory.save_profile(me.id, values, now=ctx.now())
            if photo:
                old = await directory.set_photo(me.id, photo.web_name or photo.stored_name)
                if old:
                    uploads.delete(ctx.settings.upload_dir, old)
        profile = await directory.profile_of_user(me.id)
        assert profile is not None  # saved just above
        flash(
            request,
            N_("Your profile is saved.")
            if profile["approved"]
            else N_("Thank you! The organizers will review your profile before it appears in the directory."),
        )
        return redirect("/mentoring")
