from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

# The limits as they stood when this migration was written (later ones have their own migration, so
# that this one does the same thing on every install).
COLUMNS: dict[str, dict[str, int]] = {
    "commune": {"description": 50000},
    "users": {"full_name": 200, "guardian_name": 200},
    "contest": {"title": 200, "tagline": 300, "description": 50000, "rules": 50000, "prizes": 50000},
    "idea": {
        "title": 200,
        "summary": 600,
        "problem": 10000,
        "solution": 10000,
        "beneficiaries": 10000,
        "resources": 10000,
        "body": 50000,
        "video_url": 300,
        "withdrawn_reason": 2000,
        "hidden_reason": 2000,
    },
    "idea_report": {"reason": 2000},
    "rubric_criterion": {"name": 150, "description": 5000},
    "round_judging": {"reopen_reason": 2000},
    "judge_declaration": {"statement": 5000, "relatives": 2000},
    "judge_conflict": {"reason": 2000},
    "score_sheet": {"overall_comment": 5000, "abstain_reason": 2000},
    "score_item": {"comment": 5000},
    "vote": {"void_reason": 2000},
    "mentor_organization": {"name": 200, "description": 5000},
    "mentor_profile": {"title": 200, "bio": 5000, "place": 200},
    "team_need": {"place": 200},
    "mentoring_request": {"message": 5000, "reason": 2000},
    "mentorship": {"summary": 10000},
    "office_slot": {"location": 300},
    "mentoring_note": {"notes": 10000},
    "mentoring_action": {"text": 300, "owner": 120},
    "mentoring_feedback": {"text": 5000},
    "workshop": {"title": 200, "description": 10000, "place": 300, "online_link": 300},
}

ID = "2026-11-30T06:51:37:294861"
VERSION = "1.38.0"
DESCRIPTION = "text length limits in the database: triggers on SQLite, CHECK constraints on PostgreSQL"

# Here in the last domain app, so that every table it names (accounts, contest, mentoring) exists.


class Workshop(Table, tablename="workshop"):
    pass


def _statements(postgres: bool) -> list[str]:
    statements = []
    for table, columns in COLUMNS.items():
        if postgres:
            for column, limit in columns.items():
                statements.append(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_{column}_too_long" '
                    f'CHECK (char_length("{column}") <= {limit}) NOT VALID'
                )
            continue
        condition = " OR ".join(f'length(NEW."{column}") > {limit}' for column, limit in columns.items())
        for event in ("INSERT", "UPDATE"):
            statements.append(
                f'CREATE TRIGGER IF NOT EXISTS "{table}_too_long_{event.lower()}" BEFORE {event} ON "{table}" '
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
    return [f'DROP TRIGGER IF EXISTS "{table}_too_long_{event}"' for table in COLUMNS for event in ("insert", "update")]


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
