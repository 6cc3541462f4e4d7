"""A vote carries the resident it was cast for: one vote per (round, resident, idea).

The ballot already belongs to the resident; without this a resident who deleted their account and
registered again could give the same idea a second vote within their ballot. Existing votes take
the resident of their voter's account; where a resident already holds two votes for one idea (cast
before this rule), only the earliest keeps the resident, so the index can be built.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T07:52:18:730419"
VERSION = "1.38.0"
DESCRIPTION = "vote.resident with a unique index (round, resident, idea)"


class Vote(Table, tablename="vote"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        await Vote.raw("ALTER TABLE vote ADD COLUMN resident INTEGER NULL")
        await Vote.raw("UPDATE vote SET resident = (SELECT u.resident FROM users u WHERE u.id = vote.voter)")
        await Vote.raw(
            "UPDATE vote SET resident = NULL WHERE resident IS NOT NULL AND id NOT IN "
            "(SELECT MIN(v.id) FROM vote v WHERE v.resident IS NOT NULL GROUP BY v.round, v.resident, v.idea)"
        )
        await Vote.raw("CREATE UNIQUE INDEX vote_one_per_resident_idea ON vote (round, resident, idea)")

    async def run_backwards():
        await Vote.raw("DROP INDEX IF EXISTS vote_one_per_resident_idea")
        await Vote.raw("ALTER TABLE vote DROP COLUMN resident")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
