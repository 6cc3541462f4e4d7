from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T18:24:48:715980"
VERSION = "1.38.0"
DESCRIPTION = "unique rules"

# "Only once" rules live in the database. Plain CREATE UNIQUE INDEX works on SQLite and
# PostgreSQL alike (piccolo's composite Unique constraint does not on SQLite).
INDEXES = {
    "idea_member_unique_contact": "idea_member (idea, contact)",
    "idea_report_unique_reporter": "idea_report (idea, reporter)",
    "idea_code_counter_unique": "idea_code_counter (commune, year)",
    "idea_revision_unique_number": "idea_revision (idea, number)",
    "contest_category_unique_slug": "contest_category (contest, slug)",
    "contest_round_unique_position": "contest_round (contest, position)",
}


class Idea(Table, tablename="idea"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await Idea.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await Idea.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
