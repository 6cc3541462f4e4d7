"""Text messages (SMS and Zalo ZNS): the outbox, the providers' tokens and people's notice preferences."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Boolean, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-11-30T14:03:41:400979"
VERSION = "1.38.0"
DESCRIPTION = "outbox_message, provider_token, notice_preference"


class Users(Table, tablename="users"):
    id = Serial(primary_key=True)


class Commune(Table, tablename="commune"):
    id = Serial(primary_key=True)


class OutboxMessage(Table, tablename="outbox_message"):
    user = ForeignKey(references=Users, null=True, on_delete=OnDelete.set_null, index=True)
    commune = ForeignKey(references=Commune, null=True, on_delete=OnDelete.set_null)
    contest = Integer(null=True, default=None, index=True)
    phone = Varchar(length=20)
    channel = Varchar(length=10, default="sms")
    purpose = Varchar(length=10, default="notice")
    template = Varchar(length=40)
    params = JSON(default="{}")
    secret = Varchar(length=500, default="", secret=True)
    status = Varchar(length=10, default="queued", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    provider_id = Varchar(length=100, default="")
    error_code = Varchar(length=40, default="")
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class ProviderToken(Table, tablename="provider_token"):
    name = Varchar(length=40, unique=True)
    access_token = Text(default="", secret=True)
    refresh_token = Text(default="", secret=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class NoticePreference(Table, tablename="notice_preference"):
    user = ForeignKey(references=Users, on_delete=OnDelete.cascade, unique=True)
    channels = JSON(default="{}")
    stopped = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())


TABLES = (OutboxMessage, ProviderToken, NoticePreference)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run():
        for table in TABLES:
            await table.create_table(if_not_exists=True)
        await OutboxMessage.raw(
            "CREATE INDEX IF NOT EXISTS outbox_message_phone_sent ON outbox_message (phone, sent_at)"
        )

    async def run_backwards():
        for table in reversed(TABLES):
            await table.alter().drop_table(if_exists=True)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
