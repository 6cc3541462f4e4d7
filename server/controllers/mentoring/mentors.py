"""The mentor directory and a mentor's page (public), a team's request to a mentor, and the
form where an expert applies to the pool."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Template

from accounts.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_
from accounts.rules import Access
from accounts.text import as_id
from contest import uploads
from mentoring import directory, office_hours, requests, teams
from server.auth import current_user, signed_in_user
from server.context import AppContext
from server.controllers.mentoring.common import LABELS
from server.guards import access
from server.i18n import lang_of
from server.web import field_errors, flash, form_data, redirect, render


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
        form = await form_data(request)
        idea_id = as_id(form.get("idea")) or 0
        try:
            await requests.request_mentor(
                idea_id,
                mentor_id,
                message=form.get("message", ""),
                user_id=signed_in_user(request).id,
                now=ctx.now(),
                lang=lang_of(request),
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            me = signed_in_user(request)
            return render(
                "mentoring/mentor.html",
                status=400,
                mentor=await directory.mentor_page(mentor_id),
                labels=LABELS,
                ideas=await teams.team_ideas(me.id),
                errors=field_errors(request, exc),
                slots=await office_hours.open_slots(mentor_id, now=ctx.now()),
                values={"message": form.get("message", ""), "idea": form.get("idea", "")},
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
            values=existing or {"languages": ["vi"]},
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
        form = await form_data(request)
        values = {k: form.get(k, "") for k in ("title", "bio", "free_tags", "capacity", "mode", "place")}
        for key in ("expertise", "sectors", "languages", "stages", "availability"):
            values[key] = form.getall(key, [])
        org = form.get("organization", "")
        values["organization"] = as_id(org)
        me = signed_in_user(request)
        photo = None
        try:
            upload = form.get("photo")
            if isinstance(upload, UploadFile) and upload.filename:
                try:
                    photo = await uploads.store(
                        await upload.read(), upload.filename, root=ctx.settings.upload_dir, allowed=uploads.IMAGE_TYPES
                    )
                except uploads.UploadError as exc:
                    raise ValidationFailed({"photo": exc.message}, {"photo": exc.params}) from exc
            await directory.save_profile(me.id, values, now=ctx.now())
            if photo:
                old = await directory.set_photo(me.id, photo.web_name or photo.stored_name)
                if old:
                    uploads.delete(ctx.settings.upload_dir, old)
        except DomainError as exc:
            if photo:
                uploads.delete(ctx.settings.upload_dir, photo)
            return render(
                "mentoring/apply.html",
                status=400,
                labels=LABELS,
                errors=field_errors(request, exc),
                values=values,
                organizations=await directory.organizations(),
                existing=await directory.profile_of_user(me.id),
            )
        profile = await directory.profile_of_user(me.id)
        assert profile is not None  # saved just above
        flash(
            request,
            N_("Your profile is saved.")
            if profile["approved"]
            else N_("Thank you! The organizers will review your profile before it appears in the directory."),
        )
        return redirect("/mentoring")
