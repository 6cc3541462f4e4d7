"""Judge assignment: time of ``contest.assignment.solve`` on a commune-sized and a city-sized round.

    .venv/bin/python -m bench.assignment

300 entries × 20 judges and 2,000 entries × 200 judges, 3 judges per entry, about 2 % random
conflicts of interest (seeded), with each of the affinity profiles the app produces:

- ``category``: 1.0 where the entry's category is one of the judge's areas of expertise, else
  nothing (what ``contest.judging.run_assignment`` builds; many ties);
- ``none``: no expertise recorded (every assignment ties);
- ``dense``: a random affinity for every pair (few ties).

Pure CPU, no database. Targets: < 0.5 s and < 10 s for every profile. Prints one line per run
(seconds, and the number of judge groups: 1 when the panel is linked), then one JSON line.
"""

from __future__ import annotations

import numpy as np

from bench.common import report
from contest.assignment import Problem, solve

SIZES = ((300, 20), (2000, 200))
PROFILES = ("category", "none", "dense")
LIMITS = {(300, 20): 0.5, (2000, 200): 10.0}
CATEGORIES = 8  # the demo's categories, about; some entries have none


def problem(n_entries: int, n_judges: int, profile: str = "dense", *, seed: int = 2026) -> Problem:
    rng = np.random.default_rng(seed)
    entries = list(range(10_000, 10_000 + n_entries))
    judges = list(range(1, n_judges + 1))
    conflicted = rng.random((n_judges, n_entries)) < 0.02
    conflicts = frozenset((judges[a], entries[b]) for a, b in zip(*np.nonzero(conflicted), strict=False))
    if profile == "dense":
        values = rng.random((n_judges, n_entries))
        affinity = {(j, e): float(values[a, b]) for a, j in enumerate(judges) for b, e in enumerate(entries)}
    elif profile == "category":
        category = rng.integers(0, CATEGORIES + 1, n_entries)  # CATEGORIES = no category
        expertise = [set(rng.choice(CATEGORIES, size=int(rng.integers(1, 3)), replace=False).tolist()) for _ in judges]
        affinity = {
            (j, e): 1.0 for a, j in enumerate(judges) for b, e in enumerate(entries) if category[b] in expertise[a]
        }
    elif profile == "none":
        affinity = {}
    else:
        raise ValueError(f"unknown profile {profile!r}")
    return Problem(entries, judges, k=3, conflicts=conflicts, affinity=affinity)


def main() -> None:
    figures: dict[str, float] = {}
    targets: dict[str, str] = {}
    met = True
    for n_entries, n_judges in SIZES:
        limit = LIMITS[(n_entries, n_judges)]
        for profile in PROFILES:
            solution = solve(problem(n_entries, n_judges, profile))
            name = f"{n_entries}x{n_judges}_{profile}_s"
            figures[name] = round(solution.seconds, 3)
            figures[f"{n_entries}x{n_judges}_{profile}_groups"] = solution.components
            targets[name] = f"< {limit:g}"
            met = met and solution.seconds < limit
            print(
                f"{n_entries:>5} entries × {n_judges:>3} judges, {profile:<8}: {solution.seconds:7.3f} s, "
                f"affinity {solution.total_affinity:9.2f}, {solution.components} group(s)",
                flush=True,
            )
    report("assignment", "none", figures, targets, met)


if __name__ == "__main__":
    main()
