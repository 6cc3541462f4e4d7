from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T19:00:51:681972"
VERSION = "1.38.0"
DESCRIPTION = "vote count unique"


class VoteCount(Table, tablename="vote_count"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        await VoteCount.raw("CREATE UNIQUE INDEX vote_count_unique ON vote_count (round, idea)")
        # Recounting from the votes themselves (tests, verification) reads this index only.
        await VoteCount.raw("CREATE INDEX vote_tally ON vote (round, voided, idea)")

    async def run_backwards():
        await VoteCount.raw("DROP INDEX IF EXISTS vote_count_unique")
        await VoteCount.raw("DROP INDEX IF EXISTS vote_tally")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
