"""The health check's round trip to the database: it answers through the app's engine (on
PostgreSQL, a pooled connection) and raises when the database does not answer."""

from __future__ import annotations

import pytest
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from accounts.engine import ping
from accounts.tables import Commune

pytestmark = pytest.mark.integration


async def test_the_app_s_database_answers(db, database):
    engine = Commune._meta.db
    if database == "postgres":
        assert isinstance(engine, PostgresEngine) and engine.pool is not None  # the pooled path
    await ping(engine)


@pytest.mark.filterwarnings("ignore:.*Unable to connect to database")
async def test_a_database_that_does_not_answer_raises(tmp_path):
    unreachable = PostgresEngine(config={"host": "127.0.0.1", "port": 9, "user": "postgres", "database": "none"})
    with pytest.raises(OSError):
        await ping(unreachable)
    missing = SQLiteEngine(path=str(tmp_path / "no-such-folder" / "db.sqlite"))
    with pytest.raises(Exception):  # noqa: B017, PT011 — sqlite3's own error: the file cannot be opened
        await ping(missing)


@pytest.mark.filterwarnings("ignore:.*Unable to connect to database")
async def test_a_recent_answer_is_kept_for_its_time_and_a_failure_never(db):
    from accounts.engine import RecentPing

    now = [100.0]
    asked = RecentPing(ttl=1.0, clock=lambda: now[0])
    engine = Commune._meta.db
    await asked.check(engine)
    assert asked.fresh_until == 101.0
    unreachable = PostgresEngine(config={"host": "127.0.0.1", "port": 9, "user": "postgres", "database": "none"})
    now[0] = 100.5
    await asked.check(unreachable)  # within the second: the last answer stands
    now[0] = 101.5
    with pytest.raises(OSError):
        await asked.check(unreachable)
    with pytest.raises(OSError):
        await asked.check(unreachable)  # a failure is not kept: asked again
    await asked.check(engine)
    assert asked.fresh_until == 102.5
