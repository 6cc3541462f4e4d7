from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T18:16:41:208113"
VERSION = "1.38.0"
DESCRIPTION = "city final: one nomination per idea, numbered places per commune"

# One nomination per final and idea; a commune's places are numbered slots, unique per final and
# commune (an empty slot, once declined, does not count), so the city's limit holds in the database.
# Plain CREATE UNIQUE INDEX works on SQLite and PostgreSQL alike.
INDEXES = {
    "city_nomination_unique_idea": "city_nomination (final, idea)",
    "city_nomination_unique_slot": "city_nomination (final, commune, slot)",
}


class CityFinal(Table, tablename="city_final"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="city", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await CityFinal.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await CityFinal.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
