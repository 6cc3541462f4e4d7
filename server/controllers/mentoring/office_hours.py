"""Office hours: a mentor publishes times, the team books or cancels one, and either side downloads
the calendar invitation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from accounts import forms
from accounts.i18n import N_
from accounts.rules import Access
from mentoring import directory, ical, office_hours
from server.auth import signed_in_user
from server.context import AppContext
from server.controllers.mentoring.common import ics_response
from server.guards import access
from server.i18n import lang_of, t
from server.web import flash, parse_form, redirect, refuse_to


@dataclass
class SlotForm:
    """Office hours a mentor publishes (the domain checks the time is ahead and the length)."""

    starts_at: dt.datetime = forms.local_datetime(N_("Please give a date and time."))
    minutes: int = forms.integer(N_("Please give a date and time."), blank=0)
    mode: str = forms.text()
    location: str = forms.text()


@dataclass
class BookingForm:
    """The mentorship a team books a slot for."""

    mentorship: int | None = forms.identifier()


class OfficeHoursController(Controller):
    path = "/mentoring"
    include_in_schema = False

    @post("/slots", opt=access(Access.mentor, refuse_to="/mentoring#slots"))
    async def publish_slot(self, request: Request, ctx: NamedDependency[AppContext]) -> Response:
        mine = await directory.profile_of_user(signed_in_user(request).id)
        if not mine:
            flash(request, N_("Please fill in your mentor profile first."), "info")
            return redirect("/mentors/apply")
        slot = await parse_form(request, SlotForm)
        await office_hours.publish_slot(
            mine["id"],
            starts_at=slot.starts_at,
            minutes=slot.minutes,
            mode=slot.mode,
            location=slot.location,
            now=ctx.now(),
        )
        flash(request, N_("The office hours are published."))
        return redirect("/mentoring#slots")

    @post("/slots/{slot_id:int}/book", opt=access(Access.authenticated, refuse_forbidden=True))
    async def book(self, request: Request, slot_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        mentorship_id = (await parse_form(request, BookingForm)).mentorship or 0
        refuse_to(request, f"/mentoring/mentorships/{mentorship_id}#slots")  # a mentor is told there too
        await office_hours.book(
            slot_id, mentorship_id, user_id=signed_in_user(request).id, now=ctx.now(), lang=lang_of(request)
        )
        flash(request, N_("Booked. Add it to your calendar with the invitation below."))
        return redirect(f"/mentoring/mentorships/{mentorship_id}#slots")

    @post("/slots/{slot_id:int}/cancel", opt=access(Access.authenticated))
    async def cancel(self, request: Request, slot_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        slot = await office_hours.slot_for(slot_id, signed_in_user(request).id)
        await office_hours.cancel_booking(slot_id, user_id=signed_in_user(request).id, now=ctx.now())
        flash(request, N_("The booking is cancelled; the time is free again."))
        return redirect(f"/mentoring/mentorships/{slot.mentorship}#slots")

    @get("/slots/{slot_id:int}/invitation.ics", opt=access(Access.authenticated))
    async def slot_ics(self, request: Request, slot_id: FromPath[int]) -> Response:
        slot = await office_hours.slot_for(slot_id, signed_in_user(request).id)
        body = ical.ics(
            uid=f"slot-{slot_id}@sangtao",
            title=t(request, N_("Mentoring: %(title)s"), title=slot.title),
            starts=slot.starts_at,
            ends=slot.ends_at,
            location=slot.location,
            description=slot.mentor_name,
        )
        return ics_response(body, f"co-van-{slot_id}")
