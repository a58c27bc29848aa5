"""Import places from CSV (as Swedish Excel writes it), GeoJSON and GeoPackage; export them.

One vocabulary for every format (see README, "Importera platser"): `namn`, `typ`,
`klassning`, `anteckning` and the kind's own attributes (`väg`, `hastighet`, ...). CSV rows
give coordinates as `lat` + `lon` (WGS 84) or `N` + `E` (SWEREF 99 TM), or a `geometri`
column in WKT; GeoJSON and GeoPackage carry their own geometry and CRS.

Everything is read and checked before anything is written (`read_places`), and the writing
is one transaction (`save_places`): a bad file imports nothing, and the message names each
row or feature and what is wrong with it. The CRS of a CSV file is detected from the
numbers and shown to the user before importing; `crs=` overrides it (the command line's
`--crs EPSG:NNNN`).
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.coords import CoordinateSystem, classify
from geo.crs import SWEREF99TM, WGS84, to_sweref, to_wgs84
from geo.errors import ImportFileError, LofteskartanError, ValidationError
from geo.limits import check_json_depth
from geo.models import Place, PlaceKind
from geo.places import (
    ALL_ATTRIBUTE_KEYS,
    ATTRIBUTES,
    PlaceContext,
    PlaceInput,
    ValueType,
    build_place,
    format_stops,
    parse_kind,
    validate_place,
)
from geo.store import Session
from geo.tabular import Row, parse_number, read_table

# How many row problems one message lists before it says "and N more".
MAX_LISTED_ERRORS = 20
MAX_FEATURES = 10_000
COMMON_COLUMNS = ("namn", "typ", "klassning", "anteckning")
COORDINATE_COLUMNS = ("lat", "lon", "n", "e", "geometri")
# Columns the exporter writes that the importer reads past on purpose.
IGNORED_QUIETLY = ("id", "fid")
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
    """One checked place from a file, with where it came from and any warnings."""

    where: str
    place: Place
    warnings: tuple[str, ...] = ()


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

    @property
    def crs_label(self) -> str:
        """The CRS in words ("SWEREF 99 TM (N/E, meter)")."""
        return crs_label(self.crs)

    @property
    def warnings(self) -> list[str]:
        """Every warning, each prefixed with its row or feature."""
        return [f"{p.where}: {w}" for p in self.places for w in p.warnings]


@dataclass(frozen=True)
class SaveResult:
    """What `save_places` wrote: the new places, and the rows that were already stored."""

    added: tuple[Place, ...]
    already_stored: tuple[str, ...]


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
    """One row or feature: where it is, its values (lower-case keys), its EPSG:3006 geometry."""

    where: str
    values: Mapping[str, Any]
    geometry: BaseGeometry | None


def _check_sources(
    sources: Iterable[_Source], context: PlaceContext, problems: _Problems
) -> list[ImportedPlace]:
    """Build and check a place from every source; problems are collected, not raised."""
    out = []
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
        except ValidationError as exc:
            problems.add(str(exc))
            continue
        out.append(ImportedPlace(source.where, place, tuple(warnings_)))
    return out


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _ignored(columns: Iterable[str]) -> tuple[str, ...]:
    known = {*COMMON_COLUMNS, *COORDINATE_COLUMNS, *ALL_ATTRIBUTE_KEYS, *IGNORED_QUIETLY}
    return tuple(c for c in columns if c not in known and c not in ("geometry", "geom"))


# -- CSV --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvRow:
    """A CSV row's coordinates before the CRS is decided."""

    row: Row
    where: str
    claimed: CoordinateSystem | None  # what the column names say (lat/lon or N/E)
    pairs: tuple[tuple[float, float], ...]  # (lat, lon) / (N, E) / (y, x) of WKT
    wkt: BaseGeometry | None


def _csv_row(row: Row, name: str, problems: _Problems) -> _CsvRow | None:
    """Read one row's coordinates (numbers or WKT); None when they cannot be read."""
    where = f"{name}, rad {row.number}"
    given = {c: row.get(c) for c in COORDINATE_COLUMNS}
    pairs_given = [
        (cols, system)
        for cols, system in (
            (("lat", "lon"), CoordinateSystem.WGS84),
            (("n", "e"), CoordinateSystem.SWEREF99TM),
        )
        if any(given[c] for c in cols)
    ]
    ways = len(pairs_given) + bool(given["geometri"])
    if ways == 0:
        problems.add(f"{where}: koordinater saknas (fyll i lat och lon, N och E, eller geometri).")
        return None
    if ways > 1:
        problems.add(
            f"{where}: raden har koordinater på flera sätt (lat/lon, N/E, geometri); "
            "fyll i bara ett."
        )
        return None
    if given["geometri"]:
        try:
            geom = shapely.from_wkt(given["geometri"])
        except shapely.errors.ShapelyError as exc:
            problems.add(f"{where}, kolumn geometri: går inte att läsa som WKT ({exc}).")
            return None
        coords = shapely.get_coordinates(geom)
        pairs = tuple((float(y), float(x)) for x, y in coords)
        return _CsvRow(row, where, None, pairs, geom)
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
    return _CsvRow(row, where, claimed, ((numbers[0], numbers[1]),), None)


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
            columns = "lat och lon" if r.claimed is CoordinateSystem.WGS84 else "N och E"
            right = "N och E" if system is CoordinateSystem.SWEREF99TM else "lat och lon"
            problems.add(
                f"{r.where}: kolumnerna {columns} har tal som ser ut som {system.label}. "
                f"Skriv dem i kolumnerna {right}."
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
    table = read_table(data, name)
    missing = [c for c in ("namn", "typ") if c not in table.columns]
    if missing:
        raise ImportFileError(
            f"{name}, rad 1: kolumnen {' och '.join(missing)} saknas (kolumner som finns: "
            f"{', '.join(table.columns)})."
        )
    for a, b in (("lat", "lon"), ("n", "e")):
        if (a in table.columns) != (b in table.columns):
            have, lack = (a, b) if a in table.columns else (b, a)
            raise ImportFileError(
                f"{name}, rad 1: kolumnen {lack.upper() if lack in 'ne' else lack} saknas "
                f"({have.upper() if have in 'ne' else have} finns)."
            )
    if not any(c in table.columns for c in ("lat", "n", "geometri")):
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
    if crs is None:
        chosen, rows = _detect_csv_system(rows, name, problems)
        reason = "upptäckt från talen"
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
                problems.add(f"{r.where}: kolumnerna N och E kan inte ha grader ({chosen}).")
                continue
        try:
            moved = to_sweref(geom, chosen)
        except Exception as exc:  # pyproj: coordinates outside the CRS
            problems.add(f"{r.where}: koordinaterna går inte att räkna om från {chosen} ({exc}).")
            continue
        sources.append(_Source(r.where, r.row.cells, moved))
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


def _gpkg_layers(data: bytes, name: str) -> Iterator[_Layer]:
    """Every layer with geometry, read through pyogrio from a temporary .gpkg file."""
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
        for layer in spatial:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                frame = gpd.read_file(path, layer=layer, engine="pyogrio")
            columns = [c for c in frame.columns if c != frame.geometry.name]
            rows = []
            for record, geom in zip(
                frame[columns].to_dict(orient="records"), frame.geometry, strict=True
            ):
                values = {str(k).strip().lower(): _python_value(v) for k, v in record.items()}
                rows.append((values, None if geom is None else shapely.force_2d(geom)))
            yield _Layer(layer, _crs_of(frame.crs), rows)


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
    for layer in _gpkg_layers(data, name):
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
            sources.append(_Source(where, values, moved))
    if count == 0:
        raise ImportFileError(f"{name}: filen har inga objekt.")
    reason = "valt av användaren" if crs else "angivet i filen"
    if len(used) == 1:
        _check_numbers_fit(raw, next(iter(used)), reason, name)
    places = _check_sources(sources, context, problems)
    file_crs = next(iter(used)) if len(used) == 1 else ", ".join(used)
    return (
        PlaceFile(name, "GeoPackage", file_crs, reason, tuple(places), _ignored(columns)),
        problems,
    )


# -- public: read, save, import, export -------------------------------------------------


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
        The file cannot be read, or any row is wrong (all such rows are named).
    """
    fmt = file_format(name)
    context = context or PlaceContext()
    chosen = normalise_crs(crs) if crs else None
    reader = {"CSV": _read_csv, "GeoJSON": _read_geojson, "GeoPackage": _read_gpkg}[fmt]
    result, problems = reader(data, name, chosen, context)
    problems.raise_if_any()
    return result


def _same_place(a: Place, b: Place) -> bool:
    return (
        a.kind is b.kind
        and a.name.strip().casefold() == b.name.strip().casefold()
        and a.geometry.geom_type == b.geometry.geom_type
        and bool(shapely.equals_exact(a.geometry, b.geometry, tolerance=0.01))
    )


def save_places(session: Session, places: Sequence[ImportedPlace]) -> SaveResult:
    """Add the places in one unit of work; a place already stored (same kind, name and
    geometry to the centimetre) is skipped, so importing a file twice adds nothing."""
    stored = session.list_places()
    added: list[Place] = []
    skipped: list[str] = []
    for item in places:
        if any(_same_place(item.place, other) for other in [*stored, *added]):
            skipped.append(item.where)
            continue
        added.append(session.add_place(item.place))
    return SaveResult(tuple(added), tuple(skipped))


# -- export -----------------------------------------------------------------------------


def place_properties(place: Place, all_columns: bool = False) -> dict[str, Any]:
    """A place's properties under the import's names (`namn`, `typ`, `väg`, ...).

    `all_columns` gives every attribute of the kind, empty ones as None (a table layer);
    otherwise only filled ones (GeoJSON).
    """
    props: dict[str, Any] = {
        "id": place.id,
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
            gdf = gpd.GeoDataFrame(frame, geometry=[p.geometry for p in chosen], crs=SWEREF99TM)
            # GeoPackage 1.2 so older GDAL (QGIS LTR, ogrinfo 3.6) reads it without warnings.
            gdf.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio", VERSION="1.2")
        if not tmp.exists():
            raise ValidationError("Det finns inga platser att exportera.")
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
    "ImportedPlace",
    "PlaceFile",
    "SaveResult",
    "export_places",
    "file_format",
    "normalise_crs",
    "place_properties",
    "read_places",
    "save_places",
]
