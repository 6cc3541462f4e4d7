"""Building and cleaning the test database."""

from __future__ import annotations

import asyncpg


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
        for name in tables:
            await User.raw(f'DELETE FROM "{name}"')
        await User.raw("DELETE FROM sqlite_sequence") if await User.raw(
            "SELECT name FROM sqlite_master WHERE name='sqlite_sequence'"
        ) else None
    else:
        quoted = ", ".join(f'"{name}"' for name in tables)
        await User.raw(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
