"""Mentor matching: time of ``mentoring.matching.optimal``, ``stable`` and ``greedy`` on a city-sized pool.

    .venv/bin/python -m bench.matching

2,000 teams × 300 mentors (capacity 1–5 each), drawn at random (seeded) from 30 need tags,
12 sectors, 4 stages, 3 languages and 14 weekly slots, with a few preferred mentors and
judging conflicts per team. Pure CPU, no database. Target: ``optimal`` < 5 s.
Prints one JSON line with the times and the total scores of the three modes.
"""

from __future__ import annotations

import time

import numpy as np

from bench.common import report
from mentoring.matching import Mentor, Team, greedy, optimal, scores_lookup, stable, total

N_TEAMS, N_MENTORS = 2000, 300
TAGS = tuple(f"need-{i:02d}" for i in range(30))
SECTORS = tuple(f"sector-{i:02d}" for i in range(12))
STAGES = ("idea", "prototype", "pilot", "launched")
LANGUAGES = ("vi", "en", "fr")
SLOTS = tuple(
    f"{day}-{part}" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") for part in ("morning", "evening")
)
MODES = ("online", "in_person", "any")
PLACES = ("Hồng Bàng", "Lê Chân", "Ngô Quyền", "Kiến An", "Thủy Nguyên")
TARGETS = {"optimal_s": 5.0}


def _some(rng: np.random.Generator, pool: tuple[str, ...], low: int, high: int) -> frozenset[str]:
    k = int(rng.integers(low, high + 1))
    return frozenset(pool[i] for i in rng.choice(len(pool), size=k, replace=False))


def _languages(rng: np.random.Generator) -> frozenset[str]:
    chosen = {lang for lang, p in zip(LANGUAGES, (0.9, 0.4, 0.05), strict=False) if rng.random() < p}
    return frozenset(chosen or {LANGUAGES[int(rng.integers(len(LANGUAGES)))]})


def instance(
    n_teams: int = N_TEAMS, n_mentors: int = N_MENTORS, *, seed: int = 2026
) -> tuple[list[Team], list[Mentor]]:
    rng = np.random.default_rng(seed)
    mentors = [
        Mentor(
            id=j,
            expertise=_some(rng, TAGS, 3, 8),
            sectors=_some(rng, SECTORS, 1, 4),
            stages=_some(rng, STAGES, 1, 3),
            languages=_languages(rng),
            availability=_some(rng, SLOTS, 2, 8),
            mode=MODES[int(rng.integers(3))],
            place=PLACES[int(rng.integers(len(PLACES)))] if rng.random() < 0.8 else None,
            capacity=int(rng.integers(1, 6)),
            user_id=10_000 + j,
        )
        for j in range(1, n_mentors + 1)
    ]
    teams = []
    for i in range(1, n_teams + 1):
        preferred = tuple(int(x) for x in rng.choice(n_mentors, size=int(rng.integers(0, 4)), replace=False) + 1)
        judged = frozenset(int(x) + 10_001 for x in rng.choice(n_mentors, size=int(rng.integers(0, 3)), replace=False))
        teams.append(
            Team(
                id=i,
                needs=_some(rng, TAGS, 1, 5),
                sector=SECTORS[int(rng.integers(len(SECTORS)))] if rng.random() < 0.9 else None,
                stage=STAGES[int(rng.integers(len(STAGES)))],
                languages=_languages(rng),
                availability=_some(rng, SLOTS, 0, 6),
                mode=MODES[int(rng.integers(3))],
                place=PLACES[int(rng.integers(len(PLACES)))] if rng.random() < 0.8 else None,
                preferred=preferred,
                judged_by=judged,
            )
        )
    return teams, mentors


def main() -> None:
    teams, mentors = instance()
    lookup = scores_lookup(teams, mentors)
    figures: dict[str, float | None] = {}
    times: dict[str, float] = {}
    totals: dict[str, float] = {}
    for name, solve in (("optimal", optimal), ("stable", stable), ("greedy", greedy)):
        start = time.perf_counter()
        assignment = solve(teams, mentors)
        figures[f"{name}_s"] = times[f"{name}_s"] = round(time.perf_counter() - start, 3)
        totals[name] = total(assignment, lookup)
    for name, value in totals.items():
        figures[f"{name}_total"] = round(value, 3)
    figures["optimal_vs_greedy"] = round(totals["optimal"] / totals["greedy"], 4) if totals["greedy"] else None
    met = all(times[name] < limit for name, limit in TARGETS.items())
    report("matching", "none", figures, {name: f"< {limit:g}" for name, limit in TARGETS.items()}, met)


if __name__ == "__main__":
    main()
