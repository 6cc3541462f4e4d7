"""Tables of the city's programme: local sponsors and what they pledge to a commune's contests."""

from __future__ import annotations

from enum import Enum

from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable

from accounts.table_base import Table
from accounts.tables import Commune, User
from contest.tables import Award, Contest


class SponsorKind(str, Enum):
    firm = "firm"
    cooperative = "cooperative"
    household = "household"
    school = "school"


class PledgeKind(str, Enum):
    prize_money = "prize_money"
    prize_in_kind = "prize_in_kind"
    space = "space"
    equipment = "equipment"
    expertise = "expertise"


class Sponsor(Table, tablename="sponsor"):
    """A local firm, cooperative, household business or school that supports a commune's contests."""

    commune = ForeignKey(references=Commune, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)
    kind = Varchar(length=20, choices=SponsorKind, default=SponsorKind.firm.value)
    logo = Varchar(length=80, default="", help_text="Stored name of the logo (web copy, resized)")
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class Pledge(Table, tablename="sponsor_pledge"):
    """What a sponsor pledges to a contest, and what it has delivered; it may fund one award."""

    sponsor = ForeignKey(references=Sponsor, on_delete=OnDelete.cascade, index=True)
    contest = ForeignKey(references=Contest, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20, choices=PledgeKind)
    description = Text(default="")
    value_vnd = BigInt(null=True, default=None, help_text="Pledged value in đồng (money, or the worth of a gift)")
    hours = Integer(null=True, default=None, help_text="Expertise hours pledged")
    delivered = Boolean(default=False)
    delivered_value_vnd = BigInt(null=True, default=None)
    delivered_hours = Integer(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    award = ForeignKey(references=Award, null=True, on_delete=OnDelete.set_null, help_text="The award it funds")
    created_at = Timestamptz(default=TimestamptzNow())


def _declare_scopes() -> None:
    from accounts.scope import belongs

    belongs(Sponsor, commune=lambda: Sponsor.commune)
    belongs(Pledge, commune=lambda: Pledge.contest.commune)


_declare_scopes()
