from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T21:07:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "vote chain head from existing logs"


class VoteChain(Table, tablename="vote_chain"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        # Rounds that already have a log continue their chain from its last entry.
        await VoteChain.raw(
            "INSERT INTO vote_chain (round, seq, prev, head) "
            "SELECT e.round, e.seq, e.prev_hash, e.hash FROM vote_log e "
            "WHERE e.seq = (SELECT MAX(l.seq) FROM vote_log l WHERE l.round = e.round)"
        )

    async def run_backwards():
        await VoteChain.raw("DELETE FROM vote_chain")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
