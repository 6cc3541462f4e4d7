"""Office hours: mentors publish times, the team of an active mentorship books one (one booking per
time, even under concurrency), both sides are reminded the day before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from accounts import limits, notifications
from accounts.engine import atomic
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_, translate
from contest.errors import IdeaError
from mentoring.common import db
from mentoring.mentorships import mentorship_for, mentorship_page, sides
from mentoring.tables import (
    OfficeSlot,
)


async def publish_slot(
    mentor_id: int, *, starts_at: dt.datetime, minutes: int, mode: str, location: str, now: dt.datetime
) -> int:
    if starts_at <= now:
        raise ValidationFailed({"starts_at": N_("Choose a time in the future.")})
    if not 15 <= minutes <= 240:
        raise ValidationFailed({"minutes": N_("Between 15 and 240 minutes.")})
    limits.check("office_slot", {"location": location.strip()})
    slot = OfficeSlot(
        mentor=mentor_id,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        mode=mode if mode in ("online", "in_person") else "online",
        location=location.strip(),
    )
    await slot.save()
    return slot.id


async def open_slots(mentor_id: int, *, now: dt.datetime) -> list[dict[str, Any]]:
    return (
        await OfficeSlot.select()
        .where((OfficeSlot.mentor == mentor_id) & (OfficeSlot.starts_at > now) & (OfficeSlot.cancelled == False))
        .order_by(OfficeSlot.starts_at)
    )  # noqa: E712


async def booked_slots(mentorship_id: int) -> list[dict[str, Any]]:
    """The office hours a mentorship's team has booked, earliest first (callers check the mentorship first)."""
    return await OfficeSlot.select().where(OfficeSlot.booked_by == mentorship_id).order_by(OfficeSlot.starts_at)


async def book(slot_id: int, mentorship_id: int, *, user_id: int, now: dt.datetime, lang: str = "vi") -> dict[str, Any]:
    """A team books a free slot of its mentor: one booking per slot, even under concurrency."""
    m = await mentorship_for(mentorship_id, user_id)
    if m["side"] != "team" or m["status"] != "active":
        raise PermissionDenied(N_("Only the team of an active mentorship books office hours."))
    async with atomic(db()):
        rows = (
            await OfficeSlot.update({OfficeSlot.booked_by: mentorship_id, OfficeSlot.booked_at: now})
            .where(
                (OfficeSlot.id == slot_id)
                & (OfficeSlot.mentor == m["mentor"])
                & OfficeSlot.booked_by.is_null()
                & (OfficeSlot.cancelled == False)  # noqa: E712
                & (OfficeSlot.starts_at > now)
            )
            .returning(OfficeSlot.id)
        )
        if not rows:
            raise IdeaError(N_("This time has just been taken. Please choose another."))
        slot = await OfficeSlot.select().where(OfficeSlot.id == slot_id).first()
        assert slot is not None  # booked just above
        for person in (m["mentor.user"], m["idea.lead"]):
            await notifications.notify(
                person,
                title=translate(N_("Office hours booked: %(title)s"), lang, title=m["idea.title"]),
                link=f"/mentoring/slots/{slot_id}/invitation.ics",
                kind="office_hours",
                now=now,
            )
    return slot


async def remind_sessions(*, now: dt.datetime, hours: int = 24, lang: str = "vi") -> int:
    """A day before booked office hours, remind the mentor and the team (once per slot)."""
    async with atomic(db()):
        rows = (
            await OfficeSlot.update({OfficeSlot.reminded_at: now})
            .where(
                OfficeSlot.booked_by.is_not_null()
                & (OfficeSlot.cancelled == False)  # noqa: E712
                & OfficeSlot.reminded_at.is_null()
                & (OfficeSlot.starts_at > now)
                & (OfficeSlot.starts_at <= now + dt.timedelta(hours=hours))
            )
            .returning(OfficeSlot.id, OfficeSlot.booked_by)
        )
        both = await sides([row["booked_by"] for row in rows])
        for row in rows:
            m = both[row["booked_by"]]
            for person in (m["mentor.user"], m["idea.lead"]):
                await notifications.notify(
                    person,
                    title=translate(N_("Reminder: office hours tomorrow for “%(title)s”"), lang, title=m["idea.title"]),
                    link=f"/mentoring/mentorships/{row['booked_by']}",
                    kind="office_hours_reminder",
                    now=now,
                )
    return len(rows)


async def cancel_booking(slot_id: int, *, user_id: int, now: dt.datetime) -> None:
    slot = await OfficeSlot.select().where(OfficeSlot.id == slot_id).first()
    if slot is None or slot["booked_by"] is None:
        raise NotFound(N_("This booking does not exist."))
    await mentorship_for(slot["booked_by"], user_id)
    await OfficeSlot.update({OfficeSlot.booked_by: None, OfficeSlot.booked_at: None}).where(OfficeSlot.id == slot_id)


@dataclass(frozen=True, slots=True)
class BookedSlot:
    """A booked office-hours time as its mentor or its team sees it: when and where, the mentorship it
    belongs to, its idea's title and the mentor's name (what the calendar invitation says)."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode: str
    location: str
    mentorship: int
    title: str  # the idea's
    mentor_name: str


async def slot_for(slot_id: int, user_id: int) -> BookedSlot:
    """A booked time, seen by the mentor or the team lead of the mentorship that booked it (anyone else,
    or a time nobody booked: not found)."""
    slot = await OfficeSlot.select().where(OfficeSlot.id == slot_id).first()
    if slot is None or slot["booked_by"] is None:
        raise NotFound(N_("This booking does not exist."))
    m = await mentorship_page(slot["booked_by"], user_id)
    return BookedSlot(
        id=slot["id"],
        starts_at=slot["starts_at"],
        ends_at=slot["ends_at"],
        mode=slot["mode"],
        location=slot["location"],
        mentorship=m.id,
        title=m.title,
        mentor_name=m.mentor_name,
    )
