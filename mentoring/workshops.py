"""Workshops: a seat when one is free, otherwise the waiting list (the first waiting takes a freed
seat and is told), and the attendance their organizers record."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Count

from accounts import audit, locks, notifications
from accounts.engine import atomic
from accounts.errors import NotFound
from accounts.i18n import N_, translate
from accounts.scope import Scope, clause, load
from contest.errors import IdeaError
from mentoring.common import db
from mentoring.tables import (
    Workshop,
    WorkshopRegistration,
)


@dataclass(frozen=True, slots=True)
class WorkshopRow:
    """A published workshop with the organization that runs it (``registered``: seats taken, in the
    list of workshops only)."""

    id: int
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    capacity: int
    commune: int | None
    organization: int | None
    organization_name: str | None
    registered: int = 0

    @classmethod
    def of(cls, row: dict[str, Any]) -> WorkshopRow:
        return cls(
            id=row["id"],
            title=row["title"],
            description=row["description"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            place=row["place"],
            online_link=row["online_link"],
            capacity=row["capacity"],
            commune=row["commune"],
            organization=row["organization"],
            organization_name=row["organization.name"],
        )


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    """Someone registered for a workshop (or waiting), for its organizers."""

    id: int
    user: int
    name: str
    status: str
    attended: bool
    created_at: dt.datetime


async def workshops(*, now: dt.datetime, upcoming: bool = True) -> list[WorkshopRow]:
    clause = Workshop.published == True  # noqa: E712
    clause = clause & ((Workshop.ends_at > now) if upcoming else (Workshop.ends_at <= now))
    rows = (
        await Workshop.select(*Workshop.all_columns(), Workshop.organization.name)
        .where(clause)
        .order_by(Workshop.starts_at)
    )
    seats = {}
    if rows:  # seats taken, of every workshop listed, in one query
        seats = {
            r["workshop"]: r["count"]
            for r in await WorkshopRegistration.select(WorkshopRegistration.workshop, Count())
            .where(
                WorkshopRegistration.workshop.is_in([row["id"] for row in rows])
                & (WorkshopRegistration.status == "registered")
            )
            .group_by(WorkshopRegistration.workshop)
        }
    return [dataclasses.replace(WorkshopRow.of(row), registered=seats.get(row["id"], 0)) for row in rows]


async def workshop(workshop_id: int) -> WorkshopRow:
    row = (
        await Workshop.select(*Workshop.all_columns(), Workshop.organization.name)
        .where(Workshop.id == workshop_id)
        .first()
    )
    if row is None or not row["published"]:
        raise NotFound(N_("This workshop does not exist."))
    return WorkshopRow.of(row)


async def register(workshop_id: int, *, user_id: int, now: dt.datetime) -> str:
    """A seat when one is free, otherwise the waiting list. Returns "registered" or "waitlisted"."""
    row = await workshop(workshop_id)
    if row.starts_at <= now:
        raise IdeaError(N_("This workshop has already started."))
    async with atomic(db()):
        await locks.hold(WorkshopRegistration, locks.WORKSHOP_SEATS, workshop_id)
        seats = await WorkshopRegistration.count().where(
            (WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.status == "registered")
        )
        status = "registered" if seats < row.capacity else "waitlisted"
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
    async with atomic(db()):
        await locks.hold(WorkshopRegistration, locks.WORKSHOP_SEATS, workshop_id)
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
        if first and seats < row.capacity:
            await WorkshopRegistration.update({WorkshopRegistration.status: "registered"}).where(
                WorkshopRegistration.id == first["id"]
            )
            await notifications.notify(
                first["user"],
                title=translate(N_("A seat is free for you: %(title)s"), lang, title=row.title),
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


async def registrations(workshop_id: int, *, scope: Scope) -> list[RegistrationRow]:
    """Who registered for a workshop (with names: for its organizers) — none when the workshop lies
    outside ``scope``."""
    condition = (WorkshopRegistration.workshop == workshop_id) & (WorkshopRegistration.status != "cancelled")
    within = clause(WorkshopRegistration, scope)
    rows = (
        await WorkshopRegistration.select(*WorkshopRegistration.all_columns(), WorkshopRegistration.user.full_name)
        .where(condition if within is None else condition & within)
        .order_by(WorkshopRegistration.created_at)
    )
    return [
        RegistrationRow(
            id=r["id"],
            user=r["user"],
            name=r["user.full_name"],
            status=r["status"],
            attended=r["attended"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


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
    async with atomic(db()):
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
