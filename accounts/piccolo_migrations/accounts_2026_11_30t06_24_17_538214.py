"""Accounts point at the resident record they were matched to; one live account per resident.

"Verified resident" now means "matched to the commune's resident list". Accounts verified before
this change are linked where the list allows it: the same phone, or the same folded name and year
of birth, in their commune. Accounts verified at the commune office with no matching record get a
record created for them (the organizer vouched for the person, as office verification does now).
Any other verified account — a phone code for a phone on no list — loses the verified status.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T06:24:17:538214"
VERSION = "1.38.0"
DESCRIPTION = "users.resident: the resident record an account was matched to"


class Users(Table, tablename="users"):
    pass


async def link_verified_accounts() -> None:
    """Link every verified account that has no resident line yet (see the module's docstring)."""
    import datetime as dt

    from accounts.text import fold

    people = await Users.raw(
        "SELECT id, commune, phone, full_name, birth_year, hamlet, verified_method FROM users "
        "WHERE verified_resident = {} AND resident IS NULL AND deleted_at IS NULL AND commune IS NOT NULL "
        "ORDER BY id",
        True,
    )
    for person in people:
        records = await Users.raw(
            "SELECT r.id, r.phone, r.name_key, r.birth_year, r.hamlet FROM resident_record r WHERE r.commune = {} "
            "AND NOT EXISTS (SELECT 1 FROM users u WHERE u.resident = r.id) ORDER BY r.id",
            person["commune"],
        )
        match = next((r for r in records if person["phone"] and r["phone"] == person["phone"]), None) or next(
            (
                r
                for r in records
                if r["name_key"] == fold(person["full_name"])
                and r["birth_year"] == person["birth_year"]
                and r["hamlet"] in (person["hamlet"], None)
            ),
            None,
        )
        record_id = match["id"] if match else None
        if record_id is None and person["verified_method"] == "office":  # the organizer vouched for them
            await Users.raw(
                "INSERT INTO resident_record (commune, name_key, birth_year, hamlet, phone, imported_at) "
                "VALUES ({}, {}, {}, {}, {}, {})",
                person["commune"],
                fold(person["full_name"]),
                person["birth_year"],
                person["hamlet"],
                person["phone"],
                dt.datetime.now(dt.UTC),
            )
            record_id = (await Users.raw("SELECT MAX(id) AS id FROM resident_record"))[0]["id"]
        if record_id is None:
            await Users.raw(
                "UPDATE users SET verified_resident = {}, verified_method = '' WHERE id = {}", False, person["id"]
            )
        else:
            await Users.raw("UPDATE users SET resident = {} WHERE id = {}", record_id, person["id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run():
        await Users.raw(
            "ALTER TABLE users ADD COLUMN resident INTEGER NULL REFERENCES resident_record (id) ON DELETE SET NULL"
        )
        await Users.raw("CREATE UNIQUE INDEX users_one_account_per_resident ON users (resident)")
        await link_verified_accounts()

    async def run_backwards():
        await Users.raw("DROP INDEX IF EXISTS users_one_account_per_resident")
        await Users.raw("ALTER TABLE users DROP COLUMN resident")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
