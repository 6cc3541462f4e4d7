"""Assigning judges to entries, as an optimisation problem.

Every entry is scored by exactly ``k`` judges, every judge scores between ``lower`` and
``upper`` entries, no judge scores an entry they declared a conflict with, pairs locked by
the organizers stay, and *anchor* entries are scored by every judge without a conflict (they
connect the judges for calibration, and count toward the loads). Among the assignments that
do all this, :func:`solve` picks one with the largest total affinity (category expertise).

The model is a bipartite b-matching, solved as a minimum-cost flow (OR-Tools'
``SimpleMinCostFlow``, as large peer-review systems do): each ordinary entry supplies ``k``
reviews (fewer its locked judges), an arc of capacity 1 leads from it to every judge without a
conflict, and each judge passes between ``lower`` and ``upper`` reviews (less its anchor and
locked ones) to the sink. The flow network is totally unimodular, so the optimum is integral.

Costs are integers: the affinity, counted to the nearest millionth, times a weight larger than
every tie-break of a whole solution together, so the tie-breaks never lower the total affinity.
Among the optimal assignments they prefer (strongest first) an even spread of the load, for
each entry a window of ``k`` consecutive judges (entry ``r`` → judges ``r, r+1, … r+k−1``
mod judges, so consecutive entries share judges and the panel stays linked) and a fixed
pseudo-random order (it makes the many ties of 0/1 or missing affinities cheap to resolve).

After solving, the judge–entry graph is checked: calibration needs it connected. When it is
split, swaps and moves of judges that keep the total affinity exactly and every rule are tried
until the groups are linked; when that is impossible (one judge per entry, conflicts of
interest that separate the judges, or every optimal assignment is split) the solution carries
an explanation (:attr:`Solution.note`) instead of failing.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

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
    "Counting conflicts of interest, the judges can give at most %(capacity)s reviews, but %(needed)s are needed."
)
SUPPLY = N_(
    "%(judges)s judges × at least %(lower)s entries need %(demand)s reviews, "
    "but there are only %(needed)s reviews to give."
)
JUDGE_OVERLOADED = N_(
    "Judge %(judge)s already has %(load)s entries (anchor and locked ones), more than the maximum of %(upper)s."
)
JUDGE_UNDERLOADED = N_(
    "Judge %(judge)s can score at most %(possible)s entries without a conflict of interest, "
    "fewer than the minimum of %(lower)s."
)
NO_ASSIGNMENT = N_(
    "No assignment satisfies these settings: try a smaller k, a larger maximum per judge, or more judges."
)

# When the judge–entry graph stays split (shown to the organizer; %(groups)s is the number of groups).
SPLIT_ONE_JUDGE = N_(
    "With one judge per entry, the judges form %(groups)s separate groups that share no entry, so "
    "their scores cannot be calibrated against each other. Add anchor entries or raise the number "
    "of judges per entry."
)
SPLIT_BY_CONFLICTS = N_(
    "Conflicts of interest split the judges into %(groups)s groups that cannot share any entry, so "
    "their scores cannot be calibrated against each other."
)
SPLIT_AT_OPTIMUM = N_(
    "The assignment with the best match of expertise leaves the judges in %(groups)s separate groups "
    "that share no entry. Add anchor entries, or raise the maximum per judge, to link them for calibration."
)

# Integer costs of the flow: the tie-breaks (per review) and the affinity scale.
_HASH_RANGE = 8  # a fixed pseudo-random order among equal pairs
_WINDOW_COST = 32  # a judge outside the entry's window of k consecutive judges
_EVEN_COST = 64  # a review that takes a judge one above an even share
_OVERLOAD_COST = 256  # each review beyond that
_LINK_COST = 512  # when a solution is split: a pair inside one of its groups (solving again)
_RELINK_ROUNDS = 3
_AFFINITY_SCALE = 1_000_000  # affinities are counted to the nearest millionth
_COST_LIMIT = 2**60  # the solver multiplies costs by the number of nodes: stay far from int64 overflow
_SAME = 1e-9  # two affinities this close are equal for the linking moves
_LINK_SECONDS = 4.0  # at most this long searching for exchanges that link the groups (all rounds)


class _MinCostFlow(Protocol):
    """ortools' ``SimpleMinCostFlow`` as it is called here. Its stub writes ``numpy.ndarray[numpy.int32]``,
    which numpy's own types read as a shape, so no array matches it; this states the array types it takes."""

    INFEASIBLE: object
    OPTIMAL: object

    def add_arcs_with_capacity_and_unit_cost(
        self,
        tails: NDArray[np.int32],
        heads: NDArray[np.int32],
        capacities: NDArray[np.int64],
        unit_costs: NDArray[np.int64],
    ) -> object: ...
    def set_nodes_supplies(self, nodes: NDArray[np.int32], supplies: NDArray[np.int64]) -> object: ...
    def solve(self) -> object: ...
    def flows(self, arcs: NDArray[np.int32]) -> NDArray[np.int64]: ...


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
    components: int = 1  # groups of the judge–entry graph (judges without entries left out)
    note: str | None = None  # why the graph stays split (a msgid), when it does
    note_params: Mapping[str, int] = field(default_factory=dict)

    @property
    def connected(self) -> bool:
        return self.components <= 1

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
    _check_entries(p, regular, conflicts)
    _check_totals(p, regular)
    _check_judges(p, regular, conflicts)


def _check_entries(p: Problem, regular: list[int], conflicts: set[tuple[int, int]]) -> None:
    """Each entry can get its k judges: no fixed pair in conflict, enough judges free of conflict."""
    anchors = set(p.anchors)
    for judge, entry in sorted(p.fixed):
        if (judge, entry) in conflicts:
            raise AssignmentInfeasible(FIXED_CONFLICT, judge=judge, entry=entry)
    conflicts_of_entry = Counter(e for _, e in conflicts)
    for entry in regular:
        available = len(p.judges) - conflicts_of_entry[entry]
        if available < p.k:
            raise AssignmentInfeasible(ENTRY_SHORT, entry=entry, k=p.k, available=available, judges=len(p.judges))
    fixed_of_entry = Counter(e for _, e in p.fixed if e not in anchors)
    for entry in regular:
        if fixed_of_entry[entry] > p.k:
            raise AssignmentInfeasible(ENTRY_OVERFIXED, entry=entry, fixed=fixed_of_entry[entry], k=p.k)


def _check_totals(p: Problem, regular: list[int]) -> None:
    """The reviews needed fit between what the judges must and may take."""
    n_judges, lower, upper, needed = len(p.judges), p.lower, p.max_per_judge, p.needed
    if lower > upper:
        raise AssignmentInfeasible(BOUNDS_CROSSED, lower=lower, upper=upper)
    if needed > n_judges * upper:
        params: dict[str, Any] = dict(
            entries=len(p.entries), k=p.k, needed=needed, judges=n_judges, upper=upper, capacity=n_judges * upper
        )
        if p.anchors:
            raise AssignmentInfeasible(
                CAPACITY_WITH_ANCHORS, **{**params, "entries": len(regular), "anchor_reviews": p.anchor_reviews}
            )
        raise AssignmentInfeasible(CAPACITY, **params)
    if n_judges * lower > needed:
        raise AssignmentInfeasible(SUPPLY, judges=n_judges, lower=lower, demand=n_judges * lower, needed=needed)


def _check_judges(p: Problem, regular: list[int], conflicts: set[tuple[int, int]]) -> None:
    """Each judge's load fits their bounds once anchors, fixed pairs and conflicts are counted."""
    anchors = set(p.anchors)
    lower, upper = p.lower, p.max_per_judge
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
    if capacity < p.needed:
        raise AssignmentInfeasible(CAPACITY_AFTER_CONFLICTS, capacity=capacity, needed=p.needed)


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
    known = [
        (judge_index[j], entry_index[e], float(a))
        for (j, e), a in p.affinity.items()
        if j in judge_index and e in entry_index
    ]
    if known:
        rows = np.array(known)
        values = rows[:, 2]
        if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
            raise ValueError("affinities must be within [0, 1]")
        affinity[rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)] = values

    is_anchor = np.zeros(n_entries, dtype=bool)
    is_anchor[[entry_index[e] for e in p.anchors]] = True
    anchor_load = (allowed & is_anchor).sum(axis=1)  # per judge
    is_fixed = np.zeros((n_judges, n_entries), dtype=bool)
    fixed = [(judge_index[j], entry_index[e]) for j, e in p.fixed if not is_anchor[entry_index[e]]]
    if fixed:
        fj, fe = np.array(fixed, dtype=np.int64).T
        is_fixed[fj, fe] = True
    base_load = anchor_load + is_fixed.sum(axis=1)
    regular = np.flatnonzero(~is_anchor)
    rank = np.full(n_entries, -1, dtype=np.int64)
    rank[regular] = np.arange(regular.size)
    need = k - is_fixed[:, regular].sum(axis=0)  # reviews each ordinary entry still needs
    low = np.maximum(lower - base_load, 0)  # reviews each judge must still take
    high = upper - base_load  # ≥ 0: check_feasible refused overloaded judges
    flow_total = int(need.sum())
    if flow_total < int(low.sum()) or np.any(low > high):
        raise AssignmentInfeasible(NO_ASSIGNMENT)

    # Arcs entry → judge: allowed pairs of ordinary entries that are not locked already.
    var_mask = allowed[:, regular] & ~is_fixed[:, regular]
    var_judge, var_col = np.nonzero(var_mask)
    var_entry = regular[var_col]
    n_vars = var_judge.size

    # Tie-breaks (small integers), then the affinity weight that outweighs them all together.
    in_window = (var_judge - var_col) % n_judges < k
    mixed = var_judge.astype(np.uint64) * np.uint64(2654435761) + var_col.astype(np.uint64) * np.uint64(40503)
    pseudo_random = ((mixed >> np.uint64(7)) % np.uint64(_HASH_RANGE)).astype(np.int64)
    tie_break = np.where(in_window, 0, _WINDOW_COST) + pseudo_random
    weight = flow_total * (_HASH_RANGE + _WINDOW_COST + _LINK_COST + _OVERLOAD_COST) + 1
    n_nodes = regular.size + n_judges + 1
    scale = max(1, min(_AFFINITY_SCALE, _COST_LIMIT // (weight * (n_nodes + 1))))
    scaled = np.rint(affinity * scale).astype(np.int64)
    var_cost = -scaled[var_judge, var_entry] * weight + tie_break

    # Arcs judge → sink, in tiers of rising cost above an even share of the load.
    target = p.needed // n_judges
    tier0 = np.clip(target - base_load, 0, high)
    tier1 = np.clip(target + 1 - base_load, 0, high) - tier0
    tier2 = high - tier0 - tier1
    forced = low.copy()  # the first `low` reviews of a judge are a node demand, not arc flow
    tiers = []
    for tier in (tier0, tier1, tier2):
        taken = np.minimum(tier, forced)
        forced = forced - taken
        tiers.append(tier - taken)
    judge_nodes = regular.size + np.arange(n_judges)
    sink = n_nodes - 1
    tails = np.concatenate([var_col, judge_nodes, judge_nodes, judge_nodes]).astype(np.int32)
    heads = np.concatenate([regular.size + var_judge, np.full(3 * n_judges, sink)]).astype(np.int32)
    capacities = np.concatenate([np.ones(n_vars, dtype=np.int64), *tiers]).astype(np.int64)
    sink_costs = np.repeat(np.array([0, _EVEN_COST, _OVERLOAD_COST], dtype=np.int64), n_judges)
    supplies = np.concatenate([need, -low, [-(flow_total - int(low.sum()))]]).astype(np.int64)
    frozen = is_fixed | (allowed & is_anchor)

    def assign(extra: np.ndarray | None) -> np.ndarray:
        from ortools.graph.python import min_cost_flow  # ~20 MB: loaded by the first assignment

        flow = cast(_MinCostFlow, min_cost_flow.SimpleMinCostFlow())
        arc_costs = var_cost if extra is None else var_cost + extra
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, np.concatenate([arc_costs, sink_costs]))
        flow.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supplies)
        status = flow.solve()
        if status == flow.INFEASIBLE:
            raise AssignmentInfeasible(NO_ASSIGNMENT)
        if status != flow.OPTIMAL:
            raise RuntimeError(f"assignment flow failed with status {status}")
        chosen = flow.flows(np.arange(n_vars, dtype=np.int32)) > 0
        assigned = frozen.copy()
        assigned[var_judge[chosen], var_entry[chosen]] = True
        return assigned

    deadline = time.perf_counter() + _LINK_SECONDS  # for all the linking together
    hopeless = k == 1 and not is_anchor.any()  # one judge per entry: no exchange can link two judges
    # No assignment has fewer groups than the graph of all pairs without a conflict.
    floor = np.unique(components_of(allowed)[2]).size
    linker = _Linker(assign(None), allowed, affinity, frozen, lower, upper, deadline, floor)
    components = components_of(linker.assigned)[0] if hopeless else linker.link()
    for _ in range(0 if hopeless else _RELINK_ROUNDS):
        if components <= floor or time.perf_counter() > deadline:
            break
        # Solve again, now preferring every pair that crosses between the groups found.
        _, judge_group, entry_group = components_of(linker.assigned)
        inside = np.where(judge_group[var_judge] == entry_group[var_entry], _LINK_COST, 0)
        again = _Linker(assign(inside), allowed, affinity, frozen, lower, upper, deadline, floor)
        count = again.link()
        if count < components:
            linker, components = again, count
    note, params = None, {}
    if components > 1:
        note, params = _why_split(p, allowed, is_anchor, components)
    all_judge, all_entry = np.nonzero(linker.assigned)
    result_pairs = frozenset(zip((judges[i] for i in all_judge), (entries[i] for i in all_entry), strict=False))
    total = float(affinity[all_judge, all_entry].sum())
    _verify(p, result_pairs, upper)
    return Solution(result_pairs, total, time.perf_counter() - started, components, note, params)


def components_of(assigned: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected groups of the judge–entry graph ``assigned[judge, entry]``.

    Judges without an entry are left out (they have nothing to compare). Returns the number of
    groups and the group of each judge and of each entry (−1 for a judge left out).
    """
    n_judges, n_entries = assigned.shape
    active = assigned.any(axis=1)
    ji, ei = np.nonzero(assigned)
    graph = sparse.coo_matrix((np.ones(ji.size), (ji, n_judges + ei)), shape=(n_judges + n_entries,) * 2)
    _, labels = connected_components(graph, directed=False)
    used = np.concatenate([active, np.ones(n_entries, dtype=bool)])
    _, relabelled = np.unique(labels[used], return_inverse=True)
    full = np.full(n_judges + n_entries, -1, dtype=np.int64)
    full[used] = relabelled
    count = int(relabelled.max()) + 1 if relabelled.size else 0
    return count, full[:n_judges], full[n_judges:]


class _Linker:
    """Links the groups of an optimal assignment by changes that keep the total affinity exactly.

    One change hands a review of entry ``e1`` from its judge ``j1`` to a judge ``j`` of another
    group with the same affinity for it; when ``j`` is already at the maximum load, ``j`` hands
    one of its own reviews on to another judge with the same affinity, and so on (a shortest
    chain, found breadth-first) until a judge with room takes one, or ``j1`` does. Locked and
    anchor pairs never change, no pair with a conflict appears, every load stays within its
    bounds. A change is kept only when it lowers the number of groups; the search stops when
    none does (or at the deadline: ``_LINK_SECONDS`` for all the linking of one solve).
    """

    def __init__(
        self, assigned, allowed, affinity, frozen, lower: int, upper: int, deadline: float, floor: int = 1
    ) -> None:
        self.assigned = assigned.copy()
        self.allowed, self.affinity, self.frozen = allowed, affinity, frozen
        self.lower, self.upper, self.deadline, self.floor = lower, upper, deadline, floor

    def link(self) -> int:
        count, judge_group, entry_group = components_of(self.assigned)
        while count > max(self.floor, 1) and time.perf_counter() < self.deadline:
            merged = self._try_merge(count, judge_group, entry_group, self.deadline)
            if merged is None:
                break
            count, judge_group, entry_group = merged
        return count

    def _same(self, judges, entry: int | np.integer, judge: int | np.integer) -> np.ndarray:
        column = self.affinity[:, entry]
        return np.abs(column[judges] - column[judge]) <= _SAME

    def _try_merge(self, count, judge_group, entry_group, deadline):
        a = self.assigned
        loads = a.sum(axis=1)
        sizes = np.bincount(entry_group, minlength=count)
        for group in np.argsort(sizes, kind="stable"):  # smallest group first
            inside = np.flatnonzero(entry_group == group)
            movable = a[:, inside] & ~self.frozen[:, inside]
            for j1, col in zip(*np.nonzero(movable), strict=False):
                if time.perf_counter() > deadline:
                    return None
                e1 = int(inside[col])
                outside = np.flatnonzero((judge_group != group) & (judge_group >= 0) & self.allowed[:, e1] & ~a[:, e1])
                for j in outside[self._same(outside, e1, j1)]:
                    chain = self._room_for(j, j1, e1, loads)
                    if chain is None:
                        continue
                    merged = self._apply([(j1, e1, j), *chain], count)
                    if merged is not None:
                        return merged
        return None

    def _room_for(self, start: int, j1: int, e1: int, loads) -> list[tuple[int, int, int]] | None:
        """Moves (from, entry, to) that make room for one more review at ``start``, or None."""
        a = self.assigned
        j1_may_shrink = loads[j1] - 1 >= self.lower

        def room(judge: int) -> bool:
            return judge == j1 or (loads[judge] < self.upper and j1_may_shrink)

        if room(start):
            return []
        parent: dict[int, tuple[int, int]] = {start: (-1, -1)}
        queue = [start]
        for u in queue:
            for e in np.flatnonzero(a[u] & ~self.frozen[u]):
                if e == e1:
                    continue
                takers = np.flatnonzero(self.allowed[:, e] & ~a[:, e])
                for v in takers[self._same(takers, e, u)]:
                    if v in parent:
                        continue
                    parent[v] = (u, int(e))
                    if room(v):
                        chain, node = [], v
                        while node != start:
                            giver, entry = parent[node]
                            chain.append((giver, entry, node))
                            node = giver
                        return chain[::-1]
                    queue.append(v)
        return None

    def _apply(self, moves, count):
        for giver, entry, taker in moves:
            self.assigned[giver, entry], self.assigned[taker, entry] = False, True
        merged = components_of(self.assigned)
        if merged[0] < count:
            return merged
        for giver, entry, taker in reversed(moves):
            self.assigned[giver, entry], self.assigned[taker, entry] = True, False
        return None


def _why_split(p: Problem, allowed: np.ndarray, is_anchor: np.ndarray, groups: int) -> tuple[str, dict[str, int]]:
    """The explanation of a split assignment, for the organizer page."""
    if p.k == 1 and not is_anchor.any():
        return SPLIT_ONE_JUDGE, {"groups": groups}
    possible, _, _ = components_of(allowed)
    if possible > 1 and groups <= possible:
        return SPLIT_BY_CONFLICTS, {"groups": groups}
    return SPLIT_AT_OPTIMUM, {"groups": groups}


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
