"""The common part of reading places: the vocabulary, values and geometry to checked places.

Each format's reader (`place_csv`, `place_geo`) turns its rows or features into `Source`s;
`check_sources` builds and checks the places and `Problems` collects what is wrong, so a
file's message names every bad row the same way whatever its format.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError, LofteskartanError, ValidationError
from geo.files.crs import crs_label
from geo.records.models import Place, PlaceKind
from geo.records.places import (
    ALL_ATTRIBUTE_KEYS,
    PlaceContext,
    PlaceInput,
    build_place,
    parse_kind,
    validate_place,
)

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


def python_value(value: Any) -> Any:
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


def number_text(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# -- collecting row problems ------------------------------------------------------------


class Problems:
    """Row problems collected so the user sees all of them at once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_if_any(self) -> None:
        if not self.messages:
            return
        listed = sorted(self.messages, key=row_order)[:MAX_LISTED_ERRORS]
        more = len(self.messages) - len(listed)
        tail = f"\n- … och {more} fel till" if more else ""
        raise ImportFileError(
            f"{self.name} har fel, så ingenting importerades:\n- " + "\n- ".join(listed) + tail
        )


def row_order(message: str) -> tuple[str, int]:
    """Sort problems by layer and row/feature number, as the user reads the file."""
    match = re.search(r"(?:lager (\S+), )?(?:rad|objekt) (\d+)", message)
    return (match.group(1) or "", int(match.group(2))) if match else ("", 0)


# -- the common part: values + geometry -> checked places -------------------------------


@dataclass(frozen=True)
class Source:
    """One row or feature: where it is, its values (lower-case keys), its EPSG:3006 geometry.

    `columns` are the file's columns for the row (a CSV file's header, a layer's fields);
    empty means the keys of `values` (a GeoJSON feature's own properties).
    """

    where: str
    values: Mapping[str, Any]
    geometry: BaseGeometry | None
    columns: tuple[str, ...] = ()


def check_sources(
    sources: Iterable[Source], context: PlaceContext, problems: Problems
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
                    cell_text(source.values.get("namn")),
                    cell_text(source.values.get("klassning")),
                    cell_text(source.values.get("anteckning")),
                    source.values,
                ),
                source.geometry,
                source.where,
            )
            warnings_ = validate_place(place, context, source.where)
            file_id = whole_number(source.values.get("id"), source.where, "id")
            version = whole_number(source.values.get("version"), source.where, "version")
            retired = yes_no(source.values.get("ur_bruk"), source.where, "ur_bruk")
        except LofteskartanError as exc:
            problems.add(str(exc))
            continue
        if file_id is not None and file_id in ids:
            problems.add(
                f"{source.where}, id: id {file_id} finns också på {short_where(ids[file_id])}; "
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


def short_where(where: str) -> str:
    """A row's place without the file name ("rad 4"): the message names the file."""
    return where.split(", ", 1)[-1]


def whole_number(value: Any, where: str, column: str) -> int | None:
    """An export's `id` or `version`: a whole number from 1 up; None when empty."""
    value = python_value(value)
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


def yes_no(value: Any, where: str, column: str) -> bool:
    """`ja` or `nej` (any case; empty is nej), as the export writes `ur_bruk`."""
    value = python_value(value)
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().casefold()
    if text in ("ja", "nej", ""):
        return text == "ja"
    raise ValidationError(f'{where}, {column}: "{value}" ska vara ja eller nej.')


def cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def unread_columns(columns: Iterable[str]) -> tuple[str, ...]:
    known = {
        *COMMON_COLUMNS,
        *COORDINATE_COLUMNS,
        *EXPORT_GEOMETRY_COLUMNS,
        *IDENTITY_COLUMNS,
        *ALL_ATTRIBUTE_KEYS,
        *IGNORED_QUIETLY,
    }
    return tuple(c for c in columns if c not in known and c not in ("geometry", "geom"))
