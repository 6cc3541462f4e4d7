"""Mentorships: what each side sees, closing with a summary, the one-month check-in, feedback for
the organizers, session notes with action items, and the conflict of interest they create for
judging (a judge who mentors a team does not score its entry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts import limits, notifications
from accounts.engine import atomic
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_, translate
from mentoring.common import db
from mentoring.tables import (
    ActionItem,
    MentoringFeedback,
    Mentorship,
    SessionNote,
)


async def mentorships_of_mentor(mentor_id: int) -> list[dict[str, Any]]:
    return (
        await Mentorship.select(
            Mentorship.all_columns(), Mentorship.idea.code, Mentorship.idea.title, Mentorship.idea.lead.full_name
        )
        .where(Mentorship.mentor == mentor_id)
        .order_by(Mentorship.started_at, ascending=False)
    )


async def mentorships_of_idea(idea_id: int) -> list[dict[str, Any]]:
    return (
        await Mentorship.select(
            Mentorship.all_columns(), Mentorship.mentor.user.full_name, Mentorship.mentor.organization.name
        )
        .where(Mentorship.idea == idea_id)
        .order_by(Mentorship.started_at, ascending=False)
    )


async def mentorship_for(mentorship_id: int, user_id: int) -> dict[str, Any]:
    """A mentorship seen by its mentor or its team lead (anyone else: not found)."""
    row = (
        await Mentorship.select(
            Mentorship.all_columns(),
            Mentorship.mentor.user,
            Mentorship.mentor.user.full_name,
            Mentorship.idea.lead,
            Mentorship.idea.title,
            Mentorship.idea.code,
        )
        .where(
            (Mentorship.id == mentorship_id) & ((Mentorship.mentor.user == user_id) | (Mentorship.idea.lead == user_id))
        )
        .first()
    )
    if row is None:  # loaded by id and one of its two sides in one query
        raise NotFound(N_("This mentorship does not exist."))
    row["side"] = "mentor" if user_id == row["mentor.user"] else "team"
    return row


async def sides(mentorship_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For each of these mentorships, in one query: its mentor's user id, its team lead and its idea's title."""
    if not mentorship_ids:
        return {}
    rows = await Mentorship.select(
        Mentorship.id, Mentorship.mentor.user, Mentorship.idea.lead, Mentorship.idea.title
    ).where(Mentorship.id.is_in(sorted(set(mentorship_ids))))
    return {r["id"]: r for r in rows}


async def close_mentorship(mentorship_id: int, *, user_id: int, summary: str, now: dt.datetime) -> None:
    row = await mentorship_for(mentorship_id, user_id)
    if row["side"] != "mentor":
        raise PermissionDenied(N_("Only the mentor closes a mentorship."))
    if not summary.strip():
        raise ValidationFailed({"summary": N_("Please write a short summary of what the team achieved.")})
    limits.check("mentorship", {"summary": summary.strip()})
    await Mentorship.update(
        {Mentorship.status: "completed", Mentorship.ended_at: now, Mentorship.summary: summary.strip()}
    ).where((Mentorship.id == mentorship_id) & (Mentorship.status == "active"))


async def due_checkins(*, now: dt.datetime, days: int = 30, lang: str = "vi") -> int:
    """30 days into a mentorship, both sides are asked how it goes (once)."""
    async with atomic(db()):
        rows = (
            await Mentorship.update({Mentorship.checkin_sent_at: now})
            .where(
                (Mentorship.status == "active")
                & Mentorship.checkin_sent_at.is_null()
                & (Mentorship.started_at <= now - dt.timedelta(days=days))
            )
            .returning(Mentorship.id)
        )
        both = await sides([row["id"] for row in rows])
        for row in rows:
            m = both[row["id"]]
            for person in (m["mentor.user"], m["idea.lead"]):
                await notifications.notify(
                    person,
                    title=translate(
                        N_("One month of mentoring “%(title)s”: how is it going?"), lang, title=m["idea.title"]
                    ),
                    body=translate(N_("Please leave a short feedback for the organizers."), lang),
                    link=f"/mentoring/mentorships/{row['id']}",
                    kind="mentoring_checkin",
                    now=now,
                )
    return len(rows)


async def leave_feedback(mentorship_id: int, *, user_id: int, rating: int, text: str, now: dt.datetime) -> None:
    row = await mentorship_for(mentorship_id, user_id)
    if not 1 <= rating <= 5:
        raise ValidationFailed({"rating": N_("Choose from 1 to 5.")})
    limits.check("mentoring_feedback", {"text": text.strip()})
    await MentoringFeedback(
        mentorship=mentorship_id, author=user_id, side=row["side"], rating=rating, text=text.strip(), created_at=now
    ).save()


async def add_note(
    mentorship_id: int, *, user_id: int, notes: str, actions: list[tuple[str, str, str]], now: dt.datetime
) -> int:
    await mentorship_for(mentorship_id, user_id)
    if not notes.strip():
        raise ValidationFailed({"notes": N_("Please write what you talked about.")})
    limits.check("mentoring_note", {"notes": notes.strip()})
    for text, owner, _ in actions:
        limits.check(
            "mentoring_action", {"text": text.strip(), "owner": owner.strip()}, {"text": "actions", "owner": "actions"}
        )
    async with atomic(db()):
        note = SessionNote(mentorship=mentorship_id, author=user_id, notes=notes.strip(), created_at=now)
        await note.save()
        for text, owner, due in actions:
            if text.strip():
                try:
                    due_date = dt.date.fromisoformat(due) if due else None
                except ValueError as exc:
                    raise ValidationFailed({"actions": N_("A due date is not a date.")}) from exc
                await ActionItem(note=note.id, text=text.strip(), owner=owner.strip(), due=due_date).save()
    return note.id


async def notes_of(mentorship_id: int) -> list[dict[str, Any]]:
    notes = (
        await SessionNote.select(SessionNote.all_columns(), SessionNote.author.full_name)
        .where(SessionNote.mentorship == mentorship_id)
        .order_by(SessionNote.created_at, ascending=False)
    )
    ids = [n["id"] for n in notes]
    actions = await ActionItem.select().where(ActionItem.note.is_in(ids)).order_by(ActionItem.id) if ids else []
    for note in notes:
        note["actions"] = [a for a in actions if a["note"] == note["id"]]
    return notes


async def toggle_action(action_id: int, *, user_id: int) -> int:
    row = await ActionItem.select(ActionItem.done, ActionItem.note.mentorship).where(ActionItem.id == action_id).first()
    if row is None:
        raise NotFound(N_("This action item does not exist."))
    await mentorship_for(row["note.mentorship"], user_id)
    await ActionItem.update({ActionItem.done: not row["done"]}).where(ActionItem.id == action_id)
    return row["note.mentorship"]


async def mentor_conflicts(round_id: int) -> set[tuple[int, int]]:
    """Judges who mentor a team must not score its entry (a conflict source for judging)."""
    rows = await Mentorship.select(Mentorship.mentor.user, Mentorship.idea).where(Mentorship.idea.round == round_id)
    return {(r["mentor.user"], r["idea"]) for r in rows}
