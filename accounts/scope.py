"""Tenancy as a rule of the domain: every lookup of an object is scoped by where it belongs.

A ``Scope`` says where a caller acts: the communes they organize (platform admins act
everywhere) and, on round pages, the round. ``load`` fetches one row of a table by id (or by
another key) with the scope's condition in the SAME query — the Decidim pattern
``Proposal.where(component: current_component).find(id)`` — so an id of another commune or
round is simply not found. Tables declare once, with ``belongs``, the path from a row to its
commune (and round), e.g. ``Vote.round.contest.commune``; the domain apps register theirs next
to their tables (the kernel never imports them).

Domain functions that act on an object take ``scope`` as a required keyword argument and load
the object through it. Every HTTP handler passes the signed-in person's scope; trusted callers
acting for the platform (the demo seed, command-line tasks, a function reading a row that it has
already loaded within its caller's scope) say so with ``PLATFORM``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from piccolo.columns import Column
from piccolo.columns.combination import And, Where
from piccolo.table import Table

from accounts.errors import NotFound
from accounts.i18n import N_

NOT_FOUND = N_("This page does not exist or belongs to another commune.")


@dataclass(frozen=True)
class Scope:
    """Where a caller acts: the ids of the communes, everywhere (admins), and optionally one round."""

    communes: frozenset[int] = field(default_factory=frozenset)
    round_id: int | None = None
    everywhere: bool = False
    home: int | None = None  # the commune whose pages open by default (their first, or an admin's own)

    @classmethod
    def of(cls, principal: Any, *, round_id: int | None = None) -> Scope:
        """The scope of a signed-in person: admins act everywhere, organizers in their communes."""
        roles = getattr(principal, "roles", frozenset()) if principal is not None else frozenset()
        admin = any(role == "admin" for role, _ in roles)
        communes = sorted({c for role, c in roles if role == "organizer" and c is not None})
        home = communes[0] if communes else (getattr(principal, "commune_id", None) if admin else None)
        return cls(communes=frozenset(communes), round_id=round_id, everywhere=admin, home=home)

    @classmethod
    def of_communes(cls, *commune_ids: int, round_id: int | None = None) -> Scope:
        return cls(communes=frozenset(commune_ids), round_id=round_id, home=commune_ids[0] if commune_ids else None)

    def in_round(self, round_id: int | None) -> Scope:
        return replace(self, round_id=round_id)

    def covers(self, commune_id: int | None) -> bool:
        """Whether a commune (None: a city-wide row) lies within the scope."""
        return self.everywhere or (commune_id is not None and commune_id in self.communes)


PLATFORM = Scope(everywhere=True)  # the platform itself: the demo seed, command-line tasks

# table → (path to its commune column, path to its round column or None)
_PATHS: dict[type[Table], tuple[Callable[[], Column], Callable[[], Column] | None]] = {}


def belongs(table: type[Table], *, commune: Callable[[], Column], round: Callable[[], Column] | None = None) -> None:
    """Declare where a table's rows belong, e.g. ``belongs(Vote, commune=lambda: Vote.round.contest.commune,
    round=lambda: Vote.round)``. The paths are lambdas so each query gets fresh join columns."""
    _PATHS[table] = (commune, round)


def clause(table: type[Table], scope: Scope) -> Where | And | None:
    """The WHERE condition that keeps ``table``'s rows within ``scope`` (None: the whole platform)."""
    if table not in _PATHS:
        raise LookupError(f"{table.__name__} does not declare where it belongs (accounts.scope.belongs)")
    commune, round_ = _PATHS[table]
    condition = None
    if not scope.everywhere:
        condition = commune().is_in(sorted(scope.communes) or [-1])
    if scope.round_id is not None:
        if round_ is None:
            raise LookupError(f"{table.__name__} does not belong to a round")
        by_round = round_() == scope.round_id
        condition = by_round if condition is None else condition & by_round
    return condition


async def load(
    table: type[Table], key: int | Where | And, scope: Scope, *columns: Any, missing: str = NOT_FOUND
) -> dict[str, Any]:
    """One row of ``table`` — by id, or by a condition such as ``Contest.slug == slug`` — within
    ``scope``, in one query. Raises ``NotFound`` when there is no such row where the caller acts."""
    condition = (table._meta.primary_key == key) if isinstance(key, int) else key
    within = clause(table, scope)
    if within is not None:
        condition = condition & within
    row = await table.select(*(columns or table.all_columns())).where(condition).first()
    if row is None:
        raise NotFound(missing)
    return row


async def exists(table: type[Table], key: int | Where | And, scope: Scope) -> bool:
    condition = (table._meta.primary_key == key) if isinstance(key, int) else key
    within = clause(table, scope)
    return await table.exists().where(condition if within is None else condition & within)


def _register_kernel() -> None:
    from accounts.tables import User

    belongs(User, commune=lambda: User.commune)  # residents: people registered in a commune


_register_kernel()
