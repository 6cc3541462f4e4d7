"""A mentorship's page for its mentor and its team: notes with action items, feedback, closing."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from accounts import forms
from accounts.i18n import N_
from accounts.rules import Access
from mentoring import mentorships, office_hours
from server.auth import signed_in_user
from server.context import AppContext
from server.guards import access
from server.web import flash, parse_form, redirect, render


@dataclass
class NoteForm:
    """The notes of a meeting and its action items (rows of what, who and by when; the domain reads the dates)."""

    notes: str = forms.text()
    action_text: list[str] = forms.texts()
    action_owner: list[str] = forms.texts()
    action_due: list[str] = forms.texts()


@dataclass
class ClosingForm:
    """The mentor's summary when closing a mentorship."""

    summary: str = forms.text()


@dataclass
class FeedbackForm:
    """A side's feedback on a mentorship (the domain asks for a rating from 1 to 5)."""

    rating: int = forms.whole(0, low=0, high=5)
    text: str = forms.text()


class MentorshipsController(Controller):
    path = "/mentoring"
    include_in_schema = False

    @get("/mentorships/{mentorship_id:int}", opt=access(Access.authenticated))
    async def mentorship(
        self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Template:
        m = await mentorships.mentorship_page(mentorship_id, signed_in_user(request).id)
        return render(
            "mentoring/mentorship.html",
            m=m,
            notes=await mentorships.notes_of(mentorship_id),
            slots=await office_hours.open_slots(m.mentor, now=ctx.now()),
            booked=await office_hours.booked_slots(mentorship_id),
            now=ctx.now(),
            errors={},
        )

    @post(
        "/mentorships/{mentorship_id:int}/notes",
        opt=access(Access.authenticated, refuse_to="/mentoring/mentorships/{mentorship_id}#notes"),
    )
    async def add_note(
        self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        note = await parse_form(request, NoteForm)
        await mentorships.add_note(
            mentorship_id,
            user_id=signed_in_user(request).id,
            notes=note.notes,
            actions=list(zip(note.action_text, note.action_owner, note.action_due, strict=False)),
            now=ctx.now(),
        )
        flash(request, N_("The notes are saved."))
        return redirect(f"/mentoring/mentorships/{mentorship_id}#notes")

    @post("/actions/{action_id:int}/toggle", opt=access(Access.authenticated))
    async def toggle(self, request: Request, action_id: FromPath[int]) -> Response:
        mentorship_id = await mentorships.toggle_action(action_id, user_id=signed_in_user(request).id)
        return redirect(f"/mentoring/mentorships/{mentorship_id}#notes")

    @post(
        "/mentorships/{mentorship_id:int}/feedback",
        opt=access(Access.authenticated, refuse_to="/mentoring/mentorships/{mentorship_id}#feedback"),
    )
    async def feedback(
        self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]
    ) -> Response:
        feedback = await parse_form(request, FeedbackForm)
        await mentorships.leave_feedback(
            mentorship_id,
            user_id=signed_in_user(request).id,
            rating=feedback.rating,
            text=feedback.text,
            now=ctx.now(),
        )
        flash(request, N_("Thank you. Only the organizers read this feedback."))
        return redirect(f"/mentoring/mentorships/{mentorship_id}")

    @post(
        "/mentorships/{mentorship_id:int}/close",
        opt=access(Access.authenticated, refuse_to="/mentoring/mentorships/{mentorship_id}#close"),
    )
    async def close(self, request: Request, mentorship_id: FromPath[int], ctx: NamedDependency[AppContext]) -> Response:
        closing = await parse_form(request, ClosingForm)
        await mentorships.close_mentorship(
            mentorship_id, user_id=signed_in_user(request).id, summary=closing.summary, now=ctx.now()
        )
        flash(request, N_("The mentorship is closed. Thank you for your time!"))
        return redirect("/mentoring")
