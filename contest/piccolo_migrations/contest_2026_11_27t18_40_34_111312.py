from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T18:40:34:111312"
VERSION = "1.38.0"
DESCRIPTION = "judging unique rules"

INDEXES = {
    "score_sheet_one_per_judge_entry": "score_sheet (round, judge, idea)",
    "score_item_one_per_criterion": "score_item (sheet, criterion)",
    "judge_assignment_unique": "judge_assignment (round, judge, idea)",
    "judge_conflict_unique": "judge_conflict (round, judge, idea)",
    "judge_declaration_unique": "judge_declaration (round, judge)",
    "judge_panel_unique_contact": "judge_panel (round, contact)",
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
