"""Small helpers shared by the controllers: rendering, redirects, forms, flashes."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from urllib.parse import urlparse

from litestar import Request, Response
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from accounts import forms
from accounts.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from accounts.scope import Scope
from server.i18n import t

FLASH_KEY = "_flash"
F = TypeVar("F")


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


async def parse_form(request: Request, form: type[F]) -> F:
    """The request's form read as ``form`` declares it (``accounts.forms``); a field that cannot be read
    raises ``ValidationFailed`` with its message, refused as the route says (``refuse_to`` or
    ``form_page_on_refusal``)."""
    return forms.read(form, await form_data(request))


def flash_error(request: Request, error: DomainError, category: str = "error") -> None:
    """Show the (first) problem of a refused action on the next page."""
    flash_text(request, next(iter(field_errors(request, error).values())), category)


REFUSE_TO = "refuse_to"


def refuse_to(request: Request, path: str) -> None:
    """Where a refusal of this request sends the person back, for a page known only once the handler
    has loaded its object (otherwise the route declares ``refuse_to`` in its opt; see ``server.errors``)."""
    request.state[REFUSE_TO] = path


class FormRefused(Exception):
    """A form post the domain refused, answered with its form page again (``response``); ``server.errors``
    sends that response."""

    def __init__(self, response: Response):
        super().__init__("form refused")
        self.response = response


FormPage = Callable[[dict[str, str]], Awaitable[Response] | Response]


@asynccontextmanager
async def form_page_on_refusal(
    request: Request,
    page: FormPage,
    *,
    status: int | Callable[[DomainError], int] = 400,
    passes: tuple[type[DomainError], ...] = (NotFound, PermissionDenied),
) -> AsyncIterator[None]:
    """A refusal of the domain inside the block answers with the form page again, for a handler whose
    refused form keeps what the person typed with the messages beside the fields.

    ``page(errors)`` renders that page with ``errors`` ({field: message in the reader's language}, as
    ``field_errors`` gives); it is answered with ``status`` (400, or a function of the error). Not found
    and forbidden (``passes``) go on to ``server.errors``: the 404 and 403 pages. Files stored for the
    refused form are removed with the failed request (``server.uploads.UploadCleanupMiddleware``)."""
    try:
        yield
    except DomainError as exc:
        if isinstance(exc, passes):
            raise
        response = page(field_errors(request, exc))
        if inspect.isawaitable(response):
            response = await response
        response.status_code = status(exc) if callable(status) else status
        raise FormRefused(response) from exc


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
