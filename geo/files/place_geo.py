"""Places from GeoJSON (read as JSON) and GeoPackage (read through `geo.files.vectors`).

Both carry their own geometry and CRS; a Löfteskartan data export is read from its `platser`
layer only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError
from geo.files.crs import crs_label, crs_of, normalise_crs
from geo.files.limits import PLACES_LIMIT, parse_json
from geo.files.place_rows import (
    EXPORT_ABOUT_LAYER,
    EXPORT_PLACES_LAYER,
    GPKG_LAYERS,
    MAX_FEATURES,
    PlaceFile,
    Problems,
    Source,
    check_sources,
    number_text,
    python_value,
    unread_columns,
)
from geo.files.vectors import layers as vector_layers
from geo.files.vectors import read_layer, upload_on_disk
from geo.records.places import (
    PlaceContext,
)
from geo.spatial.coords import classify
from geo.spatial.crs import SWEREF99TM, WGS84, to_sweref

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
    return parse_json(text, name)


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
                    f"{where}: koordinaterna ({number_text(float(x))}; "
                    f"{number_text(float(y))}) ser ut som "
                    f"{system.label}, men filen läses som {crs_label(crs)} ({reason}). Ange "
                    f"rätt koordinatsystem (--crs {system.value}, eller välj det i appen)."
                )


def _read_geojson(
    data: bytes, name: str, crs: str | None, context: PlaceContext
) -> tuple[PlaceFile, Problems]:
    document = _load_json(data, name)
    features = _features(document, name)
    file_crs, reason = _geojson_crs(document, name)
    if crs is not None:
        file_crs, reason = crs, "valt av användaren"
    problems = Problems(name)
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
        sources.append(Source(where, props, None if geom is None else to_sweref(geom, file_crs)))
    places = check_sources(sources, context, problems)
    return PlaceFile(
        name, "GeoJSON", file_crs, reason, tuple(places), unread_columns(columns)
    ), problems


# -- GeoPackage -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    name: str
    crs: str | None
    columns: tuple[str, ...]
    rows: list[tuple[dict[str, Any], BaseGeometry | None]]


def _gpkg_layers(data: bytes, name: str) -> tuple[list[_Layer], tuple[str, ...]]:
    """Every layer with geometry, read through pyogrio from a temporary .gpkg file, and the
    spatial layers left unread.

    A data export (it has the table `om_exporten`) is read from its `platser` layer only:
    its activities, plans and grid cells are not places.
    """
    with upload_on_disk(data, name, PLACES_LIMIT) as path:
        spatial, listed = vector_layers(path, name)
        skipped: tuple[str, ...] = ()
        if EXPORT_ABOUT_LAYER in listed and EXPORT_PLACES_LAYER in spatial:
            skipped = tuple(layer for layer in spatial if layer != EXPORT_PLACES_LAYER)
            spatial = [EXPORT_PLACES_LAYER]
        layers = []
        for layer in spatial:
            frame = read_layer(path, name, layer)
            fields = [c for c in frame.columns if c != frame.geometry.name]
            columns = tuple(str(c).strip().lower() for c in fields)
            rows = []
            for record, geom in zip(
                frame[fields].to_dict(orient="records"), frame.geometry, strict=True
            ):
                values = {str(k).strip().lower(): python_value(v) for k, v in record.items()}
                rows.append((values, None if geom is None else shapely.force_2d(geom)))
            layers.append(_Layer(layer, crs_of(frame.crs), columns, rows))
    return layers, skipped


def _read_gpkg(
    data: bytes, name: str, crs: str | None, context: PlaceContext
) -> tuple[PlaceFile, Problems]:
    problems = Problems(name)
    layer_kinds = {layer: kind for kind, layer in GPKG_LAYERS.items()}
    sources: list[Source] = []
    raw: list[tuple[str, BaseGeometry]] = []
    used: dict[str, None] = {}
    columns: dict[str, None] = {}
    count = 0
    layers, skipped = _gpkg_layers(data, name)
    for layer in layers:
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
            sources.append(Source(where, values, moved, layer.columns))
    if count == 0:
        raise ImportFileError(f"{name}: filen har inga objekt.")
    reason = "valt av användaren" if crs else "angivet i filen"
    if len(used) == 1:
        _check_numbers_fit(raw, next(iter(used)), reason, name)
    places = check_sources(sources, context, problems)
    file_crs = next(iter(used)) if len(used) == 1 else ", ".join(used)
    return (
        PlaceFile(
            name, "GeoPackage", file_crs, reason, tuple(places), unread_columns(columns), skipped
        ),
        problems,
    )
