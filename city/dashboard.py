"""The Department's figures, per commune and for the city, over a period.

Every figure comes from an aggregate query grouped by commune: the number of queries is the same for
two communes or a hundred. Counts of people (youth, judges, mentors, voters) are of distinct people;
the city's counts are distinct across communes, so they can be smaller than the communes' sum.

The figures of a period are kept (in this process) with the database's change counts read before they were
computed (``city_change``: per table, added to by triggers in the same transaction as every change the figures are
counted from): they are served again only while the counts are unchanged, and after a change only the queries
that read a changed table run again (a vote recounts the votes, not the ideas), so the figures always equal a
count made afresh.
Turnout compares the period's voters with the residents verified by the period's end.
"""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass, field
from typing import Any

from accounts.i18n import N_
from accounts.tables import Commune
from city.period import Period
from contest.reports import AGE_BANDS

STAGES = ("idea", "prototype", "pilot", "launched")
STAGE_LABELS = {"idea": N_("Idea"), "prototype": N_("Prototype"), "pilot": N_("Pilot"), "launched": N_("Launched")}
VENTURES = ("household", "cooperative", "company")
VENTURE_LABELS = {"household": N_("Household business"), "cooperative": N_("Cooperative"), "company": N_("Company")}

# The commune table's columns, in order: key → heading (the keys are the ?sort= values).
COLUMNS: dict[str, str] = {
    "name": N_("Commune"),
    "contests": N_("Contests run"),
    "ideas": N_("Ideas submitted"),
    "youth": N_("Young people taking part"),
    "judges": N_("Judges"),
    "mentors": N_("Mentors"),
    "votes": N_("Votes cast"),
    "voters": N_("Voters"),
    "residents": N_("Verified residents at the end of the period"),
    "turnout": N_("Turnout, per cent"),
    "launched": N_("Ventures launched"),
    "workshops": N_("Workshops held"),
    "attendance": N_("Workshop attendance"),
    "pledged": N_("Pledged by sponsors (đồng)"),
    "delivered": N_("Delivered by sponsors (đồng)"),
}
COUNTS = [k for k in COLUMNS if k not in ("name", "turnout")]


@dataclass
class Figures:
    period: Period
    communes: list[dict[str, Any]]  # one row per commune: name, slug and every figure
    city: dict[str, Any]  # the same figures for the whole city
    youth_by_age: dict[int | None, dict[str, int]] = field(default_factory=dict)  # commune (None: city) → band → n


def _band_sql(year: int, birth_year: str) -> str:
    year = int(year)
    age = f"({year} - {birth_year})"
    return (
        f"CASE WHEN {birth_year} IS NULL OR {age} < 0 OR {age} > 120 THEN '?' "
        f"WHEN {age} < 16 THEN '<16' WHEN {age} <= 18 THEN '16–18' WHEN {age} <= 24 THEN '19–24' "
        f"WHEN {age} <= 30 THEN '25–30' WHEN {age} <= 35 THEN '31–35' ELSE '>35' END"
    )


# People in the ideas submitted in the period: leads and accepted members, once per commune (``p``; the ideas of
# the period are read once, for leads and members alike). ``by_year`` counts them per commune and birth year, and
# ``city_by_year`` counts the city's distinct people per birth year: a person has one birth year, so a band's
# people are the sum over its years, and the bands are worked out for these few rows, not for every person.
_PEOPLE = (
    "WITH entered AS (SELECT i.id, i.lead, c.commune FROM idea i JOIN contest c ON c.id = i.contest "
    "WHERE i.submitted_at >= {} AND i.submitted_at < {} AND c.commune NOT IN (SELECT commune FROM city_level)), "
    'p AS (SELECT commune, lead AS person FROM entered UNION SELECT entered.commune, m."user" FROM idea_member m '
    "JOIN entered ON entered.id = m.idea WHERE m.status = 'accepted' AND m.\"user\" IS NOT NULL), "
    "y AS (SELECT p.commune, p.person, u.birth_year FROM p JOIN users u ON u.id = p.person), "
    "by_year AS (SELECT commune, birth_year, COUNT(*) AS n FROM y GROUP BY commune, birth_year), "
    "city_by_year AS (SELECT birth_year, COUNT(DISTINCT person) AS n FROM y GROUP BY birth_year) "
)


def _q(sql: str, *args: Any) -> tuple[str, tuple[Any, ...]]:
    return sql, args


# The tables each query reads: its kept rows are used again while none of them has changed.
READS: dict[str, tuple[str, ...]] = {
    "communes": ("commune",),
    "contests": ("contest", "contest_round"),
    "ideas": ("idea", "contest"),
    "youth": ("idea", "idea_member", "contest", "users"),
    "judges": ("score_sheet", "contest_round", "contest"),
    "mentors": ("mentorship", "idea", "contest"),
    "mentors_city": ("mentorship",),
    "votes": ("vote", "contest_round", "contest"),
    "voters_city": ("vote",),
    "residents": ("users",),
    "pipeline": ("incubation", "idea", "contest"),
    "workshops": ("workshop", "workshop_registration"),
    "pledges": ("sponsor_pledge", "contest"),
}


KEPT_PERIODS = 32  # figures kept for this many periods at most (the least recently asked for go first)
Stamp = tuple[tuple[str, int], ...]  # (table, its change count), for the tables some figures read


@dataclass
class _Kept:
    stamp: Stamp | None = None  # of the whole figures below
    figures: Figures | None = None
    rows: dict[str, tuple[Stamp, list[dict[str, Any]]]] = field(default_factory=dict)  # query → its stamp, rows


_kept: collections.OrderedDict[Period, _Kept] = collections.OrderedDict()
_making: dict[tuple[Period, Stamp], asyncio.Future[Figures]] = {}


async def change_counts() -> dict[str, int]:
    """Per table, the database's count of changes to it (grows with every commit that changes it)."""
    rows = await Commune.raw("SELECT source, SUM(changes) AS n FROM city_change GROUP BY source")
    return {r["source"]: int(r["n"]) for r in rows}


def _stamp(counts: dict[str, int], tables: tuple[str, ...] | list[str]) -> Stamp:
    return tuple((t, counts.get(t, 0)) for t in sorted(tables))


async def compute(period: Period) -> Figures:
    """The figures for ``period``: kept ones while nothing they count has changed, else counted afresh.

    The change count is read before counting, so kept figures are never older than that count: any change
    committed since makes the count differ and the figures are counted again. Requests for the same period
    at the same time share one count.
    """
    counts = await change_counts()
    stamp = _stamp(counts, list(counts))
    kept = _kept.setdefault(period, _Kept())
    _kept.move_to_end(period)
    while len(_kept) > KEPT_PERIODS:
        _kept.popitem(last=False)
    if kept.stamp == stamp and kept.figures is not None:
        return kept.figures
    key = (period, stamp)
    making = _making.get(key)
    if making is not None:
        return await asyncio.shield(making)
    future: asyncio.Future[Figures] = asyncio.get_running_loop().create_future()
    _making[key] = future
    try:
        figures = await count(period, counts, kept)
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: no warning when nobody else was waiting
        raise
    else:
        future.set_result(figures)
        if kept.stamp is None or kept.stamp <= stamp:
            kept.stamp, kept.figures = stamp, figures
        return figures
    finally:
        _making.pop(key, None)


async def count(period: Period, counts: dict[str, int] | None = None, kept: _Kept | None = None) -> Figures:
    """The figures of every commune and of the city for ``period`` (a fixed number of queries).

    With the change ``counts`` read before and the rows ``kept`` for the period, only the queries that read a
    table changed since are run again (the rows kept are updated).
    """
    s, e = period.start, period.end
    year_band = _band_sql(period.last.year, "birth_year")
    queries = {
        "communes": _q("SELECT id, name, slug FROM commune ORDER BY name"),
        "contests": _q(
            "SELECT x.commune, COUNT(*) AS n FROM (SELECT c.id, c.commune, MIN(r.submission_opens) AS s, "
            "MAX(r.results_at) AS e FROM contest c JOIN contest_round r ON r.contest = c.id WHERE c.published = {} "
            "GROUP BY c.id, c.commune) x WHERE x.s < {} AND x.e >= {} GROUP BY x.commune",
            True,
            e,
            s,
        ),
        "ideas": _q(
            # A city final's entries are copies of commune ideas already counted where they were submitted.
            "SELECT c.commune, COUNT(*) AS n FROM idea i JOIN contest c ON c.id = i.contest "
            "WHERE i.submitted_at >= {} AND i.submitted_at < {} AND c.commune NOT IN (SELECT commune FROM city_level) "
            "GROUP BY c.commune",
            s,
            e,
        ),
        # Per commune and band, and (``city`` = 1) the city's distinct people per band: one reading of the people.
        "youth": _q(
            f"{_PEOPLE}SELECT 0 AS city, commune, {year_band} AS band, SUM(n) AS n FROM by_year GROUP BY commune, band "
            f"UNION ALL SELECT 1, NULL, {year_band} AS band, SUM(n) FROM city_by_year GROUP BY band",
            s,
            e,
        ),
        # Distinct judges per commune and (``city`` = 1) in the city, from the sheets' judges per round.
        "judges": _q(
            "WITH g AS (SELECT sh.round, sh.judge FROM score_sheet sh WHERE sh.status = 'submitted' "
            "AND sh.submitted_at >= {} AND sh.submitted_at < {} GROUP BY sh.round, sh.judge) "
            "SELECT 0 AS city, c.commune, COUNT(DISTINCT g.judge) AS n FROM g JOIN contest_round r ON r.id = g.round "
            "JOIN contest c ON c.id = r.contest GROUP BY c.commune "
            "UNION ALL SELECT 1, NULL, COUNT(DISTINCT g.judge) FROM g",
            s,
            e,
        ),
        "mentors": _q(
            "SELECT c.commune, COUNT(DISTINCT ms.mentor) AS n, COUNT(*) AS mentorships FROM mentorship ms "
            "JOIN idea i ON i.id = ms.idea JOIN contest c ON c.id = i.contest WHERE ms.started_at < {} "
            "AND (ms.ended_at IS NULL OR ms.ended_at >= {}) GROUP BY c.commune",
            e,
            s,
        ),
        "mentors_city": _q(
            "SELECT COUNT(DISTINCT ms.mentor) AS n FROM mentorship ms WHERE ms.started_at < {} "
            "AND (ms.ended_at IS NULL OR ms.ended_at >= {})",
            e,
            s,
        ),
        "votes": _q(
            "SELECT c.commune, COUNT(*) AS n, COUNT(DISTINCT v.voter) AS voters FROM vote v "
            "JOIN contest_round r ON r.id = v.round JOIN contest c ON c.id = r.contest "
            "WHERE v.voided = {} AND v.created_at >= {} AND v.created_at < {} GROUP BY c.commune",
            False,
            s,
            e,
        ),
        "voters_city": _q(
            "SELECT COUNT(DISTINCT v.voter) AS n FROM vote v WHERE v.voided = {} AND v.created_at >= {} "
            "AND v.created_at < {}",
            False,
            s,
            e,
        ),
        # Residents verified by the period's end (an account verified before verification was dated counts from
        # its creation) and whose account was not closed by then: the voters' period, not today.
        "residents": _q(
            "SELECT commune, COUNT(*) AS n FROM users WHERE verified_resident = {} AND resident IS NOT NULL "
            "AND commune IS NOT NULL AND COALESCE(verified_at, created_at) < {} "
            "AND (deleted_at IS NULL OR deleted_at >= {}) GROUP BY commune",
            True,
            e,
            e,
        ),
        "pipeline": _q(
            "SELECT c.commune, inc.stage, inc.outcome, COUNT(*) AS n FROM incubation inc JOIN idea i ON i.id = inc.idea "
            "JOIN contest c ON c.id = i.contest GROUP BY c.commune, inc.stage, inc.outcome"
        ),
        "workshops": _q(
            "SELECT w.commune, COUNT(DISTINCT w.id) AS n, "
            "COALESCE(SUM(CASE WHEN wr.attended = {} THEN 1 ELSE 0 END), 0) AS attended FROM workshop w "
            "LEFT JOIN workshop_registration wr ON wr.workshop = w.id WHERE w.published = {} AND w.starts_at >= {} "
            "AND w.starts_at < {} GROUP BY w.commune",
            True,
            True,
            s,
            e,
        ),
        "pledges": _q(
            "SELECT c.commune, COUNT(*) AS n, COALESCE(SUM(p.value_vnd), 0) AS pledged, "
            "COALESCE(SUM(CASE WHEN p.delivered = {} THEN COALESCE(p.delivered_value_vnd, 0) ELSE 0 END), 0) "
            "AS delivered, COALESCE(SUM(p.hours), 0) AS hours, "
            "COALESCE(SUM(CASE WHEN p.delivered = {} THEN COALESCE(p.delivered_hours, 0) ELSE 0 END), 0) "
            "AS delivered_hours FROM sponsor_pledge p JOIN contest c ON c.id = p.contest "
            "WHERE p.created_at >= {} AND p.created_at < {} GROUP BY c.commune",
            True,
            True,
            s,
            e,
        ),
    }
    kept = kept if kept is not None else _Kept()
    stamps = {name: _stamp(counts or {}, READS[name]) for name in queries}
    results = {
        name: kept.rows[name][1]
        for name in queries
        if counts is not None and name in kept.rows and kept.rows[name][0] == stamps[name]
    }
    stale = [name for name in queries if name not in results]
    rows = await asyncio.gather(*(_fetch(name, *queries[name]) for name in stale))
    for name, found in zip(stale, rows, strict=True):
        results[name] = found
        if counts is not None:
            kept.rows[name] = (stamps[name], found)
    for name, city_name in CITY_ROWS.items():  # the city's rows of a query that also counts the communes
        results[city_name] = [r for r in results[name] if r["city"]]
        results[name] = [r for r in results[name] if not r["city"]]
    return shape(period, results)


# Queries whose rows with ``city`` = 1 are the city's figures (distinct across communes), named apart for shape().
CITY_ROWS = {"youth": "youth_city", "judges": "judges_city"}
# On PostgreSQL, the queries that read every idea, person or vote of the period are planned for the period asked
# (a statement prepared once would otherwise be planned for any period after a few runs, and a whole year's votes
# then read as if they were a few) and get the memory to sort or hash them without spilling to disk; both settings
# hold for the query's own transaction only.
LARGE = frozenset({"ideas", "youth", "judges", "mentors", "votes", "voters_city", "residents"})
LARGE_SETTINGS = {"plan_cache_mode": "force_custom_plan", "work_mem": "32MB"}


async def _fetch(name: str, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
    db = Commune._meta.db
    if name in LARGE and db.engine_type == "postgres":
        async with db.transaction():
            await Commune.raw(
                "SELECT " + ", ".join("set_config({}, {}, true)" for _ in LARGE_SETTINGS),
                *(v for pair in LARGE_SETTINGS.items() for v in pair),
            )
            return await Commune.raw(sql, *args)
    return await Commune.raw(sql, *args)


def _by_commune(rows: list[dict[str, Any]], key: str = "n") -> dict[Any, int]:
    return {r["commune"]: int(r[key] or 0) for r in rows}


def shape(period: Period, results: dict[str, list[dict[str, Any]]]) -> Figures:
    """Put the query results together: a row per commune and the city's row."""
    simple = {name: _by_commune(results[name]) for name in ("contests", "ideas", "judges", "mentors", "residents")}
    votes = _by_commune(results["votes"])
    voters = _by_commune(results["votes"], "voters")
    mentorships = _by_commune(results["mentors"], "mentorships")
    pledge_figures = {
        key: _by_commune(results["pledges"], key) for key in ("n", "pledged", "delivered", "hours", "delivered_hours")
    }
    workshops = _by_commune(results["workshops"])
    attendance = _by_commune(results["workshops"], "attended")
    youth_by_age: dict[int | None, dict[str, int]] = {}
    for r in results["youth"]:
        youth_by_age.setdefault(r["commune"], dict.fromkeys(AGE_BANDS, 0))[r["band"]] = int(r["n"])
    youth_by_age[None] = dict.fromkeys(AGE_BANDS, 0)
    for r in results["youth_city"]:
        youth_by_age[None][r["band"]] = int(r["n"])
    pipeline: dict[Any, dict[str, int]] = {}
    for r in results["pipeline"]:
        row = pipeline.setdefault(r["commune"], {})
        stage = r["stage"] if r["stage"] in STAGES else "idea"
        row[stage] = row.get(stage, 0) + int(r["n"])
        if stage == "launched" and r["outcome"] in VENTURES:
            row[r["outcome"]] = row.get(r["outcome"], 0) + int(r["n"])

    def row_of(commune_id: Any) -> dict[str, Any]:
        stages = pipeline.get(commune_id, {})
        row: dict[str, Any] = {
            **{name: simple[name].get(commune_id, 0) for name in simple},
            "youth": sum(youth_by_age.get(commune_id, {}).values()),
            "votes": votes.get(commune_id, 0),
            "voters": voters.get(commune_id, 0),
            "mentorships": mentorships.get(commune_id, 0),
            "pledges": pledge_figures["n"].get(commune_id, 0),
            "pledged": pledge_figures["pledged"].get(commune_id, 0),
            "delivered": pledge_figures["delivered"].get(commune_id, 0),
            "pledged_hours": pledge_figures["hours"].get(commune_id, 0),
            "delivered_hours": pledge_figures["delivered_hours"].get(commune_id, 0),
            "workshops": workshops.get(commune_id, 0),
            "attendance": attendance.get(commune_id, 0),
            **{f"stage_{s}": stages.get(s, 0) for s in STAGES},
            **{f"venture_{v}": stages.get(v, 0) for v in VENTURES},
        }
        row["launched"] = row["stage_launched"]
        row["turnout"] = turnout(row["voters"], row["residents"])
        return row

    communes = [{"id": c["id"], "name": c["name"], "slug": c["slug"], **row_of(c["id"])} for c in results["communes"]]
    city: dict[str, Any] = (
        {key: sum(c[key] for c in communes) for key in communes[0] if key not in ("id", "name", "slug", "turnout")}
        if communes
        else {}
    )
    if communes:
        city["youth"] = sum(youth_by_age[None].values())
        city["judges"] = int(results["judges_city"][0]["n"] or 0)
        city["mentors"] = int(results["mentors_city"][0]["n"] or 0)
        city["voters"] = int(results["voters_city"][0]["n"] or 0)
        # City-wide workshops (of no commune) count for the city only.
        city["workshops"] += workshops.get(None, 0)
        city["attendance"] += attendance.get(None, 0)
        city["turnout"] = turnout(city["voters"], city["residents"])
    return Figures(period=period, communes=communes, city=city, youth_by_age=youth_by_age)


def number_text(value: Any) -> str:
    """A figure as written in Vietnamese: 1.234.567 and 12,5 (one decimal); "—" when there is none."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def turnout(voters: int, residents: int) -> float | None:
    """Voters as a percentage of verified residents (None when there are none)."""
    return round(100.0 * voters / residents, 1) if residents else None


def sort_rows(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    """The commune rows sorted by a column (unknown keys: by name); ties by name."""
    if key not in COLUMNS:
        key = "name"
    if key == "name":
        return sorted(rows, key=lambda r: r["name"].casefold(), reverse=descending)
    by_name = sorted(rows, key=lambda r: r["name"].casefold())
    return sorted(by_name, key=lambda r: (r[key] is not None, r[key] or 0), reverse=descending)
