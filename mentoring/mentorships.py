"""Mentorships: what each side sees, closing with a summary, the one-month check-in, feedback for
the organizers, session notes with action items, and the conflict of interest they create for
judging (a judge who mentors a team does not score its entry)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class MenteeRow:
    """One of a mentor's mentorships, with the team's idea."""

    id: int
    idea: int
    code: str
    title: str
    lead_name: str
    status: str
    started_at: dt.datetime
    checkin_sent_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class MentorshipPage:
    """A mentorship as its mentor or its team lead sees it (``side``: "mentor" or "team")."""

    id: int
    idea: int
    mentor: int
    code: str
    title: str
    mentor_name: str
    side: str
    status: str
    started_at: dt.datetime
    summary: str


@dataclass(frozen=True, slots=True)
class ActionRow:
    """An action item of a session note."""

    id: int
    text: str
    owner: str
    due: dt.date | None
    done: bool


@dataclass(frozen=True, slots=True)
class NoteRow:
    """A session note with its author and its action items."""

    id: int
    notes: str
    created_at: dt.datetime
    author_name: str | None
    actions: tuple[ActionRow, ...]


async def mentorships_of_mentor(mentor_id: int) -> list[MenteeRow]:
    rows = (
        await Mentorship.select(
            *Mentorship.all_columns(), Mentorship.idea.code, Mentorship.idea.title, Mentorship.idea._.lead.full_name
        )
        .where(Mentorship.mentor == mentor_id)
        .order_by(Mentorship.started_at, ascending=False)
    )
    return [
        MenteeRow(
            id=r["id"],
            idea=r["idea"],
            code=r["idea.code"],
            title=r["idea.title"],
            lead_name=r["idea.lead.full_name"],
            status=r["status"],
            started_at=r["started_at"],
            checkin_sent_at=r["checkin_sent_at"],
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class TeamMentorship:
    """One of a team's mentorships, with its mentor."""

    id: int
    mentor: int
    mentor_name: str
    organization_name: str | None
    status: str
    started_at: dt.datetime


async def mentorships_of_idea(idea_id: int) -> list[TeamMentorship]:
    rows = (
        await Mentorship.select(
            *Mentorship.all_columns(), Mentorship.mentor._.user.full_name, Mentorship.mentor._.organization.name
        )
        .where(Mentorship.idea == idea_id)
        .order_by(Mentorship.started_at, ascending=False)
    )
    return [
        TeamMentorship(
            id=r["id"],
            mentor=r["mentor"],
            mentor_name=r["mentor.user.full_name"],
            organization_name=r["mentor.organization.name"],
            status=r["status"],
            started_at=r["started_at"],
        )
        for r in rows
    ]


async def mentorship_for(mentorship_id: int, user_id: int) -> dict[str, Any]:
    """A mentorship seen by its mentor or its team lead (anyone else: not found)."""
    row = (
        await Mentorship.select(
            *Mentorship.all_columns(),
            Mentorship.mentor.user,
            Mentorship.mentor._.user.full_name,
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


async def mentorship_page(mentorship_id: int, user_id: int) -> MentorshipPage:
    """The page of a mentorship for its mentor or its team lead (anyone else: not found)."""
    row = await mentorship_for(mentorship_id, user_id)
    return MentorshipPage(
        id=row["id"],
        idea=row["idea"],
        mentor=row["mentor"],
        code=row["idea.code"],
        title=row["idea.title"],
        mentor_name=row["mentor.user.full_name"],
        side=row["side"],
        status=row["status"],
        started_at=row["started_at"],
        summary=row["summary"],
    )


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


async def notes_of(mentorship_id: int) -> list[NoteRow]:
    notes = (
        await SessionNote.select(*SessionNote.all_columns(), SessionNote.author.full_name)
        .where(SessionNote.mentorship == mentorship_id)
        .order_by(SessionNote.created_at, ascending=False)
    )
    ids = [n["id"] for n in notes]
    actions = await ActionItem.select().where(ActionItem.note.is_in(ids)).order_by(ActionItem.id) if ids else []
    return [
        NoteRow(
            id=note["id"],
            notes=note["notes"],
            created_at=note["created_at"],
            author_name=note["author.full_name"],
            actions=tuple(
                ActionRow(id=a["id"], text=a["text"], owner=a["owner"], due=a["due"], done=a["done"])
                for a in actions
                if a["note"] == note["id"]
            ),
        )
        for note in notes
    ]


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
