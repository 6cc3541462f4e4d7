"""Plain reads of the pages read most (``accounts.engine.read_rows``): the same rows as Piccolo's
own raw query on both engines, by column name; on PostgreSQL a pooled connection outside a
transaction, and inside one the transaction's own connection (it sees what the transaction wrote)."""

from __future__ import annotations

import pytest

from accounts.engine import _numbered, atomic, read_rows
from accounts.tables import Commune

pytestmark = pytest.mark.integration

SQL = "SELECT c.id AS id, c.name AS name FROM commune c WHERE c.slug = {} OR c.name = {} ORDER BY c.id"


def test_placeholders_are_numbered_in_order():
    assert _numbered("SELECT {} + {}, {}") == "SELECT $1 + $2, $3"
    assert _numbered("SELECT 1") == "SELECT 1"


async def test_the_rows_are_piccolo_s_rows(db, commune, other_commune):
    engine = Commune._meta.db
    ours = await read_rows(engine, SQL, "an-khanh", "Xã Tân Minh")
    theirs = await Commune.raw(SQL, "an-khanh", "Xã Tân Minh")
    assert [(r["id"], r["name"]) for r in ours] == [(r["id"], r["name"]) for r in theirs]
    assert {r["id"] for r in ours} == {commune["id"], other_commune["id"]}


async def test_inside_a_transaction_it_reads_what_the_transaction_wrote(db):
    engine = Commune._meta.db
    async with atomic(engine):
        await Commune.insert(Commune(name="Xã Thử Đọc", slug="xa-thu-doc", code="TD"))
        rows = await read_rows(engine, SQL, "xa-thu-doc", "")
        assert [r["name"] for r in rows] == ["Xã Thử Đọc"]
