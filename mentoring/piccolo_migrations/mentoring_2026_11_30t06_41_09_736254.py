from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T06:41:09:736254"
VERSION = "1.38.0"
DESCRIPTION = "workshops without a commune belong to the only commune of a one-commune install"


class Workshop(Table, tablename="workshop"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)

    async def run():
        # Organizers act only on their commune's workshops. A workshop saved without a commune on an
        # install that serves one commune belongs to it; with several communes it stays city-wide
        # (managed by platform admins) until someone says which commune runs it.
        await Workshop.raw(
            "UPDATE workshop SET commune = (SELECT MIN(id) FROM commune) "
            "WHERE commune IS NULL AND (SELECT COUNT(*) FROM commune) = 1"
        )

    async def run_backwards():
        pass  # the commune stays: it was always true of these workshops

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
