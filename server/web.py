"""Small helpers shared by the controllers: rendering, redirects, forms, flashes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts.errors import DomainError, ValidationFailed
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
    if request.scope.get("session") is None:
        return
    items = list(request.session.get(FLASH_KEY, []))
    items.append({"message": t(request, message, **params), "category": category})
    request.session[FLASH_KEY] = items


def take_flashes(request: Request) -> list[dict[str, str]]:
    session = request.scope.get("session")
    if not isinstance(session, dict) or FLASH_KEY not in session:
        return []
    return session.pop(FLASH_KEY)


async def form_data(request: Request) -> FormMultiDict:
    return await request.form()


def field_errors(request: Request, error: DomainError) -> dict[str, str]:
    """Translate a domain error into {field: message in the reader's language}."""
    if isinstance(error, ValidationFailed):
        return {
            name: t(request, message, **error.field_params.get(name, {})) for name, message in error.errors.items()
        }
    return {error.field or "__all__": t(request, error.message, **error.params)}
