"""Map layers as GeoJSON in WGS 84: what the map shows, decided here and not in the page.

The only place geometries leave EPSG:3006 is here, on their way to the browser. Property
values are plain text; the map layer escapes them before they become HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import to_wgs84
from geo.models import Activity, CommitmentKind, Place, PlaceKind

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
    """WGS 84 bounds around EPSG:3006 geometries with a margin in metres (None if empty)."""
    geoms = [g for g in geometries if g is not None and not g.is_empty]
    if not geoms:
        return None
    west, south, east, north = shapely.GeometryCollection(geoms).buffer(margin_m).bounds
    ring = to_wgs84(shapely.box(west, south, east, north))
    lon_min, lat_min, lon_max, lat_max = ring.bounds
    return Bounds(lat_min, lon_min, lat_max, lon_max)


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
    """A base layer's features for the map, with a `label` property for the tooltip."""
    out = []
    for props, geom in features:
        label = str(props.get(label_key, "")) if label_key else ""
        out.append(_feature(geom, {"label": label}))
    return collection(out)


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


def activity_point(activity: Activity, places: Mapping[int, Place]) -> BaseGeometry | None:
    """Where an activity is drawn: its own geometry, else its place's, as a point."""
    geom = activity.geometry
    if geom is None and activity.place_id is not None and activity.place_id in places:
        geom = places[activity.place_id].geometry
    if geom is None or geom.is_empty:
        return None
    return geom if geom.geom_type == "Point" else geom.representative_point()


def activity_collections(
    activities: Iterable[Activity], places: Mapping[int, Place]
) -> dict[CommitmentKind, FeatureCollection]:
    """One point collection per activity kind that has at least one placed activity."""
    by_kind: dict[CommitmentKind, list[dict[str, Any]]] = {}
    for a in activities:
        point = activity_point(a, places)
        if point is None:
            continue
        by_kind.setdefault(a.kind, []).append(
            _feature(
                point,
                {
                    "id": a.id,
                    "label": f"{a.kind.label} {a.start:%Y-%m-%d %H:%M}",
                    "kind": a.kind.label,
                    "classification": a.classification.value,
                },
            )
        )
    return {k: collection(v) for k, v in by_kind.items()}


LABEL_KEYS = {"lanets_kommuner": "kommun", "tatorter": "tatort"}


@dataclass(frozen=True)
class MapData:
    """Everything the map page draws for one kommun and period."""

    bounds: Bounds | None
    base: dict[str, tuple[str, FeatureCollection]]
    places: dict[PlaceKind, FeatureCollection]
    activities: dict[CommitmentKind, FeatureCollection]
    attributions: list[str]
    place_count: int
    activity_count: int
    unplaced_activities: int


def load_map_data(session: Session, kommunkod: str, start: datetime, end: datetime) -> MapData:
    """Base layers for the kommun, every active place, activities starting in [start, end)."""
    base: dict[str, tuple[str, FeatureCollection]] = {}
    attributions: list[str] = []
    boundary: list[BaseGeometry] = []
    for layer in session.base_layers():
        if layer.name.startswith("kommun_") and layer.name != f"kommun_{kommunkod}":
            continue
        features = session.base_features(layer.name)
        if layer.name == f"kommun_{kommunkod}":
            boundary = [g for _, g in features]
        base[layer.name] = (
            layer.title,
            base_layer_collection(features, LABEL_KEYS.get(layer.name)),
        )
        if layer.attribution not in attributions:
            attributions.append(layer.attribution)
    places = session.list_places()
    activities = session.list_activities(start, end)
    by_id = {p.id: p for p in places if p.id is not None}
    activity_layers = activity_collections(activities, by_id)
    drawn = sum(len(fc["features"]) for fc in activity_layers.values())
    return MapData(
        bounds=bounds_of(boundary or [p.geometry for p in places]),
        base=base,
        places=place_collections(places),
        activities=activity_layers,
        attributions=attributions,
        place_count=len(places),
        activity_count=len(activities),
        unplaced_activities=len(activities) - drawn,
    )
