"""Import a base layer (roads, buildings, addresses) the kommun has as GeoPackage or GeoJSON.

The file is read with pyogrio, projected to EPSG:3006 and stored with its attribution, so the
map shows it with no internet (an OSM or Lantmäteriet extract, for example). The whole file
is read and checked first; the layer is then replaced in one transaction. The shipped SCB
layers (kommun boundaries, tätorter) cannot be overwritten: the place checks rely on them.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError
from geo.files.crs import normalise_crs
from geo.files.limits import BASE_LAYER_LIMIT
from geo.files.vectors import layers as vector_layers
from geo.files.vectors import read_layer
from geo.progress_report import Progress
from geo.records.models import Actor, BaseLayer
from geo.spatial.crs import SWEREF99TM
from geo.spatial.reference_layers import is_reference_layer
from geo.store import Store

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
SUFFIXES = (".gpkg", ".geojson", ".json")
# A whole county's buildings is about this many; more is a national extract by mistake.
MAX_FEATURES = 250_000


@dataclass(frozen=True)
class BaseLayerFile:
    """A read base layer: the layer record, its features in EPSG:3006, what was left out."""

    layer: BaseLayer
    features: list[tuple[dict[str, Any], BaseGeometry]]
    source_crs: str
    without_geometry: int


@dataclass(frozen=True)
class BaseLayerOptions:
    """What the user may say about a base layer file; None takes the default.

    title : shown in the map's layer list (default: the name).
    attribution : the source line shown on the map (default: the file name).
    crs : "EPSG:NNNN" to use instead of the file's own CRS.
    layer : which layer of a GeoPackage with several.
    """

    title: str | None = None
    attribution: str | None = None
    crs: str | None = None
    layer: str | None = None


def check_layer_name(name: str) -> str:
    """A layer name the user may choose: lower-case a–z, digits, `_`, `-`; not a shipped one."""
    if not NAME_PATTERN.match(name):
        raise ImportFileError(
            f'Lagernamnet "{name}" går inte att använda: skriv små bokstäver a–z, siffror, '
            "_ eller - (högst 60 tecken), t.ex. vagar eller byggnader."
        )
    if is_reference_layer(name):
        raise ImportFileError(
            f'"{name}" är ett av appens egna baslager (SCB) och kan inte ersättas. Välj ett '
            "annat namn."
        )
    return name


def read_base_layer(
    path: Path, name: str, options: BaseLayerOptions = BaseLayerOptions()
) -> BaseLayerFile:
    """Read a GeoPackage or GeoJSON file as a base layer, in EPSG:3006; nothing is written.

    Parameters
    ----------
    path : the file.
    name : the layer's short name (replaces a stored layer of the same name).
    options : title, attribution, CRS and layer, as the user gave them.

    Raises
    ------
    ImportFileError
        Unknown format, unreadable file, several layers without `layer`, no CRS, no
        features, too many features, a reserved or malformed name.
    """
    check_layer_name(name)
    if path.suffix.lower() not in SUFFIXES:
        raise ImportFileError(f"{path.name}: baslager kan läsas från .gpkg, .geojson och .json.")
    # The size from os.stat before GDAL opens the file: a 3 GB GeoJSON was parsed for
    # minutes at 6 GB before its JSON error (issue 11).
    if BASE_LAYER_LIMIT.check_path(path) == 0:
        raise ImportFileError(f"{path.name}: filen är tom.")
    spatial, _ = vector_layers(path, path.name)
    if options.layer is None and len(spatial) > 1:
        raise ImportFileError(
            f"{path.name} har flera lager ({', '.join(spatial)}); välj ett med --layer."
        )
    chosen = options.layer or spatial[0]
    if chosen not in spatial:
        raise ImportFileError(
            f'{path.name} har inget lager "{chosen}" (lager: {", ".join(spatial)}).'
        )
    frame = read_layer(path, path.name, chosen)
    if options.crs is not None:
        frame = frame.set_crs(normalise_crs(options.crs), allow_override=True)
    if frame.crs is None:
        raise ImportFileError(
            f"{path.name}: koordinatsystem saknas i filen. Ange det med --crs EPSG:NNNN."
        )
    source_crs = frame.crs.to_string()
    has_geometry = frame.geometry.notna() & ~frame.geometry.is_empty
    without = int((~has_geometry).sum())
    frame = frame[has_geometry]
    if frame.empty:
        raise ImportFileError(f"{path.name}: filen har inga objekt med geometri.")
    if len(frame) > MAX_FEATURES:
        raise ImportFileError(
            f"{path.name}: {len(frame)} objekt; högst {MAX_FEATURES} går att läsa in. Klipp "
            "filen till kommunen först (t.ex. i QGIS)."
        )
    frame = frame.to_crs(SWEREF99TM)
    geometries = shapely.force_2d(frame.geometry.values)
    # pandas' JSON turns numpy scalars and timestamps into plain JSON values.
    props = json.loads(
        frame.drop(columns=frame.geometry.name).to_json(orient="records", date_format="iso")
    )
    record = BaseLayer(
        name,
        (options.title or name).strip(),
        (options.attribution or f"Källa: {path.name}").strip(),
        f"importerad från {path.name}",
    )
    return BaseLayerFile(record, list(zip(props, geometries, strict=True)), source_crs, without)


def import_base_layer(
    store: Store,
    actor: Actor,
    source: BaseLayerFile,
    *,
    progress: Progress | None = None,
) -> str:
    """Store a read base layer (replacing one of the same name) and say what was done;
    `progress` is told (written, all) as its features are written."""
    store.require_schema()
    with store.session(actor) as s:
        replaced = any(layer.name == source.layer.name for layer in s.base_layers())
        s.replace_base_layer(source.layer, source.features, progress)
    verb = "ersattes" if replaced else "lästes in"
    skipped = (
        f" {source.without_geometry} objekt utan geometri hoppades över."
        if source.without_geometry
        else ""
    )
    return (
        f'Baslagret "{source.layer.title}" ({source.layer.name}) {verb}: '
        f"{len(source.features)} objekt, omräknade från {source.source_crs} till "
        f"SWEREF 99 TM.{skipped} På kartan står: {source.layer.attribution}"
    )


def read_base_layer_bytes(
    data: bytes, file_name: str, name: str, options: BaseLayerOptions = BaseLayerOptions()
) -> BaseLayerFile:
    """`read_base_layer` for an uploaded file's bytes (GDAL reads GeoPackages from disk)."""
    check_layer_name(name)
    BASE_LAYER_LIMIT.check(len(data), Path(file_name).name or "baslagret")
    with tempfile.TemporaryDirectory(prefix="lofteskartan-baslager-") as folder:
        # Keep the user's file name: the layer's source and default attribution show it.
        path = Path(folder) / (Path(file_name).name or "baslager.gpkg")
        path.write_bytes(data)
        return read_base_layer(path, name, options)
