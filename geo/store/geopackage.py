"""Our tables in a GeoPackage: geometry blobs, column types and each table's layer layout.

What `backup` writes and `restore` reads back: GeoPackage 1.2 geometry blobs in EPSG:3006,
the SQL type each column is declared with, and the conversion of values each way.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Table,
)
from sqlalchemy import String as SAString
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

    table: Table
    layer: Table
    geometry: str | None  # the layer's geometry column, if any
    fid: str  # the integer primary key GeoPackage needs


def layout_of(table: Table, into: MetaData) -> Layout:
    """The GeoPackage layer for `table`: same names, types that keep values exactly.

    GeoPackage wants an INTEGER PRIMARY KEY: a table whose key is one integer column keeps
    it (so `id` is the feature id in QGIS); any other gets an extra `gpkg_fid`.
    """
    geoms = [c.name for c in table.columns if isinstance(c.type, t.Geometry)]
    geometry = geoms[0] if geoms else None
    pk = list(table.primary_key.columns)
    own = len(pk) == 1 and isinstance(pk[0].type, Integer) and not isinstance(pk[0].type, Boolean)
    fid = pk[0].name if own else "gpkg_fid"
    columns: list[Column] = [] if own else [Column(fid, Integer, primary_key=True)]
    for column in table.columns:
        if column.name == fid:
            columns.append(Column(fid, Integer, primary_key=True, autoincrement=False))
        elif column.name == geometry:
            kind = column.type.geometry_type  # type: ignore[attr-defined]
            columns.append(Column(column.name, Declared(kind)))
        else:
            columns.append(Column(column.name, Declared(sql_type(column))))
    return Layout(table, Table(table.name, into, *columns), geometry, fid)


def sql_type(column: Column) -> str:
    """The GeoPackage column type that keeps the value exactly."""
    kind = column.type
    if isinstance(kind, t.Geometry):
        return "BLOB"  # a further geometry column: WKB (the layer's own is GEOMETRY)
    if isinstance(kind, Boolean):
        return "BOOLEAN"
    if isinstance(kind, Integer):
        return "INTEGER"
    if isinstance(kind, Float):
        return "DOUBLE"
    if isinstance(kind, t.AwareDateTime | DateTime | JSON | SAString):
        return "TEXT"
    if isinstance(kind, Date):
        return "DATE"
    if isinstance(kind, LargeBinary):
        return "BLOB"
    raise BackupError(
        f"Kolumnen {column.table.name}.{column.name} har en typ ({kind!r}) som "
        "säkerhetskopian inte kan spara exakt än: lägg till den i geo/store/geopackage.py."
    )


def to_file(column: Column, value: Any, layer_geometry: str | None) -> Any:
    """A value as read from the database, as it is written to the GeoPackage."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, t.Geometry):
        if column.name == layer_geometry:
            return gpkg_geometry(value)
        return shapely.to_wkb(value, byte_order=1, flavor="iso")
    if isinstance(kind, t.AwareDateTime | DateTime):
        return value.isoformat()
    if isinstance(kind, JSON):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, Boolean):
        return int(value)
    return value


def from_file(column: Column, value: Any, layer_geometry: str | None) -> Any:
    """A GeoPackage value back as the database column wants it."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, t.Geometry):
        if column.name == layer_geometry:
            return from_gpkg_geometry(value)
        return shapely.from_wkb(bytes(value))
    if isinstance(kind, t.AwareDateTime | DateTime):
        parsed = datetime.fromisoformat(value)
        if isinstance(kind, t.AwareDateTime) and parsed.tzinfo is None:
            raise ValueError(f"tiden {value!r} saknar tidszon")
        return parsed
    if isinstance(kind, JSON):
        return json.loads(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
    return value


def info_table_in(into: MetaData) -> Table:
    return Table(
        INFO_TABLE,
        into,
        Column("fid", Integer, primary_key=True),
        Column("key", Declared("TEXT"), nullable=False, unique=True),
        Column("value", Declared("TEXT"), nullable=False),
    )
