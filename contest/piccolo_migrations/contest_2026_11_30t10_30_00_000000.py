"""Optional phases of a round: whether it takes new entries and whether it has a judging phase.

Every existing round had a submission window and a judging window, so both flags start true and
existing rows keep their meaning. A round without a public vote already has no vote dates.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T10:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "contest_round.takes_entries and contest_round.has_judging"


class Round(Table, tablename="contest_round"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        await Round.raw("ALTER TABLE contest_round ADD COLUMN takes_entries BOOLEAN NOT NULL DEFAULT TRUE")
        await Round.raw("ALTER TABLE contest_round ADD COLUMN has_judging BOOLEAN NOT NULL DEFAULT TRUE")

    async def run_backwards():
        await Round.raw("ALTER TABLE contest_round DROP COLUMN has_judging")
        await Round.raw("ALTER TABLE contest_round DROP COLUMN takes_entries")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
