"""Suggest traffic-control sites: the maximal covering location problem (MCLP), solved exactly.

Given candidate sites, weighted demand points (accidents, schools, wishes, violations...) and
a coverage radius in metres, choose at most `k` sites so that the weight of the demand within
the radius of a chosen site is as large as possible. A demand point counts once however many
chosen sites reach it.

The problem is solved exactly with a mixed-integer program (PuLP with its bundled CBC) in a
sparse form: a k-d tree finds the candidate–demand pairs within the radius, so the model has
one constraint per group of demand points reached by the same candidates instead of a dense
candidates × demand matrix. Demand nobody can reach is left out of the model (it still
counts in the total).

Ties (documented rule, also in README.md): among the choices that cover the most weight, the
one with the fewest sites wins (a site that adds nothing is not suggested), then the one whose
sites come earliest in the candidate list (smallest sum of list positions). The candidate list
is ordered by the caller: stored sites by name, then file points in file order, then road
points along each road. A second, small solve enforces this rule, so the answer never depends
on the solver's search order.

Everything is in SWEREF 99 TM (EPSG:3006) metres.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pulp
import shapely
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import ValidationError
from geo.spatial.crs import to_wgs84
from geo.spatial.layers import Bounds, bounds_of
from geo.swedish import number

# A point exactly on the circle counts as covered; this absorbs rounding in the distance.
_ON_THE_CIRCLE_M = 1e-6
# Relative tolerance when the tie-break solve must keep the optimal covered weight.
_KEEP_OPTIMUM = 1e-9


# -- inputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Kandidatplats: a point where a traffic control could be held.

    `key` is unique in one run ("plats:12" for a stored site, "fil:3", "väg:7"); `place_id`
    links a stored trafikkontrollplats, so a planned control can point at it.
    """

    key: str
    name: str
    x: float
    y: float
    place_id: int | None = None

    @property
    def point(self) -> Point:
        """The site as a point in EPSG:3006."""
        return Point(self.x, self.y)


@dataclass(frozen=True, eq=False)
class DemandLayer:
    """Efterfrågelager: weighted points that a control site should be near.

    `weights` holds each point's own weight (its `vikt`, 1 when absent); `layer_weight`
    multiplies the whole layer (how much the planner cares about this layer).
    """

    name: str
    xy: np.ndarray
    weights: np.ndarray
    layer_weight: float = 1.0

    def __post_init__(self) -> None:
        xy = np.asarray(self.xy, dtype=float).reshape(-1, 2)
        weights = np.asarray(self.weights, dtype=float).reshape(-1)
        if len(xy) != len(weights):
            raise ValueError("one weight per demand point")
        if not math.isfinite(self.layer_weight) or self.layer_weight < 0:
            raise ValidationError(
                f'Vikten för lagret "{self.name}" ska vara ett tal, noll eller större.'
            )
        if len(weights) and (not np.isfinite(weights).all() or (weights < 0).any()):
            raise ValidationError(
                f'Lagret "{self.name}" har en vikt som inte är ett tal, noll eller större.'
            )
        object.__setattr__(self, "xy", xy)
        object.__setattr__(self, "weights", weights)

    def __len__(self) -> int:
        return len(self.weights)

    @property
    def effective_weights(self) -> np.ndarray:
        """Each point's weight times the layer weight."""
        return self.weights * self.layer_weight

    def with_weight(self, layer_weight: float) -> DemandLayer:
        """The same points with another layer weight."""
        return DemandLayer(self.name, self.xy, self.weights, layer_weight)


def check_k_and_radius(k: int, radius: float) -> None:
    """Refuse a negative or non-whole k and a negative or non-finite radius (Swedish)."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise ValidationError(f"Antalet platser (k) ska vara ett heltal, 0 eller större, inte {k}.")
    if not isinstance(radius, int | float | np.number) or not math.isfinite(radius) or radius < 0:
        raise ValidationError(f"Radien ska vara ett antal meter, 0 eller större, inte {radius}.")


# -- the exact solver --------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    """Demand points merged by the set of candidates that reach them (the sparse model)."""

    covers: list[tuple[int, ...]]  # candidate indices reaching each group
    weights: np.ndarray  # the group's total weight
    reached_by: list[list[int]]  # per demand point, the candidates within the radius


def _reach(cand_xy: np.ndarray, demand_xy: np.ndarray, radius: float) -> list[list[int]]:
    """For each demand point, the candidates within `radius` (sorted, via a k-d tree)."""
    if len(cand_xy) == 0 or len(demand_xy) == 0:
        return [[] for _ in range(len(demand_xy))]
    tree = cKDTree(cand_xy)
    hits = tree.query_ball_point(demand_xy, r=radius + _ON_THE_CIRCLE_M)
    return [sorted(h) for h in hits]


def _groups(
    cand_xy: np.ndarray, demand_xy: np.ndarray, weights: np.ndarray, radius: float
) -> _Groups:
    """Merge demand points reached by exactly the same candidates; drop unreachable ones."""
    reached_by = _reach(cand_xy, demand_xy, radius)
    index: dict[tuple[int, ...], int] = {}
    group_weights: list[float] = []
    for hits, w in zip(reached_by, weights, strict=True):
        if not hits or w <= 0:
            continue
        key = tuple(hits)
        g = index.setdefault(key, len(group_weights))
        if g == len(group_weights):
            group_weights.append(0.0)
        group_weights[g] += float(w)
    return _Groups(list(index), np.array(group_weights, dtype=float), reached_by)


def _as_arrays(
    cand_xy: Any, demand_xy: Any, weights: Any, k: int, radius: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate and convert the solver inputs."""
    check_k_and_radius(k, radius)
    c = np.asarray(cand_xy, dtype=float).reshape(-1, 2)
    d = np.asarray(demand_xy, dtype=float).reshape(-1, 2)
    w = np.asarray(weights, dtype=float).reshape(-1)
    if len(w) != len(d):
        raise ValueError("one weight per demand point")
    if len(w) and (not np.isfinite(w).all() or (w < 0).any()):
        raise ValidationError("En vikt är negativ eller inget tal.")
    return c, d, w


def covered_weight(
    cand_xy: Any, demand_xy: Any, weights: Any, chosen: Iterable[int], radius: float
) -> float:
    """The weight of demand within `radius` of at least one chosen candidate."""
    c, d, w = _as_arrays(cand_xy, demand_xy, weights, 0, radius)
    picked = sorted(set(chosen))
    if not picked or not len(d):
        return 0.0
    hits = _reach(c[picked], d, radius)
    return float(sum(wi for wi, h in zip(w, hits, strict=True) if h))


def _solve(problem: pulp.LpProblem, warm: bool = False) -> None:
    """Run CBC single-threaded (deterministic) and insist on an optimal answer.

    `warm` starts from the variables' current values (the first solve's optimum).
    """
    with warnings.catch_warnings():
        # PuLP 3.x announces that 4.0 drops the bundled CBC; pyproject pins pulp < 4.
        warnings.simplefilter("ignore", DeprecationWarning)
        solver = pulp.PULP_CBC_CMD(msg=False, threads=1, warmStart=warm)
    problem.solve(solver)
    if pulp.LpStatus[problem.status] != "Optimal":
        raise RuntimeError(f"CBC did not find an optimum: {pulp.LpStatus[problem.status]}")


def solve_mclp(
    cand_xy: Any, demand_xy: Any, weights: Any, k: int, radius: float
) -> tuple[int, ...]:
    """The exact MCLP optimum: indices of at most `k` candidates covering the most weight.

    Parameters
    ----------
    cand_xy : (n, 2) candidate coordinates in metres (EPSG:3006).
    demand_xy : (m, 2) demand coordinates in metres.
    weights : (m,) non-negative demand weights.
    k : the most sites to choose (0 or more).
    radius : coverage radius in metres (0 or more); a point on the circle is covered.

    Returns
    -------
    Sorted candidate indices. Ties follow the rule in the module docstring: fewest sites,
    then the smallest sum of list positions. Fewer than `k` sites come back when more would
    not cover anything more.

    Raises
    ------
    ValidationError
        Negative or non-whole `k`, negative radius, negative weights (Swedish message).
    """
    c, d, w = _as_arrays(cand_xy, demand_xy, weights, k, radius)
    groups = _groups(c, d, w, radius)
    if k == 0 or not len(groups.covers):
        return ()
    useful = sorted({j for cover in groups.covers for j in cover})
    problem = pulp.LpProblem("mclp", pulp.LpMaximize)
    x = {j: problem.add_variable(f"x{j}", cat=pulp.LpBinary) for j in useful}
    # y may stay continuous: with binary x the optimum sets it to 0 or 1 anyway.
    y = [problem.add_variable(f"y{g}", 0, 1) for g in range(len(groups.covers))]
    coverage = pulp.lpSum(float(wg) * yg for wg, yg in zip(groups.weights, y, strict=True))
    problem += coverage
    problem += pulp.lpSum(x.values()) <= k, "at_most_k"
    for g, cover in enumerate(groups.covers):
        problem += y[g] <= pulp.lpSum(x[j] for j in cover), f"reach{g}"
    _solve(problem)
    first = _chosen(x)
    optimum = _group_coverage(groups, first)

    # Tie-break on the same model: keep the optimum, then fewest sites, then earliest
    # positions. Integer costs keep the objective exact: one site (n*k + 1) outweighs any
    # sum of at most k positions.
    step = len(c) * k + 1
    problem.sense = pulp.LpMinimize
    problem.setObjective(pulp.lpSum((step + j) * xj for j, xj in x.items()))
    problem += coverage >= optimum - _KEEP_OPTIMUM * max(1.0, optimum), "keep_optimum"
    _solve(problem, warm=True)
    second = _chosen(x)
    # Guard against solver tolerances: never return less than the first solve found.
    if _group_coverage(groups, second) < optimum - _KEEP_OPTIMUM * max(1.0, optimum):
        return first
    return second


def _chosen(x: dict[int, pulp.LpVariable]) -> tuple[int, ...]:
    """The candidate indices whose binary variable is 1."""
    return tuple(sorted(j for j, v in x.items() if v.value() is not None and v.value() > 0.5))


def _group_coverage(groups: _Groups, chosen: Sequence[int]) -> float:
    """Exact covered weight of a choice, recomputed outside the solver."""
    picked = set(chosen)
    return float(
        sum(
            w for cover, w in zip(groups.covers, groups.weights, strict=True) if picked & set(cover)
        )
    )


def greedy_mclp(
    cand_xy: Any, demand_xy: Any, weights: Any, k: int, radius: float
) -> tuple[int, ...]:
    """The greedy heuristic: add the site covering the most still-uncovered weight, k times.

    Ties go to the earliest candidate; it stops early when no site adds anything. Fast and
    usually good, but not optimal (see benchmarks/siting.py for an instance where it is
    clearly worse). Used for comparison, never for the suggestion.
    """
    c, d, w = _as_arrays(cand_xy, demand_xy, weights, k, radius)
    groups = _groups(c, d, w, radius)
    if k == 0 or not len(groups.covers):
        return ()
    rows = [j for cover in groups.covers for j in cover]
    cols = [g for g, cover in enumerate(groups.covers) for _ in cover]
    reach = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(c), len(groups.covers)))
    remaining = groups.weights.copy()
    chosen: list[int] = []
    for _ in range(k):
        gains = reach @ remaining
        best = int(np.argmax(gains))  # argmax returns the first of equal gains
        if gains[best] <= 0:
            break
        chosen.append(best)
        remaining[reach.getrow(best).indices] = 0.0
    return tuple(sorted(chosen))


# -- the suggestion with reasons ---------------------------------------------------------


@dataclass(frozen=True)
class LayerShare:
    """What a site alone covers of one demand layer."""

    layer: str
    points: int
    weight: float


@dataclass(frozen=True)
class ChosenSite:
    """A suggested site and why: what it covers, and what only it covers among the chosen."""

    rank: int
    candidate: Candidate
    covered_weight: float
    covered_points: int
    unique_weight: float
    unique_points: int
    unique_by_layer: tuple[LayerShare, ...]

    @property
    def reason(self) -> str:
        """A Swedish sentence: what this site covers that the other chosen sites do not."""
        if self.unique_points == 0:
            return "Täcker inget som de andra valda platserna inte redan täcker."
        parts = ", ".join(
            f"{share.layer} {share.points}" for share in self.unique_by_layer if share.points
        )
        points = "punkt" if self.unique_points == 1 else "punkter"
        return (
            f"Enda valda platsen inom räckhåll för {self.unique_points} {points} ({parts}), "
            f"vikt {format_number(self.unique_weight)}."
        )


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Förslag på kontrollplatser: the chosen sites, the covered share and the inputs."""

    k: int
    radius: float
    candidates: tuple[Candidate, ...]
    layers: tuple[DemandLayer, ...]
    chosen: tuple[ChosenSite, ...]
    total_weight: float
    covered_weight: float
    covered: np.ndarray = field(repr=False)  # per demand point (layers concatenated)
    reachable_weight: float = 0.0

    @property
    def covered_share(self) -> float | None:
        """Covered weight / total weight (None when there is no demand at all)."""
        return None if self.total_weight <= 0 else self.covered_weight / self.total_weight

    @property
    def chosen_candidates(self) -> tuple[Candidate, ...]:
        """The chosen sites in rank order."""
        return tuple(site.candidate for site in self.chosen)


def _stack(layers: Sequence[DemandLayer]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All layers' points, effective weights and layer index, concatenated."""
    if not layers:
        return np.empty((0, 2)), np.empty(0), np.empty(0, dtype=int)
    xy = np.vstack([layer.xy for layer in layers])
    weights = np.concatenate([layer.effective_weights for layer in layers])
    which = np.concatenate([np.full(len(layer), i, dtype=int) for i, layer in enumerate(layers)])
    return xy, weights, which


def suggest_sites(
    candidates: Sequence[Candidate], layers: Sequence[DemandLayer], k: int, radius: float
) -> SitingResult:
    """Choose at most `k` of `candidates` that together cover the most weighted demand.

    Parameters
    ----------
    candidates : the candidate sites, in the order used to break ties.
    layers : the demand layers with their weights.
    k : the most sites to suggest (0 or more).
    radius : coverage radius in metres (0 or more).

    Returns
    -------
    SitingResult with the chosen sites ranked by what only they cover (most first), the
    covered and total weight and, per site, its reason.

    Raises
    ------
    ValidationError
        For negative k or radius, or duplicate candidate keys (Swedish message).
    """
    check_k_and_radius(k, radius)
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise ValidationError("Två kandidatplatser har samma nyckel.")
    cand_xy = np.array([[c.x, c.y] for c in candidates], dtype=float).reshape(-1, 2)
    demand_xy, weights, which = _stack(layers)
    picked = solve_mclp(cand_xy, demand_xy, weights, k, radius)
    reach = _reach(cand_xy, demand_xy, radius)
    positive = weights > 0
    covered = np.array([bool(set(h) & set(picked)) for h in reach], dtype=bool) & positive
    reachable = np.array([bool(h) for h in reach], dtype=bool) & positive

    sites = []
    for j in picked:
        mine = np.array([j in h for h in reach], dtype=bool) & positive
        others = set(picked) - {j}
        alone = mine & np.array([not (set(h) & others) for h in reach], dtype=bool)
        shares = tuple(
            LayerShare(
                layer.name,
                int((alone & (which == i)).sum()),
                float(weights[alone & (which == i)].sum()),
            )
            for i, layer in enumerate(layers)
        )
        sites.append(
            ChosenSite(
                rank=0,
                candidate=candidates[j],
                covered_weight=float(weights[mine].sum()),
                covered_points=int(mine.sum()),
                unique_weight=float(weights[alone].sum()),
                unique_points=int(alone.sum()),
                unique_by_layer=shares,
            )
        )
    # Most unique weight first; equal ones keep the candidate order (sort is stable).
    sites.sort(key=lambda s: (-s.unique_weight, -s.covered_weight))
    ranked = tuple(replace(s, rank=i + 1) for i, s in enumerate(sites))
    return SitingResult(
        k=k,
        radius=float(radius),
        candidates=tuple(candidates),
        layers=tuple(layers),
        chosen=ranked,
        total_weight=float(weights.sum()),
        covered_weight=float(weights[covered].sum()),
        covered=covered,
        reachable_weight=float(weights[reachable].sum()),
    )


def format_number(value: float, decimals: int = 1) -> str:
    """Swedish number text: decimal comma, no decimals for whole numbers ("12", "12,5")."""
    if abs(value - round(value)) < 10 ** (-decimals) / 2:
        return number(round(value), space="")
    return number(value, decimals, space="")


def format_share(share: float | None) -> str:
    """A share as a Swedish percentage ("84,2 %"), or "–" when undefined."""
    if share is None:
        return "–"
    return number(share * 100, 1, space="") + " %"


def result_rows(result: SitingResult) -> list[dict[str, Any]]:
    """One plain row per chosen site (for tables and --json)."""
    rows = []
    for site in result.chosen:
        c = site.candidate
        lon, lat = to_wgs84(c.point).coords[0]
        rows.append(
            {
                "rank": site.rank,
                "key": c.key,
                "name": c.name,
                "place_id": c.place_id,
                "e": round(c.x, 1),
                "n": round(c.y, 1),
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "covered_weight": round(site.covered_weight, 6),
                "covered_points": site.covered_points,
                "unique_weight": round(site.unique_weight, 6),
                "unique_points": site.unique_points,
                "reason": site.reason,
            }
        )
    return rows


# -- for the map -------------------------------------------------------------------------


def _wgs_feature(geom: BaseGeometry, props: dict[str, Any]) -> dict[str, Any]:
    """One GeoJSON feature in WGS 84 (coordinates to ~1 cm)."""
    wgs = shapely.set_precision(to_wgs84(geom), 1e-7)
    return {"type": "Feature", "geometry": shapely.geometry.mapping(wgs), "properties": props}


def result_collections(result: SitingResult, max_points: int = 5000) -> dict[str, Any]:
    """GeoJSON (WGS 84) for the map: chosen sites, their circles, other candidates, demand.

    Demand beyond `max_points` is left out of the map (never out of the calculation).
    """
    chosen_keys = {c.key for c in result.chosen_candidates}
    sites: list[dict[str, Any]] = []
    circles: list[dict[str, Any]] = []
    for site in result.chosen:
        c = site.candidate
        label = f"{site.rank}. {c.name} – {site.reason}"
        sites.append(_wgs_feature(c.point, {"label": label, "rank": site.rank}))
        circles.append(_wgs_feature(c.point.buffer(max(result.radius, 1.0), 64), {"label": label}))
    others = [
        _wgs_feature(c.point, {"label": c.name})
        for c in result.candidates
        if c.key not in chosen_keys
    ]
    xy, weights, which = _stack(result.layers)
    covered: list[dict[str, Any]] = []
    uncovered: list[dict[str, Any]] = []
    for i in np.flatnonzero(weights > 0)[:max_points]:
        label = f"{result.layers[which[i]].name}: vikt {format_number(float(weights[i]), 2)}"
        target = covered if result.covered[i] else uncovered
        target.append(_wgs_feature(Point(xy[i]), {"label": label}))
    fc = _collection
    return {
        "sites": fc(sites),
        "circles": fc(circles),
        "others": fc(others),
        "covered": fc(covered),
        "uncovered": fc(uncovered),
        "shown_points": len(covered) + len(uncovered),
        "demand_points": int((weights > 0).sum()),
    }


def result_bounds(result: SitingResult) -> Bounds | None:
    """WGS 84 bounds around the candidates, the chosen sites' circles and all weighted demand."""
    geoms: list[BaseGeometry] = [c.point for c in result.candidates]
    geoms += [c.point.buffer(result.radius) for c in result.chosen_candidates]
    xy, weights, _ = _stack(result.layers)
    if (weights > 0).any():
        # The demand's bounding box is enough for the view and cheap for many points.
        lo, hi = xy[weights > 0].min(axis=0), xy[weights > 0].max(axis=0)
        geoms += [Point(lo), Point(hi)]
    return bounds_of(geoms, margin_m=200.0)


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}
