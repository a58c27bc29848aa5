"""Import places from CSV (as Swedish Excel writes it), GeoJSON and GeoPackage; export them.

One vocabulary for every format (see README, "Importing places"): `namn`, `typ`,
`klassning`, `anteckning` and the kind's own attributes (`väg`, `hastighet`, ...). CSV rows
give coordinates as `lat` + `lon` (WGS 84) or `N` + `E` (SWEREF 99 TM), or a `geometri`
column in WKT; GeoJSON and GeoPackage carry their own geometry and CRS.

Every export that holds places imports again: `export places` (GeoPackage, GeoJSON) writes
these names, and so does the data export's `platser` table (`export csv`, `export gpkg`),
whose CSV adds `wkt_sweref99tm` (WKT in SWEREF 99 TM, read as such: its name says so) and
`e_sweref99tm`/`n_sweref99tm` (a point on the place, checked against the WKT). A row with
the `id` of a stored place changes that place instead of adding one (`plan_import` says
what a file will do before `save_places` does it); `version` refuses a change to a place
someone saved after the export, and `ur_bruk` = ja retires a place.

Everything is read and checked before anything is written (`read_places`), and the writing
is one transaction (`save_places`): a bad file imports nothing, and the message names each
row or feature and what is wrong with it. The CRS of a CSV file is detected from the
numbers and shown to the user before importing; `crs=` overrides it (the command line's
`--crs EPSG:NNNN`).
"""

from __future__ import annotations

import enum
import json
import math
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError, LofteskartanError, ValidationError
from geo.files.limits import PLACES_LIMIT, check_json_depth
from geo.files.private_files import PRIVATE_FILE_MODE
from geo.files.tabular import Row, parse_number, read_table
from geo.records.models import Place, PlaceKind
from geo.records.places import (
    ALL_ATTRIBUTE_KEYS,
    ATTRIBUTES,
    PlaceContext,
    PlaceInput,
    ValueType,
    build_place,
    format_stops,
    parse_kind,
    parse_stops,
    validate_place,
)
from geo.spatial.coords import CoordinateSystem, classify
from geo.spatial.crs import SWEREF99TM, WGS84, to_sweref, to_wgs84
from geo.store import Session

# How many row problems one message lists before it says "and N more".
MAX_LISTED_ERRORS = 20
MAX_FEATURES = 10_000
COMMON_COLUMNS = ("namn", "typ", "klassning", "anteckning")
COORDINATE_COLUMNS = ("lat", "lon", "n", "e", "geometri")
# The data export's CSV geometry (geo/exports/csv_zip.py): SWEREF 99 TM by name, no guessing.
EXPORT_GEOMETRY_COLUMNS = ("e_sweref99tm", "n_sweref99tm", "wkt_sweref99tm")
EXPORT_COLUMNS_TEXT = "e_sweref99tm, n_sweref99tm och wkt_sweref99tm"
# Which stored place an exported row is, and whether it is still in use (`plan_import`).
IDENTITY_COLUMNS = ("id", "version", "ur_bruk")
# Columns a GIS program adds that say nothing about the place.
IGNORED_QUIETLY = ("fid",)
# e/n_sweref99tm are "a point on the place", both rounded to the centimetre by the export.
ON_PLACE_M = 0.05
CENTIMETRE = 0.01
# A data export (`export gpkg`) has this table; only its `platser` layer holds places.
EXPORT_ABOUT_LAYER = "om_exporten"
EXPORT_PLACES_LAYER = "platser"
CSV_SUFFIXES = (".csv", ".txt")
GEOJSON_SUFFIXES = (".geojson", ".json")
GPKG_SUFFIXES = (".gpkg",)
# One GeoPackage layer per kind, ASCII names so every GIS program opens them.
GPKG_LAYERS = {
    PlaceKind.TRAFFIC_CONTROL_SITE: "trafikkontrollplatser",
    PlaceKind.INTERVENTION_PLACE: "insatsplatser",
    PlaceKind.POLICE_OFFICE: "poliskontor",
    PlaceKind.CENTRAL_AREA: "centrumomraden",
    PlaceKind.WALK_ROUTE: "vandringsrutter",
}


@dataclass(frozen=True)
class ImportedPlace:
    """One checked place from a file, with where it came from and any warnings.

    `file_id`, `file_version` and `retired` are an export's `id`, `version` and `ur_bruk`
    (None/False when the file has none); `given` holds the columns (properties) the row
    has, so a change to a stored place keeps what the file does not mention.
    """

    where: str
    place: Place
    warnings: tuple[str, ...] = ()
    file_id: int | None = None
    file_version: int | None = None
    retired: bool = False
    given: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlaceFile:
    """A read and fully checked file, ready to save.

    `crs` is the CRS the file's coordinates were read in, `crs_reason` says how it was
    chosen (detected from the numbers, named in the file, the GeoJSON default, or given by
    the user), so the page can ask the user to confirm it.
    """

    name: str
    format: str
    crs: str
    crs_reason: str
    places: tuple[ImportedPlace, ...]
    ignored_columns: tuple[str, ...] = ()
    skipped_layers: tuple[str, ...] = ()

    @property
    def crs_label(self) -> str:
        """The CRS in words ("SWEREF 99 TM (N/E, meter)")."""
        return crs_label(self.crs)

    @property
    def notes(self) -> list[str]:
        """What the file holds that is not read, in sentences for the page and the CLI."""
        out = []
        if self.skipped_layers:
            out.append(
                f"Dataexport från Löfteskartan: bara lagret {EXPORT_PLACES_LAYER} läses "
                f"(inte {', '.join(self.skipped_layers)})."
            )
        if self.ignored_columns:
            out.append(f"Kolumner som inte läses: {', '.join(self.ignored_columns)}.")
        return out

    @property
    def warnings(self) -> list[str]:
        """Every warning, each prefixed with its row or feature."""
        return [f"{p.where}: {w}" for p in self.places for w in p.warnings]


@dataclass(frozen=True)
class SaveResult:
    """What `save_places` wrote: new, changed and retired places, and the rows left alone.

    `already_stored` names the rows whose place was stored as it is; `retired_in_file` the
    rows marked `ur_bruk` = ja that match no place in use (retired places are not added).
    """

    added: tuple[Place, ...]
    already_stored: tuple[str, ...]
    updated: tuple[Place, ...] = ()
    retired: tuple[Place, ...] = ()
    retired_in_file: tuple[str, ...] = ()

    def summary(self, name: str) -> str:
        """One Swedish sentence: "2 platser importerades från x.csv; 1 ändrades (id 4); …"."""
        parts = [f"{len(self.added)} platser importerades från {name}"]
        if self.updated:
            parts.append(f"{len(self.updated)} ändrades ({_ids(self.updated)})")
        if self.retired:
            parts.append(f"{len(self.retired)} avvecklades ({_ids(self.retired)})")
        if self.already_stored:
            parts.append(f"{len(self.already_stored)} fanns redan")
        if self.retired_in_file:
            parts.append(f"{len(self.retired_in_file)} avvecklade (ur_bruk = ja) lades inte till")
        return "; ".join(parts) + "."


def _ids(places: Sequence[Place]) -> str:
    shown = ", ".join(str(p.id) for p in places[:10])
    return "id " + shown + (" …" if len(places) > 10 else "")


# -- CRS --------------------------------------------------------------------------------


def normalise_crs(text: str) -> str:
    """A CRS written as "EPSG:3006", "3006" or "epsg:4326", as "EPSG:NNNN"."""
    cleaned = text.strip()
    if cleaned.isdigit():
        cleaned = f"EPSG:{cleaned}"
    try:
        crs = CRS.from_user_input(cleaned)
    except CRSError:
        raise ImportFileError(
            f'Okänt koordinatsystem "{text}". Skriv t.ex. EPSG:3006 (SWEREF 99 TM) eller '
            "EPSG:4326 (WGS 84)."
        ) from None
    code = crs.to_epsg()
    if code is None:
        raise ImportFileError(f'Koordinatsystemet "{text}" har ingen EPSG-kod.')
    return f"EPSG:{code}"


def crs_label(crs: str) -> str:
    """A CRS in the words planners know."""
    for system in CoordinateSystem:
        if crs == system.value:
            return system.label
    try:
        return f"{CRS.from_user_input(crs).name} ({crs})"
    except CRSError:
        return crs


def _crs_of(crs: Any) -> str | None:
    """A pyproj/geopandas CRS as "EPSG:NNNN" (or WKT when it has no code); None if none."""
    if crs is None:
        return None
    code = crs.to_epsg()
    return f"EPSG:{code}" if code is not None else str(crs.to_wkt())


def _is_geographic(crs: str) -> bool:
    return bool(CRS.from_user_input(crs).is_geographic)


# -- collecting row problems ------------------------------------------------------------


class _Problems:
    """Row problems collected so the user sees all of them at once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_if_any(self) -> None:
        if not self.messages:
            return
        listed = sorted(self.messages, key=_row_order)[:MAX_LISTED_ERRORS]
        more = len(self.messages) - len(listed)
        tail = f"\n- … och {more} fel till" if more else ""
        raise ImportFileError(
            f"{self.name} har fel, så ingenting importerades:\n- " + "\n- ".join(listed) + tail
        )


def _row_order(message: str) -> tuple[str, int]:
    """Sort problems by layer and row/feature number, as the user reads the file."""
    match = re.search(r"(?:lager (\S+), )?(?:rad|objekt) (\d+)", message)
    return (match.group(1) or "", int(match.group(2))) if match else ("", 0)


# -- the common part: values + geometry -> checked places -------------------------------


@dataclass(frozen=True)
class _Source:
    """One row or feature: where it is, its values (lower-case keys), its EPSG:3006 geometry.

    `columns` are the file's columns for the row (a CSV file's header, a layer's fields);
    empty means the keys of `values` (a GeoJSON feature's own properties).
    """

    where: str
    values: Mapping[str, Any]
    geometry: BaseGeometry | None
    columns: tuple[str, ...] = ()


def _check_sources(
    sources: Iterable[_Source], context: PlaceContext, problems: _Problems
) -> list[ImportedPlace]:
    """Build and check a place from every source; problems are collected, not raised."""
    out = []
    ids: dict[int, str] = {}
    for source in sources:
        try:
            kind = parse_kind(source.values.get("typ"), source.where)
            place = build_place(
                PlaceInput(
                    kind,
                    _cell(source.values.get("namn")),
                    _cell(source.values.get("klassning")),
                    _cell(source.values.get("anteckning")),
                    source.values,
                ),
                source.geometry,
                source.where,
            )
            warnings_ = validate_place(place, context, source.where)
            file_id = _whole_number(source.values.get("id"), source.where, "id")
            version = _whole_number(source.values.get("version"), source.where, "version")
            retired = _yes_no(source.values.get("ur_bruk"), source.where, "ur_bruk")
        except LofteskartanError as exc:
            problems.add(str(exc))
            continue
        if file_id is not None and file_id in ids:
            problems.add(
                f"{source.where}, id: id {file_id} finns också på {_short(ids[file_id])}; "
                "en plats kan bara stå en gång i filen."
            )
            continue
        if file_id is not None:
            ids[file_id] = source.where
        given = frozenset(source.columns or source.values)
        out.append(
            ImportedPlace(source.where, place, tuple(warnings_), file_id, version, retired, given)
        )
    return out


def _short(where: str) -> str:
    """A row's place without the file name ("rad 4"): the message names the file."""
    return where.split(", ", 1)[-1]


def _whole_number(value: Any, where: str, column: str) -> int | None:
    """An export's `id` or `version`: a whole number from 1 up; None when empty."""
    value = _python_value(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        number = int(value)
    if number is None or number < 1:
        what = "inget id" if column == "id" else "ingen version"
        raise ValidationError(
            f'{where}, {column}: "{value}" är {what} (ett heltal från en export; töm cellen '
            "för en ny plats)."
        )
    return number


def _yes_no(value: Any, where: str, column: str) -> bool:
    """`ja` or `nej` (any case; empty is nej), as the export writes `ur_bruk`."""
    value = _python_value(value)
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().casefold()
    if text in ("ja", "nej", ""):
        return text == "ja"
    raise ValidationError(f'{where}, {column}: "{value}" ska vara ja eller nej.')


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _ignored(columns: Iterable[str]) -> tuple[str, ...]:
    known = {
        *COMMON_COLUMNS,
        *COORDINATE_COLUMNS,
        *EXPORT_GEOMETRY_COLUMNS,
        *IDENTITY_COLUMNS,
        *ALL_ATTRIBUTE_KEYS,
        *IGNORED_QUIETLY,
    }
    return tuple(c for c in columns if c not in known and c not in ("geometry", "geom"))


# -- CSV --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvRow:
    """A CSV row's coordinates before the CRS is decided."""

    row: Row
    where: str
    claimed: CoordinateSystem | None  # what the column names say (lat/lon, N/E, *_sweref99tm)
    pairs: tuple[tuple[float, float], ...]  # (lat, lon) / (N, E) / (y, x) of WKT
    wkt: BaseGeometry | None
    columns: str = ""  # the columns the coordinates came from, for messages

    @property
    def exported(self) -> bool:
        """True when the coordinates are the data export's `*_sweref99tm` columns."""
        return self.columns == EXPORT_COLUMNS_TEXT


def _csv_row(row: Row, name: str, problems: _Problems) -> _CsvRow | None:
    """Read one row's coordinates (numbers or WKT); None when they cannot be read."""
    where = f"{name}, rad {row.number}"
    given = {c: row.get(c) for c in COORDINATE_COLUMNS}
    exported = {c: row.get(c) for c in EXPORT_GEOMETRY_COLUMNS}
    pairs_given = [
        (cols, system)
        for cols, system in (
            (("lat", "lon"), CoordinateSystem.WGS84),
            (("n", "e"), CoordinateSystem.SWEREF99TM),
        )
        if any(given[c] for c in cols)
    ]
    ways = len(pairs_given) + bool(given["geometri"]) + any(exported.values())
    if ways == 0:
        if "wkt_sweref99tm" in row.cells:
            hint = "wkt_sweref99tm, eller e_sweref99tm och n_sweref99tm för en punkt"
        else:
            hint = "lat och lon, N och E, eller geometri"
        problems.add(f"{where}: koordinater saknas (fyll i {hint}).")
        return None
    if ways > 1:
        problems.add(
            f"{where}: raden har koordinater på flera sätt (lat/lon, N/E, geometri, "
            "wkt_sweref99tm); fyll i bara ett."
        )
        return None
    if any(exported.values()):
        return _exported_csv_row(row, where, exported, problems)
    if given["geometri"]:
        geom = _wkt(given["geometri"], f"{where}, kolumn geometri", problems)
        if geom is None:
            return None
        coords = shapely.get_coordinates(geom)
        pairs = tuple((float(y), float(x)) for x, y in coords)
        return _CsvRow(row, where, None, pairs, geom, "geometri")
    (first_col, second_col), claimed = pairs_given[0]
    numbers = []
    for column in (first_col, second_col):
        label = column.upper() if column in ("n", "e") else column
        text = row.get(column)
        if not text:
            problems.add(f"{where}, kolumn {label}: värde saknas.")
            return None
        try:
            numbers.append(parse_number(text, f"{where}, kolumn {label}"))
        except LofteskartanError as exc:
            problems.add(str(exc))
            return None
    columns = "lat och lon" if claimed is CoordinateSystem.WGS84 else "N och E"
    return _CsvRow(row, where, claimed, ((numbers[0], numbers[1]),), None, columns)


def _wkt(text: str, where: str, problems: _Problems) -> BaseGeometry | None:
    """A WKT cell as a geometry; None (and a problem) when it cannot be read."""
    try:
        return shapely.from_wkt(text)
    except shapely.errors.ShapelyError as exc:
        problems.add(f"{where}: går inte att läsa som WKT ({exc}).")
        return None


def _exported_csv_row(
    row: Row, where: str, cells: Mapping[str, str], problems: _Problems
) -> _CsvRow | None:
    """The data export's geometry: `wkt_sweref99tm`, or a point from `e_`/`n_sweref99tm`.

    The export writes both: the WKT is the place, E/N a point on it. When both are filled
    they must agree, or the planner changed one and we cannot tell which.
    """
    point = None
    if cells["e_sweref99tm"] or cells["n_sweref99tm"]:
        numbers = []
        for column in ("n_sweref99tm", "e_sweref99tm"):
            if not cells[column]:
                problems.add(f"{where}, kolumn {column}: värde saknas.")
                return None
            try:
                numbers.append(parse_number(cells[column], f"{where}, kolumn {column}"))
            except LofteskartanError as exc:
                problems.add(str(exc))
                return None
        point = Point(numbers[1], numbers[0])
    geom: BaseGeometry | None = point
    if cells["wkt_sweref99tm"]:
        geom = _wkt(cells["wkt_sweref99tm"], f"{where}, kolumn wkt_sweref99tm", problems)
        if geom is None:
            return None
        if point is not None and not geom.is_empty and geom.distance(point) > ON_PLACE_M:
            problems.add(
                f"{where}: e_sweref99tm och n_sweref99tm ({_metres(point.x)}; "
                f"{_metres(point.y)}) ligger {_metres(geom.distance(point))} m från "
                "geometrin i wkt_sweref99tm, så det går inte att veta vilken du har ändrat. "
                "Töm e_sweref99tm och n_sweref99tm om du har ändrat wkt_sweref99tm, eller "
                "töm wkt_sweref99tm om du har flyttat en punkt med e_sweref99tm och "
                "n_sweref99tm."
            )
            return None
    assert geom is not None
    pairs = tuple((float(y), float(x)) for x, y in shapely.get_coordinates(geom))
    return _CsvRow(row, where, CoordinateSystem.SWEREF99TM, pairs, geom, EXPORT_COLUMNS_TEXT)


def _metres(value: float) -> str:
    """Metres to the centimetre with a decimal comma, as the export writes them."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _detect_csv_system(
    rows: Sequence[_CsvRow], name: str, problems: _Problems
) -> tuple[str | None, list[_CsvRow]]:
    """The one system the rows' numbers are in (None if mixed or none), and the rows that fit.

    Rows that fit no system, or whose column names say the other system, become problems.
    """
    found: dict[CoordinateSystem, list[int]] = {}
    fitting: list[_CsvRow] = []
    for r in rows:
        systems = {classify(first, second) for first, second in r.pairs}
        if None in systems or not systems:
            first, second = next(
                (p for p in r.pairs if classify(*p) is None), r.pairs[0] if r.pairs else (0, 0)
            )
            hint = ""
            if classify(second, first) is not None:
                hint = " Talen verkar ha bytt plats (lat och lon, eller N och E)."
            problems.add(
                f"{r.where}: koordinaten ({_num(first)}; {_num(second)}) ligger inte i Sverige i "
                f"vare sig WGS 84 (lat/lon) eller SWEREF 99 TM (N/E).{hint}"
            )
            continue
        if len(systems) > 1:
            problems.add(f"{r.where}: geometrin blandar WGS 84 och SWEREF 99 TM.")
            continue
        system = systems.pop()
        assert system is not None
        if r.claimed is not None and r.claimed is not system:
            if r.exported:
                right = "kolumnen geometri (WKT, lon lat)"
            elif system is CoordinateSystem.SWEREF99TM:
                right = "kolumnerna N och E"
            else:
                right = "kolumnerna lat och lon"
            problems.add(
                f"{r.where}: kolumnerna {r.columns} har tal som ser ut som {system.label}. "
                f"Skriv dem i {right}."
            )
            continue
        found.setdefault(system, []).append(r.row.number)
        fitting.append(r)
    if len(found) > 1:
        parts = [f"{s.label} på rad {_rows(numbers)}" for s, numbers in found.items()]
        problems.add(
            f"{name}: filen blandar koordinatsystem ({'; '.join(parts)}). Använd ett "
            "koordinatsystem i hela filen."
        )
        return None, []
    return (next(iter(found)).value if found else None), fitting


def _rows(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:8])
    return shown + (" …" if len(numbers) > 8 else "")


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _read_csv(
    data: bytes, name: str, crs: str | None, context: PlaceContext
) -> tuple[PlaceFile, _Problems]:
    table = read_table(data, name, PLACES_LIMIT)
    missing = [c for c in ("namn", "typ") if c not in table.columns]
    if missing:
        raise ImportFileError(
            f"{name}, rad 1: kolumnen {' och '.join(missing)} saknas (kolumner som finns: "
            f"{', '.join(table.columns)})."
        )
    for a, b in (("lat", "lon"), ("n", "e"), ("n_sweref99tm", "e_sweref99tm")):
        if (a in table.columns) != (b in table.columns):
            have, lack = (a, b) if a in table.columns else (b, a)
            raise ImportFileError(
                f"{name}, rad 1: kolumnen {lack.upper() if lack in 'ne' else lack} saknas "
                f"({have.upper() if have in 'ne' else have} finns)."
            )
    if not any(c in table.columns for c in ("lat", "n", "geometri", *EXPORT_GEOMETRY_COLUMNS)):
        raise ImportFileError(
            f"{name}, rad 1: koordinatkolumner saknas. Filen behöver lat och lon (WGS 84), "
            "N och E (SWEREF 99 TM) eller geometri (WKT)."
        )
    if not table.rows:
        raise ImportFileError(f"{name}: filen har rubriker men inga rader.")
    if len(table.rows) > MAX_FEATURES:
        raise ImportFileError(f"{name}: {len(table.rows)} rader; högst {MAX_FEATURES} åt gången.")
    problems = _Problems(name)
    rows = [r for r in (_csv_row(row, name, problems) for row in table.rows) if r is not None]
    if crs is not None and crs != SWEREF99TM and any(r.exported for r in rows):
        raise ImportFileError(
            f"{name}: kolumnerna {EXPORT_COLUMNS_TEXT} är alltid SWEREF 99 TM (EPSG:3006), "
            f"men {crs} valdes. Välj SWEREF 99 TM, eller låt filen avgöra."
        )
    if crs is None:
        chosen, rows = _detect_csv_system(rows, name, problems)
        reason = "upptäckt från talen"
        if rows and all(r.exported for r in rows):
            reason = "angivet i kolumnnamnet wkt_sweref99tm"
    else:
        chosen, reason = crs, "valt av användaren"
    if chosen is None:
        problems.raise_if_any()
        raise ImportFileError(f"{name}: filen har inga koordinater.")
    geographic = _is_geographic(chosen)
    sources = []
    for r in rows:
        if r.wkt is not None:
            geom: BaseGeometry = r.wkt
        else:
            first, second = r.pairs[0]
            # (lat, lon) and (N, E) both become (x, y) = (second, first).
            geom = Point(second, first)
            if geographic and r.claimed is CoordinateSystem.SWEREF99TM:
                problems.add(f"{r.where}: kolumnerna {r.columns} kan inte ha grader ({chosen}).")
                continue
        try:
            moved = to_sweref(geom, chosen)
        except Exception as exc:  # pyproj: coordinates outside the CRS
            problems.add(f"{r.where}: koordinaterna går inte att räkna om från {chosen} ({exc}).")
            continue
        sources.append(_Source(r.where, r.row.cells, moved, table.columns))
    places = _check_sources(sources, context, problems)
    return (
        PlaceFile(name, "CSV", chosen, reason, tuple(places), _ignored(table.columns)),
        problems,
    )


# -- GeoJSON ----------------------------------------------------------------------------


def _geojson_crs(document: Mapping[str, Any], name: str) -> tuple[str, str]:
    """The CRS a GeoJSON file names (old-style `crs` member), or WGS 84 by the standard."""
    member = document.get("crs")
    if not member:
        return WGS84, "GeoJSON utan angivet koordinatsystem är WGS 84"
    try:
        text = member["properties"]["name"]
    except (KeyError, TypeError):
        raise ImportFileError(f"{name}: crs-uppgiften i filen går inte att läsa.") from None
    if "CRS84" in str(text).upper():
        return WGS84, "angivet i filen"
    try:
        return normalise_crs(str(text)), "angivet i filen"
    except ImportFileError:
        raise ImportFileError(f'{name}: okänt koordinatsystem "{text}" i filen.') from None


def _load_json(data: bytes, name: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{name}: GeoJSON ska vara UTF-8, men filen är det inte.") from None
    if not text.strip():
        raise ImportFileError(f"{name}: filen är tom.")
    # json.loads recurses once per "[": a deeply nested file would crash it (found by the
    # hypothesis test in tests/integration/test_importers_fuzz.py).
    check_json_depth(text, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{name}: trasig JSON på rad {exc.lineno}, kolumn {exc.colno} ({exc.msg}). "
            "Filen är inte giltig GeoJSON."
        ) from None
    except (RecursionError, ValueError) as exc:  # e.g. a number too long to convert
        raise ImportFileError(f"{name}: filen är inte giltig GeoJSON ({exc}).") from None


def _features(document: Any, name: str) -> list[Any]:
    if not isinstance(document, dict) or document.get("type") not in (
        "FeatureCollection",
        "Feature",
    ):
        raise ImportFileError(
            f"{name}: filen är inte en GeoJSON FeatureCollection (typen saknas eller är fel)."
        )
    features = document.get("features") if document["type"] == "FeatureCollection" else [document]
    if not isinstance(features, list):
        raise ImportFileError(f'{name}: "features" ska vara en lista.')
    if not features:
        raise ImportFileError(f"{name}: filen har inga objekt (features).")
    if len(features) > MAX_FEATURES:
        raise ImportFileError(f"{name}: {len(features)} objekt; högst {MAX_FEATURES} åt gången.")
    return features


def _check_numbers_fit(
    geometries: Iterable[tuple[str, BaseGeometry]], crs: str, reason: str, name: str
) -> None:
    """Refuse a file whose numbers are plainly in the other Swedish system than its CRS."""
    if crs not in (WGS84, SWEREF99TM):
        return
    for where, geom in geometries:
        for x, y in shapely.get_coordinates(geom)[:1]:
            system = classify(float(y), float(x))
            if system is not None and system.value != crs:
                raise ImportFileError(
                    f"{where}: koordinaterna ({_num(float(x))}; {_num(float(y))}) ser ut som "
                    f"{system.label}, men filen läses som {crs_label(crs)} ({reason}). Ange "
                    f"rätt koordinatsystem (--crs {system.value}, eller välj det i appen)."
                )


def _read_geojson(
    data: bytes, name: str, crs: str | None, context: PlaceContext
) -> tuple[PlaceFile, _Problems]:
    document = _load_json(data, name)
    features = _features(document, name)
    file_crs, reason = _geojson_crs(document, name)
    if crs is not None:
        file_crs, reason = crs, "valt av användaren"
    problems = _Problems(name)
    raw: list[tuple[str, Mapping[str, Any], BaseGeometry | None]] = []
    columns: dict[str, None] = {}
    for i, feature in enumerate(features, start=1):
        where = f"{name}, objekt {i}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.add(f"{where}: är inget GeoJSON-objekt (Feature).")
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            problems.add(f"{where}: properties ska vara ett objekt.")
            continue
        values = {str(k).strip().lower(): v for k, v in props.items()}
        columns.update(dict.fromkeys(values))
        geometry = feature.get("geometry")
        if not geometry:
            raw.append((where, values, None))
            continue
        try:
            raw.append((where, values, shapely.force_2d(shapely.geometry.shape(geometry))))
        except Exception as exc:  # shapely raises several types for malformed geometry
            problems.add(f"{where}: geometrin går inte att läsa ({exc}).")
    problems.raise_if_any()
    _check_numbers_fit(((w, g) for w, _, g in raw if g is not None), file_crs, reason, name)
    sources = []
    for where, props, geom in raw:
        sources.append(_Source(where, props, None if geom is None else to_sweref(geom, file_crs)))
    places = _check_sources(sources, context, problems)
    return PlaceFile(name, "GeoJSON", file_crs, reason, tuple(places), _ignored(columns)), problems


# -- GeoPackage -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    name: str
    crs: str | None
    columns: tuple[str, ...]
    rows: list[tuple[dict[str, Any], BaseGeometry | None]]


def _python_value(value: Any) -> Any:
    """numpy/pandas scalars as plain Python values; NaN/NA as None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas ships with geopandas
        pass
    return value


def _gpkg_layers(data: bytes, name: str) -> tuple[list[_Layer], tuple[str, ...]]:
    """Every layer with geometry, read through pyogrio from a temporary .gpkg file, and the
    spatial layers left unread.

    A data export (it has the table `om_exporten`) is read from its `platser` layer only:
    its activities, plans and grid cells are not places.
    """
    import geopandas as gpd
    import pyogrio
    from pyogrio.errors import DataSourceError

    if not data.strip(b"\x00 \n"):
        raise ImportFileError(f"{name}: filen är tom.")
    with tempfile.TemporaryDirectory(prefix="lofteskartan-") as folder:
        path = Path(folder) / "import.gpkg"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                listed = pyogrio.list_layers(path)
        except DataSourceError:
            raise ImportFileError(f"{name}: filen går inte att läsa som GeoPackage.") from None
        spatial = [str(layer) for layer, geometry_type in listed if geometry_type]
        if not spatial:
            raise ImportFileError(f"{name}: filen har inga lager med geometri.")
        skipped: tuple[str, ...] = ()
        if EXPORT_ABOUT_LAYER in {str(layer) for layer, _ in listed} and (
            EXPORT_PLACES_LAYER in spatial
        ):
            skipped = tuple(layer for layer in spatial if layer != EXPORT_PLACES_LAYER)
            spatial = [EXPORT_PLACES_LAYER]
        layers = []
        for layer in spatial:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                frame = gpd.read_file(path, layer=layer, engine="pyogrio")
            fields = [c for c in frame.columns if c != frame.geometry.name]
            columns = tuple(str(c).strip().lower() for c in fields)
            rows = []
            for record, geom in zip(
                frame[fields].to_dict(orient="records"), frame.geometry, strict=True
            ):
                values = {str(k).strip().lower(): _python_value(v) for k, v in record.items()}
                rows.append((values, None if geom is None else shapely.force_2d(geom)))
            layers.append(_Layer(layer, _crs_of(frame.crs), columns, rows))
    return layers, skipped


def _read_gpkg(
    data: bytes, name: str, crs: str | None, context: PlaceContext
) -> tuple[PlaceFile, _Problems]:
    problems = _Problems(name)
    layer_kinds = {layer: kind for kind, layer in GPKG_LAYERS.items()}
    sources: list[_Source] = []
    raw: list[tuple[str, BaseGeometry]] = []
    used: dict[str, None] = {}
    columns: dict[str, None] = {}
    count = 0
    layers, skipped = _gpkg_layers(data, name)
    for layer in layers:
        layer_crs = crs or layer.crs
        if layer_crs is None:
            raise ImportFileError(
                f"{name}, lager {layer.name}: koordinatsystem saknas i filen. Ange det med "
                "--crs EPSG:NNNN (eller välj det i appen)."
            )
        used[layer_crs] = None
        count += len(layer.rows)
        if count > MAX_FEATURES:
            raise ImportFileError(f"{name}: mer än {MAX_FEATURES} objekt; dela upp filen.")
        for i, (values, geom) in enumerate(layer.rows, start=1):
            where = f"{name}, lager {layer.name}, objekt {i}"
            columns.update(dict.fromkeys(values))
            if not values.get("typ") and layer.name in layer_kinds:
                values["typ"] = layer_kinds[layer.name].value
            if geom is not None and not geom.is_empty:
                raw.append((where, geom))
            moved = None if geom is None else to_sweref(geom, layer_crs)
            sources.append(_Source(where, values, moved, layer.columns))
    if count == 0:
        raise ImportFileError(f"{name}: filen har inga objekt.")
    reason = "valt av användaren" if crs else "angivet i filen"
    if len(used) == 1:
        _check_numbers_fit(raw, next(iter(used)), reason, name)
    places = _check_sources(sources, context, problems)
    file_crs = next(iter(used)) if len(used) == 1 else ", ".join(used)
    return (
        PlaceFile(name, "GeoPackage", file_crs, reason, tuple(places), _ignored(columns), skipped),
        problems,
    )


# -- public: read -----------------------------------------------------------------------


def file_format(name: str) -> str:
    """The format ("CSV", "GeoJSON" or "GeoPackage") from a file name's suffix."""
    suffix = Path(name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "CSV"
    if suffix in GEOJSON_SUFFIXES:
        return "GeoJSON"
    if suffix in GPKG_SUFFIXES:
        return "GeoPackage"
    raise ImportFileError(
        f"{name}: okänt filformat. Platser kan läsas från .csv, .geojson/.json och .gpkg."
    )


def read_places(
    data: bytes, name: str, crs: str | None = None, context: PlaceContext | None = None
) -> PlaceFile:
    """Read and check every place in a file; nothing is written.

    Parameters
    ----------
    data : the file's bytes.
    name : the file name (its suffix picks the format; it names the file in messages).
    crs : "EPSG:NNNN" to use instead of the detected or stated CRS.
    context : kommun boundaries and tätorter for warnings; default: no kommun check.

    Returns
    -------
    PlaceFile
        The places in EPSG:3006, the CRS used and why, warnings per row.

    Raises
    ------
    ImportFileError
        The file is larger than `PLACES_LIMIT` (checked first, for every format: GeoJSON
        and GeoPackage too), cannot be read, or any row is wrong (all such rows are named).
    """
    fmt = file_format(name)
    PLACES_LIMIT.check(len(data), name)
    context = context or PlaceContext()
    chosen = normalise_crs(crs) if crs else None
    reader = {"CSV": _read_csv, "GeoJSON": _read_geojson, "GeoPackage": _read_gpkg}[fmt]
    result, problems = reader(data, name, chosen, context)
    problems.raise_if_any()
    return result


# -- saving: new places, and stored ones found by an export's id ------------------------


def _same_geometry(a: BaseGeometry, b: BaseGeometry) -> bool:
    """The same shape to the centimetre (what a round trip through any export keeps)."""
    return a.geom_type == b.geom_type and bool(shapely.equals_exact(a, b, tolerance=CENTIMETRE))


def _same_place(a: Place, b: Place) -> bool:
    return (
        a.kind is b.kind
        and a.name.strip().casefold() == b.name.strip().casefold()
        and _same_geometry(a.geometry, b.geometry)
    )


class Change(enum.StrEnum):
    """What importing one row does to the store."""

    NEW = "ny"
    CHANGED = "ändras"
    RETIRE = "avvecklas"
    SAME = "finns redan"
    RETIRED_IN_FILE = "avvecklad i filen, läggs inte till"


@dataclass(frozen=True)
class PlannedPlace:
    """One row and what importing it does: `place` is what will be stored (NEW, CHANGED,
    RETIRE) or what already is (SAME); `fields` names what changes ("namn", "geometri",
    "hastighet", ...)."""

    item: ImportedPlace
    change: Change
    place: Place
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportPlan:
    """What importing a checked file will do, row by row, before anything is written."""

    rows: tuple[PlannedPlace, ...] = field(default_factory=tuple)

    def of(self, change: Change) -> list[PlannedPlace]:
        """The rows with this change."""
        return [r for r in self.rows if r.change is change]

    def describe(self) -> str:
        """In one Swedish line: "2 nya, 1 ändras (id 4: namn), 3 finns redan"."""
        parts = []
        for change in Change:
            rows = self.of(change)
            if not rows:
                continue
            text = f"{len(rows)} {change.value}"
            if change in (Change.CHANGED, Change.RETIRE):
                shown = [
                    f"id {r.place.id}" + (f": {', '.join(r.fields)}" if r.fields else "")
                    for r in rows[:5]
                ]
                text += f" ({'; '.join(shown)}{' …' if len(rows) > 5 else ''})"
            parts.append(text)
        return ", ".join(parts) if parts else "ingenting"


def _comparable(value: Any) -> Any:
    """An attribute value in a form that compares equal across formats (lists vs tuples)."""
    if isinstance(value, list | tuple):
        return tuple(parse_stops(value))
    return value


def _merge(stored: Place, item: ImportedPlace) -> tuple[Place, tuple[str, ...]]:
    """The stored place with the row's values, and the names of the fields that changed.

    A column the file does not have keeps the stored value (a hand-made file without
    `klassning` must not make a sekretess place intern); an empty cell empties the field.
    A geometry within a centimetre of the stored one keeps the stored one, so a round trip
    through a file that rounds to the centimetre changes nothing.
    """
    new, given = item.place, item.given
    classification = new.classification if "klassning" in given else stored.classification
    note = new.note if "anteckning" in given else stored.note
    attributes = dict(stored.attributes)
    for spec in ATTRIBUTES[stored.kind]:
        if spec.key not in given:
            continue
        if spec.key in new.attributes:
            attributes[spec.key] = new.attributes[spec.key]
        else:
            attributes.pop(spec.key, None)
    same_shape = _same_geometry(stored.geometry, new.geometry)
    merged = replace(
        stored,
        name=new.name,
        classification=classification,
        note=note,
        attributes=attributes,
        geometry=stored.geometry if same_shape else new.geometry,
    )
    fields = [
        label
        for label, before, after in (
            ("namn", stored.name, merged.name),
            ("klassning", stored.classification, merged.classification),
            ("anteckning", stored.note, merged.note),
        )
        if before != after
    ]
    for spec in ATTRIBUTES[stored.kind]:
        before = _comparable(stored.attributes.get(spec.key))
        if before != _comparable(merged.attributes.get(spec.key)):
            fields.append(spec.key)
    if not same_shape:
        fields.append("geometri")
    return merged, tuple(fields)


def _plan_stored(item: ImportedPlace, stored: Place, problems: _Problems) -> PlannedPlace | None:
    """What a row with the `id` of a stored place does to it; None (a problem) if refused."""
    where, file_id = item.where, item.file_id
    if stored.kind is not item.place.kind:
        problems.add(
            f'{where}: id {file_id} är {stored.kind.value} "{stored.name}" i Löfteskartan, '
            f"men raden är {item.place.kind.value}. En plats kan inte byta typ; töm id för "
            "att lägga till en ny plats."
        )
        return None
    merged, fields = _merge(stored, item)
    retire = item.retired if "ur_bruk" in item.given else stored.is_retired
    if stored.is_retired:
        if fields or not retire:
            problems.add(
                f'{where}: platsen id {file_id} ("{stored.name}") är avvecklad och kan inte '
                "ändras eller tas i bruk igen genom import. Ta bort raden, eller töm id för "
                "att lägga till en ny plats."
            )
            return None
        return PlannedPlace(item, Change.SAME, stored)
    if not fields and not retire:
        return PlannedPlace(item, Change.SAME, stored)
    if "namn" in fields and "geometri" in fields:
        # An id from another database would match an unrelated place: refuse rather than
        # overwrite it. One import can rename or move a place, not both.
        problems.add(
            f'{where}: id {file_id} är "{stored.name}" på ett annat ställe i Löfteskartan; '
            "raden har både nytt namn och ny geometri. Kommer filen från en annan databas? "
            "Töm id-kolumnen för att lägga till platserna som nya, eller ändra namn och "
            "geometri i två omgångar."
        )
        return None
    if item.file_version is not None and item.file_version != stored.version:
        problems.add(
            f'{where}: platsen id {file_id} ("{stored.name}") har ändrats i Löfteskartan '
            f"efter exporten (version {item.file_version} i filen, {stored.version} nu). "
            "Exportera platserna på nytt och gör ändringen där."
        )
        return None
    return PlannedPlace(item, Change.RETIRE if retire else Change.CHANGED, merged, fields)


def plan_import(session: Session, places: Sequence[ImportedPlace], name: str) -> ImportPlan:
    """What importing the checked places will do; nothing is written.

    A row whose `id` is a stored place changes that place (only the fields that differ;
    `ur_bruk` = ja retires it); a row without `id`, or whose `id` is not in this database,
    is a new place unless the same place (kind, name and geometry to the centimetre) is
    already stored. Rows marked `ur_bruk` = ja are never added.

    Raises
    ------
    ImportFileError
        Rows that cannot be applied (another kind under the same id, a retired place
        changed, a new name and a new geometry at once, a place saved after the export),
        all named at once.
    """
    problems = _Problems(name)
    stored = {p.id: p for p in session.list_places(include_retired=True) if p.id is not None}
    planned: dict[int, PlannedPlace] = {}
    for index, item in enumerate(places):
        match = stored.get(item.file_id) if item.file_id is not None else None
        if match is not None:
            row = _plan_stored(item, match, problems)
            if row is not None:
                planned[index] = row
    # New places are compared with what the store will hold, renamed places included.
    after = {p.id: p for p in stored.values() if not p.is_retired}
    for row in planned.values():
        if row.change is Change.CHANGED:
            after[row.place.id] = row.place
        elif row.change is Change.RETIRE:
            after.pop(row.place.id, None)
    added: list[Place] = []
    for index, item in enumerate(places):
        if index in planned or (item.file_id is not None and item.file_id in stored):
            continue
        if item.retired:
            planned[index] = PlannedPlace(item, Change.RETIRED_IN_FILE, item.place)
            continue
        same = next((p for p in [*after.values(), *added] if _same_place(item.place, p)), None)
        if same is not None:
            planned[index] = PlannedPlace(item, Change.SAME, same)
            continue
        added.append(item.place)
        planned[index] = PlannedPlace(item, Change.NEW, item.place)
    problems.raise_if_any()
    return ImportPlan(tuple(planned[i] for i in sorted(planned)))


def save_places(
    session: Session, places: Sequence[ImportedPlace], name: str = "Filen"
) -> SaveResult:
    """Apply `plan_import` in the session's one unit of work: add the new places, change
    and retire the stored ones the file names by `id`, and leave the rest.

    Importing the same file twice changes nothing the second time. `name` names the file
    in messages. Raises ImportFileError (nothing written) when any row cannot be applied.
    """
    plan = plan_import(session, places, name)
    added: list[Place] = []
    updated: list[Place] = []
    retired: list[Place] = []
    for row in plan.rows:
        if row.change is Change.NEW:
            added.append(session.add_place(row.place))
        elif row.change is Change.CHANGED:
            updated.append(session.update_place(row.place))
        elif row.change is Change.RETIRE:
            place = session.update_place(row.place) if row.fields else row.place
            retired.append(session.retire_place(place.id or 0, place.version))
    return SaveResult(
        tuple(added),
        tuple(r.item.where for r in plan.of(Change.SAME)),
        tuple(updated),
        tuple(retired),
        tuple(r.item.where for r in plan.of(Change.RETIRED_IN_FILE)),
    )


# -- export -----------------------------------------------------------------------------


def place_properties(place: Place, all_columns: bool = False) -> dict[str, Any]:
    """A place's properties under the import's names (`namn`, `typ`, `väg`, ...).

    `all_columns` gives every attribute of the kind, empty ones as None (a table layer);
    otherwise only filled ones (GeoJSON).
    """
    props: dict[str, Any] = {
        "id": place.id,
        "version": place.version,
        "namn": place.name,
        "typ": place.kind.value,
        "klassning": place.classification.value,
        "anteckning": place.note,
    }
    for spec in ATTRIBUTES[place.kind]:
        value = place.attributes.get(spec.key)
        if value is None and not all_columns:
            continue
        props[spec.key] = value
    return props


def _write_geojson(places: Sequence[Place], path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": place_properties(p),
            # Full double precision: the round trip through degrees keeps the centimetre.
            "geometry": shapely.geometry.mapping(to_wgs84(p.geometry)),
        }
        for p in places
    ]
    document = {"type": "FeatureCollection", "name": "platser", "features": features}
    _write_atomically(path, json.dumps(document, ensure_ascii=False).encode("utf-8"))


def _write_gpkg(places: Sequence[Place], path: Path) -> None:
    import geopandas as gpd
    import pandas as pd

    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".lofteskartan-") as folder:
        tmp = Path(folder) / "export.gpkg"
        for kind, layer in GPKG_LAYERS.items():
            chosen = [p for p in places if p.kind is kind]
            if not chosen:
                continue
            rows = [place_properties(p, all_columns=True) for p in chosen]
            for row in rows:
                for spec in ATTRIBUTES[kind]:
                    if spec.type is ValueType.STOPS and row.get(spec.key) is not None:
                        row[spec.key] = format_stops(row[spec.key])
            frame = pd.DataFrame(rows)
            for spec in ATTRIBUTES[kind]:
                if spec.type is ValueType.SPEED:
                    frame[spec.key] = frame[spec.key].astype("Int64")
                elif spec.type is ValueType.WEIGHT:
                    frame[spec.key] = frame[spec.key].astype("Float64")
                else:
                    frame[spec.key] = frame[spec.key].astype("string")
            frame["id"] = frame["id"].astype("Int64")
            frame["version"] = frame["version"].astype("Int64")
            gdf = gpd.GeoDataFrame(frame, geometry=[p.geometry for p in chosen], crs=SWEREF99TM)
            # GeoPackage 1.2 so older GDAL (QGIS LTR, ogrinfo 3.6) reads it without warnings.
            gdf.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio", VERSION="1.2")
        if not tmp.exists():
            raise ValidationError("Det finns inga platser att exportera.")
        # GDAL creates with 0644 minus the umask; a places file holds sekretess places.
        os.chmod(tmp, PRIVATE_FILE_MODE)
        os.replace(tmp, path)


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".lofteskartan-", delete=False) as f:
        f.write(data)
    os.replace(f.name, path)


def export_places(places: Sequence[Place], path: Path) -> int:
    """Write places to GeoPackage (EPSG:3006, one layer per kind) or GeoJSON (WGS 84).

    The property names are the import's, so the file can be imported again. The file is
    replaced only when writing succeeded. Returns the number of places written.
    """
    fmt = file_format(path.name)
    if fmt == "CSV":
        raise ValidationError(f"{path.name}: exportera till .gpkg eller .geojson.")
    if not places:
        raise ValidationError("Det finns inga platser att exportera.")
    if not path.parent.is_dir():
        raise ValidationError(f"Mappen {path.parent} finns inte.")
    if fmt == "GeoJSON":
        _write_geojson(places, path)
    else:
        _write_gpkg(places, path)
    return len(places)


__all__ = [
    "Change",
    "ImportPlan",
    "ImportedPlace",
    "PlaceFile",
    "PlannedPlace",
    "SaveResult",
    "export_places",
    "file_format",
    "normalise_crs",
    "place_properties",
    "plan_import",
    "read_places",
    "save_places",
]
