"""Judge assignment: time of ``contest.assignment.solve`` on a commune-sized and a city-sized round.

    .venv/bin/python -m bench.assignment

300 entries × 20 judges and 2,000 entries × 200 judges, 3 judges per entry, a random affinity
for every pair and about 2 % random conflicts of interest (seeded). Pure CPU, no database.
Targets: < 0.5 s and < 10 s. Prints one JSON line.
"""

from __future__ import annotations

import numpy as np

from bench.common import report
from contest.assignment import Problem, solve

SIZES = ((300, 20), (2000, 200))
TARGETS = {"300x20_s": 0.5, "2000x200_s": 10.0}


def problem(n_entries: int, n_judges: int, *, seed: int = 2026) -> Problem:
    rng = np.random.default_rng(seed)
    entries = list(range(10_000, 10_000 + n_entries))
    judges = list(range(1, n_judges + 1))
    values = rng.random((n_judges, n_entries))
    conflicted = rng.random((n_judges, n_entries)) < 0.02
    affinity = {(j, e): float(values[a, b]) for a, j in enumerate(judges) for b, e in enumerate(entries)}
    conflicts = frozenset((judges[a], entries[b]) for a, b in zip(*np.nonzero(conflicted)))
    return Problem(entries, judges, k=3, conflicts=conflicts, affinity=affinity)


def main() -> None:
    figures: dict[str, float] = {}
    for n_entries, n_judges in SIZES:
        instance = problem(n_entries, n_judges)
        solution = solve(instance)
        figures[f"{n_entries}x{n_judges}_s"] = round(solution.seconds, 3)
    met = all(figures[name] < limit for name, limit in TARGETS.items())
    report("assignment", "none", figures, {name: f"< {limit:g}" for name, limit in TARGETS.items()}, met)


if __name__ == "__main__":
    main()
