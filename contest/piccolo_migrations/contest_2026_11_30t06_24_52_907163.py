"""A ballot belongs to a resident record: one ballot per resident and round, whatever happens to accounts.

Accounts can be deleted and registered again with the same phone; the resident record they are
matched to stays the same, so the unique index (round, resident) keeps a person to one ballot.
Existing ballots take the resident of their voter's account.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T06:24:52:907163"
VERSION = "1.38.0"
DESCRIPTION = "vote_ballot.resident with a unique index (round, resident)"


class Ballot(Table, tablename="vote_ballot"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        await Ballot.raw("ALTER TABLE vote_ballot ADD COLUMN resident INTEGER NULL")
        await Ballot.raw(
            "UPDATE vote_ballot SET resident = (SELECT u.resident FROM users u WHERE u.id = vote_ballot.voter)"
        )
        await Ballot.raw("CREATE UNIQUE INDEX vote_ballot_one_per_resident ON vote_ballot (round, resident)")

    async def run_backwards():
        await Ballot.raw("DROP INDEX IF EXISTS vote_ballot_one_per_resident")
        await Ballot.raw("ALTER TABLE vote_ballot DROP COLUMN resident")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
