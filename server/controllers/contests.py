"""Contest pages, the public gallery and idea pages, and the team's own idea pages."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Template

from accounts import forms
from accounts.errors import DomainError, NotFound, PermissionDenied
from accounts.i18n import N_
from accounts.rules import Access
from accounts.scope import PLATFORM
from accounts.text import as_id
from city import final, sponsors
from contest import authoring, judging, phases, rules, services, uploads
from contest.forms import FIELD_LABELS, IdeaForm
from contest.labels import STAGE_LABELS, STATUS_LABELS
from contest.markdown import render as markdown
from server.auth import current_user, signed_in_user
from server.context import AppContext
from server.guards import access
from server.i18n import lang_of, t
from server.uploads import store_form_files
from server.web import (
    field_errors,
    flash,
    form_data,
    form_page_on_refusal,
    organizer_scope,
    parse_form,
    redirect,
    refuse_to,
    render,
)

PER_PAGE = 12
UPLOAD_BODY_LIMIT = 80 * 1024 * 1024  # a cover and five attachments of 10 MB, plus the text


async def contest_context(slug: str, request: Request, ctx: AppContext) -> dict[str, Any]:
    """A contest with its rounds and the current phase; unpublished only for its organizers."""
    contest = await services.contest_by_slug(slug, published_only=False)
    if not contest.published:  # a draft contest: only within its organizers' scope
        contest = await services.contest_for_organizer(slug, scope=organizer_scope(request))
    rounds = await services.rounds_of(contest.id)
    now = ctx.now()
    round_ = services.current_round(rounds, now)
    phase = phases.phase_of(round_, now) if round_ else phases.Phase.upcoming
    return {
        "contest": contest,
        "rounds": rounds,
        "round": round_,
        "phase": phase.value,
        "timeline": phases.timeline(round_) if round_ else [],
        "countdown": phases.countdown(phases.phase_end(round_, now), now) if round_ else None,
        "now": now,
        "phase_labels": {p.value: label for p, label in phases.PHASE_LABELS.items()},
    }


def form_page(request: Request, template: str, *, status: int = 200, **context: Any) -> Template:
    return render(
        template,
        status=status,
        stage_labels=STAGE_LABELS,
        field_labels=FIELD_LABELS,
        max_attachments=uploads.MAX_ATTACHMENTS,
        **context,
    )


class ContestController(Controller):
    path = "/contests"
    include_in_schema = False

    @get("/{slug:str}", opt=access(Access.public))
    async def contest(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        page = await contest_context(slug, request, ctx)
        contest = page["contest"]
        _, total = await services.gallery(contest.id, per_page=1)
        return render(
            "contest/contest.html",
            **page,
            total_ideas=total,
            categories=await services.categories_of(contest.id),
            description=markdown(contest.description),
            rules_html=markdown(contest.rules),
            prizes_html=markdown(contest.prizes),
            pledges=await sponsors.pledges_of_contest(contest.id),
            pledge_kinds=sponsors.PLEDGE_KINDS,
        )

    @get("/{slug:str}/ideas", opt=access(Access.public))
    async def gallery(
        self,
        request: Request,
        slug: FromPath[str],
        ctx: NamedDependency[AppContext],
        q: FromQuery[str] = "",
        category: FromQuery[str] = "",
        hamlet: FromQuery[str] = "",
        status: FromQuery[str] = "",
        sort: FromQuery[str] = "newest",
        page: FromQuery[str] = "1",
    ) -> Template:
        context = await contest_context(slug, request, ctx)
        contest = context["contest"]
        number = as_id(page) or 1
        rows, total = await services.gallery(
            contest.id,
            q=q[:200],
            category=as_id(category),
            hamlet=as_id(hamlet),
            status=status or None,
            sort=sort if sort in services.GALLERY_SORTS else "newest",
            page=number,
            per_page=PER_PAGE,
        )
        from accounts.services import hamlets_of

        return render(
            "contest/gallery.html",
            **context,
            ideas=rows,
            total=total,
            page=number,
            pages=max(1, math.ceil(total / PER_PAGE)),
            filters={"q": q, "category": category, "hamlet": hamlet, "status": status, "sort": sort},
            categories=await services.categories_of(contest.id),
            hamlets=await hamlets_of(contest.commune),
            status_labels={k: STATUS_LABELS[k] for k in rules.PUBLIC_STATUSES},
            finalists=await final.finalist_communes([i.id for i in rows]),
        )

    @get("/{slug:str}/submit", opt=access(Access.authenticated))
    async def new_idea(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        context = await contest_context(slug, request, ctx)
        refusal = None
        if context["round"]:
            refusal = await services.submission_refusal(
                context["contest"], context["round"], signed_in_user(request).id, ctx.now()
            )
        return form_page(
            request,
            "contest/idea_form.html",
            **context,
            values=asdict(IdeaForm()),
            errors={},
            refusal=t(request, refusal[0], **refusal[1]) if refusal else None,
            read_only=None,
            idea=None,
            categories=await services.categories_of(context["contest"].id),
            attachments=[],
            members=[],
            feedback=None,
        )

    @post("/{slug:str}/submit", opt=access(Access.authenticated), request_max_body_size=UPLOAD_BODY_LIMIT)
    async def create_idea(self, request: Request, slug: FromPath[str], ctx: NamedDependency[AppContext]) -> Response:
        context = await contest_context(slug, request, ctx)
        form = await form_data(request)
        idea_form = IdeaForm.from_mapping(form)

        async def again(errors: dict[str, str]) -> Template:
            return form_page(
                request,
                "contest/idea_form.html",
                **context,
                values=asdict(idea_form),
                errors=errors,
                refusal=None,
                read_only=None,
                idea=None,
                categories=await services.categories_of(context["contest"].id),
                attachments=[],
                members=[],
                feedback=None,
            )

        # The files stored for a refused form are removed with the failed request (UploadCleanupMiddleware).
        async with form_page_on_refusal(request, again):
            if context["round"] is None:
                raise NotFound(N_("This contest has no round yet."))
            files, cover = await store_form_files(form, ctx.settings.upload_dir)
            idea_id = await services.create_draft(
                context["contest"],
                context["round"],
                idea_form,
                user_id=signed_in_user(request).id,
                now=ctx.now(),
                files=files,
                cover=cover,
            )
        if form.get("action") == "submit":
            return await _submit(request, ctx, idea_id)
        flash(request, N_("Your draft has been saved. You can keep editing it until the deadline."))
        return redirect(f"/my/ideas/{idea_id}")


async def _submit(request: Request, ctx: AppContext, idea_id: int) -> Response:
    try:
        code = await services.submit(idea_id, user_id=signed_in_user(request).id, now=ctx.now(), lang=lang_of(request))
    except DomainError as exc:
        errors = field_errors(request, exc)
        missing = [t(request, FIELD_LABELS[name]) for name in errors if name in FIELD_LABELS]
        if missing:
            flash(
                request,
                N_("Saved as a draft. To submit, please fill in: %(fields)s."),
                "error",
                fields=", ".join(missing),
            )
        else:
            flash(request, exc.message, "error", **exc.params)
        return redirect(f"/my/ideas/{idea_id}")
    flash(request, N_("Your idea has been submitted. Its code is %(code)s."), code=code)
    return redirect(f"/ideas/{code}?submitted=1")


class IdeaController(Controller):
    path = "/ideas"
    include_in_schema = False

    @get("/{code:str}", opt=access(Access.public))
    async def idea(self, request: Request, code: FromPath[str], ctx: NamedDependency[AppContext]) -> Template:
        page = await services.idea_page(code)
        idea, members = page.idea, page.member_ids
        me = current_user(request)
        if not rules.can_view(idea, me, member_ids=members, commune_id=idea.commune):
            raise NotFound(N_("There is no idea with this code."))
        context = await contest_context(idea.contest_slug, request, ctx)
        return render(
            "contest/idea.html",
            **context,
            idea=idea,
            body=page.body,
            team=page.team,
            attachments=page.attachments,
            is_team=me is not None and (me.id == idea.lead or me.id in members),
            can_moderate=rules.can_moderate(me, idea.commune),
            stage_labels=STAGE_LABELS,
            status_labels=STATUS_LABELS,
            share_url=f"{ctx.settings.base_url}/ideas/{idea.code}",
            finalist=await final.finalist_history(idea.id),
        )

    @post("/{code:str}/report", opt=access(Access.authenticated, refuse_as="info"))
    async def report(self, request: Request, code: FromPath[str], ctx: NamedDependency[AppContext]) -> Response:
        idea = await services.idea_by_code(code)
        refuse_to(request, f"/ideas/{idea.code}")
        form = await parse_form(request, forms.ReasonForm)
        await services.report(
            idea.id,
            reporter_id=signed_in_user(request).id,
            reason=form.reason,
            threshold=ctx.settings.report_threshold,
            now=ctx.now(),
            lang=lang_of(request),
        )
        flash(request, N_("Thank you. The organizers will review this idea."))
        return redirect(f"/ideas/{idea.code}")


class MyIdeasController(Controller):
    path = "/my"
    include_in_schema = False

    @get("/ideas", opt=access(Access.authenticated))
    async def my_ideas(self, request: Request) -> Template:
        me = signed_in_user(request)
        return render(
            "contest/my_ideas.html",
            ideas=await services.my_ideas(me.id),
            invitations=await services.invitations_for(me.id),
            status_labels=STATUS_LABELS,
        )

    async def _edit_page(
        self,
        request: Request,
        ctx: AppContext,
        idea_id: int,
        *,
        status: int = 200,
        values: dict | None = None,
        errors: dict | None = None,
    ) -> Template:
        idea = await services.idea_full(idea_id, scope=PLATFORM)
        me = signed_in_user(request)
        if idea.lead != me.id and me.id not in await services.member_ids(idea_id):
            raise PermissionDenied(N_("Only the team can open this page."))
        context = await contest_context(idea.contest_slug, request, ctx)
        round_ = next(r for r in context["rounds"] if r["id"] == idea.round)
        read_only = rules.can_edit(idea, round_, me.id, ctx.now())
        return form_page(
            request,
            "contest/idea_form.html",
            status=status,
            **context,
            idea=idea,
            values=values or asdict(IdeaForm.from_idea(idea)),
            errors=errors or {},
            refusal=None,
            read_only=t(request, read_only) if read_only else None,
            is_lead=idea.lead == me.id,
            categories=await services.categories_of(idea.contest),
            attachments=await services.attachments_of(idea_id),
            members=await services.team_members(idea_id),
            status_labels=STATUS_LABELS,
            feedback=await judging.feedback(idea_id, now=ctx.now()),
        )

    @get("/ideas/{idea_id:int}", opt=access(Access.authenticated))
    async def edit(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Template:
        return await self._edit_page(request, ctx, idea_id)

    @post("/ideas/{idea_id:int}", opt=access(Access.authenticated), request_max_body_size=UPLOAD_BODY_LIMIT)
    async def update(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        form = await form_data(request)
        idea_form = IdeaForm.from_mapping(form)
        # The files stored for a refused form are removed with the failed request (UploadCleanupMiddleware).
        async with form_page_on_refusal(
            request, lambda errors: self._edit_page(request, ctx, idea_id, values=asdict(idea_form), errors=errors)
        ):
            files, cover = await store_form_files(form, ctx.settings.upload_dir)
            await services.save(
                idea_id, idea_form, user_id=signed_in_user(request).id, now=ctx.now(), files=files, cover=cover
            )
        if form.get("action") == "submit":
            return await _submit(request, ctx, idea_id)
        flash(request, N_("Your changes have been saved."))
        return redirect(f"/my/ideas/{idea_id}")

    @post("/ideas/{idea_id:int}/submit", opt=access(Access.authenticated))
    async def submit(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        return await _submit(request, ctx, idea_id)

    @post("/ideas/{idea_id:int}/withdraw", opt=access(Access.authenticated, refuse_to="/my/ideas/{idea_id}#withdraw"))
    async def withdraw(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        form = await parse_form(request, forms.ReasonForm)
        await services.withdraw(idea_id, user_id=signed_in_user(request).id, reason=form.reason, now=ctx.now())
        flash(request, N_("The idea has been withdrawn."))
        return redirect("/my/ideas")

    @post("/ideas/{idea_id:int}/invite", opt=access(Access.authenticated, refuse_to="/my/ideas/{idea_id}#team"))
    async def invite(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        form = await parse_form(request, forms.ContactForm)
        await services.invite(
            idea_id, form.contact, user_id=signed_in_user(request).id, now=ctx.now(), lang=lang_of(request)
        )
        flash(request, N_("The invitation has been sent."))
        return redirect(f"/my/ideas/{idea_id}#team")

    @post("/ideas/{idea_id:int}/attachments/{attachment_id:int}/delete", opt=access(Access.authenticated))
    async def delete_attachment(
        self, request: Request, idea_id: FromPath[int], attachment_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        stored = await services.remove_attachment(
            idea_id, attachment_id, user_id=signed_in_user(request).id, now=ctx.now()
        )
        if stored:
            uploads.delete(ctx.settings.upload_dir, stored)
        flash(request, N_("The file has been removed."))
        return redirect(f"/my/ideas/{idea_id}#files")

    @get("/invitations", opt=access(Access.authenticated))
    async def invitations(self, request: Request) -> Template:
        return render(
            "contest/invitations.html", invitations=await services.invitations_for(signed_in_user(request).id)
        )

    @post("/invitations/{member_id:int}/{answer:str}", opt=access(Access.authenticated))
    async def answer(
        self, request: Request, member_id: FromPath[int], answer: FromPath[str], ctx: NamedDependency[AppContext]
    ) -> Response:
        if answer not in ("accept", "decline"):
            raise NotFound(N_("This invitation does not exist or was already answered."))
        await services.respond(member_id, user_id=signed_in_user(request).id, accept=answer == "accept", now=ctx.now())
        flash(request, N_("You have joined the team.") if answer == "accept" else N_("You declined the invitation."))
        return redirect("/my/ideas")


@get("/files/{name:str}", opt=access(Access.public), include_in_schema=False)
async def serve_file(request: Request, name: FromPath[str], ctx: NamedDependency[AppContext]) -> File:
    """Uploaded files, by generated name only, as attachments with the sniffed type."""
    try:
        path = uploads.path_of(ctx.settings.upload_dir, name)
    except uploads.UploadError as exc:
        raise NotFound(N_("File not found.")) from exc
    cover_of = await authoring.cover_owner(name)
    if cover_of is not None:  # a contest's cover: public once the contest is, before that for its organizers
        if not path.is_file() or not (cover_of["published"] or organizer_scope(request).covers(cover_of["commune"])):
            raise NotFound(N_("File not found."))
        return File(
            path=path,
            filename=name,
            media_type="image/png" if name.endswith(".png") else "image/jpeg",
            content_disposition_type="inline",
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
        )
    owner = await services.file_is_public(name)
    if owner is None or not path.is_file():
        raise NotFound(N_("File not found."))
    idea = await services.idea_row(owner["idea"])
    contest = (
        await services.Contest.select(services.Contest.commune).where(services.Contest.id == idea["contest"]).first()
    )
    if contest is None or not rules.can_view(
        idea, current_user(request), member_ids=await services.member_ids(idea["id"]), commune_id=contest["commune"]
    ):
        raise NotFound(N_("File not found."))
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}[name.rsplit(".", 1)[1]]
    inline = content_type.startswith("image/")
    return File(
        path=path,
        filename=owner["original_name"] if not inline else name,
        media_type=content_type,
        content_disposition_type="inline" if inline else "attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
    )
