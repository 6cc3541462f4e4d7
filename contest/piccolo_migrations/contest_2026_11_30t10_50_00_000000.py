"""Rounds that chain: the ideas an organizer carries from a round into the next (round_entry),
and the notices that go out once or at most so often (notice_sent)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T10:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "round_entry and notice_sent"


class RoundEntry(Table, tablename="round_entry"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        postgres = RoundEntry._meta.db.engine_type == "postgres"
        serial = "SERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT"
        stamp = "TIMESTAMPTZ"  # the declared type SQLite's converters read back as aware datetimes
        await RoundEntry.raw(
            f"CREATE TABLE round_entry (id {serial}, "
            "round INTEGER NOT NULL REFERENCES contest_round (id) ON DELETE CASCADE, "
            "idea INTEGER NOT NULL REFERENCES idea (id) ON DELETE CASCADE, "
            "from_round INTEGER NOT NULL REFERENCES contest_round (id) ON DELETE CASCADE, "
            "entered_status VARCHAR(20) NOT NULL DEFAULT 'shortlisted', "
            f"created_at {stamp} NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        await RoundEntry.raw("CREATE UNIQUE INDEX round_entry_round_idea ON round_entry (round, idea)")
        await RoundEntry.raw("CREATE INDEX round_entry_idea ON round_entry (idea)")
        await RoundEntry.raw("CREATE INDEX round_entry_from_round ON round_entry (from_round)")
        await RoundEntry.raw(
            f"CREATE TABLE notice_sent (id {serial}, key VARCHAR(120) NOT NULL UNIQUE, "
            f"sent_at {stamp} NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )

    async def run_backwards():
        await RoundEntry.raw("DROP TABLE notice_sent")
        await RoundEntry.raw("DROP TABLE round_entry")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
