"""Our tables in a GeoPackage: geometry blobs, column types and each table's layer layout.

What `backup` writes and `restore` reads back: GeoPackage 1.2 geometry blobs in EPSG:3006,
the SQL type each column is declared with, and the conversion of values each way.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import shapely
import sqlalchemy as sa
from shapely.geometry.base import BaseGeometry
from sqlalchemy.types import UserDefinedType

from geo.errors import LofteskartanError
from geo.store import schema as t

INFO_TABLE = "lofteskartan_backup"


class BackupError(LofteskartanError):
    """A backup could not be written, or a file is not a backup this program can restore."""


# -- geometry blobs (GeoPackage 1.2, section 2.1.3) -----------------------------------------

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_geometry(geom: BaseGeometry, srs_id: int = t.SRID) -> bytes:
    """A shapely geometry as a GeoPackage geometry blob (little endian, xy envelope)."""
    wkb = shapely.to_wkb(geom, byte_order=1, flavor="iso")
    if geom.is_empty:
        flags = 0b0001_0001  # empty, no envelope, little endian
        return b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id) + wkb
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b0000_0011  # envelope [minx, maxx, miny, maxy], little endian
    envelope = struct.pack("<4d", minx, maxx, miny, maxy)
    return b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id) + envelope + wkb


def from_gpkg_geometry(blob: bytes) -> BaseGeometry:
    """A GeoPackage geometry blob back to shapely (any envelope, either byte order)."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("ingen GeoPackage-geometri")
    envelope = (blob[3] >> 1) & 0b111
    if envelope not in _ENVELOPE_BYTES:
        raise ValueError(f"okänd envelope-typ {envelope}")
    return shapely.from_wkb(bytes(blob[8 + _ENVELOPE_BYTES[envelope] :]))


# -- columns ---------------------------------------------------------------------------------


class Declared(UserDefinedType):
    """A column declared with a GeoPackage type name; values pass through unchanged."""

    cache_ok = True

    def __init__(self, name: str) -> None:
        self.name = name

    def get_col_spec(self, **kw: Any) -> str:
        return self.name


@dataclass(frozen=True)
class Layout:
    """How one of our tables sits in the GeoPackage: its layer table and geometry column."""

    table: sa.Table
    layer: sa.Table
    geometry: str | None  # the layer's geometry column, if any
    fid: str  # the integer primary key GeoPackage needs


def layout_of(table: sa.Table, into: sa.MetaData) -> Layout:
    """The GeoPackage layer for `table`: same names, types that keep values exactly.

    GeoPackage wants an INTEGER PRIMARY KEY: a table whose key is one integer column keeps
    it (so `id` is the feature id in QGIS); any other gets an extra `gpkg_fid`.
    """
    geoms = [c.name for c in table.columns if isinstance(c.type, t.Geometry)]
    geometry = geoms[0] if geoms else None
    pk = list(table.primary_key.columns)
    own = (
        len(pk) == 1
        and isinstance(pk[0].type, sa.Integer)
        and not isinstance(pk[0].type, sa.Boolean)
    )
    fid = pk[0].name if own else "gpkg_fid"
    columns: list[sa.Column] = [] if own else [sa.Column(fid, sa.Integer, primary_key=True)]
    for column in table.columns:
        if column.name == fid:
            columns.append(sa.Column(fid, sa.Integer, primary_key=True, autoincrement=False))
        elif column.name == geometry:
            kind = column.type.geometry_type  # type: ignore[attr-defined]
            columns.append(sa.Column(column.name, Declared(kind)))
        else:
            columns.append(sa.Column(column.name, Declared(sql_type(column))))
    return Layout(table, sa.Table(table.name, into, *columns), geometry, fid)


def _iso(value: date) -> str:
    return value.isoformat()


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _aware_time(text: str) -> datetime:
    """An AwareDateTime back from ISO text; a time without a zone is not one we wrote."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"tiden {text!r} saknar tidszon")
    return parsed


def _wkb(geom: BaseGeometry) -> bytes:
    return shapely.to_wkb(geom, byte_order=1, flavor="iso")


def _from_wkb(blob: Any) -> BaseGeometry:
    return shapely.from_wkb(bytes(blob))


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class _ColumnKind:
    """A column type in the GeoPackage: the type it is declared with, and its values each way."""

    types: Any  # the SQLAlchemy type class(es) it serves, for isinstance
    sql: str
    to_file: Callable[[Any], Any] = _same
    from_file: Callable[[Any], Any] = _same


# The layer's own geometry column is a GeoPackage geometry blob (declared by its geometry type
# in `layout_of`); a further geometry column is plain WKB.
_LAYER_GEOMETRY = _ColumnKind(t.Geometry, "GEOMETRY", gpkg_geometry, from_gpkg_geometry)
_OTHER_GEOMETRY = _ColumnKind(t.Geometry, "BLOB", _wkb, _from_wkb)
# Checked in this order: the first whose types match serves the column.
_COLUMN_KINDS = (
    _ColumnKind(sa.Boolean, "BOOLEAN", int, bool),
    _ColumnKind(sa.Integer, "INTEGER"),
    _ColumnKind(sa.Float, "DOUBLE"),
    _ColumnKind(t.AwareDateTime, "TEXT", _iso, _aware_time),
    _ColumnKind(sa.DateTime, "TEXT", _iso, datetime.fromisoformat),
    _ColumnKind(sa.JSON, "TEXT", _json_text, json.loads),
    _ColumnKind(sa.String, "TEXT"),
    _ColumnKind(sa.Date, "DATE", _iso, date.fromisoformat),
    _ColumnKind(sa.LargeBinary, "BLOB"),
)


def _kind_of(column: sa.Column, layer_geometry: str | None = None) -> _ColumnKind:
    """How `column` is kept in the GeoPackage (`layer_geometry`: the layer's geometry column)."""
    if isinstance(column.type, t.Geometry):
        return _LAYER_GEOMETRY if column.name == layer_geometry else _OTHER_GEOMETRY
    for kind in _COLUMN_KINDS:
        if isinstance(column.type, kind.types):
            return kind
    raise BackupError(
        f"Kolumnen {column.table.name}.{column.name} har en typ ({column.type!r}) som "
        "säkerhetskopian inte kan spara exakt än: lägg till den i geo/store/geopackage.py."
    )


def sql_type(column: sa.Column) -> str:
    """The GeoPackage column type that keeps the value exactly."""
    return _kind_of(column).sql


def to_file(column: sa.Column, value: Any, layer_geometry: str | None) -> Any:
    """A value as read from the database, as it is written to the GeoPackage."""
    return None if value is None else _kind_of(column, layer_geometry).to_file(value)


def from_file(column: sa.Column, value: Any, layer_geometry: str | None) -> Any:
    """A GeoPackage value back as the database column wants it."""
    return None if value is None else _kind_of(column, layer_geometry).from_file(value)


def info_table_in(into: sa.MetaData) -> sa.Table:
    return sa.Table(
        INFO_TABLE,
        into,
        sa.Column("fid", sa.Integer, primary_key=True),
        sa.Column("key", Declared("TEXT"), nullable=False, unique=True),
        sa.Column("value", Declared("TEXT"), nullable=False),
    )
