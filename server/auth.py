"""Who is asking: the signed-in Principal is loaded from the session for every request."""

from __future__ import annotations

from litestar.connection import ASGIConnection, Request
from litestar.exceptions import MethodNotAllowedException, NotAuthorizedException, NotFoundException
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.types import AfterExceptionHookHandler, ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from accounts import memo
from accounts.rules import Principal
from accounts.services import load_principal
from server.sessions import rotate

SESSION_USER = "uid"
SESSION_VERSION = "sv"
SKIP_PREFIXES = ("/static/", "/admin", "/healthz", "/favicon.ico")


class PrincipalMiddleware:
    """Puts the signed-in ``Principal`` (or None) in ``scope["user"]``: on a page (GET), from this
    worker's copy while no change has been made since (``accounts.memo.person``); on a change, from
    the database."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(SKIP_PREFIXES):
            session = scope.get("session") or {}
            principal = None
            uid = session.get(SESSION_USER) if isinstance(session, dict) else None
            if isinstance(uid, int):
                version = session.get(SESSION_VERSION)
                principal = await memo.person(("principal", uid, version), lambda: load_principal(uid, version))
                if principal is None:
                    session.clear()  # the account was deleted, disabled or its password changed
            scope["user"] = principal
        await self.app(scope, receive, send)


def principal_on_unmatched(session_config: ServerSideSessionConfig, csrf_cookie: str) -> AfterExceptionHookHandler:
    """An ``after_exception`` hook: an address that matches no route skips the middleware, so neither the
    session nor the principal is loaded there; load them (read-only) so that the 404 and 405 pages' header shows
    the person as signed in, with a working "Log out" form (the CSRF token of their cookie, as the
    CSRF middleware does for a GET)."""
    backend = session_config._backend_class(config=session_config)

    async def hook(exc: Exception, scope: Scope) -> None:
        if (
            scope["type"] != "http"
            or "user" in scope
            or not isinstance(exc, (NotFoundException, MethodNotAllowedException))
            or scope["path"].startswith(SKIP_PREFIXES)
        ):
            return
        try:
            session = await backend.load_from_connection(ASGIConnection(scope))
        except Exception:  # an unreadable session cookie: the page shows the signed-out header
            return
        uid = session.get(SESSION_USER)
        scope["user"] = await load_principal(uid, session.get(SESSION_VERSION)) if isinstance(uid, int) else None
        token = ASGIConnection(scope).cookies.get(csrf_cookie)
        if token and scope["method"] in ("GET", "HEAD"):
            ScopeState.from_scope(scope).csrf_token = token

    return hook


def current_user(conn: ASGIConnection) -> Principal | None:
    return conn.scope.get("user")


def signed_in_user(conn: ASGIConnection) -> Principal:
    """The person signed in, on a route whose access rule lets only signed-in people through."""
    user = conn.scope.get("user")
    if user is None:  # the route's guard lets no anonymous visitor reach its handler
        raise NotAuthorizedException()
    return user


def sign_in(request: Request, user_id: int, session_version: int, lang: str) -> None:
    """Start a fresh session for this user: the old session id is discarded."""
    request.clear_session()
    request.set_session({SESSION_USER: user_id, SESSION_VERSION: session_version, "lang": lang})
    rotate(request.session)


def sign_out(request: Request) -> None:
    request.clear_session()


def client_ip(conn: ASGIConnection) -> str:
    client = conn.scope.get("client")
    return client[0] if client else ""
