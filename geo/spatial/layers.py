"""Map layers as GeoJSON in WGS 84: what the map shows, decided here and not in the page.

The only place geometries leave EPSG:3006 is here, on their way to the browser. Property
values are plain text; the map layer escapes them before they become HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.records.kinds import Kind
from geo.records.models import Activity, Place, PlaceKind
from geo.records.promise import PromiseDocument
from geo.spatial.activity_groups import (
    MAX_OWN_SQUARES,
    SQUARE_SIZES_M,
    ActivityGroup,
    ActivitySpots,
    group_activities,
)
from geo.spatial.crs import SWEREF99TM, WGS84, _transformer, to_wgs84, transform_xy
from geo.spatial.reference_layers import boundary_layer, kommun_layers
from geo.swedish import number

if TYPE_CHECKING:
    from geo.store import Session

FeatureCollection = dict[str, Any]


@dataclass(frozen=True)
class Bounds:
    """South-west and north-east corners in WGS 84: ((lat, lon), (lat, lon))."""

    south: float
    west: float
    north: float
    east: float

    def as_folium(self) -> list[list[float]]:
        """[[south, west], [north, east]] as Leaflet's fitBounds wants it."""
        return [[self.south, self.west], [self.north, self.east]]


def bounds_of(geometries: Iterable[BaseGeometry], margin_m: float = 500.0) -> Bounds | None:
    """WGS 84 bounds around EPSG:3006 geometries with a margin in metres (None if empty).

    The bounding box widened by the margin: the same box as buffering every geometry and
    merging the circles, which took 14 s and 1.2 GB for 10,000 activity points.
    """
    geoms = np.array([g for g in geometries if g is not None and not g.is_empty], dtype=object)
    if not geoms.size:
        return None
    west, south, east, north = shapely.total_bounds(geoms)
    west, south, east, north = west - margin_m, south - margin_m, east + margin_m, north + margin_m
    ring = to_wgs84(shapely.box(west, south, east, north))
    lon_min, lat_min, lon_max, lat_max = ring.bounds
    return Bounds(lat_min, lon_min, lat_max, lon_max)


# Around the central areas a map opens at: the streets next to them stay in view.
OPENING_MARGIN_M = 500.0


def opening_bounds(places: Iterable[Place], boundary: Iterable[BaseGeometry] = ()) -> Bounds | None:
    """Where a map of a kommun's places opens: at street scale where the work is.

    The central areas (with OPENING_MARGIN_M around them) when the kommun has any, else every
    active place, else the kommun's boundary. A map that opened on the whole kommun put a
    click 90 px from the centre 2.6 km from the town.
    """
    active = [p for p in places if not p.is_retired]
    central = [p.geometry for p in active if p.kind is PlaceKind.CENTRAL_AREA]
    around = central or [p.geometry for p in active] or list(boundary)
    return bounds_of(around, OPENING_MARGIN_M)


def _feature(geom: BaseGeometry, props: Mapping[str, Any]) -> dict[str, Any]:
    """One GeoJSON feature in WGS 84, coordinates rounded to ~1 cm."""
    wgs = shapely.set_precision(to_wgs84(geom), 1e-7)
    return {"type": "Feature", "geometry": shapely.geometry.mapping(wgs), "properties": dict(props)}


def feature(geom: BaseGeometry, props: Mapping[str, Any]) -> dict[str, Any]:
    """One GeoJSON feature in WGS 84 from an EPSG:3006 geometry (for other map modules)."""
    return _feature(geom, props)


def collection(features: list[dict[str, Any]]) -> FeatureCollection:
    """Wrap features as a GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": features}


def base_layer_collection(
    features: Iterable[tuple[Mapping[str, Any], BaseGeometry]], label_key: str | None = None
) -> FeatureCollection:
    """A base layer's features for the map, with a `label` property for the tooltip.

    Projected all at once (one pyproj call for every vertex) and rounded to ~1 cm, because
    imported layers (roads, buildings) can hold thousands of features.
    """
    items = list(features)
    if not items:
        return collection([])
    transformer = _transformer(SWEREF99TM, WGS84)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([np.round(x, 7), np.round(y, 7)])

    geoms = shapely.transform(np.array([g for _, g in items], dtype=object), move)
    out = []
    for (props, _), text in zip(items, shapely.to_geojson(geoms), strict=True):
        label = str(props.get(label_key, "") or "") if label_key else ""
        out.append(
            {"type": "Feature", "geometry": json.loads(text), "properties": {"label": label}}
        )
    return collection(out)


# Imported base layers can be large; the map (SVG in the browser, the whole layer inside the
# page) stays usable up to about this much; see benchmarks/base_layer_map.py.
MAP_MAX_FEATURES = 5_000
MAP_MAX_VERTICES = 150_000
# Simplifying by 1 m changes nothing visible at street zoom and halves road vertices.
MAP_SIMPLIFY_M = 1.0
LABEL_CANDIDATES = ("namn", "name", "adress", "address", "gatunamn", "label")


def label_key_for(layer_name: str, features: Sequence[tuple[Mapping[str, Any], Any]]) -> str | None:
    """Which property names a feature in the tooltip: known for SCB layers, guessed otherwise."""
    if layer_name in LABEL_KEYS:
        return LABEL_KEYS[layer_name]
    keys = {k.lower(): k for props, _ in features[:100] for k in props}
    return next((keys[c] for c in LABEL_CANDIDATES if c in keys), None)


def fit_for_map(
    features: Sequence[tuple[Mapping[str, Any], BaseGeometry]],
    title: str,
    centre: BaseGeometry | None = None,
) -> tuple[list[tuple[Mapping[str, Any], BaseGeometry]], str | None]:
    """Simplify a layer by MAP_SIMPLIFY_M and, if it is still too big, keep the part nearest
    `centre` within MAP_MAX_FEATURES / MAP_MAX_VERTICES. Returns the features and a Swedish
    note for the page when some were left out (the database keeps them all)."""
    if not features:
        return [], None
    geoms = np.array([g for _, g in features], dtype=object)
    simple = shapely.simplify(geoms, MAP_SIMPLIFY_M, preserve_topology=True)
    vertices = shapely.get_num_coordinates(simple)
    if len(features) <= MAP_MAX_FEATURES and int(vertices.sum()) <= MAP_MAX_VERTICES:
        return [(p, g) for (p, _), g in zip(features, simple, strict=True)], None
    order = (
        np.argsort(shapely.distance(simple, centre), kind="stable")
        if centre is not None
        else np.arange(len(features))
    )
    keep = order[:MAP_MAX_FEATURES]
    keep = keep[np.cumsum(vertices[keep]) <= MAP_MAX_VERTICES]
    kept = [(features[i][0], simple[i]) for i in sorted(keep)]
    where = " närmast kommunens mitt" if centre is not None else ""
    note = (
        f"Baslagret {title} har {len(features)} objekt; kartan visar de {len(kept)}{where} så "
        "att den förblir snabb. Alla objekt finns kvar i databasen."
    )
    return kept, note


def place_collections(places: Iterable[Place]) -> dict[PlaceKind, FeatureCollection]:
    """One collection per place kind (empty kinds included, so every layer is listed)."""
    by_kind: dict[PlaceKind, list[dict[str, Any]]] = {k: [] for k in PlaceKind}
    for p in places:
        by_kind[p.kind].append(
            _feature(
                p.geometry,
                {
                    "id": p.id,
                    "label": p.name,
                    "kind": p.kind.label,
                    "classification": p.classification.value,
                    "example": "Exempeldata" if p.is_example else "",
                },
            )
        )
    return {k: collection(v) for k, v in by_kind.items()}


class Placed(Protocol):
    """Anything drawn on a map at its own geometry or at a stored place: an activity, a plan."""

    @property
    def geometry(self) -> BaseGeometry | None: ...

    @property
    def place_id(self) -> int | None: ...


def drawn_point(item: Placed, places: Mapping[int, Place]) -> BaseGeometry | None:
    """Where an activity or plan is drawn: its own geometry, else its place's, as a point."""
    geom = item.geometry
    if geom is None and item.place_id is not None and item.place_id in places:
        geom = places[item.place_id].geometry
    if geom is None or geom.is_empty:
        return None
    return geom if geom.geom_type == "Point" else geom.representative_point()


def activity_point(activity: Activity, places: Mapping[int, Place]) -> BaseGeometry | None:
    """Where an activity is drawn (`drawn_point`, under the name the disclosure code uses)."""
    return drawn_point(activity, places)


def group_collections(groups: Iterable[ActivityGroup]) -> dict[Kind, FeatureCollection]:
    """One point collection per kind that has a group: a feature per place or grid square.

    Each feature has an `id`, the Swedish `label` ("Exempel: Centrum – Närvaro: 34
    genomförda, ..."), the `count` and the `slot` (which of the kinds at the same spot it
    is). Projected in one call, so thousands of groups cost milliseconds.
    """
    items = list(groups)
    if not items:
        return {}
    lon, lat = transform_xy(
        np.array([g.x for g in items]), np.array([g.y for g in items]), SWEREF99TM, WGS84
    )
    by_kind: dict[Kind, list[dict[str, Any]]] = {}
    for n, (g, x, y) in enumerate(zip(items, lon.tolist(), lat.tolist(), strict=True)):
        by_kind.setdefault(g.kind, []).append(
            {
                "type": "Feature",
                "id": f"g{n}",
                "geometry": {"type": "Point", "coordinates": [round(x, 7), round(y, 7)]},
                "properties": {"label": g.label, "count": g.count, "slot": g.slot},
            }
        )
    return {k: collection(v) for k, v in by_kind.items()}


LABEL_KEYS = {"lanets_kommuner": "kommun", "tatorter": "tatort"}


@dataclass(frozen=True)
class MapData:
    """Everything the map page draws for one kommun and period.

    `activities` holds one counted marker per place (or grid square) and kind;
    `activity_count` every activity in the period, `unplaced_activities` those with no
    place or position, `markers` how many markers stand for them all.
    """

    bounds: Bounds | None
    base: dict[str, tuple[str, FeatureCollection]]
    places: dict[PlaceKind, FeatureCollection]
    activities: dict[Kind, FeatureCollection]
    attributions: list[str]
    place_count: int
    activity_count: int
    unplaced_activities: int
    notes: tuple[str, ...] = ()
    markers: int = 0


def load_map_data(
    session: Session,
    doc: PromiseDocument,
    start: datetime,
    end: datetime,
    base_layers: BaseLayers | None = None,
) -> MapData:
    """Base layers for the promise's kommun, every active place, the promise's activities
    starting in [start, end) counted per place and kind (`geo.spatial.activity_groups`).

    `base_layers` are used as given when the caller keeps them prepared (they are slow to
    read when large); otherwise they are read here.
    """
    prepared = base_layers or load_base_layers(session, doc.kommunkod)
    base, attributions, boundary = prepared.layers, prepared.attributions, prepared.boundary
    notes = prepared.notes
    every_place = session.list_places(include_retired=True, kommunkod=doc.kommunkod)
    places = [p for p in every_place if not p.is_retired]
    # Counted in SQL per place, kind and own position: a few rows for a year at a few
    # places, never one feature per activity (100,000 points made a 38 s page).
    spots = ActivitySpots.from_rows(session.activity_spots(start, end, doc.id))
    # The store knows an own kind by its code; the promise gives it its name (`namn`).
    spots = replace(spots, kinds=tuple(doc.kind(k) for k in spots.kinds))
    grouped = group_activities(spots, {p.id: p for p in every_place if p.id is not None})
    if grouped.square_m > SQUARE_SIZES_M[0] and any(g.square_m for g in grouped.groups):
        notes = [
            *notes,
            f"Aktiviteter utan plats visas per ruta om {number(grouped.square_m)} m: med "
            f"mindre rutor skulle de bli fler än {number(MAX_OWN_SQUARES)} markeringar.",
        ]
    return MapData(
        # A promise for part of the kommun (format 2, `område`) opens on that part.
        bounds=bounds_of([doc.area.geometry]) if doc.area else opening_bounds(places, boundary),
        base=base,
        places=place_collections(places),
        activities=group_collections(grouped.groups),
        attributions=attributions,
        place_count=len(places),
        activity_count=grouped.activities,
        unplaced_activities=grouped.unplaced,
        notes=tuple(notes),
        markers=len(grouped.groups),
    )


@dataclass(frozen=True)
class BaseLayers:
    """The kommun's base layers, ready for the map.

    `layers` maps a layer's name to its title and WGS 84 collection; `boundary` is the
    kommun boundary in EPSG:3006; `notes` says which layers were cut down to stay fast.
    """

    layers: dict[str, tuple[str, FeatureCollection]]
    attributions: list[str]
    boundary: list[BaseGeometry]
    notes: list[str]


def load_base_layers(session: Session, kommunkod: str) -> BaseLayers:
    """The kommun's boundary, the shipped layers and every imported layer, cut for the map.

    Reading a large imported layer takes seconds (measured in benchmarks/base_layer_map.py),
    so pages keep the result until `Session.base_layer_stamp()` changes.
    """
    layers = kommun_layers(session, kommunkod)
    boundary = [g for k in layers if k.shown == boundary_layer(kommunkod) for _, g in k.features]
    centre = shapely.union_all(boundary).centroid if boundary else None
    base: dict[str, tuple[str, FeatureCollection]] = {}
    attributions: list[str] = []
    notes: list[str] = []
    for own in layers:
        layer, features = own.layer, own.features
        shown, note = fit_for_map(features, layer.title, centre)
        if note:
            notes.append(note)
        base[own.shown] = (
            layer.title,
            base_layer_collection(shown, label_key_for(own.shown, features)),
        )
        if layer.attribution not in attributions:
            attributions.append(layer.attribution)
    return BaseLayers(base, attributions, boundary, notes)
