"""Database engines and the one way to open a write transaction on either of them."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sqlite3
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.querystring import QueryString


def engine_for(database_url: str, sqlite_path: Path) -> Engine:
    """PostgreSQL when ``database_url`` names it, SQLite (WAL mode) otherwise."""
    if database_url.startswith(("postgres://", "postgresql://")):
        parts = urlparse(database_url)
        return PostgresEngine(
            config={
                "host": parts.hostname or "127.0.0.1",
                "port": parts.port or 5432,
                "user": unquote(parts.username or "postgres"),
                "password": unquote(parts.password or ""),
                "database": (parts.path or "/sangtao").lstrip("/") or "sangtao",
            },
            extensions=(),
            log_queries=False,
        )
    sqlite_path = Path(sqlite_path)
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    enable_wal(sqlite_path)
    # A generous busy timeout lets concurrent writers queue instead of failing at once.
    return KeptConnectionsSQLiteEngine(path=str(sqlite_path), timeout=15)


class _KeptConnection(aiosqlite.Connection):
    """An aiosqlite connection kept for the life of the process: its thread does not hold the
    process open at exit (each statement on it is its own transaction, already committed)."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._thread.daemon = True


class KeptConnectionsSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine, with two connections kept per event loop for single statements.

    Piccolo opens a new connection (and a thread) for every statement run outside a transaction;
    SQLite then reads the whole schema again before the statement: about 2 ms of CPU for what takes
    0.2 ms on an open connection. Here a statement outside a transaction runs on a kept connection
    in autocommit, as Piccolo runs it: a ``SELECT`` on the reading one (each statement reads the
    latest committed state, WAL), anything else on the writing one, so a write waiting for SQLite's
    lock never holds up the readers. Transactions keep Piccolo's own connection each.
    """

    __slots__ = ("_kept",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, aiosqlite.Connection]] = (
            weakref.WeakKeyDictionary()
        )

    async def _connection(self, role: str) -> aiosqlite.Connection:
        kept = self._kept.setdefault(asyncio.get_running_loop(), {})
        connection = kept.get(role)
        if connection is None:
            connection = await _KeptConnection(self._connect)
            if role == "write":
                await connection.execute("PRAGMA foreign_keys = 1")
            if role in kept:  # another statement opened it meanwhile
                await connection.close()
            else:
                kept[role] = connection
        return kept[role]

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory  # rows by column name, as Piccolo reads them
        return connection

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ):
        if query_type == "insert" and sqlite3.sqlite_version_info < (3, 35):  # no RETURNING: Piccolo's way
            return await super()._run_in_new_connection(query, args, query_type, table)
        role = "read" if query.lstrip()[:6].upper() == "SELECT" else "write"
        connection = await self._connection(role)
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()  # an INSERT's RETURNING clause gives its new key

    async def close_kept(self) -> None:
        """Close this process's kept connections (the app's shutdown and the tests' end)."""
        kept, self._kept = list(self._kept.values()), weakref.WeakKeyDictionary()
        for connections in kept:
            for connection in connections.values():
                with contextlib.suppress(Exception):
                    await connection.close()


def enable_wal(path: Path) -> None:
    """WAL is a property of the file: set it once, every later connection uses it."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


async def keep_session(connection) -> None:
    """Pool ``reset`` for asyncpg: nothing beyond the rollback asyncpg always does.

    asyncpg's default reset sends ``RESET ALL; CLOSE ALL; UNLISTEN *; pg_advisory_unlock_all()``
    each time a connection goes back to the pool — a round trip after every query, since Piccolo
    borrows a connection per query. The application sets no session state: its advisory locks are
    transaction-scoped, it neither listens nor keeps cursors, and it never changes settings.
    """


async def close_connections(engine: Engine) -> None:
    """Close what the engine keeps open in this process: PostgreSQL's pool, SQLite's kept connections."""
    if isinstance(engine, KeptConnectionsSQLiteEngine):
        await engine.close_kept()
    elif getattr(engine, "pool", None) is not None:
        await engine.close_connection_pool()


def pool_options() -> dict:
    """Options for ``PostgresEngine.start_connection_pool``."""
    return {"min_size": 2, "max_size": 20, "reset": keep_session}


def is_sqlite(engine: Engine) -> bool:
    return engine.engine_type == "sqlite"


def atomic(engine: Engine):
    """A write transaction that takes its lock up front.

    SQLite: ``BEGIN IMMEDIATE`` (a deferred transaction that reads then writes fails with
    "database is locked"), and the process's write transactions take turns on an asyncio lock
    first — waiting there costs nothing, while SQLite's own busy handler sleeps in growing steps
    and turned bursts of votes into second-long waits. PostgreSQL: an ordinary transaction;
    callers lock rows they read-then-write (``SELECT … FOR UPDATE``) or use atomic updates.
    """
    if is_sqlite(engine):
        if engine.current_transaction.get() is not None:  # nested: the outer transaction holds the turn
            return engine.transaction(transaction_type=TransactionType.immediate)
        return _sqlite_turn(engine)
    return engine.transaction()


_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


@contextlib.asynccontextmanager
async def _sqlite_turn(engine: Engine):
    loop = asyncio.get_running_loop()
    turn = _turns.setdefault(loop, asyncio.Lock())
    async with turn, engine.transaction(transaction_type=TransactionType.immediate) as transaction:
        yield transaction


@functools.lru_cache(maxsize=64)
def _numbered(sql: str) -> str:
    """Piccolo's ``{}`` placeholders as PostgreSQL's ``$1, $2…`` (the statements here are constants)."""
    parts = sql.split("{}")
    return "".join(part + (f"${n}" if n < len(parts) else "") for n, part in enumerate(parts, start=1))


async def read_rows(engine: Engine, sql: str, *args: object) -> Sequence[Mapping[str, Any]]:
    """The rows of a read-only statement written with Piccolo's ``{}`` placeholders. On PostgreSQL,
    outside a transaction, it goes straight to a pooled connection (Piccolo builds and compiles a
    query object for each run, which costs more than the database on the pages read most); the
    rows are read by column name either way."""
    pool = getattr(engine, "pool", None) if isinstance(engine, PostgresEngine) else None
    if pool is not None and engine.current_transaction.get() is None:
        async with pool.acquire() as connection:
            return await connection.fetch(_numbered(sql), *args)
    return await engine.run_querystring(QueryString(sql, *args)) or []


class RecentPing:
    """A ping's success, kept for ``ttl`` seconds: a load balancer asks many times a second, and its
    checks within that time share one round trip. A failure is never kept (the next check asks again)."""

    def __init__(self, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self.fresh_until = float("-inf")

    async def check(self, engine: Engine) -> None:
        if self.clock() < self.fresh_until:
            return
        await ping(engine)
        self.fresh_until = self.clock() + self.ttl


async def ping(engine: Engine) -> None:
    """One round trip to the database (raises when it does not answer). Load balancers ask for this
    many times a second: on PostgreSQL it goes straight to a pooled connection."""
    pool = getattr(engine, "pool", None) if isinstance(engine, PostgresEngine) else None
    if pool is not None:
        async with pool.acquire() as connection:
            await connection.fetchval("SELECT 1")
        return
    await engine.run_querystring(QueryString("SELECT 1"))
