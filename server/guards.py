"""Every route declares who may use it with ``opt={"access": Access.X}``; one guard enforces it."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from accounts.rules import Access, allows
from server.auth import current_user

ACCESS = "access"


class AlreadySignedIn(Exception):
    """A signed-in person opened a page meant for visitors (login, register)."""


def access_of(handler: BaseRouteHandler) -> Access | None:
    value = handler.opt.get(ACCESS)
    return Access(value) if value is not None else None


async def access_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    # async on purpose: Litestar runs a synchronous guard in a worker thread on every request.
    access = access_of(handler)
    if access is None and (connection.scope.get("method") == "OPTIONS" or connection.url.path.startswith("/schema")):
        return  # Litestar's automatic OPTIONS answers and the public OpenAPI schema
    if access is None:
        # Refuse routes that forgot to declare a rule (the app factory also checks at start-up).
        raise PermissionDeniedException("route declares no access rule")
    principal = current_user(connection)
    if allows(access, principal):
        return
    if access is Access.anonymous:
        raise AlreadySignedIn()
    if principal is None:
        raise NotAuthorizedException()
    raise PermissionDeniedException()


def public(**opt) -> dict:
    return {ACCESS: Access.public, **opt}


def access(level: Access, **opt) -> dict:
    return {ACCESS: level, **opt}
