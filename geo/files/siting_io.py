"""Read demand and candidate files for site suggestions: GeoPackage, GeoJSON and CSV.

CSV files are read by geo/files/tabular.py, the reader every import shares: Swedish Excel's
dialect (`;` or `,`, decimal comma, UTF-8 with or without BOM, or Windows-1252), row numbers
as Excel shows them (the header is row 1), the size and file-kind checks of geo/files/limits.py,
and the same messages as the place import for what is wrong with the file itself. Messages
name the file, the row or feature and the column.

CSV columns (names in any case): `lat` + `lon` (WGS 84 degrees) or `n` + `e` (SWEREF 99 TM
metres), optional `vikt` (a number, 1 when empty) and optional `namn`. GeoPackage and
GeoJSON: any geometry with a CRS; an optional `vikt` property.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError
from geo.files.limits import SITING_LIMIT
from geo.files.tabular import Row, parse_number, read_table
from geo.files.vectors import read_layer, upload_on_disk
from geo.planning.siting import Candidate, DemandLayer
from geo.planning.siting_inputs import DEMAND_SPACING_M, layer_from_geometries, road_candidates
from geo.spatial.crs import SWEREF99TM, lonlat_to_sweref

SUFFIXES = (".csv", ".gpkg", ".geojson", ".json")
_LAT = ("lat", "latitud", "latitude")
_LON = ("lon", "long", "lng", "longitud", "longitude")
_NORTH = ("n", "nord", "northing", "n_sweref99tm", "y_sweref99tm")
_EAST = ("e", "öst", "ost", "easting", "e_sweref99tm", "x_sweref99tm")
# Sweden with a margin, to catch swapped columns and the wrong system.
_LAT_RANGE, _LON_RANGE = (54.5, 69.5), (10.0, 24.5)
_NORTH_RANGE, _EAST_RANGE = (6_100_000.0, 7_700_000.0), (180_000.0, 1_000_000.0)


@dataclass(frozen=True)
class Feature:
    """One row or feature: where it is in the file (for messages), properties, geometry."""

    where: str
    properties: dict[str, Any]
    geometry: BaseGeometry


def _column(columns: list[str], names: tuple[str, ...]) -> str | None:
    return next((c for c in columns if c in names), None)


def _check_range(value: float, bounds: tuple[float, float], where: str, what: str) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise ImportFileError(
            f"{where}: {what} {value:g} ligger inte i Sverige (väntat {bounds[0]:g}–{bounds[1]:g};"
            " har kolumnerna bytt plats?)."
        )


def read_csv(data: bytes, name: str) -> list[Feature]:
    """Points from a Swedish Excel CSV with lat/lon or N/E columns (EPSG:3006).

    Raises ImportFileError naming the file, the row (the header is row 1) and the column.
    """
    table = read_table(data, name, SITING_LIMIT)
    columns = list(table.columns)
    lat, lon = _column(columns, _LAT), _column(columns, _LON)
    north, east = _column(columns, _NORTH), _column(columns, _EAST)
    if not (lat and lon) and not (north and east):
        raise ImportFileError(
            f"{name}, rad 1: kolumner för koordinater saknas. Ange lat och lon (WGS 84) "
            f"eller n och e (SWEREF 99 TM). Filen har: {', '.join(columns)}."
        )
    features = []
    for row in table.rows:
        where = f"{name}, rad {row.number}"

        def number_in(column: str, where: str = where, row: Row = row) -> float:
            value = row.get(column)
            if not value:
                raise ImportFileError(f"{where}, kolumn {column}: värde saknas.")
            return parse_number(value, f"{where}, kolumn {column}")

        if lat and lon:
            la, lo = number_in(lat), number_in(lon)
            _check_range(la, _LAT_RANGE, where, "latituden")
            _check_range(lo, _LON_RANGE, where, "longituden")
            point = Point(*lonlat_to_sweref(lo, la))
        else:
            assert north and east
            n, e = number_in(north), number_in(east)
            _check_range(n, _NORTH_RANGE, where, "N")
            _check_range(e, _EAST_RANGE, where, "E")
            point = Point(e, n)
        features.append(Feature(where, {c: row.get(c) for c in columns}, point))
    return features


def read_vector(data: bytes, name: str) -> list[Feature]:
    """Features of a GeoPackage or GeoJSON file, projected to EPSG:3006."""
    with upload_on_disk(data, name, SITING_LIMIT) as path:
        frame = read_layer(path, name)
    if frame.crs is None:
        raise ImportFileError(f"{name}: filen saknar koordinatsystem.")
    frame = frame.to_crs(SWEREF99TM)
    features = []
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for i, (geom, row) in enumerate(
        zip(frame.geometry, frame[columns].to_dict("records"), strict=True), start=1
    ):
        where = f"{name}, objekt {i}"
        if geom is None or geom.is_empty:
            raise ImportFileError(f"{where}: saknar geometri.")
        props = {str(k).lower(): v for k, v in row.items()}
        features.append(Feature(where, props, geom))
    return features


def read_features(source: bytes | Path, name: str | None = None) -> list[Feature]:
    """Rows or features of a CSV, GeoPackage or GeoJSON file (by its suffix), in EPSG:3006.

    Parameters
    ----------
    source : the file's bytes (an upload) or its path.
    name : the file name for the suffix and messages (default: the path's name).
    """
    if isinstance(source, Path):
        name = name or source.name
        data = SITING_LIMIT.read(source)  # refused from os.stat before it is read
    else:
        data = source
    name = name or "filen"
    SITING_LIMIT.check(len(data), name)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(
            f"{name}: okänd filtyp. Använd CSV, GeoPackage (.gpkg) eller GeoJSON (.geojson)."
        )
    if suffix == ".csv":
        return read_csv(data, name)
    return read_vector(data, name)


def _vikt(feature: Feature) -> float:
    """A feature's `vikt` (1 when absent or empty); refused when negative or not a number."""
    value = feature.properties.get("vikt")
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return 1.0
    if isinstance(value, bool):
        raise ImportFileError(f'{feature.where}, vikt: "{value}" är inget tal.')
    number = (
        float(value)
        if isinstance(value, int | float)
        else parse_number(str(value), f"{feature.where}, vikt")
    )
    if not math.isfinite(number) or number < 0:
        raise ImportFileError(f"{feature.where}, vikt: {value} ska vara noll eller större.")
    return number


def read_demand(
    source: bytes | Path,
    name: str | None = None,
    layer_weight: float = 1.0,
    spacing: float = DEMAND_SPACING_M,
) -> DemandLayer:
    """A demand layer from a file: points with their `vikt`; lines and areas share theirs.

    Raises ImportFileError naming the row or feature when anything is wrong.
    """
    features = read_features(source, name)
    label = name or (source.name if isinstance(source, Path) else "fil")
    if not features:
        raise ImportFileError(f"{label}: filen har inga rader eller objekt.")
    items = [(f.geometry, _vikt(f)) for f in features]
    return layer_from_geometries(label, items, layer_weight, spacing)


def read_candidates(
    source: bytes | Path, name: str | None = None, spacing: float = 250.0
) -> list[Candidate]:
    """Candidate sites from a file: points as they are, roads (lines) every `spacing` metres.

    A point's name is its `namn` (or `name`) column, else "<file> rad/objekt N". Areas are
    refused: a control site is a point on a road.
    """
    features = read_features(source, name)
    label = name or (source.name if isinstance(source, Path) else "fil")
    if not features:
        raise ImportFileError(f"{label}: filen har inga rader eller objekt.")
    stem = Path(label).stem
    out: list[Candidate] = []
    roads: list[tuple[str, BaseGeometry]] = []
    for f in features:
        title = str(f.properties.get("namn") or f.properties.get("name") or "").strip()
        kind = f.geometry.geom_type
        if kind == "Point":
            out.append(
                Candidate(f"{stem}:{len(out) + 1}", title or f.where, f.geometry.x, f.geometry.y)
            )
        elif kind in ("LineString", "MultiLineString"):
            roads.append((title or f.where, f.geometry))
        else:
            raise ImportFileError(
                f"{f.where}: {kind} kan inte vara en kontrollplats; använd punkter eller "
                "vägar (linjer)."
            )
    return out + road_candidates(roads, spacing, prefix=f"{stem}-väg")
