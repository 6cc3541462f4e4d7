"""Text messages: when the provider reported a message delivered, and the caps set by the platform admin."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, Integer, OnDelete, Serial, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-11-30T18:16:26:105012"
VERSION = "1.38.0"
DESCRIPTION = "outbox_message.delivered_at; message_caps"


class Users(Table, tablename="users"):
    id = Serial(primary_key=True)


class MessageCaps(Table, tablename="message_caps"):
    per_phone = Integer()
    per_day = Integer()
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(references=Users, null=True, on_delete=OnDelete.set_null)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run():
        await MessageCaps.raw("ALTER TABLE outbox_message ADD COLUMN delivered_at TIMESTAMPTZ NULL")
        await MessageCaps.create_table(if_not_exists=True)

    async def run_backwards():
        await MessageCaps.alter().drop_table(if_exists=True)
        await MessageCaps.raw("ALTER TABLE outbox_message DROP COLUMN delivered_at")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
