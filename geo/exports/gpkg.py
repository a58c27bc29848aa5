"""Data export to one GeoPackage (EPSG:3006) that QGIS and GDAL open.

One layer per table of `geo.exports.tables` (places, activities, plans, findings, counts per
grid cell, and the summaries as plain attribute tables). Every layer's description and the
`om_exporten` table say which audience the file is for and when it was made.

Written as GeoPackage 1.2 so older GDAL/QGIS (Debian's GDAL 3.6, QGIS 3.22 LTR) read it
without complaint. The file is written beside the target and moved into place at the end:
a failed export leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry.base import BaseGeometry

from geo.disclosure.rows import ExportData
from geo.exports.tables import INTEGER, REAL, SUPPRESSED, ExportTable, export_tables
from geo.spatial.crs import SWEREF99TM
from geo.swedish import stamp

_DTYPES = {INTEGER: "Int64", REAL: "Float64"}


# Rows per write: a table of a million activities is written a chunk at a time (appended to
# its layer), so only one chunk's rows and frame are in memory.
CHUNK_ROWS = 50_000


def _frames(table: ExportTable) -> Iterator[pd.DataFrame]:
    """Typed (Geo)DataFrames of `CHUNK_ROWS` rows (at least one, for an empty table)."""
    for first in range(0, max(len(table.rows), 1), CHUNK_ROWS):
        rows = list(table.rows[first : first + CHUNK_ROWS])
        geometries = table.geometries[first : first + CHUNK_ROWS] if table.geometries else ()
        yield _frame(table, rows, list(geometries))


def _frame(
    table: ExportTable, rows: list[tuple[Any, ...]], geometries: list[BaseGeometry | None]
) -> pd.DataFrame:
    """A typed (Geo)DataFrame for rows of one table; suppressed counts become NULL."""
    columns: dict[str, Any] = {}
    for index, column in enumerate(table.columns):
        values = [None if row[index] is SUPPRESSED else row[index] for row in rows]
        dtype = _DTYPES.get(column.kind, "object")
        columns[column.name] = pd.Series(values, dtype=dtype)
    frame = pd.DataFrame(columns)
    if table.geometry_type is None:
        return frame
    return gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(geometries, crs=SWEREF99TM), crs=SWEREF99TM
    )


def write_gpkg(data: ExportData, path: Path) -> dict[str, int]:
    """Write every table of the export to a GeoPackage at `path` (replaced if it exists).

    Parameters
    ----------
    data : the audience's data set.
    path : the .gpkg file to write.

    Returns
    -------
    Feature count per layer name, in the order written.
    """
    counts: dict[str, int] = {}
    handle, temp_name = tempfile.mkstemp(suffix=".gpkg", dir=path.parent, prefix=".lofteskartan-")
    os.close(handle)
    temp = Path(temp_name)
    temp.unlink()  # GDAL creates the file itself
    try:
        for n, table in enumerate(export_tables(data)):
            description = (
                f"{table.title}. {data.audience.notice}. Skapad {stamp(data.made_at)}. "
                f"{data.document.title}."
            )
            counts[table.name] = 0
            for part, frame in enumerate(_frames(table)):
                pyogrio.write_dataframe(
                    frame,
                    temp,
                    layer=table.name,
                    driver="GPKG",
                    geometry_type=table.geometry_type,
                    promote_to_multi=False,
                    append=part > 0,
                    dataset_options={"VERSION": "1.2"} if n == 0 and part == 0 else None,
                    layer_options=None
                    if part
                    else {"DESCRIPTION": description, "IDENTIFIER": table.title},
                )
                counts[table.name] += len(frame)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return counts


def gpkg_bytes(data: ExportData, folder: Path) -> bytes:
    """The GeoPackage as bytes (written through a file in `folder`: GDAL needs a path)."""
    target = folder / "export.gpkg"
    write_gpkg(data, target)
    try:
        return target.read_bytes()
    finally:
        target.unlink(missing_ok=True)
