from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T18:09:04:561969"
VERSION = "1.38.0"
DESCRIPTION = "unique role grants"


class RoleGrant(Table, tablename="role_grant"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run():
        # A role is held once per (user, commune); platform-wide grants (NULL commune) fold
        # to 0 so they are unique too. Expression indexes work on SQLite and PostgreSQL.
        await RoleGrant.raw('CREATE UNIQUE INDEX role_grant_unique ON role_grant ("user", role, COALESCE(commune, 0))')

    async def run_backwards():
        await RoleGrant.raw("DROP INDEX IF EXISTS role_grant_unique")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
