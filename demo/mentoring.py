"""Demo data of the city-wide mentoring programme around «Xã An Khánh» (idempotent).

Every person, company and conversation here is fictional (the universities and the Department are
real institutions of Hải Phòng; nobody named here works there). Everything goes through the
mentoring modules (``mentoring.directory``, ``requests``, ``workshops`` …) with the seed's clock
moved back to the moment each thing happened:

* the partner organizations, one of each kind, and nine mentors: eight approved (mentor1 … mentor8),
  one still waiting for the organizers (mentor9);
* the needs of five teams of the finished 2025 contest, their requests (two waiting, one declined
  with a reason, one accepted), the mentorship of mentor1 with youth1's «Livestream bán bánh đa từ lò»
  (started 40 days ago, its one-month check-in sent, two session notes, three action items, one done,
  one of mentor1's two coming office hours booked);
* five ideas on the incubation road, moved gate by gate (idea, prototype ×2, pilot, launched as a cooperative);
* a startup-thinking workshop in ten days at the commune's cultural house with eight registrations, and a
  past one with its attendance.

Idempotent: organizations are found by name, people by email, a mentor's profile by its user, a team's
needs, requests and pipeline record by their idea, workshops by title; whatever exists is left alone.
Imports neither ``litestar`` nor ``server``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts import passwords
from accounts import services as accounts_services
from accounts.clock import UTC
from accounts.engine import atomic
from accounts.scope import PLATFORM
from accounts.tables import User
from contest.tables import Idea
from demo import load
from demo.people import DEMO_PASSWORD, ensure_user
from mentoring import directory, match_runs, mentorships, office_hours, pipeline, requests, teams, workshops
from mentoring.tables import (
    ActionItem,
    IncubationRecord,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    Organization,
    OrgKind,
    TeamNeed,
    Workshop,
)

VN = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh has had no daylight saving time since 1975
FINISHED = "y-tuong-sang-tao-2025"
ORGANIZER = "organizer@example.com"
YOUTH1 = "youth1@example.com"
MENTOR1 = "mentor1@example.com"

# Organizations, mentors, teams' needs and requests, session notes, the pipeline and workshops:
# demo/data/mentoring.toml (what each record holds is said there). Forms keep their lists.
_DATA = load.data("mentoring", lists_in_tables=True)
ORGANIZATIONS: tuple[tuple[str, OrgKind, str], ...] = tuple(
    (name, OrgKind(kind), description)
    for name, kind, description in load.records(_DATA["organizations"], "name", "kind", "description")
)
_MENTOR_FIELDS = ("email", "name", "birth_year", "organization", "local", "profile")
# email, full name, birth year, organization, local (lives in the commune), profile
MENTORS: tuple[tuple[str, str, int, str, bool, dict[str, Any]], ...] = load.records(_DATA["mentors"], *_MENTOR_FIELDS)
# Applied, not approved yet: the organizer's mentoring page shows the profile waiting.
PENDING_MENTOR = load.records([_DATA["pending_mentor"]], *_MENTOR_FIELDS)[0]
# title, days ago, needs, preferred mentors (by email)
NEEDS = load.records(_DATA["needs"], "title", "days_ago", "form", "preferred")
ACCEPTED_MESSAGE: str = _DATA["accepted_message"]
# title, mentor email, days ago asked, message, days ago answered, reason (declined) or None (still waiting)
OTHER_REQUESTS = load.records(
    _DATA["other_requests"], "title", "mentor", "asked_days_ago", "message", "answered_days_ago", "reason"
)
# days ago, author (mentor or team lead), notes, action items: (text, owner, due in days from now, done)
NOTES = tuple(
    (days_ago, author, text, tuple(actions))
    for days_ago, author, text, actions in load.records(_DATA["notes"], "days_ago", "author", "text", "actions")
)
# title, steps: (days ago, stage, gate items met, outcome)
PIPELINE = tuple(
    (title, tuple((days_ago, stage, list(met), outcome) for days_ago, stage, met, outcome in steps))
    for title, steps in load.records(_DATA["pipeline"], "title", "steps")
)
UPCOMING_WORKSHOP: dict[str, Any] = _DATA["upcoming_workshop"]
PAST_WORKSHOP: dict[str, Any] = _DATA["past_workshop"]
UPCOMING_PEOPLE: tuple[str, ...] = _DATA["upcoming_people"]
PAST_PEOPLE: tuple[str, ...] = _DATA["past_people"]
PAST_ABSENT: tuple[str, ...] = _DATA["past_absent"]


# ---------------------------------------------------------------- teams of the 2025 contest

LIVESTREAM = "Livestream bán bánh đa từ lò"
WASTE_MAP = "Bản đồ điểm rác tự phát qua Zalo"
FERRY = "Khôi phục bến đò xưa thành điểm dừng chân ven sông"
WARDROBE = "Tủ quần áo 0 đồng cho công nhân và trẻ em"
SCIENCE_CLUB = "Câu lạc bộ «Em yêu khoa học» sáng chủ nhật"
STRAW = "Máy cuộn rơm mini dùng chung cho ruộng nhỏ"


# ---------------------------------------------------------------- entry point


async def seed_mentoring(commune_id: int, *, now: dt.datetime) -> str:
    """Create what is missing of the demo mentoring programme; a line saying what was done."""
    now = now.astimezone(UTC)
    people = await _ids([ORGANIZER, YOUTH1, MENTOR1])
    organizer = people[ORGANIZER]
    missing = [m[0] for m in (*MENTORS, PENDING_MENTOR) if not await User.exists().where(User.email == m[0])]
    password_hash = await passwords.hash_async(DEMO_PASSWORD) if missing else ""
    ideas = await _finished_ideas()
    done: list[str] = []
    async with atomic(MentorProfile._meta.db):
        orgs = await _organizations(done)
        mentors = await _mentors(commune_id, orgs, password_hash, organizer=organizer, now=now, done=done)
        await _needs(ideas, mentors, now=now, done=done)
        await _requests(ideas, mentors, now=now, done=done)
        await _pipeline(ideas, organizer=organizer, now=now, done=done)
        await _workshops(commune_id, orgs, organizer=organizer, now=now, done=done)
    return "Demo mentoring: " + ("; ".join(done) if done else "already there") + "."


async def _organizations(done: list[str]) -> dict[str, int]:
    ids, created = {}, 0
    for name, kind, description in ORGANIZATIONS:
        row = await Organization.select(Organization.id).where(Organization.name == name).first()
        if row is None:
            org = Organization(name=name, kind=kind.value, description=description)
            await org.save()
            row, created = {"id": org.id}, created + 1
        ids[name] = row["id"]
    if created:
        done.append(f"{created} partner organizations")
    return ids


async def _mentors(
    commune_id: int, orgs: dict[str, int], password_hash: str, *, organizer: int, now: dt.datetime, done: list[str]
) -> dict[str, int]:
    """Mentor profile ids by email; new profiles are saved 60 days ago, approved two days later (not mentor9)."""
    hamlets = [h["id"] for h in await accounts_services.hamlets_of(commune_id)]
    ids, created = {}, 0
    applied = now - dt.timedelta(days=60)
    for n, (email, name, year, org, local, values) in enumerate((*MENTORS, PENDING_MENTOR)):
        user_id = await ensure_user(
            email,
            name,
            year,
            commune_id=commune_id if local else None,
            hamlet_id=hamlets[n % len(hamlets)] if local and hamlets else None,
            password_hash=password_hash,
            created_at=applied - dt.timedelta(days=1),
        )
        row = await MentorProfile.select(MentorProfile.id).where(MentorProfile.user == user_id).first()
        if row is None:
            mentor_id = await directory.save_profile(
                user_id, {**values, "organization": orgs.get(org)}, now=applied + dt.timedelta(hours=n)
            )
            if email != PENDING_MENTOR[0]:
                await directory.approve(mentor_id, actor_id=organizer, now=applied + dt.timedelta(days=2, hours=n))
            row, created = {"id": mentor_id}, created + 1
        ids[email] = row["id"]
    if created:
        done.append(f"{created} mentor profiles")
    return ids


async def _needs(
    ideas: dict[str, dict[str, Any]], mentors: dict[str, int], *, now: dt.datetime, done: list[str]
) -> None:
    created = 0
    for title, days_ago, values, preferred in NEEDS:
        idea = ideas[title]
        if await TeamNeed.exists().where(TeamNeed.idea == idea["id"]):
            continue
        await teams.save_needs(
            idea["id"],
            {**values, "preferred": [mentors[e] for e in preferred]},
            user_id=idea["lead"],
            now=now - dt.timedelta(days=days_ago),
        )
        created += 1
    if created:
        done.append(f"needs of {created} teams")


async def _requests(
    ideas: dict[str, dict[str, Any]], mentors: dict[str, int], *, now: dt.datetime, done: list[str]
) -> None:
    count = 0
    mentor1 = mentors[MENTOR1]
    livestream = ideas[LIVESTREAM]
    if not await _asked(livestream["id"], mentor1):
        await _mentorship(livestream, mentor1, now=now, done=done)
        count += 1
    for title, email, asked, message, answered, reason in OTHER_REQUESTS:
        idea = ideas[title]
        if await _asked(idea["id"], mentors[email]):
            continue
        request_id = await requests.request_mentor(
            idea["id"],
            mentors[email],
            message=message,
            user_id=idea["lead"],
            now=now - dt.timedelta(days=asked, hours=3),
        )
        if answered is not None:
            await requests.respond(
                request_id,
                mentor_user_id=await _user_of(mentors[email]),
                accept=False,
                reason=reason,
                now=now - dt.timedelta(days=answered, hours=1),
            )
        count += 1
    if count:
        done.append(f"{count} mentoring requests")


async def _mentorship(idea: dict[str, Any], mentor_id: int, *, now: dt.datetime, done: list[str]) -> None:
    """youth1's team asks mentor1, who accepts 40 days ago; notes, action items, office hours, the check-in."""
    mentor_user = await _user_of(mentor_id)
    users = {MENTOR1: mentor_user, YOUTH1: idea["lead"]}
    request_id = await requests.request_mentor(
        idea["id"], mentor_id, message=ACCEPTED_MESSAGE, user_id=idea["lead"], now=now - dt.timedelta(days=42, hours=2)
    )
    await requests.respond(
        request_id,
        mentor_user_id=mentor_user,
        accept=True,
        reason="Thầy rất vui được đồng hành cùng nhóm. Hẹn gặp cả nhóm ở nhà văn hóa thôn nhé.",
        now=now - dt.timedelta(days=40),
    )
    mentorship = (
        await Mentorship.select(Mentorship.id)
        .where((Mentorship.idea == idea["id"]) & (Mentorship.mentor == mentor_id))
        .first()
    )
    assert mentorship is not None  # the request was accepted just above
    for days_ago, author, text, actions in NOTES:
        at = now - dt.timedelta(days=days_ago)
        note_id = await mentorships.add_note(
            mentorship["id"],
            user_id=users[author],
            notes=text,
            now=at,
            actions=[
                (a, owner, (now + dt.timedelta(days=due)).astimezone(VN).date().isoformat())
                for a, owner, due, _ in actions
            ],
        )
        items = await ActionItem.select(ActionItem.id).where(ActionItem.note == note_id).order_by(ActionItem.id)
        for item, (_, _, _, finished) in zip(items, actions, strict=False):
            if finished:
                await mentorships.toggle_action(item["id"], user_id=idea["lead"])
    published = now - dt.timedelta(days=2)
    booked = await office_hours.publish_slot(
        mentor_id,
        starts_at=_local(now, days=4, hour=19, minute=30),
        minutes=60,
        mode="in_person",
        location="Nhà văn hóa thôn Khánh Hội, xã An Khánh",
        now=published,
    )
    await office_hours.publish_slot(
        mentor_id,
        starts_at=_local(now, days=11, hour=20),
        minutes=45,
        mode="online",
        location="Gọi video qua Zalo (thầy gửi đường link trước buổi gặp)",
        now=published,
    )
    await office_hours.book(booked, mentorship["id"], user_id=idea["lead"], now=now - dt.timedelta(days=1, hours=5))
    await mentorships.due_checkins(now=now)
    done.append("mentor1's mentorship of «" + LIVESTREAM + "»")


async def _pipeline(ideas: dict[str, dict[str, Any]], *, organizer: int, now: dt.datetime, done: list[str]) -> None:
    created = 0
    for title, steps in PIPELINE:
        idea_id = ideas[title]["id"]
        if await IncubationRecord.exists().where(IncubationRecord.idea == idea_id):
            continue
        for days_ago, stage, checklist, outcome in steps:
            await pipeline.set_stage(
                idea_id,
                stage=stage,
                checklist=checklist,
                outcome=outcome,
                actor_id=organizer,
                now=now - dt.timedelta(days=days_ago),
                scope=PLATFORM,
            )
        created += 1
    if created:
        done.append(f"{created} ideas in the incubation pipeline")


async def _workshops(
    commune_id: int, orgs: dict[str, int], *, organizer: int, now: dt.datetime, done: list[str]
) -> None:
    upcoming = _local(now, days=10, hour=8)
    past = _local(now, days=-25, hour=14)
    for spec, starts, hours, people in (
        (UPCOMING_WORKSHOP, upcoming, 3.5, UPCOMING_PEOPLE),
        (PAST_WORKSHOP, past, 3, PAST_PEOPLE),
    ):
        if await Workshop.exists().where(Workshop.title == spec["title"]):
            continue
        workshop = Workshop(
            organization=orgs[spec["organization"]],
            commune=commune_id,
            title=spec["title"],
            description=spec["description"],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            place=spec["place"],
            capacity=spec["capacity"],
            published=True,
        )
        await workshop.save()
        ids = await _ids(list(people))
        # Announced three weeks before; people register over the following days.
        first = min(starts - dt.timedelta(days=20), now - dt.timedelta(days=9))
        for n, email in enumerate(people):
            await workshops.register(workshop.id, user_id=ids[email], now=first + dt.timedelta(days=n, hours=3 * n))
        if starts + dt.timedelta(hours=hours) <= now:
            absent = {ids[e] for e in PAST_ABSENT}
            present = [r.id for r in await workshops.registrations(workshop.id, scope=PLATFORM) if r.user not in absent]
            await workshops.set_attendance(
                workshop.id,
                present,
                actor_id=organizer,
                now=starts + dt.timedelta(hours=hours, minutes=30),
                scope=PLATFORM,
            )
        done.append(f"workshop «{spec['title']}» with {len(people)} registrations")


# ---------------------------------------------------------------- helpers


async def _finished_ideas() -> dict[str, dict[str, Any]]:
    """The ideas of the finished 2025 contest this seed uses, by title."""
    titles = {LIVESTREAM, WASTE_MAP, FERRY, WARDROBE, SCIENCE_CLUB, STRAW}
    rows = await Idea.select(Idea.id, Idea.title, Idea.lead).where(
        (Idea.contest.slug == FINISHED) & Idea.title.is_in(list(titles))
    )
    ideas = {r["title"]: r for r in rows}
    missing = titles - set(ideas)
    if missing:
        raise RuntimeError(f"The demo ideas {', '.join(sorted(missing))} of {FINISHED} must be seeded first.")
    return ideas


async def _ids(emails: list[str]) -> dict[str, int]:
    rows = {r["email"]: r["id"] for r in await User.select(User.id, User.email).where(User.email.is_in(emails))}
    missing = [e for e in emails if e not in rows]
    if missing:
        raise RuntimeError(f"The demo accounts {', '.join(missing)} must be seeded first.")
    return rows


async def _user_of(mentor_id: int) -> int:
    row = await MentorProfile.select(MentorProfile.user).where(MentorProfile.id == mentor_id).first()
    assert row is not None  # a mentor the demo has seeded
    return row["user"]


async def _asked(idea_id: int, mentor_id: int) -> bool:
    return await MentoringRequest.exists().where(
        (MentoringRequest.idea == idea_id) & (MentoringRequest.mentor == mentor_id)
    )


def _local(now: dt.datetime, *, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """``days`` after ``now``'s date in Việt Nam, at ``hour``:``minute`` Việt Nam time, in UTC."""
    day = (now.astimezone(VN) + dt.timedelta(days=days)).date()
    return dt.datetime.combine(day, dt.time(hour, minute), VN).astimezone(UTC)


# ---------------------------------------------------------------- the second demo commune, «Xã Tân Minh»

TM_CONTEST = "y-tuong-xanh-tan-minh-2026"
TM_ORGANIZER = "organizer2@example.com"
TM_GREENHOUSE = "Vườn rau thủy canh trên mái nhà văn hóa thôn"
TM_BOTTLES = "Đổi vỏ chai nhựa lấy cây giống ở chợ phiên"
TM_MENTOR = "mentor3@example.com"
# Tân Minh's teams' needs, requests, the session note and the workshop: [tan_minh] in demo/data/mentoring.toml.
_TM = _DATA["tan_minh"]
TM_NEEDS = load.records(_TM["needs"], "title", "days_ago", "form")
TM_ACCEPTED: str = _TM["accepted_message"]
TM_PENDING = load.records([_TM["pending"]], "title", "mentor", "message")[0]
TM_NOTE: str = _TM["note"]
TM_ACTION: tuple[str, str, int] = tuple(_TM["action"])
TM_WORKSHOP: dict[str, Any] = _TM["workshop"]
TM_WORKSHOP_PEOPLE: tuple[str, ...] = tuple(_TM["workshop_people"])


async def seed_mentoring_tan_minh(commune_id: int, *, now: dt.datetime) -> str:
    """Tân Minh's teams' needs, a request and a mentorship, the pipeline, an unpublished matching run, a workshop.

    Mentors and organizations are city-wide (the ones of ``seed_mentoring``). Idempotent like it.
    """
    from mentoring.tables import MatchRun

    now = now.astimezone(UTC)
    organizer = (await _ids([TM_ORGANIZER]))[TM_ORGANIZER]
    rows = await Idea.select(Idea.id, Idea.title, Idea.lead).where(Idea.contest.slug == TM_CONTEST)
    ideas = {r["title"]: r for r in rows}
    if not all(title in ideas for title, _, _ in TM_NEEDS):
        return "Demo mentoring of Tân Minh: its contest is missing."
    mentors = {
        r["user.email"]: r["id"]
        for r in await MentorProfile.select(MentorProfile.id, MentorProfile.user.email).where(
            MentorProfile.user.email.is_in([TM_MENTOR, TM_PENDING[1]])
        )
    }
    orgs = {r["name"]: r["id"] for r in await Organization.select(Organization.id, Organization.name)}
    done: list[str] = []
    async with atomic(MentorProfile._meta.db):
        created = 0
        for title, days_ago, values in TM_NEEDS:
            idea = ideas[title]
            if not await TeamNeed.exists().where(TeamNeed.idea == idea["id"]):
                await teams.save_needs(idea["id"], values, user_id=idea["lead"], now=now - dt.timedelta(days=days_ago))
                created += 1
        if created:
            done.append(f"needs of {created} teams")
        greenhouse = ideas[TM_GREENHOUSE]
        if TM_MENTOR in mentors and not await _asked(greenhouse["id"], mentors[TM_MENTOR]):
            mentor_user = await _user_of(mentors[TM_MENTOR])
            request_id = await requests.request_mentor(
                greenhouse["id"],
                mentors[TM_MENTOR],
                message=TM_ACCEPTED,
                user_id=greenhouse["lead"],
                now=now - dt.timedelta(days=18),
            )
            await requests.respond(
                request_id,
                mentor_user_id=mentor_user,
                accept=True,
                reason="Chị nhận nhóm. Hẹn cả nhóm ở nhà văn hóa thôn Tân Lập nhé.",
                now=now - dt.timedelta(days=17),
            )
            mentorship = (
                await Mentorship.select(Mentorship.id)
                .where((Mentorship.idea == greenhouse["id"]) & (Mentorship.mentor == mentors[TM_MENTOR]))
                .first()
            )
            assert mentorship is not None  # the request was accepted just above
            text, owner, due = TM_ACTION
            await mentorships.add_note(
                mentorship["id"],
                user_id=mentor_user,
                notes=TM_NOTE,
                now=now - dt.timedelta(days=10),
                actions=[(text, owner, (now + dt.timedelta(days=due)).astimezone(VN).date().isoformat())],
            )
            slot = await office_hours.publish_slot(
                mentors[TM_MENTOR],
                starts_at=_local(now, days=6, hour=9),
                minutes=60,
                mode="in_person",
                location="Nhà văn hóa thôn Tân Lập, xã Tân Minh",
                now=now - dt.timedelta(days=3),
            )
            await office_hours.book(slot, mentorship["id"], user_id=greenhouse["lead"], now=now - dt.timedelta(days=2))
            done.append(f"{TM_MENTOR}'s mentorship of «{TM_GREENHOUSE}»")
        title, email, message = TM_PENDING
        if email in mentors and not await _asked(ideas[title]["id"], mentors[email]):
            await requests.request_mentor(
                ideas[title]["id"],
                mentors[email],
                message=message,
                user_id=ideas[title]["lead"],
                now=now - dt.timedelta(days=2),
            )
            done.append("a mentoring request waiting")
        if not await IncubationRecord.exists().where(IncubationRecord.idea == greenhouse["id"]):
            await pipeline.set_stage(
                greenhouse["id"],
                stage="prototype",
                checklist=["problem_checked", "team_formed"],
                outcome="",
                actor_id=organizer,
                now=now - dt.timedelta(days=15),
                scope=PLATFORM,
            )
            await pipeline.set_stage(
                ideas[TM_BOTTLES]["id"],
                stage="idea",
                checklist=["problem_checked"],
                outcome="",
                actor_id=organizer,
                now=now - dt.timedelta(days=8),
                scope=PLATFORM,
            )
            done.append("2 ideas in the incubation pipeline")
        if not await MatchRun.exists().where(MatchRun.commune == commune_id):
            await match_runs.run_matching(
                commune_id, mode="optimal", actor_id=organizer, now=now - dt.timedelta(days=1), scope=PLATFORM
            )
            done.append("a matching run waiting for review")
        if not await Workshop.exists().where(Workshop.title == TM_WORKSHOP["title"]):
            starts = _local(now, days=12, hour=8)
            workshop = Workshop(
                organization=orgs.get(TM_WORKSHOP["organization"]),
                commune=commune_id,
                title=TM_WORKSHOP["title"],
                description=TM_WORKSHOP["description"],
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                place=TM_WORKSHOP["place"],
                capacity=TM_WORKSHOP["capacity"],
                published=True,
            )
            await workshop.save()
            people = await _ids(list(TM_WORKSHOP_PEOPLE))
            for n, email in enumerate(TM_WORKSHOP_PEOPLE):
                await workshops.register(workshop.id, user_id=people[email], now=now - dt.timedelta(days=6 - n))
            done.append(f"workshop «{TM_WORKSHOP['title']}» with {len(TM_WORKSHOP_PEOPLE)} registrations")
    return "Demo mentoring of Tân Minh: " + ("; ".join(done) if done else "already there") + "."
