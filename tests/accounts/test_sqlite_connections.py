"""SQLite's kept connections (``accounts.engine.KeptConnectionsSQLiteEngine``): a statement outside a
transaction runs on a connection kept per event loop (a ``SELECT`` on the reading one, anything else
on the writing one) and behaves as on a connection of its own: it reads what other connections
committed, foreign keys hold, a write waiting for another writer's lock does not hold up the readers,
and a process that used them exits without closing them."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from accounts.engine import KeptConnectionsSQLiteEngine, atomic
from accounts.tables import Commune, Hamlet

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(database):
    engine = Commune._meta.db
    if not isinstance(engine, KeptConnectionsSQLiteEngine):
        pytest.skip("SQLite only")
    return engine


async def test_statements_share_two_connections_and_read_what_others_committed(db, engine):
    threads = threading.active_count()
    for n in range(20):
        await Commune.insert(Commune(name=f"Xã Số {n}", slug=f"xa-so-{n}", code=f"S{n}"))
        assert await Commune.count() == n + 1
    assert threading.active_count() <= threads + 2  # no thread per statement
    # Committed by a connection of another program: the next read sees it at once.
    with sqlite3.connect(engine.path) as other:
        other.execute(
            "INSERT INTO commune (name, slug, code, province, description, created_at) "
            "VALUES ('Xã Khác', 'xa-khac', 'XK', 'Thành phố Hải Phòng', '', '2026-11-27 03:00:00+00:00')"
        )
    assert await Commune.exists().where(Commune.slug == "xa-khac")
    # What a transaction wrote is seen once it commits, and not before.
    async with atomic(engine):
        await Commune.insert(Commune(name="Xã Giao Dịch", slug="xa-giao-dich", code="GD"))
        assert not await _read_elsewhere(engine, "xa-giao-dich")
    assert await Commune.exists().where(Commune.slug == "xa-giao-dich")


async def _read_elsewhere(engine, slug: str) -> bool:
    """A read outside the running transaction (on the kept reading connection)."""
    token = engine.current_transaction.set(None)
    try:
        return bool(await Commune.exists().where(Commune.slug == slug))
    finally:
        engine.current_transaction.reset(token)


async def test_foreign_keys_hold_and_a_refused_write_leaves_the_connection_usable(db, engine):
    with pytest.raises(sqlite3.IntegrityError):
        await Hamlet.insert(Hamlet(commune=987654, name="Thôn Không Có Xã", population=1, sort_order=0))
    await Commune.insert(Commune(name="Xã Sau Lỗi", slug="xa-sau-loi", code="SL"))
    assert await Commune.count() == 1
    assert await Hamlet.count() == 0


async def test_a_write_waiting_for_the_lock_does_not_hold_up_readers(db, engine):
    await Commune.insert(Commune(name="Xã Đọc", slug="xa-doc", code="DD"))
    holder = sqlite3.connect(engine.path, timeout=15)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
    try:
        waiting = asyncio.create_task(Commune.insert(Commune(name="Xã Chờ", slug="xa-cho", code="CH")).run())
        await asyncio.sleep(0.1)
        assert not waiting.done()
        reads = await asyncio.wait_for(asyncio.gather(*(Commune.count() for _ in range(5))), timeout=2)
        assert reads == [1] * 5
    finally:
        holder.rollback()
        holder.close()
    await asyncio.wait_for(waiting, timeout=10)
    assert await Commune.count() == 2


def test_a_program_that_read_and_wrote_exits_without_closing_them(tmp_path):
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from accounts.engine import engine_for\n"
        "engine = engine_for('', Path(sys.argv[1]))\n"
        "async def main():\n"
        "    await engine.run_ddl('CREATE TABLE t (x INTEGER)')\n"
        "    await engine._run_in_new_connection('INSERT INTO t VALUES (1)')\n"
        "    print((await engine._run_in_new_connection('SELECT count(*) AS n FROM t'))[0]['n'])\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "exit.sqlite3")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
