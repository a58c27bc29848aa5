"""Places as a GeoPackage (one layer per kind) or GeoJSON that the place import reads again.

The names are the import's (`namn`, `typ`, `väg`, ...) plus `id` and `version`, so an edited
export changes the stored places it came from (see `geo.files.place_import`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shapely

from geo.errors import ValidationError
from geo.files.place_rows import GPKG_LAYERS, file_format
from geo.files.private_files import PRIVATE_FILE_MODE
from geo.records.models import Place
from geo.records.place_attributes import ATTRIBUTES, ValueType, format_stops
from geo.spatial.crs import SWEREF99TM, to_wgs84


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
