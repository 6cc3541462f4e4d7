"""What mentoring keeps about a person, for their personal-data export (layout in the README):
their mentor profile, the requests and mentorships of their ideas or of their profile, their
booked office hours, notes and feedback they wrote, and their workshop registrations."""

from __future__ import annotations

import json
from typing import Any

from accounts.personal_data import rows
from contest.tables import Idea, IdeaMember
from mentoring.tables import (
    MentoringFeedback,
    MentoringRequest,
    MentorProfile,
    Mentorship,
    OfficeSlot,
    SessionNote,
    WorkshopRegistration,
)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def mentoring_sections(user_id: int) -> dict[str, Any]:
    profile = (
        await MentorProfile.select(
            MentorProfile.id,
            MentorProfile.organization.name,
            MentorProfile.title,
            MentorProfile.bio,
            MentorProfile.expertise,
            MentorProfile.free_tags,
            MentorProfile.sectors,
            MentorProfile.languages,
            MentorProfile.stages,
            MentorProfile.capacity,
            MentorProfile.availability,
            MentorProfile.mode,
            MentorProfile.place,
            MentorProfile.approved,
            MentorProfile.photo,
            MentorProfile.created_at,
        )
        .where(MentorProfile.user == user_id)
        .first()
    )
    led = [r["id"] for r in await Idea.select(Idea.id).where(Idea.lead == user_id)]
    joined = [
        r["idea"]
        for r in await IdeaMember.select(IdeaMember.idea).where(
            (IdeaMember.user == user_id) & (IdeaMember.status == "accepted")
        )
    ]
    ideas = sorted(set(led) | set(joined))
    mine = MentoringRequest.idea.is_in(ideas) if ideas else None
    as_mentor = MentoringRequest.mentor == profile["id"] if profile else None
    clause = mine if as_mentor is None else as_mentor if mine is None else (mine | as_mentor)
    requests = (
        []
        if clause is None
        else await MentoringRequest.select(
            MentoringRequest.idea.code,
            MentoringRequest.mentor._.user.full_name,
            MentoringRequest.message,
            MentoringRequest.status,
            MentoringRequest.reason,
            MentoringRequest.created_at,
            MentoringRequest.responded_at,
        )
        .where(clause)
        .order_by(MentoringRequest.created_at)
    )
    ship_mine = Mentorship.idea.is_in(ideas) if ideas else None
    ship_mentor = Mentorship.mentor == profile["id"] if profile else None
    ship_clause = ship_mine if ship_mentor is None else ship_mentor if ship_mine is None else (ship_mine | ship_mentor)
    ships = (
        []
        if ship_clause is None
        else await Mentorship.select(
            Mentorship.id,
            Mentorship.idea.code,
            Mentorship.mentor._.user.full_name,
            Mentorship.status,
            Mentorship.started_at,
            Mentorship.ended_at,
            Mentorship.summary,
        )
        .where(ship_clause)
        .order_by(Mentorship.started_at)
    )
    ship_ids = [s["id"] for s in ships]
    slots = (
        []
        if not ship_ids
        else await OfficeSlot.select(
            OfficeSlot.booked_by,
            OfficeSlot.starts_at,
            OfficeSlot.ends_at,
            OfficeSlot.mode,
            OfficeSlot.location,
            OfficeSlot.booked_at,
            OfficeSlot.cancelled,
        ).where(OfficeSlot.booked_by.is_in(ship_ids))
    )
    notes = await SessionNote.select(
        SessionNote.mentorship._.idea.code, SessionNote.notes, SessionNote.created_at
    ).where(SessionNote.author == user_id)
    feedback = await MentoringFeedback.select(
        MentoringFeedback.mentorship._.idea.code,
        MentoringFeedback.side,
        MentoringFeedback.rating,
        MentoringFeedback.text,
        MentoringFeedback.created_at,
    ).where(MentoringFeedback.author == user_id)
    workshops = (
        await WorkshopRegistration.select(
            WorkshopRegistration.workshop.title,
            WorkshopRegistration.workshop.starts_at,
            WorkshopRegistration.workshop.place,
            WorkshopRegistration.status,
            WorkshopRegistration.attended,
            WorkshopRegistration.created_at,
        )
        .where(WorkshopRegistration.user == user_id)
        .order_by(WorkshopRegistration.created_at)
    )
    if profile:
        profile = rows([profile])[0]
        profile.pop("id")
        for key in ("expertise", "free_tags", "sectors", "languages", "stages", "availability"):
            profile[key] = _json(profile[key])
    shown = []
    for ship in rows(ships):
        ship["office_hours"] = [
            {k: v for k, v in s.items() if k != "booked_by"}
            for s in rows([s for s in slots if s["booked_by"] == ship["id"]])
        ]
        ship.pop("id")
        shown.append(ship)
    return {
        "mentoring": {
            "mentor_profile": profile or None,
            "requests": rows(requests),
            "mentorships": shown,
            "notes": rows(notes),
            "feedback": rows(feedback),
        },
        "workshop_registrations": rows(workshops),
    }
