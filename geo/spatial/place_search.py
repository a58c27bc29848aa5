"""Find a position by keyboard: typed coordinates or a name (tätort, stored place, address, road).

Placing a point by clicking the map is out of reach for a planner who uses a keyboard (WCAG
2.1.1). Here a typed text becomes a position in EPSG:3006 without the map: coordinates are
read as the place import reads them (`geo.spatial.coords.classify`: WGS 84 lat/lon or SWEREF
99 TM N/E, told apart by the numbers), and anything else is looked up by name among the
kommun's tätorter, its stored places and the named features of imported base layers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from geo.errors import ValidationError
from geo.records.models import Place
from geo.spatial.coords import CoordinateSystem, classify, to_point
from geo.spatial.crs import sweref_to_lonlat, to_sweref
from geo.spatial.reference_layers import is_reference_layer

TATORT = "Tätort"
COORDINATES = "Koordinater"
# A handful of hits fits a select box; more means the text is too short to choose by.
MAX_HITS = 8

# One number: "57.84", "57,84" (Swedish decimal comma), "6411094".
_NUMBER = r"-?\d+(?:[.,]\d+)?"
# An optional axis name before a number: "lat 57.8", "N: 6411094", "E=488629".
_AXIS = r"(?:(?:lat|lon|long|n|e|x|y)\s*[:=]?\s*)?"
_PAIR = re.compile(
    rf"^\s*{_AXIS}(?P<first>{_NUMBER})\s*[,;\s]\s*{_AXIS}(?P<second>{_NUMBER})\s*$", re.I
)


@dataclass(frozen=True)
class Hit:
    """A position found for a typed text: what it is, where it came from, a point in EPSG:3006.

    `point` lies on the feature (a road's point is on the road, an area's inside it), so it
    can be used as a place's position as it is.
    """

    label: str
    source: str
    point: Point

    @property
    def text(self) -> str:
        """The hit as a planner reads it in a list: "Storgatan (Vägar)"."""
        return f"{self.label} ({self.source})"

    @property
    def lat_lon(self) -> tuple[float, float]:
        """The point in WGS 84 (lat, lon), to show and to centre the map on."""
        lon, lat = sweref_to_lonlat(self.point.x, self.point.y)
        return lat, lon


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_coordinates(text: str) -> Hit | None:
    """The position of a typed coordinate pair, or None when the text is not two numbers.

    Parameters
    ----------
    text
        Latitude and longitude in WGS 84 ("57.8416, 14.8085", "57,8416 14,8085") or northing
        and easting in SWEREF 99 TM ("6411094, 488629"), told apart by the numbers as the
        place import tells them (`geo.spatial.coords.classify`).

    Raises
    ------
    ValidationError
        Two numbers that are in Sweden in neither system (the message says when they are the
        wrong way round).
    """
    match = _PAIR.match(text)
    if match is None:
        return None
    first, second = _number(match["first"]), _number(match["second"])
    system = classify(first, second)
    if system is None:
        if classify(second, first) is not None:
            raise ValidationError(
                f"Koordinaterna ({match['first']}, {match['second']}) verkar stå i omvänd "
                "ordning. Skriv latitud före longitud (WGS 84) eller N före E (SWEREF 99 TM)."
            )
        raise ValidationError(
            f"Koordinaterna ({match['first']}, {match['second']}) ligger inte i Sverige i "
            "vare sig WGS 84 (lat, lon, t.ex. 57.8416, 14.8085) eller SWEREF 99 TM (N, E, "
            "t.ex. 6411094, 488629)."
        )
    label = ("lat/lon " if system is CoordinateSystem.WGS84 else "N/E ") + (
        f"{match['first']}, {match['second']}"
    )
    return Hit(label, system.label, to_point(first, second, system))


def _rank(label: str, query: str) -> int | None:
    """How well a name matches: 0 the same, 1 starts with it, 2 a word starts with it, 3 has it."""
    name = label.casefold()
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if any(word.startswith(query) for word in re.split(r"[\s\-/,()]+", name)):
        return 2
    return 3 if query in name else None


def _on_feature(geometries: list[BaseGeometry]) -> Point:
    """One point on the union of a name's features (a road split in many pieces)."""
    point = shapely.union_all(geometries).representative_point()
    return Point(point.x, point.y)


def search_names(
    query: str,
    places: Iterable[Place] = (),
    tatorter: Iterable[tuple[str, Point]] = (),
    base: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None,
    limit: int = MAX_HITS,
) -> list[Hit]:
    """The best `limit` named positions for a typed name, best match first.

    Parameters
    ----------
    query
        Part of a name, any case ("aneby", "Storg").
    places
        Stored places (EPSG:3006); retired ones are left out.
    tatorter
        The kommun's tätorter as (name, point) in EPSG:3006 (`PlaceContext.tatorter`).
    base
        The map's base layers as prepared for the map (`BaseLayers.layers`: name → (title,
        WGS 84 GeoJSON with a `label` property)). SCB's own layers are left out (the tätorter
        come from `tatorter` with SCB's exact points); imported layers (addresses, roads,
        buildings) are searched by their labels.

    Features that share a name and a source are one hit (a road in many pieces), placed on
    the feature. Ties go to the shorter name, then the alphabet.
    """
    wanted = query.strip().casefold()
    if not wanted:
        return []
    found: dict[tuple[str, str], list[BaseGeometry]] = {}

    def offer(label: str, source: str, geometry: BaseGeometry | None) -> None:
        if geometry is not None and not geometry.is_empty and _rank(label, wanted) is not None:
            found.setdefault((label, source), []).append(geometry)

    for name, point in tatorter:
        offer(name, TATORT, point)
    for place in places:
        if not place.is_retired:
            offer(place.name, place.kind.label, place.geometry)
    for layer_name, (title, fc) in (base or {}).items():
        if is_reference_layer(layer_name):
            continue
        for f in fc.get("features", []):
            label = str(f.get("properties", {}).get("label") or "").strip()
            # Only a matching name is projected: an address layer holds thousands.
            if label and _rank(label, wanted) is not None:
                offer(label, title, to_sweref(shape(f["geometry"])))
    ranked = sorted(
        found.items(),
        key=lambda item: (_rank(item[0][0], wanted), len(item[0][0]), item[0][0].casefold()),
    )
    return [Hit(label, source, _on_feature(geoms)) for (label, source), geoms in ranked[:limit]]


def find_position(
    text: str,
    places: Iterable[Place] = (),
    tatorter: Iterable[tuple[str, Point]] = (),
    base: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None,
) -> list[Hit]:
    """What a typed text points at: its coordinates (one hit), else the names that match it.

    Raises ValidationError for two numbers that are not a position in Sweden, so a mistyped
    coordinate is explained rather than searched for as a name.
    """
    position = parse_coordinates(text)
    if position is not None:
        return [position]
    return search_names(text, places, tatorter, base)
