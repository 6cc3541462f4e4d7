from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T14:05:14:588987"
VERSION = "1.38.0"
DESCRIPTION = "more text length limits in the database: names, contacts, award prizes, a mentor's skills"

# Here in the last domain app, so that every table it names (accounts, contest, mentoring) exists.
# The limits as they stood when this migration was written (accounts.limits.MORE_COLUMNS).
COLUMNS: dict[str, dict[str, int]] = {
    "commune": {"name": 150},
    "hamlet": {"name": 150},
    "users": {"email": 255, "phone": 20, "guardian_phone": 20},
    "contest_round": {"name": 120},
    "contest_category": {"name": 120},
    "award": {"name": 120, "prize": 2000},
    "idea_member": {"contact": 255},
    "judge_panel": {"contact": 255},
    "mentor_organization": {"website": 300},
    "mentor_profile": {"free_tags": 1000},
}
JSON_COLUMNS = {("mentor_profile", "free_tags")}


class Workshop(Table, tablename="workshop"):
    pass


def _statements(postgres: bool) -> list[str]:
    statements = []
    for table, columns in COLUMNS.items():
        if postgres:
            for column, limit in columns.items():
                value = f'"{column}"::text' if (table, column) in JSON_COLUMNS else f'"{column}"'
                statements.append(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_{column}_too_long" '
                    f"CHECK (char_length({value}) <= {limit}) NOT VALID"
                )
            continue
        condition = " OR ".join(f'length(NEW."{column}") > {limit}' for column, limit in columns.items())
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f'CREATE TRIGGER IF NOT EXISTS "{table}_too_long_more_{event.lower()}" BEFORE {event} ON "{table}" '
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{table}_too_long: text longer than allowed'); END"
            )
    return statements


def _backwards(postgres: bool) -> list[str]:
    if postgres:
        return [
            f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{table}_{column}_too_long"'
            for table, columns in COLUMNS.items()
            for column in columns
        ]
    return [
        f'DROP TRIGGER IF EXISTS "{table}_too_long_more_{event}"' for table in COLUMNS for event in ("insert", "update")
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)
    postgres = isinstance(Workshop._meta.db, PostgresEngine)

    async def run():
        for statement in _statements(postgres):
            await Workshop.raw(statement)

    async def run_backwards():
        for statement in _backwards(postgres):
            await Workshop.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
