"""ranking_cache: a round's computed ranking, kept while its submitted sheets stay the same."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Text, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Round(Table, tablename="contest_round", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-11-30T10:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ranking cache"


def _params(**extra):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)
    manager.add_table(class_name="RankingCache", tablename="ranking_cache", schema=None, columns=None)
    manager.add_column(
        table_class_name="RankingCache",
        tablename="ranking_cache",
        column_name="round",
        db_column_name="round",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            references=Round,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
            unique=True,
        ),
        schema=None,
    )
    manager.add_column(
        table_class_name="RankingCache",
        tablename="ranking_cache",
        column_name="fingerprint",
        db_column_name="fingerprint",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=255, default=""),
        schema=None,
    )
    manager.add_column(
        table_class_name="RankingCache",
        tablename="ranking_cache",
        column_name="payload",
        db_column_name="payload",
        column_class_name="Text",
        column_class=Text,
        params=_params(default=""),
        schema=None,
    )
    return manager
