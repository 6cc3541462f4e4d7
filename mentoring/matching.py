"""Matching teams with mentors: scores, hard filters and three ways to pair them.

A *team* (an idea in incubation) says what it needs, its sector and stage, its languages, its
weekly time slots, how it wants to meet and up to three preferred mentors; a *mentor* says the
same from the other side, plus how many teams they can still take (``capacity``).

* :func:`hard_ok` — the pairs that may never be made: the mentor has no free slot, the two
  share no language, or the mentor judged the team's entry (conflict of interest).
* :func:`score` — a weighted sum of seven components, each in ``[0, 1]`` (:data:`WEIGHTS`);
  :func:`explain` turns one into msgids for the HTTP layer to translate.
* :func:`optimal` — the largest total score (a linear assignment problem, solved by
  ``scipy.optimize.linear_sum_assignment``); :func:`stable` — the team-proposing stable
  matching (hospitals/residents, Gusfield–Irving); :func:`greedy` — the baseline.

Every mode leaves a team unmatched rather than give it a mentor scoring below ``min_score``
(such pairs, and the pairs failing the hard filters, are *unacceptable*). Scores of whole
instances are computed at once with numpy (sets become bitmasks, overlaps are popcounts);
:func:`score_matrix` gives the same numbers as :func:`score`, bit for bit.

Ties are broken by ids everywhere, so the results are deterministic: a team prefers, among
mentors with equal scores, the lower mentor id; a mentor the lower team id; the greedy
baseline takes pairs by score, then team id, then mentor id. Because both sides rank each
other by the same score, these preferences come from one order on the pairs, so the stable
matching is unique and equals the greedy one (the test suite uses this as an oracle).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from accounts.errors import DomainError
from accounts.i18n import N_

MODES = ("online", "in_person", "any")
MAX_PREFERRED = 3
PREFERENCE_VALUES = (1.0, 0.8, 0.6)  # the team's 1st, 2nd and 3rd choice
COMPONENTS = ("needs", "sector", "stage", "availability", "language", "mode", "preference")
WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "needs": 0.35,
        "sector": 0.15,
        "stage": 0.10,
        "availability": 0.15,
        "language": 0.05,
        "mode": 0.10,
        "preference": 0.10,
    }
)
# Scores are sums of floats: a pair computed as 0.29999999999999993 counts as 0.3.
TOLERANCE = 1e-9

# Messages (English msgids; the values come from the exception's params).
UNKNOWN_MODE = N_("Unknown way of meeting “%(mode)s”: use online, in person or any.")
TOO_MANY_PREFERRED = N_("A team can name at most %(most)s preferred mentors, not %(count)s.")
REPEATED_PREFERRED = N_("Mentor %(mentor)s is named more than once among the team's preferred mentors.")
NEGATIVE_CAPACITY = N_("Mentor %(mentor)s has a negative capacity (%(capacity)s).")
DUPLICATE_TEAM = N_("Team %(team)s appears more than once.")
DUPLICATE_MENTOR = N_("Mentor %(mentor)s appears more than once.")
MIN_SCORE_RANGE = N_("The minimum score must be between 0 and 1, not %(min_score)s.")

# Explanations of a score (see explain()).
NO_NEEDS = N_("The team listed no particular needs")
COVERS_NEEDS = N_("Covers %(covered)s of %(total)s needs: %(list)s")
COVERS_NO_NEEDS = N_("Covers none of the team's %(total)s needs")
MISSING_NEEDS = N_("Not covered: %(list)s")
SECTOR_MATCH = N_("Works in the team's sector")
SECTOR_UNKNOWN = N_("The team did not give its sector")
SECTOR_OTHER = N_("Works in other sectors")
STAGE_MATCH = N_("Mentors teams at this stage")
STAGE_OTHER = N_("Usually mentors teams at other stages")
AVAILABILITY = N_("Free in %(percent)s%% of the team's time slots")
LANGUAGE_MATCH = N_("Speaks a language of the team")
LANGUAGE_NONE = N_("Speaks none of the team's languages")
MODE_MATCH = N_("Can meet the way the team wants")
MODE_OTHER = N_("Meets in another way than the team wants")
PREFERRED = N_("The team's choice no. %(rank)s")


class MatchingError(DomainError):
    """The data given to the matching is inconsistent."""


@dataclass(frozen=True)
class Team:
    id: int
    needs: frozenset[str]
    sector: str | None
    stage: str
    languages: frozenset[str]
    availability: frozenset[str]  # slot keys like "mon-evening"
    mode: str  # "online" | "in_person" | "any"
    place: str | None
    preferred: tuple[int, ...] = ()  # up to 3 mentor ids, in order
    judged_by: frozenset[int] = frozenset()  # user ids of the mentors who judged the team's entry

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise MatchingError(UNKNOWN_MODE, field="mode", mode=self.mode)
        if len(self.preferred) > MAX_PREFERRED:
            raise MatchingError(TOO_MANY_PREFERRED, field="preferred", most=MAX_PREFERRED, count=len(self.preferred))
        if len(set(self.preferred)) != len(self.preferred):
            repeated = next(m for m in self.preferred if self.preferred.count(m) > 1)
            raise MatchingError(REPEATED_PREFERRED, field="preferred", mentor=repeated)


@dataclass(frozen=True)
class Mentor:
    id: int
    expertise: frozenset[str]
    sectors: frozenset[str]
    stages: frozenset[str]
    languages: frozenset[str]
    availability: frozenset[str]
    mode: str
    place: str | None
    capacity: int  # free slots now
    user_id: int

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise MatchingError(UNKNOWN_MODE, field="mode", mode=self.mode)
        if self.capacity < 0:
            raise MatchingError(NEGATIVE_CAPACITY, field="capacity", mentor=self.id, capacity=self.capacity)


@dataclass(frozen=True)
class Score:
    team: int
    mentor: int
    total: float
    components: Mapping[str, float]
    needs_covered: tuple[str, ...]
    needs_missing: tuple[str, ...] = ()


# --- one pair -------------------------------------------------------------------------------


def hard_ok(team: Team, mentor: Mentor) -> bool:
    """May this pair be made at all? (a free slot, a common language, no conflict of interest)"""
    return mentor.capacity > 0 and bool(team.languages & mentor.languages) and mentor.user_id not in team.judged_by


def _online(mode: str) -> bool:
    return mode in ("online", "any")


def _in_person(mode: str) -> bool:
    return mode in ("in_person", "any")


def mode_compatible(team: Team, mentor: Mentor) -> bool:
    """Both can meet online, or both can meet in person at the same (known) place."""
    if _online(team.mode) and _online(mentor.mode):
        return True
    return _in_person(team.mode) and _in_person(mentor.mode) and bool(team.place) and team.place == mentor.place


def score(team: Team, mentor: Mentor) -> Score:
    """How well ``mentor`` fits ``team``: seven components in [0, 1] and their weighted sum."""
    covered = team.needs & mentor.expertise
    sector = 0.5 if team.sector is None or team.sector == "" else 1.0 if team.sector in mentor.sectors else 0.0
    rank = team.preferred.index(mentor.id) if mentor.id in team.preferred else None
    components = {
        "needs": len(covered) / len(team.needs) if team.needs else 1.0,
        "sector": sector,
        "stage": 1.0 if team.stage in mentor.stages else 0.0,
        "availability": (
            len(team.availability & mentor.availability) / len(team.availability) if team.availability else 1.0
        ),
        "language": 1.0 if team.languages & mentor.languages else 0.0,
        "mode": 1.0 if mode_compatible(team, mentor) else 0.0,
        "preference": PREFERENCE_VALUES[rank] if rank is not None and rank < len(PREFERENCE_VALUES) else 0.0,
    }
    total = 0.0
    for name in COMPONENTS:  # the order score_matrix() adds them in: the same float, bit for bit
        total = total + WEIGHTS[name] * components[name]
    return Score(
        team=team.id,
        mentor=mentor.id,
        total=total,
        components=MappingProxyType(components),
        needs_covered=tuple(sorted(covered)),
        needs_missing=tuple(sorted(team.needs - mentor.expertise)),
    )


def explain(score: Score, labels: Mapping[str, str] | None = None) -> list[tuple[str, dict[str, object]]]:
    """The reasons behind a score, as (msgid, params) pairs for the HTTP layer to translate.

    ``labels`` maps need tags to the names shown to people (already in the reader's language);
    tags without a label are shown as they are.
    """
    labels = labels or {}

    def names(tags: Iterable[str]) -> str:
        return ", ".join(labels.get(tag, tag) for tag in tags)

    c = score.components
    lines: list[tuple[str, dict[str, object]]] = []
    total_needs = len(score.needs_covered) + len(score.needs_missing)
    if total_needs == 0:
        lines.append((NO_NEEDS, {}))
    elif score.needs_covered:
        lines.append(
            (
                COVERS_NEEDS,
                {"covered": len(score.needs_covered), "total": total_needs, "list": names(score.needs_covered)},
            )
        )
    else:
        lines.append((COVERS_NO_NEEDS, {"total": total_needs}))
    if score.needs_covered and score.needs_missing:
        lines.append((MISSING_NEEDS, {"list": names(score.needs_missing)}))
    lines.append(({1.0: SECTOR_MATCH, 0.5: SECTOR_UNKNOWN}.get(c["sector"], SECTOR_OTHER), {}))
    lines.append((STAGE_MATCH if c["stage"] == 1.0 else STAGE_OTHER, {}))
    lines.append((AVAILABILITY, {"percent": round(100 * c["availability"])}))
    lines.append((LANGUAGE_MATCH if c["language"] == 1.0 else LANGUAGE_NONE, {}))
    lines.append((MODE_MATCH if c["mode"] == 1.0 else MODE_OTHER, {}))
    if c["preference"] in PREFERENCE_VALUES:
        lines.append((PREFERRED, {"rank": PREFERENCE_VALUES.index(c["preference"]) + 1}))
    return lines


# --- whole instances, vectorised --------------------------------------------------------------


def _vocabulary(*families: Iterable[Iterable[str]]) -> dict[str, int]:
    words: set[str] = set()
    for family in families:
        for items in family:
            words.update(items)
    return {word: i for i, word in enumerate(sorted(words))}


def _bitmasks(sets: Sequence[Iterable[str]], vocabulary: Mapping[str, int]) -> np.ndarray:
    """One row of 64-bit words per set: bit ``vocabulary[x]`` is set for every ``x`` in it."""
    words = max(1, (len(vocabulary) + 63) // 64)
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    for row, items in enumerate(sets):
        values = [0] * words
        for item in items:
            bit = vocabulary[item]
            values[bit // 64] |= 1 << (bit % 64)
        masks[row] = values
    return masks


def _popcount(masks: np.ndarray) -> np.ndarray:
    return np.bitwise_count(masks).sum(axis=-1, dtype=np.int64)


def _overlap(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``|left[i] ∩ right[j]|`` for every pair, as an (n, m) integer matrix."""
    counts = np.zeros((left.shape[0], right.shape[0]), dtype=np.int64)
    for word in range(left.shape[1]):
        counts += np.bitwise_count(left[:, word, None] & right[None, :, word])
    return counts


def _share(overlap: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``overlap / size`` row by row, 1 where the team's set is empty."""
    safe = np.where(sizes == 0, 1, sizes).astype(np.float64)
    return np.where(sizes[:, None] == 0, 1.0, overlap.astype(np.float64) / safe[:, None])


def score_matrix(teams: Sequence[Team], mentors: Sequence[Mentor]) -> tuple[np.ndarray, np.ndarray]:
    """``(scores, allowed)``: ``score(t, m).total`` and ``hard_ok(t, m)`` for every pair, rows in the
    order of ``teams`` and columns in the order of ``mentors`` (the same floats as :func:`score`)."""
    n, m = len(teams), len(mentors)
    tags = _vocabulary((t.needs for t in teams), (x.expertise for x in mentors))
    sectors = _vocabulary(([t.sector] for t in teams if t.sector), (x.sectors for x in mentors))
    stages = _vocabulary(([t.stage] for t in teams), (x.stages for x in mentors))
    slots = _vocabulary((t.availability for t in teams), (x.availability for x in mentors))
    languages = _vocabulary((t.languages for t in teams), (x.languages for x in mentors))

    needs = _bitmasks([t.needs for t in teams], tags)
    needs_share = _share(_overlap(needs, _bitmasks([x.expertise for x in mentors], tags)), _popcount(needs))
    has_sector = np.array([bool(t.sector) for t in teams], dtype=bool)
    sector_hit = (
        _overlap(
            _bitmasks([[t.sector] if t.sector else [] for t in teams], sectors),
            _bitmasks([x.sectors for x in mentors], sectors),
        )
        > 0
    )
    sector = np.where(has_sector[:, None], sector_hit.astype(np.float64), 0.5)
    stage = (
        _overlap(_bitmasks([[t.stage] for t in teams], stages), _bitmasks([x.stages for x in mentors], stages)) > 0
    ).astype(np.float64)
    team_slots = _bitmasks([t.availability for t in teams], slots)
    availability = _share(
        _overlap(team_slots, _bitmasks([x.availability for x in mentors], slots)), _popcount(team_slots)
    )
    speaks = (
        _overlap(
            _bitmasks([t.languages for t in teams], languages), _bitmasks([x.languages for x in mentors], languages)
        )
        > 0
    )
    language = speaks.astype(np.float64)

    places = _vocabulary(([t.place] for t in teams if t.place), ([x.place] for x in mentors if x.place))
    team_place = np.array([places[t.place] if t.place else -1 for t in teams], dtype=np.int64)
    mentor_place = np.array([places[x.place] if x.place else -2 for x in mentors], dtype=np.int64)
    team_online = np.array([_online(t.mode) for t in teams], dtype=bool)
    mentor_online = np.array([_online(x.mode) for x in mentors], dtype=bool)
    team_person = np.array([_in_person(t.mode) for t in teams], dtype=bool)
    mentor_person = np.array([_in_person(x.mode) for x in mentors], dtype=bool)
    mode = (team_online[:, None] & mentor_online[None, :]) | (
        team_person[:, None] & mentor_person[None, :] & (team_place[:, None] == mentor_place[None, :])
    )
    mode = mode.astype(np.float64)

    column = {x.id: j for j, x in enumerate(mentors)}
    preference = np.zeros((n, m), dtype=np.float64)
    for i, team in enumerate(teams):
        for rank, mentor_id in enumerate(team.preferred[: len(PREFERENCE_VALUES)]):
            j = column.get(mentor_id)
            if j is not None:
                preference[i, j] = PREFERENCE_VALUES[rank]

    components = {
        "needs": needs_share,
        "sector": sector,
        "stage": stage,
        "availability": availability,
        "language": language,
        "mode": mode,
        "preference": preference,
    }
    scores = np.zeros((n, m), dtype=np.float64)
    for name in COMPONENTS:
        scores = scores + WEIGHTS[name] * components[name]

    capacity = np.array([x.capacity for x in mentors], dtype=np.int64)
    allowed = speaks & (capacity[None, :] > 0)
    by_user: dict[int, list[int]] = {}
    for j, x in enumerate(mentors):
        by_user.setdefault(x.user_id, []).append(j)
    for i, team in enumerate(teams):
        for user_id in team.judged_by:
            for j in by_user.get(user_id, ()):
                allowed[i, j] = False
    return scores, allowed


@dataclass
class _Instance:
    """Teams sorted by id (rows), mentors sorted by id (columns), scores and acceptable pairs."""

    teams: list[Team]
    mentors: list[Mentor]
    scores: np.ndarray
    acceptable: np.ndarray
    capacity: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.capacity = np.array([x.capacity for x in self.mentors], dtype=np.int64)

    def result(self, rows: Iterable[int], cols: Iterable[int]) -> dict[int, int | None]:
        assignment: dict[int, int | None] = {t.id: None for t in self.teams}
        for i, j in zip(rows, cols, strict=False):
            assignment[self.teams[i].id] = self.mentors[j].id
        return assignment


def _check_min_score(min_score: float) -> None:
    if not 0.0 <= min_score <= 1.0:
        raise MatchingError(MIN_SCORE_RANGE, field="min_score", min_score=min_score)


def _sorted_unique(items: Iterable, message: str, key: str) -> list:
    ordered = sorted(items, key=lambda item: item.id)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.id == after.id:
            raise MatchingError(message, **{key: after.id})
    return ordered


def _instance(teams: Iterable[Team], mentors: Iterable[Mentor], min_score: float) -> _Instance:
    _check_min_score(min_score)
    teams = _sorted_unique(teams, DUPLICATE_TEAM, "team")
    mentors = _sorted_unique(mentors, DUPLICATE_MENTOR, "mentor")
    scores, allowed = score_matrix(teams, mentors)
    return _Instance(teams, mentors, scores, allowed & (scores >= min_score - TOLERANCE))


class ScoreTable(Mapping[tuple[int, int], float]):
    """``(team id, mentor id) → score`` for every pair of an instance, read from the score matrix."""

    def __init__(self, teams: Sequence[Team], mentors: Sequence[Mentor]):
        self._rows = {t.id: i for i, t in enumerate(teams)}
        self._cols = {x.id: j for j, x in enumerate(mentors)}
        self._scores, _ = score_matrix(teams, mentors)

    def __getitem__(self, pair: tuple[int, int]) -> float:
        team, mentor = pair
        return float(self._scores[self._rows[team], self._cols[mentor]])

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return ((t, x) for t in self._rows for x in self._cols)

    def __len__(self) -> int:
        return len(self._rows) * len(self._cols)


def scores_lookup(teams: Sequence[Team], mentors: Sequence[Mentor]) -> ScoreTable:
    return ScoreTable(teams, mentors)


def total(
    assignment: Mapping[int, int | None], scores_lookup: Mapping[tuple[int, int], float] | Callable[[int, int], float]
) -> float:
    """The sum of the scores of the pairs made (unmatched teams count 0)."""
    get = scores_lookup if callable(scores_lookup) else (lambda t, x: scores_lookup[(t, x)])
    return float(sum(get(team, mentor) for team, mentor in assignment.items() if mentor is not None))


# --- the three modes ------------------------------------------------------------------------


def optimal(teams: Iterable[Team], mentors: Iterable[Mentor], *, min_score: float = 0.3) -> dict[int, int | None]:
    """Team id → mentor id (or None) with the largest total score over acceptable pairs.

    A linear assignment problem (``scipy.optimize.linear_sum_assignment``): one row per team
    with at least one acceptable mentor, each such mentor's column repeated ``capacity`` times
    (at most as many times as it has acceptable teams). An acceptable pair costs ``-score``;
    an unacceptable one (hard filter, or a score below ``min_score``) costs 0, the cost of
    leaving the team unassigned: a cell of cost 0 in the solution *is* "unassigned" and makes
    no pair. This is the textbook matrix with one "unassigned" column per team, costing 0 for
    its own team and prohibitive for the others, with those columns folded into the zero
    cells: the optimum is the same, the matrix a third of the size, the solver ~10× faster.

    The unassigned cost is 0, not ``-min_score``: with ``-min_score`` the solver would
    maximise ``Σ (score − min_score)`` over the pairs made, trading matched teams for a
    higher average, and could end below the greedy baseline's total.
    """
    instance = _instance(teams, mentors, min_score)
    acceptable = instance.acceptable
    rows = np.flatnonzero(acceptable.any(axis=1))
    if rows.size == 0:
        return instance.result((), ())
    sub = acceptable[rows]
    copies = np.minimum(instance.capacity, sub.sum(axis=0))
    slot_mentor = np.repeat(np.arange(len(instance.mentors)), copies)
    cost = np.where(sub, -instance.scores[rows], 0.0)[:, slot_mentor]
    from scipy.optimize import linear_sum_assignment  # ~20 MB: loaded by the first matching, not by every process

    chosen_rows, chosen_cols = linear_sum_assignment(cost)
    made = sub[chosen_rows, slot_mentor[chosen_cols]]
    return instance.result(rows[chosen_rows[made]], slot_mentor[chosen_cols[made]])


def stable(teams: Iterable[Team], mentors: Iterable[Mentor], *, min_score: float = 0.3) -> dict[int, int | None]:
    """The team-proposing stable matching (hospitals/residents, Gusfield–Irving).

    Teams rank their acceptable mentors by score (ties: lower mentor id first), mentors rank
    teams by score (ties: lower team id first) and keep at most ``capacity`` of them.
    """
    instance = _instance(teams, mentors, min_score)
    lists, rank = _preferences(instance)
    capacity = instance.capacity.tolist()
    held: list[list[tuple[int, int]]] = [[] for _ in instance.mentors]  # heaps of (-rank, team row)
    following = [0] * len(lists)
    free = deque(i for i, choices in enumerate(lists) if choices)
    while free:
        i = free.popleft()
        choices = lists[i]
        while following[i] < len(choices):
            j = choices[following[i]]
            following[i] += 1
            heap, r = held[j], rank[j][i]
            if len(heap) < capacity[j]:
                heapq.heappush(heap, (-r, i))
                break
            if -heap[0][0] > r:  # the mentor prefers this team to the worst one it holds
                _, dropped = heapq.heapreplace(heap, (-r, i))
                free.append(dropped)
                break
    rows, cols = [], []
    for j, heap in enumerate(held):
        for _, i in heap:
            rows.append(i)
            cols.append(j)
    return instance.result(rows, cols)


def _preferences(instance: _Instance) -> tuple[list[list[int]], list[list[int]]]:
    """Each team's acceptable mentor columns, best first, and each mentor's rank of every team row."""
    key = np.where(instance.acceptable, -instance.scores, np.inf)
    counts = instance.acceptable.sum(axis=1).tolist()
    order = np.argsort(key, axis=1, kind="stable")  # columns are in mentor id order: ties → lower id
    lists = [row[:count] for row, count in zip(order.tolist(), counts, strict=False)]
    by_mentor = np.argsort(key.T, axis=1, kind="stable")  # rows are in team id order
    rank = np.empty_like(by_mentor)
    np.put_along_axis(rank, by_mentor, np.arange(len(instance.teams))[None, :], axis=1)
    return lists, rank.tolist()


def greedy(teams: Iterable[Team], mentors: Iterable[Mentor], *, min_score: float = 0.3) -> dict[int, int | None]:
    """The baseline: pairs by score (then team id, then mentor id), made while both sides can."""
    instance = _instance(teams, mentors, min_score)
    rows, cols = np.nonzero(instance.acceptable)
    order = np.lexsort((cols, rows, -instance.scores[rows, cols]))
    capacity = instance.capacity.tolist()
    matched = [False] * len(instance.teams)
    left = len(instance.teams)
    made_rows, made_cols = [], []
    for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=False):
        if matched[i] or capacity[j] == 0:
            continue
        matched[i] = True
        capacity[j] -= 1
        made_rows.append(i)
        made_cols.append(j)
        left -= 1
        if left == 0:
            break
    return instance.result(made_rows, made_cols)


def blocking_pairs(
    assignment: Mapping[int, int | None], teams: Iterable[Team], mentors: Iterable[Mentor], *, min_score: float = 0.3
) -> list[tuple[int, int]]:
    """The acceptable (team id, mentor id) pairs that would both rather be together.

    With the tie-breaks of :func:`stable`: the team is unmatched or prefers this mentor to its
    own; the mentor has a free slot or prefers this team to the worst one it holds.
    """
    instance = _instance(teams, mentors, min_score)
    n, m = len(instance.teams), len(instance.mentors)
    col = {x.id: j for j, x in enumerate(instance.mentors)}
    scores = instance.scores
    current = np.full(n, -1, dtype=np.int64)
    for i, team in enumerate(instance.teams):
        mentor = assignment.get(team.id)
        if mentor is not None:
            current[i] = col[mentor]
    rows = np.arange(n)
    cols = np.arange(m)
    matched = current >= 0
    own = np.where(matched, scores[rows, np.maximum(current, 0)], -np.inf)
    team_prefers = (
        ~matched[:, None] | (scores > own[:, None]) | ((scores == own[:, None]) & (cols[None, :] < current[:, None]))
    )

    load = np.bincount(current[matched], minlength=m)
    worst_score = np.full(m, np.inf)
    worst_row = np.full(m, -1, dtype=np.int64)
    for i in np.flatnonzero(matched).tolist():  # rows in team id order
        j = current[i]
        s = scores[i, j]
        if s < worst_score[j] or (s == worst_score[j] and i > worst_row[j]):
            worst_score[j], worst_row[j] = s, i
    mentor_prefers = (
        (load < instance.capacity)[None, :]
        | (scores > worst_score[None, :])
        | ((scores == worst_score[None, :]) & (rows[:, None] < worst_row[None, :]))
    )

    blocking = instance.acceptable & team_prefers & mentor_prefers & (cols[None, :] != current[:, None])
    return [(instance.teams[i].id, instance.mentors[j].id) for i, j in zip(*np.nonzero(blocking), strict=False)]
