"""Assigning judges to entries, as an optimisation problem.

Every entry is scored by exactly ``k`` judges, every judge scores between ``lower`` and
``upper`` entries, no judge scores an entry they declared a conflict with, pairs locked by
the organizers stay, and *anchor* entries are scored by every judge without a conflict (they
connect the judges for calibration, and count toward the loads). Among the assignments that
do all this, :func:`solve` picks one with the largest total affinity (category expertise).

The model is a bipartite b-matching: one variable ``x[j, e] ∈ {0, 1}`` per allowed pair, one
equality row per entry, two inequality rows per judge (plus a copy used by the tie-break, and
unit columns). Its constraint matrix is totally unimodular, so the linear relaxation solved by
HiGHS (``scipy.optimize.linprog``) has an integral optimum: no hand-written solver, no MILP.

The tie-break is deterministic and small (it never outweighs a difference of 0.01 in total
affinity): it prefers an even spread of the load and, for each entry, the ``k`` judges that a
round-robin would give it (``e·k, e·k+1, … mod judges``), which links the judges' groups
together instead of splitting them into separate panels.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from accounts.errors import DomainError
from accounts.i18n import N_

# Messages (English msgids; the numbers are filled from the exception's params).
K_TOO_SMALL = N_("Each entry needs at least one judge, but the number of judges per entry is %(k)s.")
TOO_FEW_JUDGES = N_("Each entry needs %(k)s judges, but there are only %(judges)s judges.")
ENTRY_SHORT = N_(
    "Entry %(entry)s needs %(k)s judges, but only %(available)s of the %(judges)s judges "
    "have no conflict of interest with it."
)
FIXED_CONFLICT = N_("Judge %(judge)s is locked to entry %(entry)s but has a conflict of interest with it.")
ENTRY_OVERFIXED = N_("Entry %(entry)s has %(fixed)s locked judges, more than the %(k)s it needs.")
BOUNDS_CROSSED = N_("The minimum per judge (%(lower)s) is larger than the maximum (%(upper)s).")
CAPACITY = N_(
    "%(entries)s entries × %(k)s judges each need %(needed)s reviews, but %(judges)s judges × "
    "at most %(upper)s entries give only %(capacity)s."
)
CAPACITY_WITH_ANCHORS = N_(
    "%(entries)s entries × %(k)s judges each, plus %(anchor_reviews)s reviews of the anchor entries, "
    "need %(needed)s reviews, but %(judges)s judges × at most %(upper)s entries give only %(capacity)s."
)
CAPACITY_AFTER_CONFLICTS = N_(
    "Counting conflicts of interest, the judges can give at most %(capacity)s reviews, "
    "but %(needed)s are needed."
)
SUPPLY = N_(
    "%(judges)s judges × at least %(lower)s entries need %(demand)s reviews, "
    "but there are only %(needed)s reviews to give."
)
JUDGE_OVERLOADED = N_(
    "Judge %(judge)s already has %(load)s entries (anchor and locked ones), "
    "more than the maximum of %(upper)s."
)
JUDGE_UNDERLOADED = N_(
    "Judge %(judge)s can score at most %(possible)s entries without a conflict of interest, "
    "fewer than the minimum of %(lower)s."
)
NO_ASSIGNMENT = N_(
    "No assignment satisfies these settings: try a smaller k, a larger maximum per judge, or more judges."
)

# Tie-break budget: the whole tie-break of a solution stays below this (in units of affinity).
_TIE_BREAK_BUDGET = 0.004
_TIE_BREAK_MAX = 1e-4


class AssignmentInfeasible(DomainError):
    """No assignment satisfies the settings; the message says why, with the numbers."""


@dataclass(frozen=True)
class Problem:
    """The settings of one assignment. Ids are idea ids (entries) and user ids (judges)."""

    entries: Sequence[int]
    judges: Sequence[int]
    k: int = 3
    lower: int = 0
    upper: int | None = None
    conflicts: frozenset[tuple[int, int]] = frozenset()
    affinity: Mapping[tuple[int, int], float] = field(default_factory=dict)
    fixed: frozenset[tuple[int, int]] = frozenset()
    anchors: Sequence[int] = ()

    def __post_init__(self) -> None:
        if len(set(self.entries)) != len(self.entries):
            raise ValueError("duplicate entries")
        if len(set(self.judges)) != len(self.judges):
            raise ValueError("duplicate judges")
        if len(set(self.anchors)) != len(self.anchors):
            raise ValueError("duplicate anchors")
        entries, judges = set(self.entries), set(self.judges)
        if not set(self.anchors) <= entries:
            raise ValueError("anchors must be entries")
        for judge, entry in self.fixed:
            if judge not in judges or entry not in entries:
                raise ValueError(f"locked pair ({judge}, {entry}) names an unknown judge or entry")
        if self.lower < 0:
            raise ValueError("lower must be ≥ 0")

    @property
    def anchor_reviews(self) -> int:
        """Reviews of the anchor entries (every judge without a conflict scores each)."""
        anchors, judges = set(self.anchors), self._judge_set
        conflicted = sum(1 for j, e in self.conflicts if e in anchors and j in judges)
        return len(self.anchors) * len(self.judges) - conflicted

    @property
    def needed(self) -> int:
        """Reviews to give in all: ``k`` per ordinary entry, plus the anchors' reviews."""
        return (len(self.entries) - len(self.anchors)) * self.k + self.anchor_reviews

    @property
    def max_per_judge(self) -> int:
        """``upper``, or by default one more than an even share: ``ceil(needed / judges) + 1``.

        Without anchors this is ``ceil(len(entries) · k / len(judges)) + 1``.
        """
        if self.upper is not None:
            return self.upper
        if not self.judges:
            return 0
        return math.ceil(self.needed / len(self.judges)) + 1

    @property
    def _judge_set(self) -> frozenset[int]:
        return frozenset(self.judges)


@dataclass(frozen=True)
class Solution:
    pairs: frozenset[tuple[int, int]]  # (judge, entry)
    total_affinity: float
    seconds: float

    def loads(self) -> Counter[int]:
        return Counter(j for j, _ in self.pairs)

    def judges_of(self, entry: int) -> list[int]:
        return sorted(j for j, e in self.pairs if e == entry)


def check_feasible(problem: Problem) -> None:
    """Raise :class:`AssignmentInfeasible` when simple counting shows there is no assignment.

    Passing these checks does not prove feasibility (conflicts can still combine badly);
    :func:`solve` reports the remaining cases with a general message.
    """
    p = problem
    n_judges, k, lower = len(p.judges), p.k, p.lower
    upper = p.max_per_judge
    anchors = set(p.anchors)
    regular = [e for e in p.entries if e not in anchors]
    if not p.entries:
        if lower > 0 and n_judges:
            raise AssignmentInfeasible(SUPPLY, judges=n_judges, lower=lower, demand=n_judges * lower, needed=0)
        return
    if k < 1:
        raise AssignmentInfeasible(K_TOO_SMALL, k=k)
    if regular and n_judges < k:
        raise AssignmentInfeasible(TOO_FEW_JUDGES, k=k, judges=n_judges)
    judge_set, entry_set = p._judge_set, set(p.entries)
    conflicts = {(j, e) for j, e in p.conflicts if j in judge_set and e in entry_set}
    for judge, entry in sorted(p.fixed):
        if (judge, entry) in conflicts:
            raise AssignmentInfeasible(FIXED_CONFLICT, judge=judge, entry=entry)
    conflicts_of_entry = Counter(e for _, e in conflicts)
    for entry in regular:
        available = n_judges - conflicts_of_entry[entry]
        if available < k:
            raise AssignmentInfeasible(ENTRY_SHORT, entry=entry, k=k, available=available, judges=n_judges)
    fixed_of_entry = Counter(e for _, e in p.fixed if e not in anchors)
    for entry in regular:
        if fixed_of_entry[entry] > k:
            raise AssignmentInfeasible(ENTRY_OVERFIXED, entry=entry, fixed=fixed_of_entry[entry], k=k)
    if lower > upper:
        raise AssignmentInfeasible(BOUNDS_CROSSED, lower=lower, upper=upper)
    needed = p.needed
    if needed > n_judges * upper:
        params = dict(entries=len(p.entries), k=k, needed=needed, judges=n_judges, upper=upper,
                      capacity=n_judges * upper)
        if anchors:
            raise AssignmentInfeasible(CAPACITY_WITH_ANCHORS, **{**params, "entries": len(regular),
                                                                 "anchor_reviews": p.anchor_reviews})
        raise AssignmentInfeasible(CAPACITY, **params)
    if n_judges * lower > needed:
        raise AssignmentInfeasible(SUPPLY, judges=n_judges, lower=lower, demand=n_judges * lower, needed=needed)
    conflicts_of_judge_anchor = Counter(j for j, e in conflicts if e in anchors)
    conflicts_of_judge_regular = Counter(j for j, e in conflicts if e not in anchors)
    fixed_of_judge = Counter(j for j, e in p.fixed if e not in anchors)
    capacity = 0
    for judge in p.judges:
        anchor_load = len(anchors) - conflicts_of_judge_anchor[judge]
        load = anchor_load + fixed_of_judge[judge]
        if load > upper:
            raise AssignmentInfeasible(JUDGE_OVERLOADED, judge=judge, load=load, upper=upper)
        possible = anchor_load + len(regular) - conflicts_of_judge_regular[judge]
        if possible < lower:
            raise AssignmentInfeasible(JUDGE_UNDERLOADED, judge=judge, possible=possible, lower=lower)
        capacity += min(upper, possible)
    if capacity < needed:
        raise AssignmentInfeasible(CAPACITY_AFTER_CONFLICTS, capacity=capacity, needed=needed)


def solve(problem: Problem) -> Solution:
    """An assignment of maximum total affinity (see the module docstring for the model)."""
    started = time.perf_counter()
    check_feasible(problem)
    p = problem
    judges, entries = list(p.judges), list(p.entries)
    n_judges, k, lower, upper = len(judges), p.k, p.lower, p.max_per_judge
    if not entries or not judges:
        return Solution(frozenset(), 0.0, time.perf_counter() - started)
    judge_index = {j: i for i, j in enumerate(judges)}
    entry_index = {e: i for i, e in enumerate(entries)}
    n_entries = len(entries)

    allowed = np.ones((n_judges, n_entries), dtype=bool)
    pairs = [(judge_index[j], entry_index[e]) for j, e in p.conflicts if j in judge_index and e in entry_index]
    if pairs:
        ji, ei = np.array(pairs, dtype=np.int64).T
        allowed[ji, ei] = False
    affinity = np.zeros((n_judges, n_entries))
    known = [(judge_index[j], entry_index[e], float(a)) for (j, e), a in p.affinity.items()
             if j in judge_index and e in entry_index]
    if known:
        rows = np.array(known)
        values = rows[:, 2]
        if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
            raise ValueError("affinities must be within [0, 1]")
        affinity[rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)] = values

    is_anchor = np.zeros(n_entries, dtype=bool)
    is_anchor[[entry_index[e] for e in p.anchors]] = True
    anchor_load = (allowed & is_anchor).sum(axis=1)  # per judge

    # Variables: allowed (judge, ordinary entry) pairs, judge-major; then two overflow columns per judge.
    regular = np.flatnonzero(~is_anchor)
    variable_mask = allowed[:, regular]
    var_judge, var_col = np.nonzero(variable_mask)
    var_entry = regular[var_col]
    n_vars = var_judge.size
    needed = p.needed

    # Tie-break: prefer the round-robin judges of each entry, and an even spread of the load.
    tau = min(_TIE_BREAK_MAX, _TIE_BREAK_BUDGET / max(needed, 1))
    rank = np.empty(n_entries, dtype=np.int64)
    rank[regular] = np.arange(regular.size)
    round_robin = (var_judge - rank[var_entry] * k) % n_judges < k
    cost = -(affinity[var_judge, var_entry] + tau * round_robin)
    target = needed // n_judges  # an even share; load above it costs a little, above target + 1 more
    cost = np.concatenate([cost, np.full(n_judges, 0.5 * tau), np.full(n_judges, 1.0 * tau)])

    ones = np.ones(n_vars)
    a_eq = sparse.csr_matrix((ones, (var_col, np.arange(n_vars))), shape=(regular.size, n_vars + 2 * n_judges))
    b_eq = np.full(regular.size, float(k))
    x_part = sparse.csr_matrix((ones, (var_judge, np.arange(n_vars))), shape=(n_judges, n_vars))
    overflow = -sparse.identity(n_judges, format="csr")
    zeros = sparse.csr_matrix((n_judges, n_judges))
    blocks = [
        [x_part, zeros, zeros],                   # load ≤ upper
        [x_part, overflow, overflow],             # load − overflow ≤ target (the tie-break)
    ]
    b_ub = [upper - anchor_load, target - anchor_load]
    lower_rows = np.flatnonzero(lower - anchor_load > 0)
    if lower_rows.size:
        blocks.append([-x_part[lower_rows], zeros[lower_rows], zeros[lower_rows]])  # load ≥ lower
        b_ub.append(-(lower - anchor_load[lower_rows]))
    a_ub = sparse.bmat(blocks, format="csr")
    b_ub_vector = np.concatenate(b_ub).astype(float)

    lb = np.zeros(n_vars + 2 * n_judges)
    ub = np.concatenate([np.ones(n_vars), np.ones(n_judges), np.full(n_judges, np.inf)])
    fixed = [(judge_index[j], entry_index[e]) for j, e in p.fixed if not is_anchor[entry_index[e]]]
    if fixed:
        position = np.full((n_judges, n_entries), -1, dtype=np.int64)
        position[var_judge, var_entry] = np.arange(n_vars)
        fj, fe = np.array(fixed, dtype=np.int64).T
        lb[position[fj, fe]] = 1.0

    result = linprog(cost, A_ub=a_ub, b_ub=b_ub_vector, A_eq=a_eq, b_eq=b_eq,
                     bounds=np.column_stack([lb, ub]), method="highs")
    if result.status == 2:
        raise AssignmentInfeasible(NO_ASSIGNMENT)
    if result.status != 0:
        raise RuntimeError(f"assignment LP failed: {result.message}")
    x = result.x[:n_vars]
    if np.max(np.abs(x - np.round(x)), initial=0.0) > 1e-6:
        # The matrix is totally unimodular, so a vertex is integral; should the solver ever stop
        # on a non-vertex optimum, ask HiGHS for an integral one explicitly.
        integrality = np.concatenate([np.ones(n_vars), np.zeros(2 * n_judges)])
        constraints = [LinearConstraint(a_eq, b_eq, b_eq), LinearConstraint(a_ub, -np.inf, b_ub_vector)]
        result = milp(cost, constraints=constraints, integrality=integrality, bounds=Bounds(lb, ub))
        if result.status != 0 or result.x is None:
            raise AssignmentInfeasible(NO_ASSIGNMENT)
        x = result.x[:n_vars]
    chosen = x > 0.5

    anchor_judge, anchor_entry = np.nonzero(allowed & is_anchor)
    all_judge = np.concatenate([var_judge[chosen], anchor_judge])
    all_entry = np.concatenate([var_entry[chosen], anchor_entry])
    result_pairs = frozenset(zip((judges[i] for i in all_judge), (entries[i] for i in all_entry)))
    total = float(affinity[all_judge, all_entry].sum())
    _verify(p, result_pairs, upper)
    return Solution(result_pairs, total, time.perf_counter() - started)


def _verify(p: Problem, pairs: frozenset[tuple[int, int]], upper: int) -> None:
    """Check the rounded solution against every rule (a failure here is a bug, not a setting)."""
    anchors = set(p.anchors)
    per_entry = Counter(e for _, e in pairs)
    judges = p._judge_set
    conflicted = Counter(e for j, e in p.conflicts if e in anchors and j in judges)
    for entry in p.entries:
        want = len(p.judges) - conflicted[entry] if entry in anchors else p.k
        if per_entry[entry] != want:
            raise RuntimeError(f"entry {entry} got {per_entry[entry]} judges instead of {want}")
    loads = Counter(j for j, _ in pairs)
    for judge in p.judges:
        if not p.lower <= loads[judge] <= upper:
            raise RuntimeError(f"judge {judge} got {loads[judge]} entries, outside [{p.lower}, {upper}]")
    if pairs & p.conflicts:
        raise RuntimeError("a conflicted pair was assigned")
    if not p.fixed <= pairs:
        raise RuntimeError("a locked pair was dropped")
