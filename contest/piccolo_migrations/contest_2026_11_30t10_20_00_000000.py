"""A contest may have a cover image, uploaded by its organizers on the contest form."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T10:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "contest.cover: stored name of the contest's cover image"


class Contest(Table, tablename="contest"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        await Contest.raw("ALTER TABLE contest ADD COLUMN cover VARCHAR(80) NOT NULL DEFAULT ''")

    async def run_backwards():
        await Contest.raw("ALTER TABLE contest DROP COLUMN cover")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
