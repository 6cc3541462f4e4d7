"""Small helpers shared by the controllers: rendering, redirects, forms, flashes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.errors import DomainError, ValidationFailed
from accounts.scope import Scope
from server.i18n import t

FLASH_KEY = "_flash"


def render(template: str, *, status: int = 200, **context: Any) -> Template:
    return Template(template_name=template, context=context, status_code=status)


def redirect(path: str) -> Redirect:
    return Redirect(path=path, status_code=HTTP_303_SEE_OTHER)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths may be a ``next`` target (no open redirects)."""
    if not target:
        return default
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def flash(request: Request, message: str, category: str = "success", **params: Any) -> None:
    """Queue a message (a msgid) for the next page the person sees."""
    flash_text(request, t(request, message, **params), category)


def take_flashes(request: Request) -> list[dict[str, str]]:
    session = request.scope.get("session")
    if not isinstance(session, dict) or FLASH_KEY not in session:
        return []
    return session.pop(FLASH_KEY)


async def form_data(request: Request) -> FormMultiDict:
    return await request.form()


def flash_error(request: Request, error: DomainError, category: str = "error") -> None:
    """Show the (first) problem of a refused action on the next page."""
    flash_text(request, next(iter(field_errors(request, error).values())), category)


REFUSE_TO = "refuse_to"


def refuse_to(request: Request, path: str) -> None:
    """Where a refusal of this request sends the person back, for a page known only once the handler
    has loaded its object (otherwise the route declares ``refuse_to`` in its opt; see ``server.errors``)."""
    request.state[REFUSE_TO] = path


def flash_text(request: Request, text: str, category: str = "success") -> None:
    """Queue an already translated message."""
    if request.scope.get("session") is None:
        return
    items = list(request.session.get(FLASH_KEY, []))
    items.append({"message": text, "category": category})
    request.session[FLASH_KEY] = items


def organizer_scope(request: Request, *, round_id: int | None = None) -> Scope:
    """Where the signed-in person acts as an organizer: their communes (admins: everywhere), and the
    round of the page. Handlers pass it to the domain, which loads every object within it."""
    return Scope.of(request.scope.get("user"), round_id=round_id)


def home_commune(scope: Scope) -> int:
    """The commune an organizer's commune-wide pages open on (refused when they organize none)."""
    from accounts.errors import PermissionDenied
    from accounts.i18n import N_

    if scope.home is None:
        raise PermissionDenied(N_("You organize another commune."))
    return scope.home


def field_errors(request: Request, error: DomainError) -> dict[str, str]:
    """Translate a domain error into {field: message in the reader's language}."""
    if isinstance(error, ValidationFailed):
        return {name: t(request, message, **error.field_params.get(name, {})) for name, message in error.errors.items()}
    return {error.field or "__all__": t(request, error.message, **error.params)}
