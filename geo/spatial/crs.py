"""Coordinate reference systems: metres in SWEREF 99 TM, degrees only for the map.

Everything the domain measures (lengths, areas, distances, densities) is computed in
EPSG:3006 so that "300 m" means 300 m on the ground anywhere in Sweden.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

SWEREF99TM = "EPSG:3006"
WGS84 = "EPSG:4326"


@cache
def _transformer(src: str, dst: str) -> Transformer:
    """A cached transformer; always_xy keeps (lon, lat) / (E, N) order."""
    return Transformer.from_crs(src, dst, always_xy=True)


def to_sweref(geom: BaseGeometry, src: str = WGS84) -> BaseGeometry:
    """Project a geometry from `src` (default WGS 84 lon/lat) to SWEREF 99 TM metres.

    Parameters
    ----------
    geom : shapely geometry with (x, y) = (lon, lat) for WGS 84.
    src : the CRS the coordinates are in.

    Returns
    -------
    The same geometry in EPSG:3006 (x = E, y = N).
    """
    if src == SWEREF99TM:
        return geom
    return _project(geom, src, SWEREF99TM)


def to_wgs84(geom: BaseGeometry, src: str = SWEREF99TM) -> BaseGeometry:
    """Project a geometry to WGS 84 (x = lon, y = lat), for the map only."""
    if src == WGS84:
        return geom
    return _project(geom, src, WGS84)


def _project(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """Transform all coordinates of a geometry at once (vectorised)."""
    transformer = _transformer(src, dst)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, move)


def lonlat_to_sweref(lon: float, lat: float) -> tuple[float, float]:
    """(lon, lat) in WGS 84 → (E, N) in SWEREF 99 TM metres."""
    e, n = _transformer(WGS84, SWEREF99TM).transform(lon, lat)
    return float(e), float(n)


def sweref_to_lonlat(e: float, n: float) -> tuple[float, float]:
    """(E, N) in SWEREF 99 TM → (lon, lat) in WGS 84."""
    lon, lat = _transformer(SWEREF99TM, WGS84).transform(e, n)
    return float(lon), float(lat)


def transform_xy(x: np.ndarray, y: np.ndarray, src: str, dst: str) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinate arrays at once, (x, y) = (lon, lat) or (E, N) in and out."""
    out_x, out_y = _transformer(src, dst).transform(np.asarray(x), np.asarray(y))
    return np.asarray(out_x, dtype=float), np.asarray(out_y, dtype=float)
