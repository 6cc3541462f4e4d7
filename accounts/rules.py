"""Who may do what: pure predicates over a Principal. No I/O, no HTTP.

Routes declare one of the ``Access`` levels; ``allows(access, principal)`` decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from accounts.tables import Role


@dataclass(frozen=True)
class Principal:
    """The signed-in person as the rules see them."""

    id: int
    full_name: str = ""
    commune_id: int | None = None
    roles: frozenset[tuple[str, int | None]] = field(default_factory=frozenset)
    mfa_enrolled: bool = False
    verified_resident: bool = False

    def has_role(self, role: Role | str) -> bool:
        value = role.value if isinstance(role, Role) else role
        return any(r == value for r, _ in self.roles)

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r for r, _ in self.roles) | {Role.citizen.value}


class Access(str, Enum):
    public = "public"  # anyone, signed in or not
    anonymous = "anonymous"  # only people not signed in (login, register)
    authenticated = "authenticated"
    judge = "judge"
    mentor = "mentor"
    organizer = "organizer"
    admin = "admin"
    city = "city_organizer"  # the city's programme staff (and platform admins)


def is_admin(p: Principal | None) -> bool:
    return p is not None and p.has_role(Role.admin)


def is_organizer(p: Principal | None, commune_id: int | None = None) -> bool:
    """An organizer of ``commune_id`` (of any commune when None); admins count everywhere."""
    if p is None:
        return False
    if is_admin(p):
        return True
    return any(role == Role.organizer.value and (commune_id is None or scope == commune_id) for role, scope in p.roles)


def is_city_organizer(p: Principal | None) -> bool:
    """Staff of the city's programme (the Department of Science and Technology); admins count too."""
    return p is not None and (p.has_role(Role.city_organizer) or is_admin(p))


def can_use_admin(p: Principal | None) -> bool:
    return is_organizer(p)


def can_manage_roles(actor: Principal | None, role: Role, commune_id: int | None) -> bool:
    """Admins grant any role; organizers grant judge and mentor roles in their commune."""
    if is_admin(actor):
        return True
    if role in (Role.judge, Role.mentor):
        return is_organizer(actor, commune_id) and commune_id is not None
    return False


def allows(access: Access, p: Principal | None) -> bool:
    if access is Access.public:
        return True
    if access is Access.anonymous:
        return p is None
    if p is None:
        return False
    if access is Access.authenticated:
        return True
    if access is Access.organizer:
        return is_organizer(p)
    if access is Access.admin:
        return is_admin(p)
    return p.has_role(access.value) or is_admin(p)
