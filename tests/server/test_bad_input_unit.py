"""The pieces that refuse bad input, without HTTP or a database: NUL and UTF-8 checks, ids in range,
text limits of the idea form, and the upload ledger that removes the files of a failed request."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, cast

import pytest
from litestar.types import ReceiveMessage, Scope
from PIL import Image

from accounts import limits
from accounts.text import MAX_DB_INT, as_id
from contest import uploads
from contest.forms import IdeaForm, clean
from server.badinput import bad_encoded, has_nul, path_problem
from server.uploads import UploadCleanupMiddleware


def http_scope(**fields: Any) -> Scope:
    """An HTTP request's scope with only the fields the code under test reads."""
    return cast("Scope", {"type": "http", **fields})


async def no_body() -> ReceiveMessage:
    raise AssertionError("the request body is not read here")


pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", False),
        ("a\x00", True),
        (["x", ["y", "\x00"]], True),
        ({"k\x00": "v"}, True),
        ({"k": 1}, False),
        (None, False),
        (12, False),
    ],
)
def test_has_nul_looks_into_nested_values(value, expected):
    assert has_nul(value) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"q=n%C6%B0%E1%BB%9Bc+s%E1%BA%A1ch", False),
        (b"q=a%00", True),
        (b"q=%FF%FE", True),
        (b"q=%C3%28", True),
        (b"", False),
        (b"a=1&b=2", False),
    ],
)
def test_bad_encoded_refuses_nul_and_invalid_utf8(raw, expected):
    assert bad_encoded(raw) is expected


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("/ideas/AK-2026-001", b"/ideas/AK-2026-001", None),
        ("/ideas/AK\x00", b"/ideas/AK%00", 400),
        ("/ideas/\ufffd", b"/ideas/%FF", 400),
        (f"/my/ideas/{MAX_DB_INT}", f"/my/ideas/{MAX_DB_INT}".encode(), None),
        (f"/my/ideas/{MAX_DB_INT + 1}", f"/my/ideas/{MAX_DB_INT + 1}".encode(), 404),
        ("/my/ideas/-" + "9" * 30, ("/my/ideas/-" + "9" * 30).encode(), 404),
    ],
)
def test_path_problem(path, raw, expected):
    assert path_problem(http_scope(path=path, raw_path=raw)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        (" 42 ", 42),
        (str(MAX_DB_INT), MAX_DB_INT),
        (str(MAX_DB_INT + 1), None),
        ("1" + "0" * 30, None),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("١٢", None),
        ("", None),
        (None, None),
        ("3.0", None),
    ],
)
def test_as_id_accepts_only_ids_the_database_can_hold(text, expected):
    assert as_id(text) == expected


@pytest.mark.parametrize("name", ["problem", "solution", "beneficiaries", "resources", "body"])
def test_idea_long_fields_refuse_a_megabyte(name):
    form = IdeaForm(**{name: "x" * 1_000_000})
    _, errors = clean(form, category_ids=set())
    assert errors[name].startswith("Too long: at most")


def test_idea_long_fields_accept_their_limit():
    form = IdeaForm(problem="ư" * limits.LONG, body="#" * limits.MARKDOWN)
    _, errors = clean(form, category_ids=set())
    assert "problem" not in errors and "body" not in errors
    _, errors = clean(IdeaForm(body="#" * (limits.MARKDOWN + 1)), category_ids=set())
    assert errors["body"] == "Too long: at most 50,000 characters."


def test_idea_title_of_stacked_marks_is_refused_before_the_database_would():
    title = "a\u0323\u0302\u0301\u0300" * 100  # 100 letters as people count them, 300 code points after NFC
    _, errors = clean(IdeaForm(title=title), category_ids=set())
    assert "title" in errors


def test_every_limit_fits_its_column():
    from piccolo.conf.apps import Finder

    tables = {t._meta.tablename: t for t in Finder().get_table_classes()}
    for table, columns in limits.COLUMNS.items():
        names = {c._meta.db_column_name: c for c in tables[table]._meta.columns}
        for column, limit in columns.items():
            length = getattr(names[column], "length", None)
            assert length is None or length >= limit, (table, column)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buffer, format="PNG")
    return buffer.getvalue()


def _app_storing(root: Path, status: int | None):
    """An ASGI app that stores an upload, then answers ``status`` (or raises when None)."""

    async def app(scope, receive, send):
        await uploads.store(_png(), "anh.png", root=root, allowed=uploads.IMAGE_TYPES)
        if status is None:
            raise RuntimeError("the database went away")
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


@pytest.mark.parametrize(("status", "kept"), [(303, 2), (200, 2), (400, 0), (500, 0), (None, 0)])
async def test_uploads_of_a_failed_request_are_removed(tmp_path, status, kept):
    sent = []

    async def send(message):
        sent.append(message)

    middleware = UploadCleanupMiddleware(_app_storing(tmp_path, status))
    scope = http_scope(method="POST", path="/x")
    if status is None:
        with pytest.raises(RuntimeError):
            await middleware(scope, no_body, send)
    else:
        await middleware(scope, no_body, send)
    assert len(list(tmp_path.iterdir())) == kept  # the original and its web copy, or nothing


async def test_store_outside_a_request_keeps_its_file(tmp_path):
    stored = await uploads.store(_png(), "anh.png", root=tmp_path, allowed=uploads.IMAGE_TYPES)
    assert (tmp_path / stored.stored_name).exists()
