"""Mentoring requests: a team asks a mentor (at most three requests waiting at once), the mentor
accepts (capacity checked under a lock) or declines with a reason, and unanswered requests expire
with a reminder the day before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts import limits, locks, notifications
from accounts.engine import atomic
from accounts.errors import NotFound, ValidationFailed
from accounts.i18n import N_, translate
from contest.errors import IdeaError
from mentoring.common import db
from mentoring.directory import active_mentees, mentor_users, profile
from mentoring.tables import (
    MentoringRequest,
    Mentorship,
    RequestStatus,
)
from mentoring.teams import lead_idea

MAX_PENDING = 3


async def request_mentor(
    idea_id: int,
    mentor_id: int,
    *,
    message: str,
    user_id: int,
    now: dt.datetime,
    expiry_days: int = 7,
    lang: str = "vi",
) -> int:
    idea = await lead_idea(idea_id, user_id)
    mentor = await profile(mentor_id)
    if not mentor["free"]:
        raise IdeaError(N_("This mentor has no free place at the moment."))
    if not message.strip():
        raise ValidationFailed({"message": N_("Please write a short message: who you are and what you need.")})
    limits.check("mentoring_request", {"message": message.strip()})
    async with atomic(db()):
        await locks.hold(MentoringRequest, locks.MENTORING_REQUESTS, idea_id)
        await expire_requests(now=now, idea_id=idea_id)
        pending = await MentoringRequest.select(MentoringRequest.mentor).where(
            (MentoringRequest.idea == idea_id) & (MentoringRequest.status == RequestStatus.pending.value)
        )
        if any(p["mentor"] == mentor_id for p in pending):
            raise IdeaError(N_("You have already asked this mentor; wait for the answer."))
        if len(pending) >= MAX_PENDING:
            raise IdeaError(N_("A team can have at most %(limit)s requests waiting at once."), limit=MAX_PENDING)
        if await Mentorship.exists().where((Mentorship.idea == idea_id) & (Mentorship.mentor == mentor_id)):
            raise IdeaError(N_("This mentor already works with your team."))
        row = MentoringRequest(
            idea=idea_id,
            mentor=mentor_id,
            message=message.strip()[:2000],
            created_at=now,
            expires_at=now + dt.timedelta(days=expiry_days),
        )
        await row.save()
        await notifications.notify(
            mentor["user"],
            title=translate(N_("A team asks you to be its mentor: “%(title)s”"), lang, title=idea["title"]),
            body=message.strip()[:500],
            link="/mentoring",
            kind="mentoring_request",
            now=now,
        )
    return row.id


@dataclass(frozen=True, slots=True)
class IncomingRequest:
    """A team's request waiting for the mentor's answer."""

    id: int
    idea: int
    code: str
    title: str
    summary: str
    lead_name: str
    message: str
    created_at: dt.datetime
    expires_at: dt.datetime


async def requests_for_mentor(mentor_id: int, *, now: dt.datetime) -> list[IncomingRequest]:
    await expire_requests(now=now, mentor_id=mentor_id)
    rows = (
        await MentoringRequest.select(
            *MentoringRequest.all_columns(),
            MentoringRequest.idea.code,
            MentoringRequest.idea.title,
            MentoringRequest.idea.summary,
            MentoringRequest.idea._.lead.full_name,
        )
        .where((MentoringRequest.mentor == mentor_id) & (MentoringRequest.status == RequestStatus.pending.value))
        .order_by(MentoringRequest.created_at)
    )
    return [
        IncomingRequest(
            id=r["id"],
            idea=r["idea"],
            code=r["idea.code"],
            title=r["idea.title"],
            summary=r["idea.summary"],
            lead_name=r["idea.lead.full_name"],
            message=r["message"],
            created_at=r["created_at"],
            expires_at=r["expires_at"],
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class TeamRequest:
    """A team's request to a mentor and where it stands."""

    id: int
    mentor: int
    mentor_name: str
    status: str
    reason: str
    created_at: dt.datetime


async def requests_of_team(idea_id: int, *, now: dt.datetime) -> list[TeamRequest]:
    await expire_requests(now=now, idea_id=idea_id)
    rows = (
        await MentoringRequest.select(*MentoringRequest.all_columns(), MentoringRequest.mentor._.user.full_name)
        .where(MentoringRequest.idea == idea_id)
        .order_by(MentoringRequest.created_at, ascending=False)
    )
    return [
        TeamRequest(
            id=r["id"],
            mentor=r["mentor"],
            mentor_name=r["mentor.user.full_name"],
            status=r["status"],
            reason=r["reason"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def respond(
    request_id: int, *, mentor_user_id: int, accept: bool, reason: str, now: dt.datetime, lang: str = "vi"
) -> None:
    """The mentor accepts (capacity checked atomically) or declines with a reason."""
    req = (
        await MentoringRequest.select(
            *MentoringRequest.all_columns(),
            MentoringRequest.mentor.user,
            MentoringRequest.mentor.capacity,
            MentoringRequest.idea.lead,
            MentoringRequest.idea.title,
        )
        .where((MentoringRequest.id == request_id) & (MentoringRequest.mentor.user == mentor_user_id))
        .first()
    )
    if req is None:  # only the mentor asked answers: loaded by id and mentor in one query
        raise NotFound(N_("This request does not exist."))
    if not accept and not reason.strip():
        raise ValidationFailed({"reason": N_("Please tell the team why, so they can ask someone else.")})
    limits.check("mentoring_request", {"reason": reason.strip()})
    async with atomic(db()):
        await locks.hold(Mentorship, locks.MENTOR_CAPACITY, req["mentor"])
        if accept and await active_mentees(req["mentor"]) >= req["mentor.capacity"]:
            raise IdeaError(N_("You have no free place: close a mentorship or raise your capacity first."))
        status = RequestStatus.accepted.value if accept else RequestStatus.declined.value
        done = (
            await MentoringRequest.update(
                {
                    MentoringRequest.status: status,
                    MentoringRequest.responded_at: now,
                    MentoringRequest.reason: reason.strip()[:2000],
                }
            )
            .where(
                (MentoringRequest.id == request_id)
                & (MentoringRequest.status == RequestStatus.pending.value)
                & (MentoringRequest.expires_at > now)
            )
            .returning(MentoringRequest.id)
        )
        if not done:
            raise IdeaError(N_("This request has already been answered or has expired."))
        if accept:
            await Mentorship.insert(Mentorship(idea=req["idea"], mentor=req["mentor"], started_at=now)).on_conflict(
                target=(Mentorship.idea, Mentorship.mentor), action="DO NOTHING"
            )
            await MentoringRequest.update(
                {MentoringRequest.status: RequestStatus.cancelled.value, MentoringRequest.responded_at: now}
            ).where((MentoringRequest.idea == req["idea"]) & (MentoringRequest.status == RequestStatus.pending.value))
        title = (
            N_("Your mentoring request was accepted: “%(title)s”")
            if accept
            else N_("Your mentoring request was declined: “%(title)s”")
        )
        await notifications.notify(
            req["idea.lead"],
            title=translate(title, lang, title=req["idea.title"]),
            body=reason.strip(),
            link="/mentoring",
            kind="mentoring_answer",
            now=now,
        )


async def cancel_request(request_id: int, *, user_id: int, now: dt.datetime) -> None:
    req = (
        await MentoringRequest.select(MentoringRequest.idea)
        .where((MentoringRequest.id == request_id) & (MentoringRequest.idea.lead == user_id))
        .first()
    )
    if req is None:  # only the team lead who asked withdraws: loaded by id and lead in one query
        raise NotFound(N_("This request does not exist."))
    await MentoringRequest.update(
        {MentoringRequest.status: RequestStatus.cancelled.value, MentoringRequest.responded_at: now}
    ).where((MentoringRequest.id == request_id) & (MentoringRequest.status == RequestStatus.pending.value))


async def expire_requests(
    *,
    now: dt.datetime,
    idea_id: int | None = None,
    mentor_id: int | None = None,
    remind_hours: int = 24,
    lang: str = "vi",
) -> int:
    """Requests past their date expire; mentors are reminded a day before. Safe to run at any time."""
    clause = MentoringRequest.status == RequestStatus.pending.value
    if idea_id:
        clause = clause & (MentoringRequest.idea == idea_id)
    if mentor_id:
        clause = clause & (MentoringRequest.mentor == mentor_id)
    async with atomic(db()):
        expired = (
            await MentoringRequest.update({MentoringRequest.status: RequestStatus.expired.value})
            .where(clause & (MentoringRequest.expires_at <= now))
            .returning(MentoringRequest.id)
        )
        due = (
            await MentoringRequest.update({MentoringRequest.reminded_at: now})
            .where(
                clause
                & MentoringRequest.reminded_at.is_null()
                & (MentoringRequest.expires_at <= now + dt.timedelta(hours=remind_hours))
            )
            .returning(MentoringRequest.mentor)
        )
        users = await mentor_users([row["mentor"] for row in due])
        for row in due:
            await notifications.notify(
                users[row["mentor"]],
                title=translate(N_("A team's request to you expires tomorrow"), lang),
                link="/mentoring",
                kind="mentoring_reminder",
                now=now,
            )
    return len(expired)
