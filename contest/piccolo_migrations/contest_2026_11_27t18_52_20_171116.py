from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T18:52:20:171116"
VERSION = "1.38.0"
DESCRIPTION = "vote unique rules"

INDEXES = {
    "vote_one_per_voter_idea": "vote (round, voter, idea)",
    "vote_ballot_one_per_voter": "vote_ballot (round, voter)",
    "vote_log_unique_seq": "vote_log (round, seq)",
}


class Vote(Table, tablename="vote"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await Vote.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await Vote.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
