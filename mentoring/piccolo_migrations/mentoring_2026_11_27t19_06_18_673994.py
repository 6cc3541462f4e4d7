from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T19:06:18:673994"
VERSION = "1.38.0"
DESCRIPTION = "mentoring unique rules"

INDEXES = {
    "mentorship_unique_pair": "mentorship (idea, mentor)",
    "workshop_registration_unique": 'workshop_registration (workshop, "user")',
}


class Mentorship(Table, tablename="mentorship"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await Mentorship.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await Mentorship.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
