import itertools
import random
from collections import Counter

import numpy as np
import pytest

from accounts.errors import DomainError
from mentoring import matching as mm
from mentoring.matching import Mentor, Score, Team, blocking_pairs, explain, greedy, hard_ok, optimal, score, stable

pytestmark = pytest.mark.unit

MODES = {"optimal": optimal, "stable": stable, "greedy": greedy}
TAGS = ("marketing", "finance", "legal", "design", "software", "hardware")
SECTORS = ("agriculture", "tourism", "health")
STAGES = ("idea", "prototype", "pilot", "launched")
SLOTS = ("mon-evening", "tue-evening", "wed-morning", "sat-morning", "sat-evening")
PLACES = ("Hồng Bàng", "Lê Chân")


def team(
    id: int = 1,
    *,
    needs=("marketing",),
    sector: str | None = "tourism",
    stage: str = "idea",
    languages=("vi",),
    availability=(),
    mode: str = "any",
    place: str | None = None,
    preferred: tuple[int, ...] = (),
    judged_by=(),
) -> Team:
    return Team(
        id=id,
        needs=frozenset(needs),
        sector=sector,
        stage=stage,
        languages=frozenset(languages),
        availability=frozenset(availability),
        mode=mode,
        place=place,
        preferred=preferred,
        judged_by=frozenset(judged_by),
    )


def mentor(
    id: int = 1,
    *,
    expertise=("marketing",),
    sectors=("tourism",),
    stages=("idea",),
    languages=("vi",),
    availability=(),
    mode: str = "any",
    place: str | None = None,
    capacity: int = 1,
    user_id: int | None = None,
) -> Mentor:
    return Mentor(
        id=id,
        expertise=frozenset(expertise),
        sectors=frozenset(sectors),
        stages=frozenset(stages),
        languages=frozenset(languages),
        availability=frozenset(availability),
        mode=mode,
        place=place,
        capacity=capacity,
        user_id=1000 + id if user_id is None else user_id,
    )


def some(rng: random.Random, pool, low: int, high: int) -> frozenset:
    return frozenset(rng.sample(pool, rng.randint(low, high)))


def random_instance(seed: int, n_teams: int = 8, n_mentors: int = 4, *, max_capacity: int = 3):
    """Small pools (few tags) so that teams compete for mentors; some hard conflicts and full mentors."""
    rng = random.Random(seed)
    mentors = [
        Mentor(
            id=j,
            expertise=some(rng, TAGS, 1, 4),
            sectors=some(rng, SECTORS, 0, 2),
            stages=some(rng, STAGES, 1, 2),
            languages=frozenset(rng.choice([("vi",), ("vi", "en"), ("en",)])),
            availability=some(rng, SLOTS, 0, 4),
            mode=rng.choice(("online", "in_person", "any")),
            place=rng.choice(PLACES + (None,)),
            capacity=rng.randint(0, max_capacity),
            user_id=100 + j,
        )
        for j in rng.sample(range(1, 10 * n_mentors + 50), n_mentors)
    ]
    mentor_ids = [x.id for x in mentors]
    teams = [
        Team(
            id=i,
            needs=some(rng, TAGS, 0, 3),
            sector=rng.choice(SECTORS + (None,)),
            stage=rng.choice(STAGES),
            languages=frozenset(rng.choice([("vi",), ("vi",), ("vi", "en"), ("en",)])),
            availability=some(rng, SLOTS, 0, 3),
            mode=rng.choice(("online", "in_person", "any")),
            place=rng.choice(PLACES + (None,)),
            preferred=tuple(rng.sample(mentor_ids, rng.randint(0, 3))),
            judged_by=frozenset(100 + j for j in rng.sample(mentor_ids, rng.randint(0, 1))),
        )
        for i in rng.sample(range(1, 10 * n_teams + 100), n_teams)
    ]
    return teams, mentors


def lookup(teams, mentors) -> dict[tuple[int, int], float]:
    return {(t.id, x.id): score(t, x).total for t in teams for x in mentors}


def acceptable(t: Team, x: Mentor, min_score: float) -> bool:
    return hard_ok(t, x) and score(t, x).total >= min_score - mm.TOLERANCE


def check_valid(assignment, teams, mentors, min_score: float) -> None:
    by_id = {x.id: x for x in mentors}
    assert set(assignment) == {t.id for t in teams}
    loads = Counter(m for m in assignment.values() if m is not None)
    assert all(loads[m] <= by_id[m].capacity for m in loads)
    for t in teams:
        if assignment[t.id] is not None:
            assert acceptable(t, by_id[assignment[t.id]], min_score)


# --- scores -----------------------------------------------------------------------------------


def test_weights_sum_to_one():
    assert set(mm.WEIGHTS) == set(mm.COMPONENTS)
    assert sum(mm.WEIGHTS.values()) == pytest.approx(1.0)


def test_score_components():
    t = team(
        needs=("marketing", "finance", "legal"),
        sector=None,
        stage="pilot",
        availability=("mon-evening", "sat-morning"),
        mode="in_person",
        place="Lê Chân",
        preferred=(9, 7, 8),
    )
    x = mentor(
        id=7,
        expertise=("marketing", "legal", "design"),
        stages=("pilot",),
        availability=("sat-morning",),
        mode="any",
        place="Lê Chân",
    )
    s = score(t, x)
    assert (s.team, s.mentor) == (1, 7)
    assert dict(s.components) == {
        "needs": 2 / 3,
        "sector": 0.5,
        "stage": 1.0,
        "availability": 0.5,
        "language": 1.0,
        "mode": 1.0,
        "preference": 0.8,
    }
    assert s.total == pytest.approx(sum(mm.WEIGHTS[k] * v for k, v in s.components.items()))
    assert s.needs_covered == ("legal", "marketing")
    assert s.needs_missing == ("finance",)


def test_score_defaults_without_needs_or_slots():
    s = score(team(needs=(), availability=(), sector="health"), mentor(expertise=(), availability=("mon-evening",)))
    assert s.components["needs"] == 1.0
    assert s.components["availability"] == 1.0
    assert s.components["sector"] == 0.0
    assert s.components["preference"] == 0.0


@pytest.mark.parametrize(
    ("team_mode", "team_place", "mentor_mode", "mentor_place", "expected"),
    [
        ("any", None, "any", None, 1.0),
        ("online", None, "online", None, 1.0),
        ("online", None, "any", "Lê Chân", 1.0),
        ("in_person", "Lê Chân", "in_person", "Lê Chân", 1.0),
        ("in_person", "Lê Chân", "any", "Lê Chân", 1.0),
        ("in_person", "Lê Chân", "in_person", "Hồng Bàng", 0.0),
        ("in_person", None, "in_person", None, 0.0),
        ("in_person", "Lê Chân", "online", None, 0.0),
        ("online", None, "in_person", "Lê Chân", 0.0),
    ],
)
def test_mode_component(team_mode, team_place, mentor_mode, mentor_place, expected):
    s = score(team(mode=team_mode, place=team_place), mentor(mode=mentor_mode, place=mentor_place))
    assert s.components["mode"] == expected


@pytest.mark.parametrize(("position", "value"), [(0, 1.0), (1, 0.8), (2, 0.6)])
def test_preference_component(position, value):
    preferred = [11, 12, 13]
    preferred[position] = 5
    assert score(team(preferred=tuple(preferred)), mentor(id=5)).components["preference"] == value


@pytest.mark.parametrize("seed", range(10))
def test_score_components_in_unit_interval(seed):
    teams, mentors = random_instance(seed)
    for t in teams:
        for x in mentors:
            s = score(t, x)
            assert set(s.components) == set(mm.COMPONENTS)
            assert all(0.0 <= v <= 1.0 for v in s.components.values())
            assert 0.0 <= s.total <= 1.0 + 1e-12


@pytest.mark.parametrize("seed", range(10))
def test_score_matrix_is_score_bit_for_bit(seed):
    teams, mentors = random_instance(seed, 12, 7)
    scores, allowed = mm.score_matrix(teams, mentors)
    for i, t in enumerate(teams):
        for j, x in enumerate(mentors):
            assert scores[i, j] == score(t, x).total
            assert allowed[i, j] == hard_ok(t, x)


def test_score_matrix_with_more_than_64_tags():
    tags = [f"tag-{k}" for k in range(150)]
    teams = [team(i, needs=tags[i * 7 : i * 7 + 30]) for i in range(5)]
    mentors = [mentor(j, expertise=tags[j * 20 : j * 20 + 60]) for j in range(4)]
    scores, _ = mm.score_matrix(teams, mentors)
    assert scores.tolist() == [[score(t, x).total for x in mentors] for t in teams]


# --- hard filters -----------------------------------------------------------------------------


def test_hard_ok():
    assert hard_ok(team(), mentor())
    assert not hard_ok(team(languages=("vi",)), mentor(languages=("en",)))
    assert not hard_ok(team(judged_by={1001}), mentor(id=1, user_id=1001))
    assert hard_ok(team(judged_by={1002}), mentor(id=1, user_id=1001))
    assert not hard_ok(team(), mentor(capacity=0))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "blocked",
    [
        mentor(id=1, languages=("en",)),
        mentor(id=1, user_id=555),
        mentor(id=1, capacity=0),
    ],
)
def test_hard_filters_respected_by_every_mode(mode, blocked):
    """The blocked mentor is a perfect fit apart from the hard filter: nobody gets it."""
    teams = [team(1, judged_by={555}, preferred=(1,)), team(2, judged_by={555}, preferred=(1,))]
    weak = mentor(id=2, expertise=(), sectors=(), stages=(), capacity=1)
    assignment = MODES[mode](teams, [blocked, weak], min_score=0.3)
    assert 1 not in assignment.values()
    check_valid(assignment, teams, [blocked, weak], 0.3)


@pytest.mark.parametrize("mode", MODES)
def test_below_min_score_stays_unmatched(mode):
    teams = [team(1, needs=("legal",), sector="health", stage="pilot", mode="online")]
    mentors = [mentor(1, expertise=("marketing",), mode="in_person", place="Lê Chân")]
    assert score(teams[0], mentors[0]).total < 0.5
    assert MODES[mode](teams, mentors, min_score=0.5) == {1: None}
    assert MODES[mode](teams, mentors, min_score=0.0) == {1: 1}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("seed", range(15))
def test_random_instances_are_valid(mode, seed):
    teams, mentors = random_instance(seed, 10, 4)
    check_valid(MODES[mode](teams, mentors, min_score=0.3), teams, mentors, 0.3)


@pytest.mark.parametrize("mode", MODES)
def test_capacities_respected(mode):
    """Ten identical teams, two mentors with room for 3 and 2: exactly five are matched."""
    teams = [team(i) for i in range(1, 11)]
    mentors = [mentor(1, capacity=3), mentor(2, capacity=2)]
    assignment = MODES[mode](teams, mentors)
    assert Counter(assignment.values()) == {1: 3, 2: 2, None: 5}


@pytest.mark.parametrize("mode", MODES)
def test_empty_inputs(mode):
    assert MODES[mode]([], [mentor()]) == {}
    assert MODES[mode]([team(1), team(2)], []) == {1: None, 2: None}


# --- comparing the modes ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(25))
def test_optimal_total_at_least_stable_and_greedy(seed):
    teams, mentors = random_instance(seed, 12, 5, max_capacity=2)
    scores = lookup(teams, mentors)
    best = mm.total(optimal(teams, mentors), scores)
    assert best >= mm.total(stable(teams, mentors), scores) - 1e-9
    assert best >= mm.total(greedy(teams, mentors), scores) - 1e-9


def test_optimal_beats_greedy_when_greedy_blocks_a_better_pair():
    """Team 1 fits both mentors, team 2 only mentor 1: greedy gives mentor 1 to team 1 (a tie
    broken by team id), so team 2 goes without; the optimum moves team 1 to mentor 2."""
    teams = [team(1, needs=("marketing", "finance")), team(2, needs=("finance",))]
    mentors = [mentor(1, expertise=("marketing", "finance")), mentor(2, expertise=("marketing",))]
    scores = lookup(teams, mentors)
    assert greedy(teams, mentors, min_score=0.6) == stable(teams, mentors, min_score=0.6) == {1: 1, 2: None}
    assert optimal(teams, mentors, min_score=0.6) == {1: 2, 2: 1}
    assert mm.total({1: 2, 2: 1}, scores) > mm.total({1: 1, 2: None}, scores)


def brute_force_best(teams, mentors, min_score: float) -> float:
    """Best total over every assignment that respects capacities and acceptability."""
    options = [[None] + [x for x in mentors if acceptable(t, x, min_score)] for t in teams]
    best = 0.0
    for choice in itertools.product(*options):
        loads = Counter(x.id for x in choice if x is not None)
        if any(loads[x.id] > x.capacity for x in mentors):
            continue
        best = max(best, sum(score(t, x).total for t, x in zip(teams, choice, strict=False) if x is not None))
    return best


@pytest.mark.parametrize("min_score", [0.3, 0.5])
@pytest.mark.parametrize("seed", range(20))
def test_optimal_is_optimal_by_brute_force(seed, min_score):
    teams, mentors = random_instance(1000 + seed, 5, 3, max_capacity=2)
    assignment = optimal(teams, mentors, min_score=min_score)
    check_valid(assignment, teams, mentors, min_score)
    assert mm.total(assignment, lookup(teams, mentors)) == pytest.approx(
        brute_force_best(teams, mentors, min_score), abs=1e-9
    )


@pytest.mark.parametrize("seed", range(25))
def test_stable_has_no_blocking_pair(seed):
    teams, mentors = random_instance(seed, 12, 5, max_capacity=2)
    assignment = stable(teams, mentors)
    check_valid(assignment, teams, mentors, 0.3)
    assert blocking_pairs(assignment, teams, mentors) == []


def brute_blocking_pairs(assignment, teams, mentors, min_score: float) -> list[tuple[int, int]]:
    """The definition, pair by pair, with the tie-breaks of stable()."""
    by_id = {x.id: x for x in mentors}
    teams_by_id = {t.id: t for t in teams}
    found = []
    for t in sorted(teams, key=lambda t: t.id):
        for x in sorted(mentors, key=lambda x: x.id):
            if assignment[t.id] == x.id or not acceptable(t, x, min_score):
                continue
            own = assignment[t.id]
            key = (score(t, x).total, -x.id)
            if own is not None and (score(t, by_id[own]).total, -own) > key:
                continue
            held = [teams_by_id[i] for i, m in assignment.items() if m == x.id]
            if len(held) >= x.capacity and all((score(h, x).total, -h.id) > (score(t, x).total, -t.id) for h in held):
                continue
            found.append((t.id, x.id))
    return found


@pytest.mark.parametrize("seed", range(15))
def test_blocking_pairs_checker_agrees_with_the_definition(seed):
    teams, mentors = random_instance(seed, 10, 4, max_capacity=2)
    rng = random.Random(seed)
    for _ in range(5):  # random valid assignments, most of them unstable
        loads: Counter = Counter()
        assignment = {}
        for t in teams:
            options = [x for x in mentors if acceptable(t, x, 0.3) and loads[x.id] < x.capacity]
            pick = rng.choice(options + [None]) if options else None
            assignment[t.id] = pick.id if pick else None
            if pick:
                loads[pick.id] += 1
        assert blocking_pairs(assignment, teams, mentors) == brute_blocking_pairs(assignment, teams, mentors, 0.3)


def test_blocking_pair_found_in_an_unstable_assignment():
    teams = [team(1, needs=("marketing", "finance")), team(2, needs=("finance",))]
    mentors = [mentor(1, expertise=("marketing", "finance")), mentor(2, expertise=("marketing",))]
    # Team 1 would rather have mentor 1, who would rather have team 1 (equal scores, lower id).
    assert blocking_pairs({1: 2, 2: 1}, teams, mentors, min_score=0.6) == [(1, 1)]


def distinct_scores(teams, mentors, min_score: float) -> bool:
    values = [score(t, x).total for t in teams for x in mentors if acceptable(t, x, min_score)]
    return len(set(values)) == len(values)


def test_stable_equals_greedy_without_ties():
    """Both sides rank by the same score: with no ties the stable matching is unique and is the
    greedy one (the oracle of the design)."""
    checked = 0
    for seed in range(400):
        teams, mentors = random_instance(seed, 6, 4, max_capacity=2)
        if not distinct_scores(teams, mentors, 0.3):
            continue
        assert stable(teams, mentors) == greedy(teams, mentors)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("seed", range(15))
def test_stable_equals_greedy_with_ties_broken_by_ids(seed):
    teams, mentors = random_instance(seed, 15, 5, max_capacity=2)
    assert stable(teams, mentors) == greedy(teams, mentors)


def test_the_three_modes_on_a_larger_instance():
    teams, mentors = random_instance(7, 200, 30, max_capacity=4)
    table = mm.scores_lookup(teams, mentors)
    results = {name: solve(teams, mentors) for name, solve in MODES.items()}
    for assignment in results.values():
        check_valid(assignment, teams, mentors, 0.3)
    assert blocking_pairs(results["stable"], teams, mentors) == []
    assert results["stable"] == results["greedy"]
    assert mm.total(results["optimal"], table) >= mm.total(results["greedy"], table) - 1e-9


# --- explanations, totals, errors ---------------------------------------------------------------


def test_explain_mentions_covered_needs():
    t = team(needs=("marketing", "finance", "legal"), preferred=(3, 1))
    s = score(t, mentor(1, expertise=("marketing", "legal")))
    lines = explain(s, {"marketing": "Tiếp thị", "legal": "Pháp lý", "finance": "Tài chính"})
    rendered = [msgid % params for msgid, params in lines]
    assert lines[0] == (mm.COVERS_NEEDS, {"covered": 2, "total": 3, "list": "Pháp lý, Tiếp thị"})
    assert "Covers 2 of 3 needs: Pháp lý, Tiếp thị" in rendered
    assert "Not covered: Tài chính" in rendered
    assert (mm.PREFERRED, {"rank": 2}) in lines
    assert "Free in 100% of the team's time slots" in rendered


def test_explain_without_labels_and_without_needs():
    assert explain(score(team(needs=("legal",)), mentor(expertise=("legal",))))[0] == (
        mm.COVERS_NEEDS,
        {"covered": 1, "total": 1, "list": "legal"},
    )
    assert explain(score(team(needs=()), mentor()), {})[0] == (mm.NO_NEEDS, {})
    assert explain(score(team(needs=("legal",)), mentor(expertise=())), {})[0] == (mm.COVERS_NO_NEEDS, {"total": 1})


def test_explain_msgids_are_marked_strings():
    s = score(team(sector=None, mode="online"), mentor(mode="in_person", place="Lê Chân", stages=()))
    msgids = [msgid for msgid, _ in explain(s, {})]
    assert mm.SECTOR_UNKNOWN in msgids and mm.STAGE_OTHER in msgids and mm.MODE_OTHER in msgids


def test_total():
    scores = {(1, 1): 0.5, (2, 1): 0.25, (3, 2): 0.75}
    assert mm.total({1: 1, 2: 1, 3: None}, scores) == 0.75
    assert mm.total({1: 1, 3: 2}, lambda t, x: scores[(t, x)]) == 1.25
    teams, mentors = random_instance(3)
    table = mm.scores_lookup(teams, mentors)
    assert dict(table) == pytest.approx(lookup(teams, mentors))


def test_results_do_not_depend_on_input_order():
    teams, mentors = random_instance(11, 12, 5, max_capacity=2)
    for solve in MODES.values():
        assert solve(teams, mentors) == solve(teams[::-1], mentors[::-1])


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: team(mode="by pigeon"), "mode"),
        (lambda: mentor(mode="telepathy"), "mode"),
        (lambda: team(preferred=(1, 2, 3, 4)), "preferred"),
        (lambda: team(preferred=(1, 2, 1)), "preferred"),
        (lambda: mentor(capacity=-1), "capacity"),
    ],
)
def test_invalid_data_is_a_domain_error(build, field):
    with pytest.raises(mm.MatchingError) as caught:
        build()
    assert isinstance(caught.value, DomainError)
    assert caught.value.field == field
    assert caught.value.message % caught.value.params


@pytest.mark.parametrize("mode", MODES)
def test_duplicate_ids_and_bad_min_score(mode):
    with pytest.raises(mm.MatchingError) as caught:
        MODES[mode]([team(1), team(1)], [mentor()])
    assert caught.value.params == {"team": 1}
    with pytest.raises(mm.MatchingError):
        MODES[mode]([team(1)], [mentor(2), mentor(2)])
    with pytest.raises(mm.MatchingError) as caught:
        MODES[mode]([team(1)], [mentor()], min_score=1.5)
    assert caught.value.field == "min_score"


def test_domain_module_stays_out_of_http():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(mm))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not imported & {"litestar", "server", "piccolo"}
    assert isinstance(score(team(), mentor()), Score)
    assert np.isfinite(mm.score_matrix([team()], [mentor()])[0]).all()
