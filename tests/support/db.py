"""Building and cleaning the test database."""

from __future__ import annotations

import sqlite3

import asyncpg

# What a row refused by the database raises on either engine (unique index, CHECK, column length).
REFUSED_BY_DATABASE = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError, asyncpg.DataError)


async def create_postgres_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_postgres_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    response = await run_forwards(app_name="all")
    assert response.success, response.message


def all_tables() -> list[str]:
    """Every table, children before parents (the order rows can be deleted in)."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    ordered = sort_table_classes(Finder().get_table_classes())
    names = [table._meta.tablename for table in reversed(ordered)]
    return names + [n for n in ("sessions", "authenticator_secret") if n not in names]


async def truncate_all() -> None:
    from accounts.tables import User

    engine = User._meta.db
    tables = all_tables()
    if engine.engine_type == "sqlite":
        async with engine.transaction():  # one connection and one commit, not one per table
            for name in tables:
                await User.raw(f'DELETE FROM "{name}"')
            if await User.raw("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'"):
                await User.raw("DELETE FROM sqlite_sequence")
    else:
        # TRUNCATE makes new files for every table (most of a second per test): the tables a test
        # wrote to are emptied with DELETE, children first, and their id sequences restarted.
        probe = " UNION ALL ".join(
            f"SELECT '{name}' AS name WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables
        )
        used = [row["name"] for row in await User.raw(probe)]
        if used:
            statements = [f'DELETE FROM "{name}"' for name in used]
            statements += [
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), 1, false) "
                f"WHERE pg_get_serial_sequence('\"{name}\"', 'id') IS NOT NULL"
                for name in used
            ]
            async with engine.transaction():
                for statement in statements:
                    await User.raw(statement)
