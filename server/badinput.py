"""Input no route can use is refused in one place, with a 400 (or 404) page, never a 500.

- ``BadInputMiddleware`` looks at the path and the query string before any handler runs:
  a NUL byte or bytes that are not UTF-8 give a 400 page; a number in the path too large to
  be an id in the database gives a 404 page.
- ``SafeRequest`` (the app's request class) checks form and JSON bodies when they are read —
  by the CSRF check or by a handler — and refuses NUL bytes and invalid UTF-8 the same way.
- ``EXCEPTION_HANDLERS`` is the safety net behind both: a value the database refuses as data
  (an integer out of its range, a NUL byte, a text above a column's limit) gives a 400 page.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Request, Response
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, NotFoundException
from litestar.types import ASGIApp, Receive, Scope, Send

from accounts.text import MAX_DB_INT
from server.errors import error_page

log = logging.getLogger("sangtao.badinput")

_NUMBER = re.compile(r"-?[0-9]+")
# Marker of the database's own length checks (SQLite triggers and PostgreSQL CHECK constraints).
LENGTH_MARKER = "too_long"


class BadInput(ClientException):
    """A request carries bytes no form or address may hold (400)."""


def has_nul(value: Any) -> bool:
    """True if a string anywhere in ``value`` (str, list, dict, nested) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_nul(v) for v in value)
    return False


def bad_encoded(raw: bytes) -> bool:
    """True if percent-encoded ``raw`` (a query string, an urlencoded body) decodes to a NUL byte
    or to something that is not UTF-8."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def path_problem(scope: Scope) -> int | None:
    """400 for a NUL byte or non-UTF-8 bytes in the path, 404 for a number no id can be."""
    path = scope.get("path", "")
    raw = scope.get("raw_path") or path.encode("utf-8", "surrogateescape")
    if "\x00" in path or bad_encoded(raw.replace(b"+", b"%2B")):
        return 400
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return 400
    for segment in path.split("/"):
        if _NUMBER.fullmatch(segment) and abs(int(segment)) > MAX_DB_INT:
            return 404
    return None


class BadInputMiddleware:
    """Refuses a NUL byte or invalid UTF-8 in the path or query, and ids beyond the database's range."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            status = path_problem(scope)
            if status == 404:
                raise NotFoundException()
            if status or bad_encoded(scope.get("query_string", b"")):
                raise BadInput()
        await self.app(scope, receive, send)


class SafeRequest(Request):
    """A request whose form and JSON bodies hold neither NUL bytes nor invalid UTF-8."""

    async def form(self) -> FormMultiDict:
        content_type, _ = self.content_type
        if content_type == RequestEncodingType.URL_ENCODED and bad_encoded(await self.body()):
            raise BadInput()
        try:
            form = await super().form()
        except UnicodeDecodeError:  # a multipart text field that is not UTF-8
            raise BadInput() from None
        for key, value in form.multi_items():
            if (
                has_nul(key)
                or (isinstance(value, str) and has_nul(value))
                or (isinstance(value, UploadFile) and has_nul(value.filename or ""))
            ):
                raise BadInput()
        return form

    async def json(self) -> Any:
        data = await super().json()
        if has_nul(data):
            raise BadInput()
        return data


def _asyncpg_data_errors() -> tuple[type[Exception], ...]:
    try:
        from asyncpg.exceptions import CheckViolationError, DataError
    except ImportError:  # pragma: no cover - PostgreSQL driver not installed
        return ()
    return DataError, CheckViolationError


PG_DATA_ERRORS = _asyncpg_data_errors()


def handle_data_error(request: Request, exc: Exception) -> Response:
    """A value the database refused as data: the person sent something no form allows (400)."""
    if isinstance(exc, sqlite3.IntegrityError) and LENGTH_MARKER not in str(exc):
        from server.errors import handle_server_error

        return handle_server_error(request, exc)
    log.warning("refused input on %s %s: %s", request.method, request.url.path, exc)
    return error_page(request, 400)


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    OverflowError: handle_data_error,  # an integer beyond SQLite's (or Python's C) range
    sqlite3.IntegrityError: handle_data_error,  # only our length triggers; anything else stays a 500
    **{cls: handle_data_error for cls in PG_DATA_ERRORS},
}
