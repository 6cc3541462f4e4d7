"""Local sponsors ("xã hội hóa"): who supports a commune's contests and what they pledge and deliver.

Organizers act within their communes: every object is loaded through the caller's scope in the same query.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from accounts import audit
from accounts.engine import atomic
from accounts.errors import DomainError, NotFound, ValidationFailed
from accounts.i18n import N_
from accounts.scope import Scope, load
from accounts.text import as_id, clean_line
from city.tables import Pledge, PledgeKind, Sponsor, SponsorKind
from contest.tables import Award, Contest

SPONSOR_KINDS = {
    "firm": N_("Firm"),
    "cooperative": N_("Cooperative"),
    "household": N_("Household business"),
    "school": N_("School"),
}
PLEDGE_KINDS = {
    "prize_money": N_("Prize money"),
    "prize_in_kind": N_("Prize in kind"),
    "space": N_("Space"),
    "equipment": N_("Equipment"),
    "expertise": N_("Expertise hours"),
}
MSG_NAME = N_("Give the sponsor's name (at most 200 characters).")
MSG_KIND = N_("Choose what kind of sponsor this is.")
MSG_COMMUNE = N_("Choose the commune this sponsor supports.")
MSG_PLEDGE_KIND = N_("Choose what is pledged.")
MSG_CONTEST = N_("Choose one of your commune's contests.")
MSG_MONEY = N_("Write an amount in đồng, e.g. 5.000.000.")
MSG_HOURS = N_("Write a whole number of hours, e.g. 20.")
MSG_VALUE_NEEDED = N_("Give the amount of the prize money.")
MSG_HOURS_NEEDED = N_("Give the number of expertise hours.")
MSG_DESCRIPTION = N_("Say what is pledged (at most 300 characters).")
MSG_AWARD = N_("Choose an award of the same contest.")
MAX_VND = 10**13


def _money(text: str | None, field: str, errors: dict[str, str]) -> int | None:
    value = re.sub(r"[.\s,]", "", (text or "").strip().lower().removesuffix("đ").removesuffix("vnd").strip())
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,14}", value) or int(value) > MAX_VND:
        errors[field] = MSG_MONEY
        return None
    return int(value)


def _hours(text: str | None, field: str, errors: dict[str, str]) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,6}", value) or int(value) > 100_000:
        errors[field] = MSG_HOURS
        return None
    return int(value)


@dataclass(frozen=True, slots=True)
class SponsorRow:
    """A sponsor with the commune it supports."""

    id: int
    name: str
    kind: str
    logo: str
    commune: int
    commune_name: str


@dataclass(frozen=True, slots=True)
class PledgeRow:
    """A pledge as the organizers follow it: its sponsor, contest, the award it funds and what was delivered."""

    id: int
    sponsor: int
    sponsor_name: str
    contest: int
    contest_title: str
    contest_slug: str
    kind: str
    description: str
    value_vnd: int | None
    hours: int | None
    award: int | None
    award_name: str | None
    delivered: bool
    delivered_value_vnd: int | None
    delivered_hours: int | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class PublicPledge:
    """A pledge on a contest's public pages: the sponsor's name and logo, what, the award it funds."""

    id: int
    kind: str
    description: str
    value_vnd: int | None
    hours: int | None
    delivered: bool
    sponsor_id: int
    sponsor_name: str
    sponsor_kind: str
    sponsor_logo: str
    award: int | None
    award_name: str | None


@dataclass(frozen=True, slots=True)
class AwardOption:
    """An award a pledge may fund: its contest's title and commune (the organizers' choice list)."""

    id: int
    name: str
    contest: int
    contest_title: str
    commune: int  # the contest's commune


async def sponsors_of(scope: Scope) -> list[SponsorRow]:
    query = Sponsor.select(Sponsor.id, Sponsor.name, Sponsor.kind, Sponsor.logo, Sponsor.commune, Sponsor.commune.name)
    if not scope.everywhere:
        query = query.where(Sponsor.commune.is_in(sorted(scope.communes) or [-1]))
    return [
        SponsorRow(
            id=r["id"],
            name=r["name"],
            kind=r["kind"],
            logo=r["logo"],
            commune=r["commune"],
            commune_name=r["commune.name"],
        )
        for r in await query.order_by(Sponsor.name)
    ]


async def pledges_in(scope: Scope) -> list[PledgeRow]:
    query = Pledge.select(
        *Pledge.all_columns(), Pledge.sponsor.name, Pledge.contest.title, Pledge.contest.slug, Pledge.award.name
    )
    if not scope.everywhere:
        query = query.where(Pledge.contest.commune.is_in(sorted(scope.communes) or [-1]))
    return [
        PledgeRow(
            id=r["id"],
            sponsor=r["sponsor"],
            sponsor_name=r["sponsor.name"],
            contest=r["contest"],
            contest_title=r["contest.title"],
            contest_slug=r["contest.slug"],
            kind=r["kind"],
            description=r["description"],
            value_vnd=r["value_vnd"],
            hours=r["hours"],
            award=r["award"],
            award_name=r["award.name"],
            delivered=r["delivered"],
            delivered_value_vnd=r["delivered_value_vnd"],
            delivered_hours=r["delivered_hours"],
            delivered_at=r["delivered_at"],
            created_at=r["created_at"],
        )
        for r in await query.order_by(Pledge.created_at, ascending=False)
    ]


async def create_sponsor(values: dict[str, str], *, logo: str, actor_id: int, now: dt.datetime, scope: Scope) -> int:
    """Record a sponsor of a commune within the scope. ``logo`` is the stored name of its resized logo ("" none)."""
    errors: dict[str, str] = {}
    name = clean_line(values.get("name", "")).strip()
    if not name or len(name) > 200:
        errors["name"] = MSG_NAME
    kind = values.get("kind", "")
    if kind not in SPONSOR_KINDS:
        errors["kind"] = MSG_KIND
    raw = (values.get("commune") or "").strip()
    commune_id = as_id(raw) if raw else (scope.home if len(scope.communes) == 1 and not scope.everywhere else None)
    if commune_id is None or not scope.covers(commune_id):
        errors["commune"] = MSG_COMMUNE
    if errors:
        raise ValidationFailed(errors)
    async with atomic(Sponsor._meta.db):
        sponsor = Sponsor(
            commune=commune_id, name=name, kind=SponsorKind(kind).value, logo=logo, created_by=actor_id, created_at=now
        )
        await sponsor.save()
        await audit.record(
            "sponsor.created",
            actor_id=actor_id,
            target_type="sponsor",
            target_id=sponsor.id,
            commune_id=commune_id,
            now=now,
            data={"name": name, "kind": kind},
        )
    return sponsor.id


async def add_pledge(sponsor_id: int, values: dict[str, str], *, actor_id: int, now: dt.datetime, scope: Scope) -> int:
    """A sponsor's pledge to a contest of its commune; it may fund one of the contest's awards."""
    sponsor = await load(Sponsor, sponsor_id, scope, Sponsor.id, Sponsor.commune)
    errors: dict[str, str] = {}
    kind = values.get("kind", "")
    if kind not in PLEDGE_KINDS:
        errors["kind"] = MSG_PLEDGE_KIND
    contest_id = as_id(values.get("contest"))
    contest = None
    if contest_id is not None:
        # A contest of the sponsor's own commune (the sponsor was loaded within the caller's scope).
        contest = (
            await Contest.select(Contest.id)
            .where((Contest.id == contest_id) & (Contest.commune == sponsor["commune"]))
            .first()
        )
    if contest is None:
        errors["contest"] = MSG_CONTEST
    description = clean_line(values.get("description", "")).strip()
    if len(description) > 300:
        errors["description"] = MSG_DESCRIPTION
    value = _money(values.get("value_vnd"), "value_vnd", errors)
    hours = _hours(values.get("hours"), "hours", errors)
    if kind == "prize_money" and value is None and "value_vnd" not in errors:
        errors["value_vnd"] = MSG_VALUE_NEEDED
    if kind == "expertise" and hours is None and "hours" not in errors:
        errors["hours"] = MSG_HOURS_NEEDED
    if kind in ("prize_in_kind", "space", "equipment") and not description and "description" not in errors:
        errors["description"] = MSG_DESCRIPTION
    award_id = None
    raw_award = (values.get("award") or "").strip()
    if raw_award and contest is not None:
        award = (
            await Award.select(Award.id)
            .where((Award.id == (as_id(raw_award) or -1)) & (Award.contest == contest["id"]))
            .first()
        )
        if award is None:
            errors["award"] = MSG_AWARD
        else:
            award_id = award["id"]
    if errors:
        raise ValidationFailed(errors)
    assert contest is not None  # else its error was raised above
    async with atomic(Pledge._meta.db):
        pledge = Pledge(
            sponsor=sponsor["id"],
            contest=contest["id"],
            kind=PledgeKind(kind).value,
            description=description,
            value_vnd=value,
            hours=hours,
            award=award_id,
            created_at=now,
        )
        await pledge.save()
        await audit.record(
            "sponsor.pledged",
            actor_id=actor_id,
            target_type="pledge",
            target_id=pledge.id,
            commune_id=sponsor["commune"],
            now=now,
            data={
                "sponsor": sponsor["id"],
                "contest": contest["id"],
                "kind": kind,
                "value_vnd": value,
                "hours": hours,
                "award": award_id,
            },
        )
    return pledge.id


async def mark_delivered(
    pledge_id: int, values: dict[str, str], *, actor_id: int, now: dt.datetime, scope: Scope
) -> None:
    """Record what a pledge delivered (by default all that was pledged)."""
    pledge = await load(
        Pledge, pledge_id, scope, Pledge.id, Pledge.value_vnd, Pledge.hours, Pledge.delivered, Pledge.contest.commune
    )
    errors: dict[str, str] = {}
    value = _money(values.get("delivered_value_vnd"), "delivered_value_vnd", errors)
    hours = _hours(values.get("delivered_hours"), "delivered_hours", errors)
    if errors:
        raise ValidationFailed(errors)
    if pledge["delivered"]:
        raise DomainError(N_("This pledge is already recorded as delivered."))
    value = value if value is not None else pledge["value_vnd"]
    hours = hours if hours is not None else pledge["hours"]
    async with atomic(Pledge._meta.db):
        await Pledge.update(
            {
                Pledge.delivered: True,
                Pledge.delivered_value_vnd: value,
                Pledge.delivered_hours: hours,
                Pledge.delivered_at: now,
            }
        ).where(Pledge.id == pledge["id"])
        await audit.record(
            "sponsor.delivered",
            actor_id=actor_id,
            target_type="pledge",
            target_id=pledge["id"],
            commune_id=pledge["contest.commune"],
            now=now,
            data={"delivered_value_vnd": value, "delivered_hours": hours},
        )


async def pledges_of_contest(contest_id: int) -> list[PublicPledge]:
    """What the sponsors pledged to a contest, for its public pages (name, logo, what, the award it funds)."""
    rows = (
        await Pledge.select(
            Pledge.id,
            Pledge.kind,
            Pledge.description,
            Pledge.value_vnd,
            Pledge.hours,
            Pledge.delivered,
            Pledge.sponsor.id,
            Pledge.sponsor.name,
            Pledge.sponsor.kind,
            Pledge.sponsor.logo,
            Pledge.award,
            Pledge.award.name,
        )
        .where(Pledge.contest == contest_id)
        .order_by(Pledge.id)
    )
    return [
        PublicPledge(
            id=r["id"],
            kind=r["kind"],
            description=r["description"],
            value_vnd=r["value_vnd"],
            hours=r["hours"],
            delivered=r["delivered"],
            sponsor_id=r["sponsor.id"],
            sponsor_name=r["sponsor.name"],
            sponsor_kind=r["sponsor.kind"],
            sponsor_logo=r["sponsor.logo"],
            award=r["award"],
            award_name=r["award.name"],
        )
        for r in rows
    ]


async def logo_of(sponsor_id: int) -> str:
    row = await Sponsor.select(Sponsor.logo).where(Sponsor.id == sponsor_id).first()
    if row is None or not row["logo"]:
        raise NotFound(N_("File not found."))
    return row["logo"]


async def awards_in(scope: Scope) -> list[AwardOption]:
    """The awards of the contests in ``scope``, by contest and position."""
    query = Award.select(Award.id, Award.name, Award.contest, Award.contest.title, Award.contest.commune)
    if not scope.everywhere:
        query = query.where(Award.contest.commune.is_in(sorted(scope.communes) or [-1]))
    rows = await query.order_by(Award.contest, Award.position)
    return [
        AwardOption(
            id=r["id"],
            name=r["name"],
            contest=r["contest"],
            contest_title=r["contest.title"],
            commune=r["contest.commune"],
        )
        for r in rows
    ]


async def contests_in(scope: Scope) -> list[dict[str, Any]]:
    query = Contest.select(Contest.id, Contest.title, Contest.commune)
    if not scope.everywhere:
        query = query.where(Contest.commune.is_in(sorted(scope.communes) or [-1]))
    return await query.order_by(Contest.created_at, ascending=False)
