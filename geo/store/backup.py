"""Backup and restore: the whole database in one GeoPackage file, and back.

`lofteskartan backup OUT.gpkg` writes every table of `geo.store.schema.metadata` (whatever tables
later versions add: nothing here names a table) into a GeoPackage that QGIS and GDAL open
as it is:

- a table with a geometry column becomes a geometry layer in EPSG:3006 (its first geometry
  column; any further one is kept as WKB in a BLOB column);
- every other table becomes an attribute-only layer;
- times are ISO 8601 text with microseconds and the UTC offset (`2023-09-19T18:00:00.123456
  +02:00`): GeoPackage's DATETIME keeps milliseconds and no zone, and a backup must not
  round anything; JSON columns are JSON text; dates are DATE.

A table `lofteskartan_backup` records the schema version, when and by whom. `restore`
refuses a file from a newer schema, checks the whole file against this program's tables,
and writes everything into an empty database in one transaction (see `Store.restore`).

The backup is written to a temporary file next to OUT and renamed when complete, so a
crash never leaves a half backup under the real name.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    create_engine,
    insert,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError

from geo import __version__
from geo.errors import ImportFileError, SchemaError
from geo.files.limits import check_magic
from geo.files.private_files import make_private_dir
from geo.records.models import Actor
from geo.store import Store, now
from geo.store import schema as t
from geo.store.geopackage import (
    INFO_TABLE,
    BackupError,
    Layout,
    from_file,
    info_table_in,
    layout_of,
    to_file,
)
from geo.swedish import count

FORMAT = 1


# -- backup ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds: rows per table, the schema version and the file."""

    path: Path
    schema_version: int
    rows: dict[str, int]

    def describe(self) -> str:
        """One Swedish line for the command line."""
        total = sum(self.rows.values())
        return (
            f"Säkerhetskopian {self.path} har {count(total, 'rad', 'rader')} i {len(self.rows)} "
            f"tabeller "
            f"(schemaversion {self.schema_version})."
        )


# The GeoPackage's own tables (GeoPackage 1.2, sections 1.1.2 and 1.1.3 and 2.1.5).
_GPKG_TABLES = """
CREATE TABLE gpkg_spatial_ref_sys (
    srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
    organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
    definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
    table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
    identifier TEXT UNIQUE, description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
    table_name TEXT NOT NULL, column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
    z TINYINT NOT NULL, m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""


def _create_gpkg_tables(out: Connection) -> None:
    """The GeoPackage's own tables, with EPSG:3006 and the spec's two undefined systems."""
    # Literal numbers: 0x47504B47 is "GPKG"; 10200 is GeoPackage 1.2 (GDAL 3.6 warns on 1.4,
    # and nothing here needs more than 1.2).
    out.exec_driver_sql("PRAGMA application_id = 1196444487")
    out.exec_driver_sql("PRAGMA user_version = 10200")
    for statement in _GPKG_TABLES.split(";"):
        if statement.strip():
            out.exec_driver_sql(statement)
    out.exec_driver_sql(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
        [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
            (
                "WGS 84 geodetic",
                4326,
                "EPSG",
                4326,
                CRS.from_epsg(4326).to_wkt("WKT1_GDAL"),
                "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
            ),
            (
                "SWEREF99 TM",
                t.SRID,
                "EPSG",
                t.SRID,
                CRS.from_epsg(t.SRID).to_wkt("WKT1_GDAL"),
                "SWEREF 99 TM, metres",
            ),
        ],
    )


def _bounds(current: list[float] | None, geom: BaseGeometry | None) -> list[float] | None:
    """The running extent of a layer (for gpkg_contents, which QGIS zooms to)."""
    if geom is None or geom.is_empty:
        return current
    b = list(geom.bounds)
    if current is None:
        return b
    return [
        min(current[0], b[0]),
        min(current[1], b[1]),
        max(current[2], b[2]),
        max(current[3], b[3]),
    ]


def _write_table(out: Connection, layout: Layout, rows: Iterator[dict[str, Any]]) -> int:
    """Fill one layer from the database's rows and register it; returns how many rows."""
    count = 0
    bounds: list[float] | None = None
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append({c.name: to_file(c, row[c.name], layout.geometry) for c in layout.table.c})
        if layout.geometry:
            bounds = _bounds(bounds, row[layout.geometry])
        if len(batch) >= 1000:
            out.execute(insert(layout.layer), batch)
            count += len(batch)
            batch = []
    if batch:
        out.execute(insert(layout.layer), batch)
        count += len(batch)
    name = layout.table.name
    out.exec_driver_sql(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
        "min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            name,
            "features" if layout.geometry else "attributes",
            name,
            f"Löfteskartan: tabellen {name}",
            *(bounds if bounds is not None else (None, None, None, None)),
            t.SRID if layout.geometry else None,
        ),
    )
    if layout.geometry:
        geometry_type = layout.table.c[layout.geometry].type.geometry_type  # type: ignore[attr-defined]
        out.exec_driver_sql(
            "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
            (name, layout.geometry, geometry_type, t.SRID),
        )
    return count


def _file_engine(path: Path, read_only: bool = False) -> Engine:
    """A plain SQLite engine on a GeoPackage file (no WAL: the file must stand alone)."""
    if read_only:
        return create_engine(f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true")
    return create_engine(f"sqlite:///{path}")


def backup(store: Store, actor: Actor, path: Path, overwrite: bool = False) -> BackupSummary:
    """Write every table to the GeoPackage `path`, from one consistent moment.

    Raises
    ------
    PermissionDenied
        The actor is not an administrator of the police (a backup holds sekretess).
    BackupError
        `path` exists (without `overwrite`), or a column type cannot be kept exactly.
    """
    store.require_schema()
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise BackupError(f"{path}: en säkerhetskopia är en GeoPackage-fil och ska sluta på .gpkg.")
    if path.exists() and not overwrite:
        raise BackupError(f"{path} finns redan. Välj ett annat namn eller ange --force.")
    make_private_dir(path.parent)  # 0700 when we create it: backups hold sekretess
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)  # mkstemp made it 0600 (it will hold sekretess); SQLite fills it
    tmp = Path(tmp_name)
    counts: dict[str, int] = {}
    engine = _file_engine(tmp)
    try:
        layers = MetaData()
        with engine.begin() as out, store.snapshot(actor) as s:
            version = int(s.get_setting("schema_version") or t.SCHEMA_VERSION)
            _create_gpkg_tables(out)
            layouts = [layout_of(table, layers) for table in t.metadata.sorted_tables]
            info_table = info_table_in(layers)
            layers.create_all(out)
            for layout in layouts:
                counts[layout.table.name] = _write_table(
                    out, layout, s.table_rows(layout.table.name)
                )
            info = {
                "format": str(FORMAT),
                "schema_version": str(version),
                "program_version": __version__,
                "created_at": now().isoformat(),
                "created_by": actor.username,
                "source_backend": store.backend,
                "tables": json.dumps(counts, ensure_ascii=False),
            }
            out.execute(insert(info_table), [{"key": k, "value": v} for k, v in info.items()])
            out.exec_driver_sql(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
                "VALUES (?, 'attributes', ?, ?)",
                (INFO_TABLE, INFO_TABLE, "Löfteskartan: om säkerhetskopian"),
            )
        engine.dispose()
        os.replace(tmp, path)
    except BaseException:
        engine.dispose()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return BackupSummary(path, version, counts)


# -- restore ---------------------------------------------------------------------------------


def _open_backup(path: Path) -> Engine:
    """A read-only engine on a backup, after checking it is a GeoPackage made by us."""
    if not path.is_file():
        raise BackupError(f"Säkerhetskopian {path} finns inte.")
    with path.open("rb") as f:
        head = f.read(100)
    try:
        check_magic(head, path.name, ".gpkg")
    except ImportFileError as exc:
        raise BackupError(str(exc)) from None
    engine = _file_engine(path, read_only=True)
    try:
        tables = set(sa_inspect(engine).get_table_names())
    except DBAPIError as exc:
        engine.dispose()
        raise BackupError(f"{path.name} går inte att läsa som GeoPackage: {exc.orig}.") from None
    if INFO_TABLE not in tables:
        engine.dispose()
        raise BackupError(
            f"{path.name} är en GeoPackage men ingen säkerhetskopia från Löfteskartan "
            f"(tabellen {INFO_TABLE} saknas)."
        )
    return engine


def _read_info(engine: Engine) -> dict[str, str]:
    info_table = info_table_in(MetaData())
    with engine.connect() as conn:
        return {r.key: r.value for r in conn.execute(select(info_table.c.key, info_table.c.value))}


def read_info(path: Path) -> dict[str, str]:
    """The backup's own facts: format, schema_version, created_at, created_by, tables."""
    engine = _open_backup(Path(path))
    try:
        return _read_info(engine)
    finally:
        engine.dispose()


def _check_compatible(path: Path, engine: Engine, info: Mapping[str, str]) -> list[Layout]:
    """Refuse other schema versions and any file whose tables or columns differ from ours."""
    try:
        version = int(info.get("schema_version", ""))
    except ValueError:
        raise BackupError(f"{path.name}: schemaversionen saknas i säkerhetskopian.") from None
    if version > t.SCHEMA_VERSION:
        raise SchemaError(
            f"Säkerhetskopian {path.name} kommer från schemaversion {version}, men den här "
            f"versionen av Löfteskartan känner bara till version {t.SCHEMA_VERSION}. "
            "Återställ den med en nyare version av programmet."
        )
    if version < t.SCHEMA_VERSION:
        raise SchemaError(
            f"Säkerhetskopian {path.name} har schemaversion {version}; återställ den med den "
            f"versionen av programmet och kör sedan `lofteskartan init` för att uppgradera."
        )
    inspector = sa_inspect(engine)
    present = set(inspector.get_table_names())
    layers = MetaData()
    layouts, problems = [], []
    for table in t.metadata.sorted_tables:
        if table.name not in present:
            problems.append(f"tabellen {table.name} saknas")
            continue
        layout = layout_of(table, layers)
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        expected = {c.name for c in layout.layer.columns}
        if columns != expected:
            missing = ", ".join(sorted(expected - columns)) or "inga"
            extra = ", ".join(sorted(columns - expected)) or "inga"
            problems.append(f"tabellen {table.name}: saknade kolumner {missing}, okända {extra}")
        layouts.append(layout)
    if problems:
        raise BackupError(
            f"{path.name} stämmer inte med databasens tabeller: " + "; ".join(problems) + "."
        )
    return layouts


def restore(
    store: Store, actor: Actor, path: Path, replace_existing: bool = False
) -> dict[str, int]:
    """Restore a backup into an empty database (or, with `replace_existing`, over one).

    The file's version, tables and columns are checked before anything is written; the
    writing is one transaction, so a value that cannot be read stops it with nothing
    written. Returns rows restored per table.

    Raises
    ------
    SchemaError
        The backup is from another schema version.
    BackupError
        Not a backup, tables or columns differ, or a value cannot be read.
    LofteskartanError
        The database holds data and `replace_existing` is not set.
    """
    path = Path(path)
    engine = _open_backup(path)
    try:
        layouts = {lo.table.name: lo for lo in _check_compatible(path, engine, _read_info(engine))}
        with engine.connect() as conn:

            def rows(table_name: str) -> Iterator[dict[str, Any]]:
                layout = layouts[table_name]
                columns = [layout.layer.c[c.name] for c in layout.table.columns]
                query = select(*columns).order_by(layout.layer.c[layout.fid])
                for number, values in enumerate(conn.execute(query), start=1):
                    try:
                        yield {
                            c.name: from_file(c, v, layout.geometry)
                            for c, v in zip(layout.table.columns, values, strict=True)
                        }
                    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
                        raise BackupError(
                            f"{path.name}, tabellen {table_name}, rad {number}: {exc}"
                        ) from None

            return store.restore(actor, rows, replace_existing=replace_existing)
    finally:
        engine.dispose()
