"""Choosing control sites: the exact maximal covering solution, its ties and its reasons."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from shapely.geometry import Point

from geo.errors import ValidationError
from geo.planning.siting import (
    Candidate,
    DemandLayer,
    covered_weight,
    format_number,
    format_share,
    greedy_mclp,
    result_bounds,
    result_collections,
    result_rows,
    solve_mclp,
    suggest_sites,
)
from geo.spatial.crs import to_wgs84

# Three candidates on a line, 500 m apart, and demand (x, weight) along the same line.
# With a 300 m radius A reaches 0; B reaches 450 and 550; C reaches 1000 and 1250.
LINE_CANDIDATES = [[0, 0], [500, 0], [1000, 0]]
LINE_DEMAND = [[0, 0], [450, 0], [550, 0], [1000, 0], [1250, 0]]
LINE_WEIGHTS = [2, 1, 2, 3, 1]  # A alone 2, B alone 3, C alone 4; total 9


def candidates(xy: list[list[float]], names: str = "ABCDEFGHIJ") -> list[Candidate]:
    return [
        Candidate(f"k:{n}", n, float(x), float(y)) for n, (x, y) in zip(names, xy, strict=False)
    ]


@pytest.mark.parametrize(
    "k, expected, covered",
    [(0, (), 0), (1, (2,), 4), (2, (1, 2), 7), (3, (0, 1, 2), 9)],
)
def test_three_sites_on_a_line_are_chosen_by_hand_worked_coverage(
    k: int, expected: tuple[int, ...], covered: float
) -> None:
    chosen = solve_mclp(LINE_CANDIDATES, LINE_DEMAND, LINE_WEIGHTS, k, 300)
    assert chosen == expected
    assert covered_weight(LINE_CANDIDATES, LINE_DEMAND, LINE_WEIGHTS, chosen, 300) == covered


def test_asking_for_more_sites_than_candidates_gives_every_useful_candidate() -> None:
    assert solve_mclp(LINE_CANDIDATES, LINE_DEMAND, LINE_WEIGHTS, 10, 300) == (0, 1, 2)


def test_a_site_that_adds_nothing_is_not_suggested_even_when_k_allows_it() -> None:
    # B at 500 m reaches nothing; A and C reach one point each.
    demand = [[0, 0], [1000, 0]]
    assert solve_mclp(LINE_CANDIDATES, demand, [1, 1], 3, 300) == (0, 2)


def test_equally_good_sites_go_to_the_one_earliest_in_the_candidate_list() -> None:
    # Both candidates reach the single demand point: the first listed wins, whichever it is.
    two = [[0, 0], [100, 0]]
    assert solve_mclp(two, [[50, 0]], [1], 1, 300) == (0,)
    assert solve_mclp(two[::-1], [[50, 0]], [1], 1, 300) == (0,)


def test_among_equally_good_pairs_the_smallest_sum_of_positions_wins() -> None:
    # Four candidates, each pair {0,1}, {0,3}, {2,1}, {2,3} covers both points equally well
    # (0 and 2 reach the left point, 1 and 3 the right one): {0, 1} has the smallest sum.
    cands = [[0, 0], [1000, 0], [0, 10], [1000, 10]]
    assert solve_mclp(cands, [[0, 5], [1000, 5]], [1, 1], 2, 300) == (0, 1)
    assert solve_mclp(cands[::-1], [[0, 5], [1000, 5]], [1, 1], 2, 300) == (0, 1)


def test_zero_demand_suggests_no_site_and_has_no_covered_share() -> None:
    assert solve_mclp(LINE_CANDIDATES, LINE_DEMAND, [0, 0, 0, 0, 0], 2, 300) == ()
    result = suggest_sites(candidates(LINE_CANDIDATES), [], 2, 300)
    assert result.chosen == ()
    assert result.total_weight == 0
    assert result.covered_share is None
    assert format_share(result.covered_share) == "–"


def test_no_candidates_means_nothing_is_covered() -> None:
    assert solve_mclp([], LINE_DEMAND, LINE_WEIGHTS, 3, 300) == ()


def test_radius_zero_covers_only_demand_exactly_at_a_site() -> None:
    assert solve_mclp(LINE_CANDIDATES, LINE_DEMAND, LINE_WEIGHTS, 3, 0) == (0, 2)
    assert covered_weight(LINE_CANDIDATES, LINE_DEMAND, LINE_WEIGHTS, (0, 2), 0) == 5


def test_a_point_exactly_on_the_circle_is_covered() -> None:
    # 180-240-300: the distance is exactly 300 m, also off the axes.
    assert covered_weight([[0, 0]], [[180, 240]], [1], (0,), 300) == 1
    assert covered_weight([[0, 0]], [[180, 240.01]], [1], (0,), 300) == 0


@pytest.mark.parametrize("k, radius", [(-1, 300), (2, -1), (2, float("nan")), (2, float("inf"))])
def test_negative_k_or_radius_is_refused_in_swedish(k: int, radius: float) -> None:
    with pytest.raises(ValidationError, match="ska vara"):
        solve_mclp(LINE_CANDIDATES, LINE_DEMAND, LINE_WEIGHTS, k, radius)


def test_a_non_whole_k_is_refused() -> None:
    with pytest.raises(ValidationError, match="heltal"):
        solve_mclp(LINE_CANDIDATES, LINE_DEMAND, LINE_WEIGHTS, 1.5, 300)  # type: ignore[arg-type]


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValidationError, match="negativ"):
        solve_mclp(LINE_CANDIDATES, LINE_DEMAND, [1, 1, -1, 1, 1], 1, 300)
    with pytest.raises(ValidationError, match="noll eller större"):
        DemandLayer("olyckor", [[0, 0]], [-1])


# A classic trap for greedy: the middle site reaches the most (5 + 5) but the two outer
# sites together reach 5 + 4 + 5 + 4 = 18, while middle + one outer reach only 14.
TRAP_CANDIDATES = [[0, 0], [-600, 0], [600, 0]]
TRAP_DEMAND = [[-300, 0], [300, 0], [-900, 0], [900, 0]]
TRAP_WEIGHTS = [5, 5, 4, 4]


def test_greedy_falls_into_the_trap_the_exact_solution_avoids() -> None:
    greedy = greedy_mclp(TRAP_CANDIDATES, TRAP_DEMAND, TRAP_WEIGHTS, 2, 300)
    exact = solve_mclp(TRAP_CANDIDATES, TRAP_DEMAND, TRAP_WEIGHTS, 2, 300)
    assert greedy == (0, 1)
    assert exact == (1, 2)
    assert covered_weight(TRAP_CANDIDATES, TRAP_DEMAND, TRAP_WEIGHTS, greedy, 300) == 14
    assert covered_weight(TRAP_CANDIDATES, TRAP_DEMAND, TRAP_WEIGHTS, exact, 300) == 18


def _brute_force(
    cand: np.ndarray, demand: np.ndarray, weights: np.ndarray, k: int, radius: float
) -> tuple[float, tuple[int, ...]]:
    """The best coverage over every set of at most k candidates, and the documented tie-winner."""
    best_value, best_sets = -1.0, []
    for size in range(0, min(k, len(cand)) + 1):
        for subset in itertools.combinations(range(len(cand)), size):
            value = covered_weight(cand, demand, weights, subset, radius)
            if value > best_value + 1e-9:
                best_value, best_sets = value, [subset]
            elif abs(value - best_value) <= 1e-9:
                best_sets.append(subset)
    return best_value, min(best_sets, key=lambda s: (len(s), sum(s)))


@pytest.mark.parametrize("seed", range(25))
def test_on_random_small_instances_the_optimum_equals_brute_force_and_beats_greedy(
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 8)), int(rng.integers(5, 25))
    cand = rng.uniform(0, 1000, (n, 2)).round()
    demand = rng.uniform(0, 1000, (m, 2)).round()
    weights = rng.integers(0, 5, m).astype(float)
    k, radius = int(rng.integers(1, 4)), float(rng.choice([150, 250, 400]))

    chosen = solve_mclp(cand, demand, weights, k, radius)
    best_value, tie_winner = _brute_force(cand, demand, weights, k, radius)
    value = covered_weight(cand, demand, weights, chosen, radius)
    assert value == pytest.approx(best_value)
    assert len(chosen) <= k
    # The documented tie-break: fewest sites, then the smallest sum of positions.
    assert (len(chosen), sum(chosen)) == (len(tie_winner), sum(tie_winner))
    greedy = greedy_mclp(cand, demand, weights, k, radius)
    assert value >= covered_weight(cand, demand, weights, greedy, radius)


def test_the_same_input_always_gives_the_same_sites() -> None:
    rng = np.random.default_rng(7)
    cand, demand = rng.uniform(0, 3000, (40, 2)), rng.uniform(0, 3000, (400, 2))
    weights = np.ones(400)
    first = solve_mclp(cand, demand, weights, 5, 300)
    assert all(solve_mclp(cand, demand, weights, 5, 300) == first for _ in range(3))


def test_each_suggested_site_says_what_only_it_covers() -> None:
    accidents = DemandLayer("olyckor", [[0, 0], [450, 0], [1000, 0]], [2, 1, 3])
    schools = DemandLayer("skolor", [[550, 0], [1250, 0]], [2, 1])
    result = suggest_sites(candidates(LINE_CANDIDATES), [accidents, schools], 3, 300)

    assert [s.candidate.name for s in result.chosen] == ["C", "B", "A"]  # most unique first
    assert [s.rank for s in result.chosen] == [1, 2, 3]
    c, b, a = result.chosen
    assert (c.unique_weight, c.unique_points, c.covered_weight) == (4, 2, 4)
    assert [(s.layer, s.points, s.weight) for s in c.unique_by_layer] == [
        ("olyckor", 1, 3),
        ("skolor", 1, 1),
    ]
    assert (
        b.reason == "Enda valda platsen inom räckhåll för 2 punkter (olyckor 1, skolor 1), vikt 3."
    )
    assert a.reason == "Enda valda platsen inom räckhåll för 1 punkt (olyckor 1), vikt 2."
    assert (result.covered_weight, result.total_weight, result.covered_share) == (9, 9, 1.0)


def test_overlapping_sites_share_what_both_reach_and_keep_what_only_they_reach() -> None:
    # The point at 200 m is within reach of both A (0 m) and B (400 m).
    layer = DemandLayer("olyckor", [[200, 0], [-100, 0], [500, 0]], [5, 1, 2])
    result = suggest_sites(candidates([[0, 0], [400, 0]]), [layer], 2, 300)
    by_name = {s.candidate.name: s for s in result.chosen}
    assert (by_name["A"].covered_weight, by_name["A"].unique_weight) == (6, 1)
    assert (by_name["B"].covered_weight, by_name["B"].unique_weight) == (7, 2)
    assert result.covered_weight == 8


def test_a_layer_weight_multiplies_the_weight_of_every_point_in_it() -> None:
    schools = DemandLayer("skolor", [[1000, 0]], [1], layer_weight=1)
    accidents = DemandLayer("olyckor", [[0, 0], [30, 0]], [1, 1])
    assert (
        suggest_sites(candidates(LINE_CANDIDATES), [accidents, schools], 1, 300)
        .chosen[0]
        .candidate.name
        == "A"
    )
    heavy = schools.with_weight(3)
    result = suggest_sites(candidates(LINE_CANDIDATES), [accidents, heavy], 1, 300)
    assert result.chosen[0].candidate.name == "C"
    assert (result.covered_weight, result.total_weight) == (3, 5)
    assert format_share(result.covered_share) == "60,0 %"


def test_unreachable_demand_counts_in_the_total_but_not_in_what_can_be_reached() -> None:
    layer = DemandLayer("olyckor", [[0, 0], [5000, 0]], [1, 3])
    result = suggest_sites(candidates(LINE_CANDIDATES), [layer], 2, 300)
    assert (result.covered_weight, result.reachable_weight, result.total_weight) == (1, 1, 4)
    assert result.covered_share == 0.25


def test_duplicate_candidate_keys_are_refused() -> None:
    twice = [Candidate("k:1", "A", 0, 0), Candidate("k:1", "B", 10, 0)]
    with pytest.raises(ValidationError, match="samma nyckel"):
        suggest_sites(twice, [], 1, 300)


def test_result_rows_and_map_collections_carry_the_choice() -> None:
    layer = DemandLayer("olyckor", LINE_DEMAND, LINE_WEIGHTS)
    result = suggest_sites(candidates(LINE_CANDIDATES), [layer], 1, 300)
    [row] = result_rows(result)
    assert (row["name"], row["covered_weight"], row["unique_points"]) == ("C", 4, 2)
    assert (row["e"], row["n"]) == (1000, 0)
    fc = result_collections(result)
    assert len(fc["sites"]["features"]) == 1
    assert fc["circles"]["features"][0]["geometry"]["type"] == "Polygon"
    assert len(fc["others"]["features"]) == 2
    assert (len(fc["covered"]["features"]), len(fc["uncovered"]["features"])) == (2, 3)


@pytest.mark.parametrize(
    "value, text", [(12.0, "12"), (12.5, "12,5"), (0.26, "0,3"), (1e-9, "0"), (2.96, "3")]
)
def test_numbers_are_written_the_swedish_way(value: float, text: str) -> None:
    assert format_number(value) == text


def test_the_map_view_holds_candidates_circles_and_far_away_demand() -> None:
    # Near SCB's Aneby point, so the bounds are real coordinates in Sweden.
    e, n = 483005.0, 6410437.0
    sites = [Candidate("k:0", "A", e, n)]
    layer = DemandLayer("olyckor", [[e, n], [e + 5000, n]], [1, 1])
    bounds = result_bounds(suggest_sites(sites, [layer], 1, 300))
    assert bounds is not None
    west, east = to_wgs84(Point(e - 500, n)).x, to_wgs84(Point(e + 5200, n)).x
    assert bounds.west == pytest.approx(west, abs=1e-3)
    assert bounds.east == pytest.approx(east, abs=1e-3)
