"""An award carries the prize it gives (money, a trophy, support), shown on the results page.

Its basis may now also be the jury's ranking alone ("jury"), next to "combined" and "public".
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T10:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "award.prize"


class Award(Table, tablename="award"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        await Award.raw("ALTER TABLE award ADD COLUMN prize TEXT NOT NULL DEFAULT ''")

    async def run_backwards():
        await Award.raw("ALTER TABLE award DROP COLUMN prize")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
