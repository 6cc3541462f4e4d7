"""The city dashboard's period filters: votes by when they were cast, score sheets by when they were submitted.

A period of a few weeks reads the votes and sheets of those weeks through these indexes instead of every vote of
the year. Plain CREATE INDEX works on SQLite and PostgreSQL alike.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T21:56:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "city dashboard: votes and score sheets indexed by their date"

INDEXES = {
    "vote_created_at": "vote (created_at)",
    "score_sheet_submitted_at": "score_sheet (submitted_at)",
}


class Vote(Table, tablename="vote"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="city", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await Vote.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await Vote.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
