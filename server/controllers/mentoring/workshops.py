"""Workshops: the list, a workshop's page, registration (or the waiting list), the calendar
invitation and the attendance its organizers record."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms
from accounts.i18n import N_
from accounts.rules import Access, is_organizer
from mentoring import ical, workshops
from server.auth import current_user, signed_in_user
from server.context import AppContext
from server.controllers.mentoring.common import ics_response
from server.guards import access
from server.i18n import lang_of
from server.web import flash, organizer_scope, parse_form, redirect, render


@dataclass
class AttendanceForm:
    """The people an organizer ticks as present at a workshop."""

    present: list[int] = forms.identifiers()


class WorkshopsController(Controller):
    path = "/workshops"
    include_in_schema = False

    @get("/", opt=access(Access.public))
    async def list_(self, ctx: NamedDependency[AppContext]) -> Template:
        return render(
            "mentoring/workshops.html",
            workshops=await workshops.workshops(now=ctx.now()),
            past=await workshops.workshops(now=ctx.now(), upcoming=False),
        )

    @get("/{workshop_id:int}", opt=access(Access.public))
    async def workshop(
        self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        me = current_user(request)
        row = await workshops.workshop(workshop_id)
        counts = await workshops.seat_counts(workshop_id)
        # Names of the people registered: only for the organizers of the workshop's commune.
        regs = (
            await workshops.registrations(workshop_id, scope=organizer_scope(request))
            if me and is_organizer(me)
            else []
        )
        return render(
            "mentoring/workshop.html",
            w=row,
            mine=await workshops.my_registration(workshop_id, me.id) if me else None,
            seats=counts["registered"],
            waiting=counts["waitlisted"],
            now=ctx.now(),
            registrations=regs,
        )

    @post("/{workshop_id:int}/register", opt=access(Access.authenticated, refuse_to="/workshops/{workshop_id}"))
    async def register(
        self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        status = await workshops.register(workshop_id, user_id=signed_in_user(request).id, now=ctx.now())
        flash(
            request,
            N_("You are registered. Download the calendar invitation below.")
            if status == "registered"
            else N_("The workshop is full: you are on the waiting list and will be told if a seat frees up."),
        )
        return redirect(f"/workshops/{workshop_id}")

    @post("/{workshop_id:int}/cancel", opt=access(Access.authenticated))
    async def cancel(self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        await workshops.cancel_registration(
            workshop_id, user_id=signed_in_user(request).id, now=ctx.now(), lang=lang_of(request)
        )
        flash(request, N_("Your registration is cancelled."))
        return redirect(f"/workshops/{workshop_id}")

    @get("/{workshop_id:int}/invitation.ics", opt=access(Access.public))
    async def ics(self, workshop_id: FromPath[int]) -> Response:
        w = await workshops.workshop(workshop_id)
        body = ical.ics(
            uid=f"workshop-{workshop_id}@sangtao",
            title=w.title,
            starts=w.starts_at,
            ends=w.ends_at,
            location=w.place or w.online_link,
            description=w.description,
        )
        return ics_response(body, f"hoi-thao-{workshop_id}")

    @post("/{workshop_id:int}/attendance", opt=access(Access.organizer))
    async def attendance(
        self, request: Request, workshop_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        attendance = await parse_form(request, AttendanceForm)
        await workshops.set_attendance(
            workshop_id,
            attendance.present,
            actor_id=signed_in_user(request).id,
            now=ctx.now(),
            scope=organizer_scope(request),
        )
        flash(request, N_("Attendance saved."))
        return redirect(f"/workshops/{workshop_id}#attendance")
