"""Candidates and demand for site suggestions, from the store and from geometries.

Candidates: the stored traffic-control sites, and points every N metres along roads (a base
layer of lines, or a file read by geo/files/siting_io.py). Demand: logged traffic controls weighted
by their violation counts, the central areas, and any geometry with a weight: a point keeps
its weight, a line or an area shares it among points every 50 m along or inside it.
Everything in EPSG:3006 metres.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import ValidationError
from geo.planning.siting import Candidate, DemandLayer
from geo.records.kinds import CommitmentKind
from geo.records.models import Outcome, Place, PlaceKind
from geo.records.promise import PromiseDocument
from geo.swedish import NO_BREAK_SPACE, number

if TYPE_CHECKING:
    from geo.records.activity_table import ActivityTable
    from geo.store import Session

# Areas and lines become demand points this far apart (their weight is shared among them).
DEMAND_SPACING_M = 50.0

VIOLATIONS_LAYER = "overtradelser"
CENTRAL_AREAS_LAYER = "centrum"
STORE_LAYER_TITLES = {
    VIOLATIONS_LAYER: "Överträdelser vid tidigare trafikkontroller",
    CENTRAL_AREAS_LAYER: "Centrumområden",
}


def site_candidates(places: Iterable[Place]) -> list[Candidate]:
    """Stored traffic-control sites (active ones, in the order given) as candidates."""
    out = []
    for p in places:
        if p.kind is not PlaceKind.TRAFFIC_CONTROL_SITE or p.is_retired or p.id is None:
            continue
        point = p.geometry if p.geometry.geom_type == "Point" else p.geometry.representative_point()
        out.append(Candidate(f"plats:{p.id}", p.name, point.x, point.y, p.id))
    return out


def combine_candidates(*groups: Iterable[Candidate]) -> list[Candidate]:
    """Candidate lists joined in order; a repeated key gets "#2", "#3"... so keys stay unique."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for group in groups:
        for c in group:
            key, n = c.key, 1
            while key in seen:
                n += 1
                key = f"{c.key}#{n}"
            seen.add(key)
            out.append(c if key == c.key else replace(c, key=key))
    return out


def points_along(geometry: BaseGeometry, spacing: float) -> list[Point]:
    """Points every `spacing` metres along each line of `geometry`, starting at its start."""
    if not spacing > 0 or not math.isfinite(spacing):
        raise ValidationError(f"Avståndet mellan punkter ska vara fler än 0 meter, inte {spacing}.")
    lines = [g for g in shapely.get_parts(geometry) if g.geom_type in ("LineString", "LinearRing")]
    points: list[Point] = []
    for line in lines:
        for distance in np.arange(0.0, line.length + 1e-9, spacing):
            points.append(line.interpolate(float(distance)))
    return points


def road_candidates(
    roads: Iterable[tuple[str, BaseGeometry]], spacing: float, prefix: str = "väg"
) -> list[Candidate]:
    """Candidates every `spacing` metres along named road lines (points closer than 1 m merge).

    Names read "Vägnamn, 1 200 m" (the distance from the start of that road feature).
    """
    seen: set[tuple[int, int]] = set()
    out: list[Candidate] = []
    for name, geom in roads:
        for line in shapely.get_parts(geom):
            if line.geom_type not in ("LineString", "LinearRing"):
                continue
            for distance in np.arange(0.0, line.length + 1e-9, spacing):
                p = line.interpolate(float(distance))
                key = (round(p.x), round(p.y))
                if key in seen:
                    continue
                seen.add(key)
                metres = number(round(distance), space=NO_BREAK_SPACE)
                label = f"{name}, {metres} m"
                out.append(Candidate(f"{prefix}:{len(out) + 1}", label, p.x, p.y))
    return out


def geometry_demand_points(
    geometry: BaseGeometry, weight: float, spacing: float = DEMAND_SPACING_M
) -> tuple[np.ndarray, np.ndarray]:
    """A geometry as demand points: a point keeps its weight; lines and areas share theirs.

    An area becomes the centres of a `spacing` grid inside it, a line points every `spacing`
    metres along it, so covering half an area covers about half its weight. Something
    smaller than the grid becomes one point inside it.
    """
    xs: list[float] = []
    ys: list[float] = []
    weights: list[float] = []
    for part in shapely.get_parts(geometry):
        if part.is_empty:
            continue
        if part.geom_type == "Point":
            xs.append(part.x)
            ys.append(part.y)
            weights.append(weight)
            continue
        if part.geom_type == "Polygon":
            minx, miny, maxx, maxy = part.bounds
            gx, gy = np.meshgrid(
                np.arange(minx + spacing / 2, maxx, spacing),
                np.arange(miny + spacing / 2, maxy, spacing),
            )
            inside = shapely.contains_xy(part, gx.ravel(), gy.ravel())
            px, py = gx.ravel()[inside], gy.ravel()[inside]
        else:
            pts = points_along(part, spacing)
            px = np.array([p.x for p in pts])
            py = np.array([p.y for p in pts])
        if not len(px):
            rep = part.representative_point()
            px, py = np.array([rep.x]), np.array([rep.y])
        xs.extend(px.tolist())
        ys.extend(py.tolist())
        weights.extend([weight / len(px)] * len(px))
    return np.column_stack([xs, ys]) if xs else np.empty((0, 2)), np.array(weights, dtype=float)


def layer_from_geometries(
    name: str,
    items: Iterable[tuple[BaseGeometry, float]],
    layer_weight: float = 1.0,
    spacing: float = DEMAND_SPACING_M,
) -> DemandLayer:
    """A demand layer from (geometry in EPSG:3006, vikt) pairs."""
    xy_parts: list[np.ndarray] = []
    w_parts: list[np.ndarray] = []
    for geom, weight in items:
        xy, w = geometry_demand_points(geom, weight, spacing)
        xy_parts.append(xy)
        w_parts.append(w)
    if not xy_parts:
        return DemandLayer(name, np.empty((0, 2)), np.empty(0), layer_weight)
    return DemandLayer(name, np.vstack(xy_parts), np.concatenate(w_parts), layer_weight)


def violation_counts(outcome: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """Violations recorded at each of `n` controls (`ActivityTable.outcome`: NaN where a row
    has no such figure): `overtradelser`, else the sum of the specific counts."""
    missing = np.full(n, np.nan)
    total = outcome.get(Outcome.VIOLATIONS, missing)
    parts = (Outcome.SPEED_VIOLATIONS, Outcome.DUI_SUSPECTED, Outcome.OTHER_VIOLATIONS)
    specific = sum((np.nan_to_num(outcome.get(p, missing)) for p in parts), np.zeros(n))
    return np.where(np.isnan(total), specific, total)


def violations_layer(
    controls: ActivityTable, places: Iterable[Place], layer_weight: float = 1.0
) -> DemandLayer:
    """Logged traffic controls as demand: one point each (its own position, else its
    place's), weighted by its violation count; a control with neither, or with nothing
    found, is left out.

    Read as columns (`Session.activity_table`): as records, the 25,000 controls of a year
    at 100,000 activities took 0.8–1.2 s of Kontrollplatser's first visit (issue 16).
    """
    table = controls.take(controls.of_kinds(CommitmentKind.TRAFFIC_CONTROL))
    at_place = {
        p.id: p.geometry if p.geometry.geom_type == "Point" else p.geometry.representative_point()
        for p in places
        if p.id is not None
    }
    xy = np.column_stack([table.x, table.y]).astype(float).reshape(-1, 2)
    for i in np.flatnonzero(np.isnan(xy[:, 0])):
        point = at_place.get(int(table.place_id[i]))
        if point is not None and not point.is_empty:
            xy[i] = (point.x, point.y)
    weights = violation_counts(table.outcome, len(table))
    keep = ~np.isnan(xy[:, 0]) & (weights > 0)
    return DemandLayer(STORE_LAYER_TITLES[VIOLATIONS_LAYER], xy[keep], weights[keep], layer_weight)


def central_areas_layer(places: Iterable[Place], layer_weight: float = 1.0) -> DemandLayer:
    """The active central areas as demand: weight 1 per area, spread over a 50 m grid."""
    items = [
        (p.geometry, float(p.attributes.get("vikt", 1) or 1))
        for p in places
        if p.kind is PlaceKind.CENTRAL_AREA and not p.is_retired
    ]
    return layer_from_geometries(STORE_LAYER_TITLES[CENTRAL_AREAS_LAYER], items, layer_weight)


def store_demand_layers(session: Session, doc: PromiseDocument) -> dict[str, DemandLayer]:
    """The demand layers the store offers: violations logged for the promise `doc` and the
    central areas of its kommun."""
    places = session.list_places(include_retired=True, kommunkod=doc.kommunkod)
    controls = session.activity_table(doc.id, kind=CommitmentKind.TRAFFIC_CONTROL)
    return {
        VIOLATIONS_LAYER: violations_layer(controls, places),
        CENTRAL_AREAS_LAYER: central_areas_layer(places),
    }


def line_base_layers(session: Session) -> dict[str, str]:
    """Base layers made of lines (roads), by name → title."""
    out = {}
    for layer in session.base_layers():
        features = session.base_features(layer.name)
        if features and all(
            g is not None and g.geom_type in ("LineString", "MultiLineString") for _, g in features
        ):
            out[layer.name] = layer.title
    return out


def base_layer_candidates(session: Session, layer_name: str, spacing: float) -> list[Candidate]:
    """Candidates every `spacing` metres along the lines of a stored base layer."""
    features = session.base_features(layer_name)
    if not features:
        raise ValidationError(f'Baslagret "{layer_name}" finns inte eller är tomt.')
    named = []
    for i, (props, geom) in enumerate(features, start=1):
        if geom is None or geom.geom_type not in ("LineString", "MultiLineString"):
            raise ValidationError(
                f'Baslagret "{layer_name}", objekt {i}: är ingen linje (väg), utan '
                f"{geom.geom_type if geom is not None else 'tomt'}."
            )
        label = str(props.get("namn") or props.get("name") or f"{layer_name} {i}")
        named.append((label, geom))
    return road_candidates(named, spacing)
