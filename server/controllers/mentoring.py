"""Mentor directory, mentoring requests and mentorships, office hours, workshops, and the organizer's
matching and pipeline pages."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Template

from accounts.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_
from accounts.rules import Access, is_organizer
from accounts.text import as_id, as_int
from contest import uploads
from contest.reports import csv_bytes, xlsx_bytes
from mentoring import services as mentoring
from mentoring.tables import Organization
from server.auth import current_user
from server.context import AppContext
from server.guards import access
from server.i18n import TIMEZONE, lang_of, t
from server.web import field_errors, flash, flash_error, form_data, home_commune, organizer_scope, redirect, render

LABELS = {
    "expertise": mentoring.EXPERTISE,
    "sectors": mentoring.SECTORS,
    "org_kinds": mentoring.ORG_KINDS,
    "stages": mentoring.STAGE_LABELS,
    "slots": mentoring.SLOTS,
    "gates": mentoring.GATES,
    "outcomes": mentoring.OUTCOMES,
}


def _local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TIMEZONE).astimezone(dt.UTC)


def _ics_response(body: bytes, name: str) -> Response:
    return Response(
        body, media_type="text/calendar", headers={"Content-Disposition": f'attachment; filename="{name}.ics"'}
    )


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
        mentors = await mentoring.directory(
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
        ideas = await mentoring.team_ideas(me.id) if me else []
        return render(
            "mentoring/mentor.html",
            mentor=await mentoring.profile(mentor_id),
            labels=LABELS,
            ideas=ideas,
            slots=await mentoring.open_slots(mentor_id, now=ctx.now()),
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
            await mentoring.request_mentor(
                idea_id,
                mentor_id,
                message=form.get("message", ""),
                user_id=current_user(request).id,
                now=ctx.now(),
                lang=lang_of(request),
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            me = current_user(request)
            return render(
                "mentoring/mentor.html",
                status=400,
                mentor=await mentoring.profile(mentor_id),
                labels=LABELS,
                ideas=await mentoring.team_ideas(me.id),
                errors=field_errors(request, exc),
                slots=await mentoring.open_slots(mentor_id, now=ctx.now()),
                values={"message": form.get("message", ""), "idea": form.get("idea", "")},
            )
        flash(request, N_("Your request has been sent. The mentor has 7 days to answer."))
        return redirect("/mentoring")

    @get("/apply", opt=access(Access.authenticated))
    async def apply_form(self, request: Request) -> Template:
        existing = await mentoring.profile_of_user(current_user(request).id)
        return render(
            "mentoring/apply.html",
            labels=LABELS,
            errors={},
            values=existing or {"languages": ["vi"]},
            organizations=await Organization.select().order_by(Organization.name),
            existing=existing,
        )

    @get("/{mentor_id:int}/photo", opt=access(Access.public))
    async def photo(self, mentor_id: FromPath[int], ctx: NamedDependency[AppContext]) -> File:
        mentor = await mentoring.profile(mentor_id)
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
        me = current_user(request)
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
            await mentoring.save_profile(me.id, values, now=ctx.now())
            if photo:
                old = await mentoring.set_photo(me.id, photo.web_name or photo.stored_name)
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
                organizations=await Organization.select().order_by(Organization.name),
                existing=await mentoring.profile_of_user(me.id),
            )
        profile = await mentoring.profile_of_user(me.id)
        flash(
            request,
            N_("Your profile is saved.")
            if profile["approved"]
            else N_("Thank you! The organizers will review your profile before it appears in the directory."),
        )
        return redirect("/mentoring")


class MentoringController(Controller):
    path = "/mentoring"
    include_in_schema = False

    @get("/", opt=access(Access.authenticated))
    async def hub(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        me = current_user(request)
        now = ctx.now()
        mine = await mentoring.profile_of_user(me.id)
        teams = []
        for idea in await mentoring.team_ideas(me.id):
            teams.append(
                {
                    "idea": idea,
                    "needs": await mentoring.needs_of(idea["id"]),
                    "requests": await mentoring.requests_of_team(idea["id"], now=now),
                    "mentorships": await mentoring.mentorships_of_idea(idea["id"]),
                }
            )
        return render(
            "mentoring/hub.html",
            labels=LABELS,
            teams=teams,
            mentor=mine,
            incoming=await mentoring.requests_for_mentor(mine["id"], now=now) if mine else [],
            mentees=await mentoring.mentorships_of_mentor(mine["id"]) if mine else [],
            slots=await mentoring.open_slots(mine["id"], now=now) if mine else [],
            errors={},
        )

    @get("/needs/{idea_id:int}", opt=access(Access.authenticated))
    async def needs_form(self, request: Request, idea_id: FromPath[int]) -> Template:
        ideas = {i["id"]: i for i in await mentoring.team_ideas(current_user(request).id)}
        if idea_id not in ideas:
            raise NotFound(N_("This idea does not exist."))
        return render(
            "mentoring/needs.html",
            idea=ideas[idea_id],
            values=await mentoring.needs_of(idea_id),
            labels=LABELS,
            errors={},
            mentors=await mentoring.directory(),
        )

    @post("/needs/{idea_id:int}", opt=access(Access.authenticated))
    async def save_needs(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        form = await form_data(request)
        values = {
            "sector": form.get("sector", ""),
            "stage": form.get("stage", ""),
            "mode": form.get("mode", ""),
            "place": form.get("place", ""),
        }
        for key in ("needs", "languages", "availability", "preferred"):
            values[key] = form.getall(key, [])
        try:
            await mentoring.save_needs(idea_id, values, user_id=current_user(request).id, now=ctx.now())
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            ideas = {i["id"]: i for i in await mentoring.team_ideas(current_user(request).id)}
            return render(
                "mentoring/needs.html",
                status=400,
                idea=ideas[idea_id],
                values={**values, "idea": idea_id},
                labels=LABELS,
                errors=field_errors(request, exc),
                mentors=await mentoring.directory(),
            )
        flash(request, N_("Your team's needs are saved."))
        return redirect("/mentoring")

    @post("/requests/{request_id:int}/{answer:str}", opt=access(Access.authenticated))
    async def answer(
        self, request: Request, request_id: FromPath[int], answer: FromPath[str], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await form_data(request)
        me = current_user(request)
        try:
            if answer == "cancel":
                await mentoring.cancel_request(request_id, user_id=me.id, now=ctx.now())
            elif answer in ("accept", "decline"):
                await mentoring.respond(
                    request_id,
                    mentor_user_id=me.id,
                    accept=answer == "accept",
                    reason=form.get("reason", ""),
                    now=ctx.now(),
                    lang=lang_of(request),
                )
            else:
                raise NotFound(N_("This request does not exist."))
        except NotFound:
            raise
        except DomainError as exc:
            flash_error(request, exc)
            return redirect("/mentoring")
        flash(
            request,
            {
                "accept": N_("You accepted the team. Welcome aboard!"),
                "decline": N_("The team has been told."),
                "cancel": N_("The request is withdrawn."),
            }[answer],
        )
        return redirect("/mentoring")

    @get("/mentorships/{mentorship_id:int}", opt=access(Access.authenticated))
    async def mentorship(
        self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        m = await mentoring.mentorship_for(mentorship_id, current_user(request).id)
        from mentoring.tables import OfficeSlot

        booked = await OfficeSlot.select().where(OfficeSlot.booked_by == mentorship_id).order_by(OfficeSlot.starts_at)
        return render(
            "mentoring/mentorship.html",
            m=m,
            notes=await mentoring.notes_of(mentorship_id),
            slots=await mentoring.open_slots(m["mentor"], now=ctx.now()),
            booked=booked,
            now=ctx.now(),
            errors={},
        )

    @post("/mentorships/{mentorship_id:int}/notes", opt=access(Access.authenticated))
    async def add_note(
        self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await form_data(request)
        actions = list(
            zip(form.getall("action_text", []), form.getall("action_owner", []), form.getall("action_due", []), strict=False)
        )
        try:
            await mentoring.add_note(
                mentorship_id,
                user_id=current_user(request).id,
                notes=form.get("notes", ""),
                actions=actions,
                now=ctx.now(),
            )
        except NotFound:
            raise
        except DomainError as exc:
            flash_error(request, exc)
            return redirect(f"/mentoring/mentorships/{mentorship_id}#notes")
        flash(request, N_("The notes are saved."))
        return redirect(f"/mentoring/mentorships/{mentorship_id}#notes")

    @post("/actions/{action_id:int}/toggle", opt=access(Access.authenticated))
    async def toggle(self, request: Request, action_id: FromPath[int]) -> Response:
        mentorship_id = await mentoring.toggle_action(action_id, user_id=current_user(request).id)
        return redirect(f"/mentoring/mentorships/{mentorship_id}#notes")

    @post("/mentorships/{mentorship_id:int}/feedback", opt=access(Access.authenticated))
    async def feedback(
        self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await form_data(request)
        rating = as_int(form.get("rating"), low=0, high=5) or 0
        try:
            await mentoring.leave_feedback(
                mentorship_id, user_id=current_user(request).id, rating=rating, text=form.get("text", ""), now=ctx.now()
            )
        except NotFound:
            raise
        except DomainError as exc:
            flash_error(request, exc)
            return redirect(f"/mentoring/mentorships/{mentorship_id}#feedback")
        flash(request, N_("Thank you. Only the organizers read this feedback."))
        return redirect(f"/mentoring/mentorships/{mentorship_id}")

    @post("/mentorships/{mentorship_id:int}/close", opt=access(Access.authenticated))
    async def close(self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        form = await form_data(request)
        try:
            await mentoring.close_mentorship(
                mentorship_id, user_id=current_user(request).id, summary=form.get("summary", ""), now=ctx.now()
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            flash_error(request, exc)
            return redirect(f"/mentoring/mentorships/{mentorship_id}#close")
        flash(request, N_("The mentorship is closed. Thank you for your time!"))
        return redirect("/mentoring")

    @post("/slots", opt=access(Access.mentor))
    async def publish_slot(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        mine = await mentoring.profile_of_user(current_user(request).id)
        if not mine:
            flash(request, N_("Please fill in your mentor profile first."), "info")
            return redirect("/mentors/apply")
        form = await form_data(request)
        try:
            starts = _local(form.get("starts_at", ""))
            minutes = int(form.get("minutes", "0") or 0)
        except ValueError:
            flash(request, N_("Please give a date and time."), "error")
            return redirect("/mentoring#slots")
        try:
            await mentoring.publish_slot(
                mine["id"],
                starts_at=starts,
                minutes=minutes,
                mode=form.get("mode", ""),
                location=form.get("location", ""),
                now=ctx.now(),
            )
        except DomainError as exc:
            flash_error(request, exc)
            return redirect("/mentoring#slots")
        flash(request, N_("The office hours are published."))
        return redirect("/mentoring#slots")

    @post("/slots/{slot_id:int}/book", opt=access(Access.authenticated))
    async def book(self, request: Request, slot_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        form = await form_data(request)
        mentorship_id = as_id(form.get("mentorship")) or 0
        try:
            await mentoring.book(
                slot_id, mentorship_id, user_id=current_user(request).id, now=ctx.now(), lang=lang_of(request)
            )
        except NotFound:
            raise
        except DomainError as exc:
            flash(request, exc.message, "error", **exc.params)
            return redirect(f"/mentoring/mentorships/{mentorship_id}#slots")
        flash(request, N_("Booked. Add it to your calendar with the invitation below."))
        return redirect(f"/mentoring/mentorships/{mentorship_id}#slots")

    @post("/slots/{slot_id:int}/cancel", opt=access(Access.authenticated))
    async def cancel(self, request: Request, slot_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        slot, m = await mentoring.slot_for(slot_id, current_user(request).id)
        await mentoring.cancel_booking(slot_id, user_id=current_user(request).id, now=ctx.now())
        flash(request, N_("The booking is cancelled; the time is free again."))
        return redirect(f"/mentoring/mentorships/{m['id']}#slots")

    @get("/slots/{slot_id:int}/invitation.ics", opt=access(Access.authenticated))
    async def slot_ics(self, request: Request, slot_id: FromPath[int]) -> Response:
        slot, m = await mentoring.slot_for(slot_id, current_user(request).id)
        body = mentoring.ics(
            uid=f"slot-{slot_id}@sangtao",
            title=t(request, N_("Mentoring: %(title)s"), title=m["idea.title"]),
            starts=slot["starts_at"],
            ends=slot["ends_at"],
            location=slot["location"],
            description=m["mentor.user.full_name"],
        )
        return _ics_response(body, f"co-van-{slot_id}")


class WorkshopsController(Controller):
    path = "/workshops"
    include_in_schema = False

    @get("/", opt=access(Access.public))
    async def list_(self, ctx: NamedDependency[AppContext]) -> Template:
        return render(
            "mentoring/workshops.html",
            workshops=await mentoring.workshops(now=ctx.now()),
            past=await mentoring.workshops(now=ctx.now(), upcoming=False),
        )

    @get("/{workshop_id:int}", opt=access(Access.public))
    async def workshop(
        self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        me = current_user(request)
        row = await mentoring.workshop(workshop_id)
        counts = await mentoring.seat_counts(workshop_id)
        # Names of the people registered: only for the organizers of the workshop's commune.
        regs = (
            await mentoring.registrations(workshop_id, scope=organizer_scope(request))
            if me and is_organizer(me)
            else []
        )
        return render(
            "mentoring/workshop.html",
            w=row,
            mine=await mentoring.my_registration(workshop_id, me.id) if me else None,
            seats=counts["registered"],
            waiting=counts["waitlisted"],
            now=ctx.now(),
            registrations=regs,
        )

    @post("/{workshop_id:int}/register", opt=access(Access.authenticated))
    async def register(
        self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        try:
            status = await mentoring.register(workshop_id, user_id=current_user(request).id, now=ctx.now())
        except NotFound:
            raise
        except DomainError as exc:
            flash(request, exc.message, "error", **exc.params)
            return redirect(f"/workshops/{workshop_id}")
        flash(
            request,
            N_("You are registered. Download the calendar invitation below.")
            if status == "registered"
            else N_("The workshop is full: you are on the waiting list and will be told if a seat frees up."),
        )
        return redirect(f"/workshops/{workshop_id}")

    @post("/{workshop_id:int}/cancel", opt=access(Access.authenticated))
    async def cancel(self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        await mentoring.cancel_registration(
            workshop_id, user_id=current_user(request).id, now=ctx.now(), lang=lang_of(request)
        )
        flash(request, N_("Your registration is cancelled."))
        return redirect(f"/workshops/{workshop_id}")

    @get("/{workshop_id:int}/invitation.ics", opt=access(Access.public))
    async def ics(self, workshop_id: FromPath[int]) -> Response:
        w = await mentoring.workshop(workshop_id)
        body = mentoring.ics(
            uid=f"workshop-{workshop_id}@sangtao",
            title=w["title"],
            starts=w["starts_at"],
            ends=w["ends_at"],
            location=w["place"] or w["online_link"],
            description=w["description"],
        )
        return _ics_response(body, f"hoi-thao-{workshop_id}")

    @post("/{workshop_id:int}/attendance", opt=access(Access.organizer))
    async def attendance(
        self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        form = await form_data(request)
        present = [i for i in map(as_id, form.getall("present", [])) if i]
        await mentoring.set_attendance(
            workshop_id, present, actor_id=current_user(request).id, now=ctx.now(), scope=organizer_scope(request)
        )
        flash(request, N_("Attendance saved."))
        return redirect(f"/workshops/{workshop_id}#attendance")


class OrganizerMentoringController(Controller):
    path = "/organizer/mentoring"
    include_in_schema = False

    @get("/", opt=access(Access.organizer))
    async def page(self, request: Request, ctx: NamedDependency[AppContext]) -> Template:
        scope = organizer_scope(request)
        run = await mentoring.latest_run(home_commune(scope))
        from mentoring.tables import MentorProfile

        pending = await MentorProfile.select(
            MentorProfile.id, MentorProfile.title, MentorProfile.user.full_name, MentorProfile.organization.name
        ).where(MentorProfile.approved == False)  # noqa: E712
        proposals = await mentoring.proposals(run["id"], scope=scope) if run else []
        return render(
            "mentoring/organizer.html",
            board=await mentoring.pipeline(scope=scope),
            labels=LABELS,
            run=run,
            proposals=proposals,
            pending=pending,
            mentors=await mentoring.directory(),
            explanations={p["id"]: self._explain(request, p) for p in proposals},
        )

    @staticmethod
    def _explain(request: Request, proposal: dict) -> list[str]:
        lines = []
        for message, params in mentoring.explain_proposal(proposal["components"], proposal["covered"]):
            if "needs" in params:
                params = {"needs": ", ".join(t(request, mentoring.EXPERTISE.get(n, n)) for n in params["needs"])}
            if "parts" in params:
                params = {"parts": ", ".join(t(request, mentoring.COMPONENT_LABELS.get(p, p)) for p in params["parts"])}
            lines.append(t(request, message, **params))
        return lines

    @post("/invite", opt=access(Access.organizer))
    async def invite(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        # The mentor pool is city-wide: any organizer may invite an expert to it.
        form = await form_data(request)
        try:
            channel = await mentoring.invite_mentor(
                form.get("contact", ""),
                actor_id=current_user(request).id,
                base_url=ctx.settings.base_url,
                now=ctx.now(),
                lang=lang_of(request),
            )
        except DomainError as exc:
            flash_error(request, exc)
            return redirect("/organizer/mentoring/#mentors")
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
        await mentoring.approve(mentor_id, actor_id=current_user(request).id, now=ctx.now())
        flash(request, N_("The mentor is approved and appears in the directory."))
        return redirect("/organizer/mentoring/#mentors")

    @post("/matching", opt=access(Access.organizer))
    async def run(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        scope = organizer_scope(request)
        form = await form_data(request)
        try:
            await mentoring.run_matching(
                home_commune(scope),
                mode=form.get("mode", "optimal"),
                actor_id=current_user(request).id,
                now=ctx.now(),
                scope=scope,
            )
        except DomainError as exc:
            flash(request, exc.message, "error", **exc.params)
        return redirect("/organizer/mentoring/#matching")

    @post("/proposals/{proposal_id:int}", opt=access(Access.organizer))
    async def adjust(self, request: Request, proposal_id: FromPath[int]) -> Response:
        form = await form_data(request)
        mentor = form.get("mentor", "")
        try:
            await mentoring.adjust(
                proposal_id, as_id(mentor), actor_id=current_user(request).id, scope=organizer_scope(request)
            )
        except NotFound:
            raise
        except DomainError as exc:
            flash(request, exc.message, "error", **exc.params)
        return redirect("/organizer/mentoring/#matching")

    @post("/runs/{run_id:int}/publish", opt=access(Access.organizer))
    async def publish(self, request: Request, run_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        try:
            count = await mentoring.publish_run(
                run_id,
                actor_id=current_user(request).id,
                now=ctx.now(),
                lang=lang_of(request),
                scope=organizer_scope(request),
            )
        except NotFound:
            raise
        except DomainError as exc:
            flash(request, exc.message, "error", **exc.params)
            return redirect("/organizer/mentoring/#matching")
        flash(request, N_("%(count)s mentorships started; the teams and mentors have been told."), count=count)
        return redirect("/organizer/mentoring/#matching")

    @post("/pipeline/{idea_id:int}", opt=access(Access.organizer))
    async def stage(self, request: Request, idea_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        form = await form_data(request)
        try:
            await mentoring.set_stage(
                idea_id,
                stage=form.get("stage", ""),
                checklist=form.getall("gate", []),
                outcome=form.get("outcome", ""),
                actor_id=current_user(request).id,
                now=ctx.now(),
                scope=organizer_scope(request),
            )
        except NotFound:
            raise
        except DomainError as exc:
            flash_error(request, exc)
            return redirect("/organizer/mentoring/#pipeline")
        flash(request, N_("The pipeline is updated."))
        return redirect("/organizer/mentoring/#pipeline")

    async def _pipeline_rows(self, request: Request) -> tuple[list[str], list[list]]:
        board = await mentoring.pipeline(scope=organizer_scope(request))
        headers = [
            t(request, h)
            for h in (N_("Code"), N_("Title"), N_("Team lead"), N_("Stage"), N_("Outcome"), N_("Last change"))
        ]
        rows = [
            [
                r["idea.code"],
                r["idea.title"],
                r["idea.lead.full_name"],
                t(request, mentoring.STAGE_LABELS[stage]),
                t(request, mentoring.OUTCOMES[r["outcome"]]) if r["outcome"] in mentoring.OUTCOMES else "",
                r["updated_at"],
            ]
            for stage, items in board.items()
            for r in items
        ]
        return headers, rows

    @get("/pipeline.csv", opt=access(Access.organizer))
    async def pipeline_csv(self, request: Request) -> Response:
        headers, rows = await self._pipeline_rows(request)
        return Response(
            csv_bytes(headers, rows),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="uom-tao.csv"'},
        )

    @get("/pipeline.xlsx", opt=access(Access.organizer))
    async def pipeline_xlsx(self, request: Request) -> Response:
        headers, rows = await self._pipeline_rows(request)
        return Response(
            xlsx_bytes(t(request, N_("Incubation pipeline")), headers, rows),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="uom-tao.xlsx"'},
        )
