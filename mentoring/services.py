"""Mentoring services: the mentor pool, team needs, requests, mentorships, office hours,
notes, the incubation pipeline, workshops and batch matching.

"At most N" rules (mentor capacity, pending requests per team, workshop seats, one booking per
slot) are enforced by conditional updates or inside locked transactions.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from accounts import audit, limits, notifications
from accounts.engine import atomic, is_sqlite
from accounts.errors import NotFound, PermissionDenied, ValidationFailed
from accounts.i18n import N_, translate
from accounts.scope import PLATFORM, Scope, clause, load
from accounts.tables import User
from accounts.text import as_id, fold, search_terms
from contest.errors import IdeaError
from contest.tables import Idea, IdeaStatus, ScoreSheet
from mentoring import matching
from mentoring.tables import (
    ActionItem,
    IncubationRecord,
    MatchProposal,
    MatchRun,
    MentoringFeedback,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    OfficeSlot,
    Organization,
    RequestStatus,
    SessionNote,
    TeamNeed,
    Workshop,
    WorkshopRegistration,
)

MAX_PENDING = 3
EXPERTISE = {
    "marketing": N_("Marketing"),
    "finance": N_("Finance and accounting"),
    "law": N_("Law and registration"),
    "software": N_("Software and apps"),
    "agritech": N_("Agricultural technology"),
    "product": N_("Product design"),
    "sales": N_("Sales"),
    "fundraising": N_("Raising funds"),
    "manufacturing": N_("Manufacturing"),
    "tourism": N_("Tourism services"),
    "environment": N_("Environment"),
    "education": N_("Education"),
    "business_model": N_("Business model"),
    "pitching": N_("Pitching"),
}
SECTORS = {
    "agriculture": N_("Agriculture"),
    "digital": N_("Digital transformation"),
    "environment": N_("Environment"),
    "education": N_("STEM education"),
    "tourism": N_("Tourism"),
    "social": N_("Social"),
}
ORG_KINDS = {
    "incubator": N_("Incubator"),
    "university": N_("University"),
    "dost": N_("Department of Science and Technology"),
    "enterprise": N_("Enterprise"),
    "other": N_("Other"),
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon", "evening")
SLOTS = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)
STAGE_LABELS = {"idea": N_("Idea"), "prototype": N_("Prototype"), "pilot": N_("Pilot"), "launched": N_("Launched")}
GATES = {
    "idea": [
        ("problem_checked", N_("The problem was checked with at least 10 people")),
        ("team_formed", N_("A team of at least two is committed")),
    ],
    "prototype": [
        ("prototype_built", N_("A first prototype exists")),
        ("users_tested", N_("At least 5 users tried it")),
    ],
    "pilot": [
        ("pilot_run", N_("A pilot ran in the commune for a month")),
        ("costs_known", N_("Costs and price are worked out")),
    ],
    "launched": [
        ("registered", N_("Registered as a household business, cooperative or company")),
        ("first_sales", N_("First customers or users")),
    ],
}
OUTCOMES = {"household": N_("Household business"), "cooperative": N_("Cooperative"), "company": N_("Company")}
MENTORABLE = [IdeaStatus.shortlisted.value, IdeaStatus.finalist.value, IdeaStatus.awarded.value]


def _db():
    return Mentorship._meta.db


async def _lock(key: int) -> None:
    if not is_sqlite(_db()):
        await Mentorship.raw("SELECT pg_advisory_xact_lock({})", key)


def _json(value: Any) -> list | dict:
    if isinstance(value, str):
        return json.loads(value or "[]")
    return value if value is not None else []


def _list(values: Any, allowed: tuple | dict | None = None, limit: int = 20) -> list[str]:
    out = []
    for value in values or []:
        value = str(value).strip()
        if value and (allowed is None or value in allowed) and value not in out:
            out.append(value)
    return out[:limit]


# ---------------------------------------------------------------- mentors


def profile_search_text(profile: dict[str, Any], name: str, organization: str) -> str:
    labels = [EXPERTISE.get(e, e) for e in _json(profile.get("expertise"))]
    return (
        " "
        + fold(
            " ".join(
                [
                    name,
                    organization,
                    profile.get("title", ""),
                    profile.get("bio", ""),
                    *labels,
                    *_json(profile.get("free_tags")),
                ]
            )
        )
        + " "
    )


async def active_mentees(mentor_id: int) -> int:
    return await Mentorship.count().where((Mentorship.mentor == mentor_id) & (Mentorship.status == "active"))


async def active_counts(mentor_ids: list[int]) -> dict[int, int]:
    """Active mentees of many mentors, in one query."""
    counts: dict[int, int] = {}
    if mentor_ids:
        for m in await Mentorship.select(Mentorship.mentor).where(
            Mentorship.mentor.is_in(mentor_ids) & (Mentorship.status == "active")
        ):
            counts[m["mentor"]] = counts.get(m["mentor"], 0) + 1
    return counts


async def directory(
    *, q: str = "", expertise: str = "", org_kind: str = "", sector: str = "", available: bool = False
) -> list[dict[str, Any]]:
    clause = MentorProfile.approved == True  # noqa: E712
    for term in search_terms(q):
        clause = clause & MentorProfile.search_text.like(f"%{term}%")
    if org_kind:
        clause = clause & (MentorProfile.organization.kind == org_kind)
    rows = (
        await MentorProfile.select(
            MentorProfile.id,
            MentorProfile.title,
            MentorProfile.expertise,
            MentorProfile.sectors,
            MentorProfile.capacity,
            MentorProfile.mode,
            MentorProfile.photo,
            MentorProfile.user.full_name,
            MentorProfile.organization.name,
            MentorProfile.organization.kind,
        )
        .where(clause)
        .order_by(MentorProfile.user.full_name)
    )
    counts = await active_counts([r["id"] for r in rows])
    out = []
    for row in rows:
        row["expertise"], row["sectors"] = _json(row["expertise"]), _json(row["sectors"])
        row["free"] = max(0, row["capacity"] - counts.get(row["id"], 0))
        if expertise and expertise not in row["expertise"]:
            continue
        if sector and sector not in row["sectors"]:
            continue
        if available and not row["free"]:
            continue
        out.append(row)
    return out


async def profile(mentor_id: int, *, public: bool = True) -> dict[str, Any]:
    row = (
        await MentorProfile.select(
            MentorProfile.all_columns(),
            MentorProfile.user.full_name,
            MentorProfile.organization.name,
            MentorProfile.organization.kind,
        )
        .where(MentorProfile.id == mentor_id)
        .first()
    )
    if row is None or (public and not row["approved"]):
        raise NotFound(N_("This mentor does not exist."))
    for key in ("expertise", "free_tags", "sectors", "languages", "stages", "availability"):
        row[key] = _json(row[key])
    row["free"] = max(0, row["capacity"] - await active_mentees(mentor_id))
    return row


async def profile_of_user(user_id: int) -> dict[str, Any] | None:
    row = await MentorProfile.select(MentorProfile.id).where(MentorProfile.user == user_id).first()
    return await profile(row["id"], public=False) if row else None


async def save_profile(user_id: int, values: dict[str, Any], *, now: dt.datetime) -> int:
    """Create or update a mentor's profile (a new one waits for an organizer's approval)."""
    errors = {}
    title = " ".join(str(values.get("title", "")).split())
    bio = str(values.get("bio", "")).strip()
    place = str(values.get("place", "")).strip()
    limits.check("mentor_profile", {"title": title, "bio": bio, "place": place})
    if len(str(values.get("free_tags", ""))) > limits.LINE:
        raise ValidationFailed({"free_tags": limits.TOO_LONG}, {"free_tags": {"limit": limits.shown(limits.LINE)}})
    expertise = _list(values.get("expertise"), EXPERTISE)
    if not expertise:
        errors["expertise"] = N_("Choose at least one field of expertise.")
    try:
        capacity = int(values.get("capacity") or 0)
    except ValueError:
        capacity = -1
    if not 1 <= capacity <= 10:
        errors["capacity"] = N_("Between 1 and 10 teams at a time.")
    if len(bio) < 20:
        errors["bio"] = N_("Please write a few sentences about yourself (at least 20 characters).")
    if errors:
        raise ValidationFailed(errors)
    org_id = values.get("organization")
    user = await User.select(User.full_name).where(User.id == user_id).first()
    org = await Organization.select(Organization.name).where(Organization.id == org_id).first() if org_id else None
    data = {
        "title": title,
        "bio": bio,
        "expertise": expertise,
        "free_tags": _list(str(values.get("free_tags", "")).split(","), None, 10),
        "sectors": _list(values.get("sectors"), SECTORS),
        "languages": _list(values.get("languages"), ("vi", "en")) or ["vi"],
        "stages": _list(values.get("stages"), STAGE_LABELS),
        "availability": _list(values.get("availability"), SLOTS, 21),
        "capacity": capacity,
        "mode": values.get("mode") if values.get("mode") in ("online", "in_person", "any") else "any",
        "place": place,
        "organization": org_id or None,
    }
    text = profile_search_text(data, user["full_name"], org["name"] if org else "")
    stored = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v) for k, v in data.items()}
    existing = await MentorProfile.select(MentorProfile.id).where(MentorProfile.user == user_id).first()
    if existing:
        await MentorProfile.update(
            {**{getattr(MentorProfile, k): v for k, v in stored.items()}, MentorProfile.search_text: text}
        ).where(MentorProfile.id == existing["id"])
        return existing["id"]
    row = MentorProfile(user=user_id, search_text=text, approved=False, created_at=now, **stored)
    await row.save()
    return row.id


async def invite_mentor(contact: str, *, actor_id: int, base_url: str, now: dt.datetime, lang: str = "vi") -> str:
    """An organizer invites an expert to join the mentor pool: an account is told in its inbox, an
    email address without an account gets a mail with the link to register. Returns "inbox" or "mail"."""
    from contest.services import normalise_contact

    contact = normalise_contact(contact)
    user = await User.select(User.id).where((User.email == contact) | (User.phone == contact)).first()
    title = translate(N_("You are invited to mentor the young teams of Hải Phòng's communes"), lang)
    body = translate(
        N_(
            "Experts from incubators, universities, the Department of Science and Technology and "
            "businesses help young people turn ideas into projects. Fill in your mentor profile: "
            "the organizers approve it, then teams can ask for your help."
        ),
        lang,
    )
    if user:
        await notifications.notify(
            user["id"], title=title, body=body, link=f"{base_url}/mentors/apply", kind="mentor_invitation", now=now
        )
        channel = "inbox"
    elif "@" in contact:
        await notifications.queue_mail(
            contact, title, body + f"\n\n{base_url}/register\n{base_url}/mentors/apply", now=now
        )
        channel = "mail"
    else:
        raise ValidationFailed({"contact": N_("No account uses this phone number: invite by email instead.")})
    await audit.record("mentor.invited", actor_id=actor_id, target_type="contact", target_id=contact[:60], now=now)
    return channel


async def set_photo(user_id: int, stored_name: str) -> str | None:
    """Set the profile photo; returns the previous stored name (for the caller to delete)."""
    row = await MentorProfile.select(MentorProfile.id, MentorProfile.photo).where(MentorProfile.user == user_id).first()
    if row is None:
        raise NotFound(N_("This mentor does not exist."))
    await MentorProfile.update({MentorProfile.photo: stored_name}).where(MentorProfile.id == row["id"])
    return row["photo"] or None


async def approve(mentor_id: int, *, actor_id: int, now: dt.datetime) -> None:
    from accounts.services import grant_role
    from accounts.tables import Role

    row = await MentorProfile.select(MentorProfile.user).where(MentorProfile.id == mentor_id).first()
    if row is None:
        raise NotFound(N_("This mentor does not exist."))
    async with atomic(_db()):
        await MentorProfile.update({MentorProfile.approved: True}).where(MentorProfile.id == mentor_id)
        await audit.record("mentor.approved", actor_id=actor_id, target_type="mentor", target_id=mentor_id, now=now)
    await grant_role(row["user"], Role.mentor, actor=None, now=now)


# ---------------------------------------------------------------- teams


async def team_ideas(user_id: int) -> list[dict[str, Any]]:
    """Ideas a person leads that may get mentoring: shortlisted, finalist, awarded, or in incubation."""
    incubating = [r["idea"] for r in await IncubationRecord.select(IncubationRecord.idea)]
    clause = Idea.status.is_in(MENTORABLE)
    if incubating:
        clause = clause | Idea.id.is_in(incubating)
    return (
        await Idea.select(Idea.id, Idea.code, Idea.title, Idea.status, Idea.category.name)
        .where((Idea.lead == user_id) & clause)
        .order_by(Idea.id)
    )


async def _lead_idea(idea_id: int, user_id: int) -> dict[str, Any]:
    ideas = {i["id"]: i for i in await team_ideas(user_id)}
    if idea_id not in ideas:
        if not await Idea.exists().where(Idea.id == idea_id):
            raise NotFound(N_("This idea does not exist."))
        raise PermissionDenied(N_("Only the lead of a shortlisted or awarded idea can do this."))
    return ideas[idea_id]


async def needs_of(idea_id: int) -> dict[str, Any]:
    row = await TeamNeed.select().where(TeamNeed.idea == idea_id).first()
    if row is None:
        return {
            "idea": idea_id,
            "needs": [],
            "sector": "",
            "stage": "idea",
            "languages": ["vi"],
            "availability": [],
            "mode": "any",
            "place": "",
            "preferred": [],
        }
    for key in ("needs", "languages", "availability", "preferred"):
        row[key] = _json(row[key])
    return row


async def save_needs(idea_id: int, values: dict[str, Any], *, user_id: int, now: dt.datetime) -> None:
    await _lead_idea(idea_id, user_id)
    limits.check("team_need", {"place": str(values.get("place", "")).strip()})
    needs = _list(values.get("needs"), EXPERTISE)
    if not needs:
        raise ValidationFailed({"needs": N_("Choose at least one thing the team needs help with.")})
    preferred = [i for i in map(as_id, _list(values.get("preferred"))) if i][:3]
    data = {
        "needs": json.dumps(needs),
        "sector": values.get("sector") if values.get("sector") in SECTORS else "",
        "stage": values.get("stage") if values.get("stage") in STAGE_LABELS else "idea",
        "languages": json.dumps(_list(values.get("languages"), ("vi", "en")) or ["vi"]),
        "availability": json.dumps(_list(values.get("availability"), SLOTS, 21)),
        "mode": values.get("mode") if values.get("mode") in ("online", "in_person", "any") else "any",
        "place": str(values.get("place", "")).strip(),
        "preferred": json.dumps(preferred),
        "updated_at": now,
    }
    await TeamNeed.insert(TeamNeed(idea=idea_id, **data)).on_conflict(
        target=(TeamNeed.idea,), action="DO UPDATE", values=[getattr(TeamNeed, k) for k in data]
    )


# ---------------------------------------------------------------- requests


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
    idea = await _lead_idea(idea_id, user_id)
    mentor = await profile(mentor_id)
    if not mentor["free"]:
        raise IdeaError(N_("This mentor has no free place at the moment."))
    if not message.strip():
        raise ValidationFailed({"message": N_("Please write a short message: who you are and what you need.")})
    limits.check("mentoring_request", {"message": message.strip()})
    async with atomic(_db()):
        await _lock(3_000_000_000 + idea_id)
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


async def requests_for_mentor(mentor_id: int, *, now: dt.datetime) -> list[dict[str, Any]]:
    await expire_requests(now=now, mentor_id=mentor_id)
    return (
        await MentoringRequest.select(
            MentoringRequest.all_columns(),
            MentoringRequest.idea.code,
            MentoringRequest.idea.title,
            MentoringRequest.idea.summary,
            MentoringRequest.idea.lead.full_name,
        )
        .where((MentoringRequest.mentor == mentor_id) & (MentoringRequest.status == RequestStatus.pending.value))
        .order_by(MentoringRequest.created_at)
    )


async def requests_of_team(idea_id: int, *, now: dt.datetime) -> list[dict[str, Any]]:
    await expire_requests(now=now, idea_id=idea_id)
    return (
        await MentoringRequest.select(MentoringRequest.all_columns(), MentoringRequest.mentor.user.full_name)
        .where(MentoringRequest.idea == idea_id)
        .order_by(MentoringRequest.created_at, ascending=False)
    )


async def respond(
    request_id: int, *, mentor_user_id: int, accept: bool, reason: str, now: dt.datetime, lang: str = "vi"
) -> None:
    """The mentor accepts (capacity checked atomically) or declines with a reason."""
    req = (
        await MentoringRequest.select(
            MentoringRequest.all_columns(),
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
    async with atomic(_db()):
        await _lock(3_100_000_000 + req["mentor"])
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
    for row in due:
        mentor = await MentorProfile.select(MentorProfile.user).where(MentorProfile.id == row["mentor"]).first()
        await notifications.notify(
            mentor["user"],
            title=translate(N_("A team's request to you expires tomorrow"), lang),
            link="/mentoring",
            kind="mentoring_reminder",
            now=now,
        )
    return len(expired)


# ---------------------------------------------------------------- mentorships


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
    rows = (
        await Mentorship.update({Mentorship.checkin_sent_at: now})
        .where(
            (Mentorship.status == "active")
            & Mentorship.checkin_sent_at.is_null()
            & (Mentorship.started_at <= now - dt.timedelta(days=days))
        )
        .returning(Mentorship.id)
    )
    for row in rows:
        m = (
            await Mentorship.select(Mentorship.mentor.user, Mentorship.idea.lead, Mentorship.idea.title)
            .where(Mentorship.id == row["id"])
            .first()
        )
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


# ---------------------------------------------------------------- office hours


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


async def book(slot_id: int, mentorship_id: int, *, user_id: int, now: dt.datetime, lang: str = "vi") -> dict[str, Any]:
    """A team books a free slot of its mentor: one booking per slot, even under concurrency."""
    m = await mentorship_for(mentorship_id, user_id)
    if m["side"] != "team" or m["status"] != "active":
        raise PermissionDenied(N_("Only the team of an active mentorship books office hours."))
    rows = (
        await OfficeSlot.update({OfficeSlot.booked_by: mentorship_id, OfficeSlot.booked_at: now})
        .where(
            (OfficeSlot.id == slot_id)
            & (OfficeSlot.mentor == m["mentor"])
            & OfficeSlot.booked_by.is_null()
            & (OfficeSlot.cancelled == False)
            & (OfficeSlot.starts_at > now)
        )
        .returning(OfficeSlot.id)
    )  # noqa: E712
    if not rows:
        raise IdeaError(N_("This time has just been taken. Please choose another."))
    slot = await OfficeSlot.select().where(OfficeSlot.id == slot_id).first()
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
    for row in rows:
        m = (
            await Mentorship.select(Mentorship.mentor.user, Mentorship.idea.lead, Mentorship.idea.title)
            .where(Mentorship.id == row["booked_by"])
            .first()
        )
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


async def slot_for(slot_id: int, user_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    slot = await OfficeSlot.select().where(OfficeSlot.id == slot_id).first()
    if slot is None or slot["booked_by"] is None:
        raise NotFound(N_("This booking does not exist."))
    return slot, await mentorship_for(slot["booked_by"], user_id)


def ics(*, uid: str, title: str, starts: dt.datetime, ends: dt.datetime, location: str, description: str = "") -> bytes:
    """An iCalendar invitation (RFC 5545) for calendars on phones and computers."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Sang tao//vi")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("summary", title)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("dtstamp", dt.datetime.now(dt.UTC))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    calendar.add_component(event)
    return calendar.to_ical()


# ---------------------------------------------------------------- notes


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
    async with atomic(_db()):
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


# ---------------------------------------------------------------- pipeline


async def pipeline(*, scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """The incubation board: ideas by stage, of every commune within ``scope``."""
    condition = clause(IncubationRecord, scope)
    rows = (
        await IncubationRecord.select(
            IncubationRecord.all_columns(),
            IncubationRecord.idea.code,
            IncubationRecord.idea.title,
            IncubationRecord.idea.lead.full_name,
        )
        .where(condition if condition is not None else IncubationRecord.id.is_not_null())
        .order_by(IncubationRecord.updated_at, ascending=False)
    )
    board: dict[str, list[dict[str, Any]]] = {stage: [] for stage in STAGE_LABELS}
    for row in rows:
        row["checklist"] = _json(row["checklist"]) or {}
        board.setdefault(row["stage"], []).append(row)
    return board


async def set_stage(
    idea_id: int, *, stage: str, checklist: list[str], outcome: str, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    """Move an idea along the pipeline; a stage is reached only when the previous gate is met.

    The idea is loaded within ``scope`` (the organizer's communes): an idea of another commune is
    not found and its record stays as it is."""
    idea = await load(Idea, idea_id, scope, Idea.id, Idea.contest.commune, missing=N_("This idea does not exist."))
    if stage not in STAGE_LABELS:
        raise ValidationFailed({"stage": N_("Choose a stage from the list.")})
    order = list(STAGE_LABELS)
    record = await IncubationRecord.select().where(IncubationRecord.idea == idea_id).first()
    current = record["stage"] if record else "idea"
    met = set(checklist)
    if order.index(stage) > order.index(current):
        gate = {key for key, _ in GATES[current]}
        previous = set((_json(record["checklist"]) or {}).get(current, [])) if record else set()
        if not gate <= (met | previous):
            raise ValidationFailed({"stage": N_("The gate of the current stage is not met yet.")})
    if stage == "launched" and outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": N_("Say what the idea became: household business, cooperative or company.")})
    kept = (_json(record["checklist"]) or {}) if record else {}
    kept[current] = sorted((set(kept.get(current, [])) | met) & {k for k, _ in GATES[current]})
    values = {
        "stage": stage,
        "checklist": json.dumps(kept),
        "outcome": outcome if stage == "launched" else "",
        "updated_at": now,
    }
    await IncubationRecord.insert(IncubationRecord(idea=idea_id, **values)).on_conflict(
        target=(IncubationRecord.idea,), action="DO UPDATE", values=[getattr(IncubationRecord, k) for k in values]
    )
    await audit.record(
        "incubation.stage",
        actor_id=actor_id,
        target_type="idea",
        target_id=idea_id,
        now=now,
        commune_id=idea["contest.commune"],
        data={"from": current, "to": stage},
    )


# ---------------------------------------------------------------- workshops


async def workshops(*, now: dt.datetime, upcoming: bool = True) -> list[dict[str, Any]]:
    clause = Workshop.published == True  # noqa: E712
    clause = clause & ((Workshop.ends_at > now) if upcoming else (Workshop.ends_at <= now))
    rows = (
        await Workshop.select(Workshop.all_columns(), Workshop.organization.name)
        .where(clause)
        .order_by(Workshop.starts_at)
    )
    for row in rows:
        row["registered"] = await WorkshopRegistration.count().where(
            (WorkshopRegistration.workshop == row["id"]) & (WorkshopRegistration.status == "registered")
        )
    return rows


async def workshop(workshop_id: int) -> dict[str, Any]:
    row = (
        await Workshop.select(Workshop.all_columns(), Workshop.organization.name)
        .where(Workshop.id == workshop_id)
        .first()
    )
    if row is None or not row["published"]:
        raise NotFound(N_("This workshop does not exist."))
    return row


async def register(workshop_id: int, *, user_id: int, now: dt.datetime) -> str:
    """A seat when one is free, otherwise the waiting list. Returns "registered" or "waitlisted"."""
    row = await workshop(workshop_id)
    if row["starts_at"] <= now:
        raise IdeaError(N_("This workshop has already started."))
    async with atomic(_db()):
        await _lock(3_200_000_000 + workshop_id)
        seats = await WorkshopRegistration.count().where(
            (WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.status == "registered")
        )
        status = "registered" if seats < row["capacity"] else "waitlisted"
        mine = (
            await WorkshopRegistration.select()
            .where((WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.user == user_id))
            .first()
        )
        if mine and mine["status"] != "cancelled":
            raise IdeaError(N_("You are already registered."))
        if mine:
            await WorkshopRegistration.update(
                {WorkshopRegistration.status: status, WorkshopRegistration.created_at: now}
            ).where(WorkshopRegistration.id == mine["id"])
        else:
            await WorkshopRegistration(workshop=workshop_id, user=user_id, status=status, created_at=now).save()
    return status


async def cancel_registration(workshop_id: int, *, user_id: int, now: dt.datetime, lang: str = "vi") -> None:
    async with atomic(_db()):
        await _lock(3_200_000_000 + workshop_id)
        rows = (
            await WorkshopRegistration.update({WorkshopRegistration.status: "cancelled"})
            .where(
                (WorkshopRegistration.workshop == workshop_id)
                & (WorkshopRegistration.user == user_id)
                & (WorkshopRegistration.status != "cancelled")
            )
            .returning(WorkshopRegistration.status)
        )
        if not rows:
            raise NotFound(N_("You are not registered."))
        first = (
            await WorkshopRegistration.select()
            .where((WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.status == "waitlisted"))
            .order_by(WorkshopRegistration.created_at)
            .first()
        )
        row = await workshop(workshop_id)
        seats = await WorkshopRegistration.count().where(
            (WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.status == "registered")
        )
        if first and seats < row["capacity"]:
            await WorkshopRegistration.update({WorkshopRegistration.status: "registered"}).where(
                WorkshopRegistration.id == first["id"]
            )
            await notifications.notify(
                first["user"],
                title=translate(N_("A seat is free for you: %(title)s"), lang, title=row["title"]),
                link=f"/workshops/{workshop_id}",
                kind="workshop_seat",
                now=now,
            )


async def my_registration(workshop_id: int, user_id: int) -> dict[str, Any] | None:
    return (
        await WorkshopRegistration.select()
        .where((WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.user == user_id))
        .first()
    )


async def registrations(workshop_id: int, *, scope: Scope) -> list[dict[str, Any]]:
    """Who registered for a workshop (with names: for its organizers) — none when the workshop lies
    outside ``scope``."""
    condition = (WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.status != "cancelled")
    within = clause(WorkshopRegistration, scope)
    return (
        await WorkshopRegistration.select(WorkshopRegistration.all_columns(), WorkshopRegistration.user.full_name)
        .where(condition if within is None else condition & within)
        .order_by(WorkshopRegistration.created_at)
    )


async def seat_counts(workshop_id: int) -> dict[str, int]:
    """Seats taken and people waiting (figures anyone may see, without names)."""
    rows = await WorkshopRegistration.select(WorkshopRegistration.status).where(
        (WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.status != "cancelled")
    )
    return {
        "registered": sum(1 for r in rows if r["status"] == "registered"),
        "waitlisted": sum(1 for r in rows if r["status"] == "waitlisted"),
    }


async def set_attendance(
    workshop_id: int, present: list[int], *, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    """Record who came. The workshop is loaded within ``scope`` (its commune's organizers; a city-wide
    workshop: platform admins): a workshop elsewhere is not found and its registrations stay as they are."""
    row = await load(
        Workshop, workshop_id, scope, Workshop.id, Workshop.commune, missing=N_("This workshop does not exist.")
    )
    async with atomic(_db()):
        await WorkshopRegistration.update({WorkshopRegistration.attended: False}).where(
            WorkshopRegistration.workshop == workshop_id
        )
        if present:
            await WorkshopRegistration.update({WorkshopRegistration.attended: True}).where(
                (WorkshopRegistration.workshop == workshop_id) & WorkshopRegistration.id.is_in(present)
            )
        await audit.record(
            "workshop.attendance",
            actor_id=actor_id,
            target_type="workshop",
            target_id=workshop_id,
            commune_id=row["commune"],
            now=now,
            data={"present": len(present)},
        )


# ---------------------------------------------------------------- batch matching


def _team_of(need: dict[str, Any], judged_by: set[int]) -> matching.Team:
    return matching.Team(
        id=need["idea"],
        needs=frozenset(_json(need["needs"])),
        sector=need["sector"] or None,
        stage=need["stage"],
        languages=frozenset(_json(need["languages"])),
        availability=frozenset(_json(need["availability"])),
        mode=need["mode"],
        place=need["place"] or None,
        preferred=tuple(_json(need["preferred"])),
        judged_by=frozenset(judged_by),
    )


async def _mentor_pool() -> list[matching.Mentor]:
    rows = await MentorProfile.select().where(MentorProfile.approved == True)  # noqa: E712
    counts = await active_counts([r["id"] for r in rows])
    pool = []
    for row in rows:
        free = row["capacity"] - counts.get(row["id"], 0)
        pool.append(
            matching.Mentor(
                id=row["id"],
                expertise=frozenset(_json(row["expertise"])),
                sectors=frozenset(_json(row["sectors"])),
                stages=frozenset(_json(row["stages"])),
                languages=frozenset(_json(row["languages"])),
                availability=frozenset(_json(row["availability"])),
                mode=row["mode"],
                place=row["place"] or None,
                capacity=max(0, free),
                user_id=row["user"],
            )
        )
    return pool


async def run_matching(
    commune_id: int, *, mode: str, actor_id: int, now: dt.datetime, min_score: float = 0.3, scope: Scope
) -> int:
    """Propose mentors for the commune's teams that stated their needs and have no mentor yet."""
    import asyncio

    if not scope.covers(commune_id):
        raise NotFound(N_("This commune does not exist on the platform."))

    needs = await TeamNeed.select(TeamNeed.all_columns()).where(TeamNeed.idea.contest.commune == commune_id)
    mentored = {m["idea"] for m in await Mentorship.select(Mentorship.idea).where(Mentorship.status == "active")}
    needs = [n for n in needs if n["idea"] not in mentored]
    if not needs:
        raise IdeaError(N_("No team without a mentor has stated its needs yet."))
    judged: dict[int, set[int]] = {}
    for s in await ScoreSheet.select(ScoreSheet.idea, ScoreSheet.judge).where(
        ScoreSheet.idea.is_in([n["idea"] for n in needs])
    ):
        judged.setdefault(s["idea"], set()).add(s["judge"])
    teams = [_team_of(n, judged.get(n["idea"], set())) for n in needs]
    mentors = await _mentor_pool()
    solver = matching.stable if mode == "stable" else matching.optimal
    result = await asyncio.to_thread(solver, teams, mentors, min_score=min_score)
    by_id = {m.id: m for m in mentors}
    async with atomic(_db()):
        run = MatchRun(
            commune=commune_id, mode="stable" if mode == "stable" else "optimal", created_by=actor_id, created_at=now
        )
        await run.save()
        total = 0.0
        for team in teams:
            mentor_id = result.get(team.id)
            s = matching.score(team, by_id[mentor_id]) if mentor_id else None
            total += s.total if s else 0.0
            await MatchProposal(
                run=run.id,
                idea=team.id,
                mentor=mentor_id,
                score=s.total if s else 0.0,
                components=json.dumps(dict(s.components) if s else {}),
                covered=json.dumps(list(s.needs_covered) if s else []),
            ).save()
        await MatchRun.update({MatchRun.total_score: total}).where(MatchRun.id == run.id)
        await audit.record(
            "matching.run",
            actor_id=actor_id,
            target_type="commune",
            target_id=commune_id,
            now=now,
            commune_id=commune_id,
            data={"mode": mode, "teams": len(teams), "total": round(total, 3)},
        )
    return run.id


async def proposals(run_id: int, *, scope: Scope) -> list[dict[str, Any]]:
    """A matching run's proposals, best first — none when the run lies outside ``scope``."""
    condition = MatchProposal.run == run_id
    within = clause(MatchProposal, scope)
    rows = (
        await MatchProposal.select(
            MatchProposal.all_columns(),
            MatchProposal.idea.code,
            MatchProposal.idea.title,
            MatchProposal.mentor.user.full_name,
        )
        .where(condition if within is None else condition & within)
        .order_by(MatchProposal.score, ascending=False)
    )
    for row in rows:
        row["components"] = _json(row["components"]) or {}
        row["covered"] = _json(row["covered"])
    return rows


async def latest_run(commune_id: int) -> dict[str, Any] | None:
    return await MatchRun.select().where(MatchRun.commune == commune_id).order_by(MatchRun.id, ascending=False).first()


async def adjust(proposal_id: int, mentor_id: int | None, *, actor_id: int, scope: Scope) -> None:
    """An organizer changes the mentor of a proposal before the run is published. The proposal is
    loaded within ``scope`` (its run's commune) in one query: one of another commune is not found."""
    row = await load(
        MatchProposal,
        proposal_id,
        scope,
        MatchProposal.all_columns(),
        MatchProposal.run.published_at,
        missing=N_("This proposal cannot be changed."),
    )
    if row["run.published_at"]:
        raise IdeaError(N_("This proposal cannot be changed."))
    values: dict[Any, Any] = {MatchProposal.mentor: mentor_id, MatchProposal.adjusted: True}
    if mentor_id:
        need = await TeamNeed.select().where(TeamNeed.idea == row["idea"]).first()
        mentor = next((m for m in await _mentor_pool() if m.id == mentor_id), None)
        if need is None or mentor is None or not matching.hard_ok(_team_of(need, set()), mentor):
            raise IdeaError(N_("This mentor cannot take this team (language or capacity)."))
        s = matching.score(_team_of(need, set()), mentor)
        values.update(
            {
                MatchProposal.score: s.total,
                MatchProposal.components: json.dumps(dict(s.components)),
                MatchProposal.covered: json.dumps(list(s.needs_covered)),
            }
        )
    await MatchProposal.update(values).where(MatchProposal.id == proposal_id)


async def publish_run(run_id: int, *, actor_id: int, now: dt.datetime, lang: str = "vi", scope: Scope) -> int:
    """Turn the reviewed proposals into mentorships (capacity checked) and tell both sides.

    The run is claimed within ``scope`` (its commune) by the same statement that marks it
    published: a run of another commune is not found and stays unpublished."""
    created = 0
    within = clause(MatchRun, scope)
    async with atomic(_db()):
        condition = (MatchRun.id == run_id) & MatchRun.published_at.is_null()
        done = (
            await MatchRun.update({MatchRun.published_at: now})
            .where(condition if within is None else condition & within)
            .returning(MatchRun.commune)
        )
        if not done:
            await load(MatchRun, run_id, scope, MatchRun.id, missing=N_("This matching run does not exist."))
            raise IdeaError(N_("This matching has already been published."))
        for p in await proposals(run_id, scope=PLATFORM):
            if not p["mentor"]:
                continue
            mentor = (
                await MentorProfile.select(MentorProfile.capacity, MentorProfile.user)
                .where(MentorProfile.id == p["mentor"])
                .first()
            )
            if await active_mentees(p["mentor"]) >= mentor["capacity"]:
                continue
            added = (
                await Mentorship.insert(
                    Mentorship(idea=p["idea"], mentor=p["mentor"], source="matching", started_at=now)
                )
                .on_conflict(target=(Mentorship.idea, Mentorship.mentor), action="DO NOTHING")
                .returning(Mentorship.id)
            )
            if not added:
                continue
            created += 1
            idea = await Idea.select(Idea.lead, Idea.title).where(Idea.id == p["idea"]).first()
            for person in (mentor["user"], idea["lead"]):
                await notifications.notify(
                    person,
                    title=translate(N_("New mentorship: “%(title)s”"), lang, title=idea["title"]),
                    link="/mentoring",
                    kind="mentoring_match",
                    now=now,
                )
        await audit.record(
            "matching.published",
            actor_id=actor_id,
            target_type="match_run",
            target_id=run_id,
            commune_id=done[0]["commune"],
            now=now,
            data={"mentorships": created},
        )
    return created


def new_uid() -> str:
    return f"{uuid.uuid4()}@sangtao"


COMPONENT_LABELS = {
    "needs": N_("needs covered"),
    "sector": N_("sector"),
    "stage": N_("stage fit"),
    "availability": N_("time overlap"),
    "language": N_("language"),
    "mode": N_("online or in person"),
    "preference": N_("the team's preference"),
}


def explain_proposal(components: dict[str, float], covered: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Why a match was proposed, as (msgid, params) pairs for the reader's language."""
    lines: list[tuple[str, dict[str, Any]]] = []
    if covered:
        lines.append((N_("Covers these needs: %(needs)s"), {"needs": covered}))
    strong = [k for k, v in components.items() if v >= 0.99 and k != "needs"]
    if strong:
        lines.append((N_("Good fit on: %(parts)s"), {"parts": strong}))
    return lines


async def mentor_conflicts(round_id: int) -> set[tuple[int, int]]:
    """Judges who mentor a team must not score its entry (a conflict source for judging)."""
    rows = await Mentorship.select(Mentorship.mentor.user, Mentorship.idea).where(Mentorship.idea.round == round_id)
    return {(r["mentor.user"], r["idea"]) for r in rows}


def register_conflict_source() -> None:
    from contest import judging

    if mentor_conflicts not in judging.CONFLICT_SOURCES:
        judging.CONFLICT_SOURCES.append(mentor_conflicts)


register_conflict_source()
