"""The dashboard's change counters: every change to what the city's figures are counted from adds to one.

``city_change`` holds, per table the dashboard reads (``source``: ideas, team members, votes, score sheets,
mentorships, incubation, workshops and their attendance, sponsors' pledges, contests and rounds, communes, and the
residents' columns it uses), a few counters (``slot``) whose sum grows with every committed change to that table.
The dashboard keeps the rows each of its queries gave for a period with the sums it read before running it, and
uses them again only while the sums of the tables the query reads are unchanged: figures are never older than the
data. Triggers add to the counters in the same transaction as the change, whichever way the change is made (the
site, the admin, a script). On PostgreSQL one trigger per statement adds 1 to the counter of the connection's slot
(so concurrent writers, voters above all, do not wait on one row); on SQLite (one writer at a time) one counter
per table, by row triggers. A counter's row is made by the first change it counts (a new install holds no rows).

Updates count only for the columns the figures read where a table is edited often for other reasons (an idea's
text, a score sheet's scores, an account's last sign-in).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T18:21:17:981555"
VERSION = "1.38.0"
DESCRIPTION = "city_change: the dashboard figures' change counter, kept by triggers"

SLOTS = 16
# table → the columns whose update changes a figure (None: any update).
WATCHED: dict[str, tuple[str, ...] | None] = {
    "commune": None,
    "contest": None,
    "contest_round": None,
    "idea": ("contest", "round", "lead", "submitted_at", "status"),
    "idea_member": None,
    "users": ("birth_year", "commune", "verified_resident", "resident", "verified_at", "deleted_at", "created_at"),
    "vote": None,
    "score_sheet": ("round", "judge", "status", "submitted_at"),
    "mentorship": None,
    "incubation": None,
    "workshop": None,
    "workshop_registration": None,
    "sponsor_pledge": None,
}


class CityChange(Table, tablename="city_change"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="city", description=DESCRIPTION)

    async def run():
        raw = CityChange.raw
        await raw(
            "CREATE TABLE city_change (source VARCHAR(40) NOT NULL, slot INTEGER NOT NULL, "
            "changes BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (source, slot))"
        )
        if CityChange._meta.db.engine_type == "postgres":
            await raw(
                "CREATE FUNCTION city_change_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "INSERT INTO city_change AS c (source, slot, changes) "
                f"VALUES (TG_TABLE_NAME, pg_backend_pid() % {SLOTS}, 1) "
                "ON CONFLICT (source, slot) DO UPDATE SET changes = c.changes + 1; "
                "RETURN NULL; END $$"
            )
            for table, columns in WATCHED.items():
                update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
                await raw(
                    f"CREATE TRIGGER city_change_{table} AFTER INSERT OR {update} OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION city_change_count()"
                )
        else:
            for table, columns in WATCHED.items():
                bump = (
                    f"BEGIN INSERT INTO city_change (source, slot, changes) VALUES ('{table}', 0, 1) "
                    "ON CONFLICT (source, slot) DO UPDATE SET changes = changes + 1; END"
                )
                update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
                for name, event in (("insert", "INSERT"), ("update", update), ("delete", "DELETE")):
                    await raw(f"CREATE TRIGGER city_change_{table}_{name} AFTER {event} ON {table} {bump}")

    async def run_backwards():
        raw = CityChange.raw
        if CityChange._meta.db.engine_type == "postgres":
            for table in WATCHED:
                await raw(f"DROP TRIGGER IF EXISTS city_change_{table} ON {table}")
            await raw("DROP FUNCTION IF EXISTS city_change_count()")
        else:
            for table in WATCHED:
                for name in ("insert", "update", "delete"):
                    await raw(f"DROP TRIGGER IF EXISTS city_change_{table}_{name}")
        await raw("DROP TABLE city_change")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
