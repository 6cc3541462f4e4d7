"""Tables of the city final: the city's own tenant row, its finals and the communes' nominations.

The city runs its final with the contest machinery: a city final is an ordinary ``Contest`` whose
commune is the city's own tenant row (``CityLevel``); the city organizers organize that row. A
commune's nomination, once the team confirms it, becomes an entry (an ``Idea``) of the final's
contest that links back to the commune's idea and carries its history.
"""

from __future__ import annotations

from enum import Enum

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

from accounts.table_base import Table
from accounts.tables import Commune, User
from contest.tables import Contest, Idea


class NominationStatus(str, Enum):
    pending = "pending"  # nominated by the commune, waiting for the team
    confirmed = "confirmed"  # the team took the place: the idea is an entry of the final
    declined = "declined"  # the team declined (the commune's place is free again)


class CityLevel(Table, tablename="city_level"):
    """The tenant row that stands for the city itself (it owns the city's contests, not residents)."""

    commune = ForeignKey(references=Commune, on_delete=OnDelete.cascade, unique=True)


class CityFinal(Table, tablename="city_final"):
    """A city contest that takes its entries from the communes' published results."""

    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, unique=True)
    per_commune = Integer(default=3, help_text="How many ideas each commune may nominate")
    nominations_close = Timestamptz(null=True, default=None, help_text="Communes nominate until then (UTC)")
    created_at = Timestamptz(default=TimestamptzNow())


class Nomination(Table, tablename="city_nomination"):
    """A commune's idea put forward to a city final: one per (final, idea); the commune's places are
    numbered slots (unique per final and commune), so the city's limit holds in the database."""

    final = ForeignKey(references=CityFinal, on_delete=OnDelete.cascade, index=True)
    commune = ForeignKey(references=Commune, on_delete=OnDelete.cascade, index=True)
    idea = ForeignKey(references=Idea, on_delete=OnDelete.cascade, index=True)
    slot = Integer(null=True, default=None, help_text="The commune's place taken (empty once declined)")
    status = Varchar(length=20, choices=NominationStatus, default=NominationStatus.pending.value)
    history = JSON(default="{}", help_text="The idea's commune results when it was nominated")
    shared_comments = JSON(default="[]", help_text="Jury comments the team chose to share (no judge names)")
    note = Text(default="", help_text="The commune's word to the city")
    entry = ForeignKey(references=Idea, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    nominated_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    nominated_at = Timestamptz(default=TimestamptzNow())
    responded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    responded_at = Timestamptz(null=True, default=None)


def _declare_scopes() -> None:
    from accounts.scope import belongs

    belongs(CityFinal, commune=lambda: CityFinal.contest.commune)
    belongs(Nomination, commune=lambda: Nomination.commune)


_declare_scopes()
