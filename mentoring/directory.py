"""The mentor pool: profiles (created by experts, approved by organizers), invitations, photos
and the public directory with its search and filters."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from accounts import audit, limits, notifications
from accounts.engine import atomic
from accounts.errors import NotFound, ValidationFailed
from accounts.i18n import N_, translate
from accounts.tables import User
from accounts.text import fold, search_terms
from mentoring.common import EXPERTISE, SECTORS, SLOTS, STAGE_LABELS, clean_list, db, from_json
from mentoring.tables import (
    MentorProfile,
    Mentorship,
    Organization,
)


def profile_search_text(profile: dict[str, Any], name: str, organization: str) -> str:
    expertise: list[str] = list(from_json(profile.get("expertise")))
    labels = [EXPERTISE.get(e, e) for e in expertise]
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
                    *from_json(profile.get("free_tags")),
                ]
            )
        )
        + " "
    )


@dataclass(frozen=True, slots=True)
class MentorCard:
    """An approved mentor as the directory and the mentor pickers show them."""

    id: int
    name: str
    title: str
    organization_name: str | None
    organization_kind: str | None
    expertise: tuple[str, ...]
    sectors: tuple[str, ...]
    capacity: int
    mode: str
    photo: str
    free: int


@dataclass(frozen=True, slots=True)
class PendingMentor:
    """A profile waiting for an organizer's approval."""

    id: int
    name: str
    title: str
    organization_name: str | None


@dataclass(frozen=True, slots=True)
class MentorPage:
    """A mentor's public page."""

    id: int
    name: str
    title: str
    bio: str
    photo: str
    organization_name: str | None
    organization_kind: str | None
    expertise: tuple[str, ...]
    free_tags: tuple[str, ...]
    sectors: tuple[str, ...]
    stages: tuple[str, ...]
    languages: tuple[str, ...]
    mode: str
    place: str
    capacity: int
    free: int


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
) -> list[MentorCard]:
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
        card = MentorCard(
            id=row["id"],
            name=row["user.full_name"],
            title=row["title"],
            organization_name=row["organization.name"],
            organization_kind=row["organization.kind"],
            expertise=tuple(from_json(row["expertise"])),
            sectors=tuple(from_json(row["sectors"])),
            capacity=row["capacity"],
            mode=row["mode"],
            photo=row["photo"],
            free=max(0, row["capacity"] - counts.get(row["id"], 0)),
        )
        if expertise and expertise not in card.expertise:
            continue
        if sector and sector not in card.sectors:
            continue
        if available and not card.free:
            continue
        out.append(card)
    return out


async def mentor_users(mentor_ids: list[int]) -> dict[int, int]:
    """The user id of each of these mentors, in one query."""
    if not mentor_ids:
        return {}
    rows = await MentorProfile.select(MentorProfile.id, MentorProfile.user).where(
        MentorProfile.id.is_in(sorted(set(mentor_ids)))
    )
    return {r["id"]: r["user"] for r in rows}


async def pending_profiles() -> list[PendingMentor]:
    """Profiles waiting for an organizer's approval (the pool is city-wide)."""
    rows = await MentorProfile.select(
        MentorProfile.id, MentorProfile.title, MentorProfile.user.full_name, MentorProfile.organization.name
    ).where(MentorProfile.approved == False)  # noqa: E712
    return [
        PendingMentor(id=r["id"], name=r["user.full_name"], title=r["title"], organization_name=r["organization.name"])
        for r in rows
    ]


async def organizations() -> list[dict[str, Any]]:
    """The organizations a mentor may belong to, by name."""
    return await Organization.select().order_by(Organization.name)


async def profile(mentor_id: int, *, public: bool = True) -> dict[str, Any]:
    row = (
        await MentorProfile.select(
            *MentorProfile.all_columns(),
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
        row[key] = from_json(row[key])
    row["free"] = max(0, row["capacity"] - await active_mentees(mentor_id))
    return row


async def mentor_page(mentor_id: int) -> MentorPage:
    """An approved mentor's public page (``NotFound`` otherwise)."""
    row = await profile(mentor_id)
    return MentorPage(
        id=row["id"],
        name=row["user.full_name"],
        title=row["title"],
        bio=row["bio"],
        photo=row["photo"],
        organization_name=row["organization.name"],
        organization_kind=row["organization.kind"],
        expertise=tuple(row["expertise"]),
        free_tags=tuple(row["free_tags"]),
        sectors=tuple(row["sectors"]),
        stages=tuple(row["stages"]),
        languages=tuple(row["languages"]),
        mode=row["mode"],
        place=row["place"],
        capacity=row["capacity"],
        free=row["free"],
    )


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
    expertise = clean_list(values.get("expertise"), EXPERTISE)
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
    assert user is not None  # the signed-in user
    org = await Organization.select(Organization.name).where(Organization.id == org_id).first() if org_id else None
    data = {
        "title": title,
        "bio": bio,
        "expertise": expertise,
        "free_tags": clean_list(str(values.get("free_tags", "")).split(","), None, 10),
        "sectors": clean_list(values.get("sectors"), SECTORS),
        "languages": clean_list(values.get("languages"), ("vi", "en")) or ["vi"],
        "stages": clean_list(values.get("stages"), STAGE_LABELS),
        "availability": clean_list(values.get("availability"), SLOTS, 21),
        "capacity": capacity,
        "mode": values.get("mode") if values.get("mode") in ("online", "in_person", "any") else "any",
        "place": place,
        "organization": org_id or None,
    }
    text = profile_search_text(data, user["full_name"], org["name"] if org else "")
    stored: dict[str, Any] = {
        k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v) for k, v in data.items()
    }
    async with atomic(db()):
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
    if not user and "@" not in contact:
        raise ValidationFailed({"contact": N_("No account uses this phone number: invite by email instead.")})
    async with atomic(db()):
        if user:
            await notifications.notify(
                user["id"], title=title, body=body, link=f"{base_url}/mentors/apply", kind="mentor_invitation", now=now
            )
            channel = "inbox"
        else:
            await notifications.queue_mail(
                contact, title, body + f"\n\n{base_url}/register\n{base_url}/mentors/apply", now=now
            )
            channel = "mail"
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
    async with atomic(db()):
        await MentorProfile.update({MentorProfile.approved: True}).where(MentorProfile.id == mentor_id)
        await audit.record("mentor.approved", actor_id=actor_id, target_type="mentor", target_id=mentor_id, now=now)
        await grant_role(row["user"], Role.mentor, actor=None, now=now)
