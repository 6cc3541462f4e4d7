"""The test database as a fixture built it, kept and put back for the next test that asks for it.

A fixture that makes many rows (two communes full of objects, the whole demo) builds them once per
worker: the rows of every table, and the fixture's value, are kept; the next test that asks for the
same fixture gets the database back exactly as it was just after the build (the same rows, ids and
id sequences) and a fresh copy of the value. Each test still starts from the emptied database, and
the database still goes back to empty after it.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from typing import Any

from tests.support.db import all_tables

_kept: dict[tuple[str, str], tuple[object, Any]] = {}


async def built_once(key: str, build: Callable[[], Awaitable[Any]]) -> Any:
    """``await build()`` the first time for ``key`` in this worker; the same database and value after.

    What is kept is put back only on a database that holds exactly the rows it held before that
    build (the fixture's dependencies made the same rows); on any other, ``build`` runs again.
    """
    kept_key = (key, await _fingerprint())
    if kept_key in _kept:
        rows, value = _kept[kept_key]
        await _restore(rows)
        _forget_copies()
        return copy.deepcopy(value)
    value = await build()
    _kept[kept_key] = (await _take(), copy.deepcopy(value))
    return value


async def _fingerprint() -> str:
    """A digest of the rows the database holds (a few, before a fixture builds its own): every value
    but the moments, which a row made the same way holds at another time."""
    engine = _engine()
    digest = hashlib.sha256()
    queries = _fingerprint_queries()
    if engine.engine_type == "sqlite":
        with closing(sqlite3.connect(engine.path)) as connection:
            for name, query in queries:
                for row in connection.execute(query):
                    digest.update(repr((name, tuple(row))).encode())
        return digest.hexdigest()
    async with engine.pool.acquire() as conn:
        present = await conn.fetch(
            " UNION ALL ".join(f"SELECT '{n}' AS name WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n, _ in queries)
        )
        used = {row["name"] for row in present}
        for name, query in queries:
            if name in used:
                for row in await conn.fetch(query):
                    digest.update(repr((name, tuple(row.values()))).encode())
    return digest.hexdigest()


@functools.cache
def _fingerprint_queries() -> tuple[tuple[str, str], ...]:
    from piccolo.columns import Date, Interval, Time, Timestamp, Timestamptz
    from piccolo.conf.apps import Finder
    from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
    from piccolo_api.session_auth.tables import SessionsBase

    moments = (Date, Interval, Time, Timestamp, Timestamptz)
    known = {t._meta.tablename: t for t in [*Finder().get_table_classes(), SessionsBase, AuthenticatorSecret]}
    queries = []
    for name in all_tables():
        table = known.get(name)
        if table is None:
            queries.append((name, f'SELECT count(*) FROM "{name}"'))
            continue
        columns = [f'"{c._meta.db_column_name}"' for c in table._meta.columns if not isinstance(c, moments)]
        queries.append((name, f'SELECT {", ".join(columns)} FROM "{name}" ORDER BY 1'))
    return tuple(queries)


def _forget_copies() -> None:
    """The worker's copies of contests, people and results describe the rows that were replaced."""
    from accounts import memo
    from contest import results_cache

    memo.forget()
    results_cache.forget()


def _engine() -> Any:  # SQLiteEngine or PostgresEngine
    from accounts.tables import User

    return User._meta.db


async def _take() -> object:
    engine = _engine()
    if engine.engine_type == "sqlite":
        kept = sqlite3.connect(":memory:")
        with closing(sqlite3.connect(engine.path)) as source:
            source.backup(kept)
        return kept
    tables = {}
    async with engine.pool.acquire() as conn:
        for name in all_tables():
            records = await conn.fetch(f'SELECT * FROM "{name}"')
            if records:
                tables[name] = (list(records[0].keys()), [tuple(r.values()) for r in records])
        sequences = await conn.fetch(
            "SELECT format('%I.%I', schemaname, sequencename) AS name, last_value, "
            "last_value IS NOT NULL AS called FROM pg_sequences WHERE schemaname = 'public'"
        )
    return tables, [(s["name"], s["last_value"] or 1, s["called"]) for s in sequences]


async def _restore(kept: object) -> None:
    engine = _engine()
    if engine.engine_type == "sqlite":
        assert isinstance(kept, sqlite3.Connection)
        with closing(sqlite3.connect(engine.path)) as target:
            kept.backup(target)
        return
    tables, sequences = kept  # type: ignore[misc]
    ordered = list(reversed(all_tables()))  # parents before children
    async with engine.pool.acquire() as conn, conn.transaction():
        present = await conn.fetch(
            " UNION ALL ".join(f"SELECT '{n}' AS name WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in ordered)
        )
        emptied = {row["name"] for row in present}
        for name in reversed(ordered):  # children first
            if name in emptied:
                await conn.execute(f'DELETE FROM "{name}"')
        for name in ordered:
            if name in tables:
                columns, records = tables[name]
                await conn.copy_records_to_table(name, records=records, columns=columns)
        for name, value, called in sequences:
            await conn.execute("SELECT setval($1::regclass, $2, $3)", name, value, called)


async def seeded_demo(now: dt.datetime) -> None:
    """``seed_demo_data(now=now)`` on the emptied database: seeded once per worker, then put back."""
    from server.commands import seed_demo_data

    await built_once(f"the demo seeded at {now.isoformat()}", lambda: seed_demo_data(now=now))
