"""Places from CSV (as Swedish Excel writes it): coordinates as lat/lon, N/E or WKT.

The CRS of a CSV file is detected from the numbers (`geo.spatial.coords.classify`) and shown
to the user before importing; a data export's `wkt_sweref99tm` column is read as SWEREF 99 TM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError, LofteskartanError
from geo.files.crs import is_geographic
from geo.files.limits import PLACES_LIMIT
from geo.files.place_rows import (
    COORDINATE_COLUMNS,
    EXPORT_COLUMNS_TEXT,
    EXPORT_GEOMETRY_COLUMNS,
    MAX_FEATURES,
    ON_PLACE_M,
    PlaceFile,
    Problems,
    Source,
    check_sources,
    number_text,
    unread_columns,
)
from geo.files.tabular import Row, parse_number, read_table
from geo.records.places import (
    PlaceContext,
)
from geo.spatial.coords import CoordinateSystem, classify
from geo.spatial.crs import SWEREF99TM, to_sweref
from geo.swedish import count

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


def _csv_row(row: Row, name: str, problems: Problems) -> _CsvRow | None:
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


def _wkt(text: str, where: str, problems: Problems) -> BaseGeometry | None:
    """A WKT cell as a geometry; None (and a problem) when it cannot be read."""
    try:
        return shapely.from_wkt(text)
    except shapely.errors.ShapelyError as exc:
        problems.add(f"{where}: går inte att läsa som WKT ({exc}).")
        return None


def _exported_csv_row(
    row: Row, where: str, cells: Mapping[str, str], problems: Problems
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
    rows: Sequence[_CsvRow], name: str, problems: Problems
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
                f"{r.where}: koordinaten ({number_text(first)}; {number_text(second)}) "
                "ligger inte i Sverige i "
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


def _read_csv(
    data: bytes, name: str, crs: str | None, context: PlaceContext
) -> tuple[PlaceFile, Problems]:
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
        raise ImportFileError(
            f"{name}: {count(len(table.rows), 'rad', 'rader')}; högst {MAX_FEATURES} åt gången."
        )
    problems = Problems(name)
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
    geographic = is_geographic(chosen)
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
        sources.append(Source(r.where, r.row.cells, moved, table.columns))
    places = check_sources(sources, context, problems)
    return (
        PlaceFile(name, "CSV", chosen, reason, tuple(places), unread_columns(table.columns)),
        problems,
    )
