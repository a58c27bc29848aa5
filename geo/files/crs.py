"""A file's coordinate system: as the user writes it, as a file states it, as planners say it.

The projections themselves live in `geo.spatial.crs`; this module only reads and names CRSs
for the importers (places, base layers, siting files) and their messages.
"""

from __future__ import annotations

from typing import Any

from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.errors import ImportFileError
from geo.spatial.coords import CoordinateSystem


def normalise_crs(text: str) -> str:
    """A CRS written as "EPSG:3006", "3006" or "epsg:4326", as "EPSG:NNNN"."""
    cleaned = text.strip()
    if cleaned.isdigit():
        cleaned = f"EPSG:{cleaned}"
    try:
        crs = CRS.from_user_input(cleaned)
    except CRSError:
        raise ImportFileError(
            f'Okänt koordinatsystem "{text}". Skriv t.ex. EPSG:3006 (SWEREF 99 TM) eller '
            "EPSG:4326 (WGS 84)."
        ) from None
    code = crs.to_epsg()
    if code is None:
        raise ImportFileError(f'Koordinatsystemet "{text}" har ingen EPSG-kod.')
    return f"EPSG:{code}"


def crs_label(crs: str) -> str:
    """A CRS in the words planners know."""
    for system in CoordinateSystem:
        if crs == system.value:
            return system.label
    try:
        return f"{CRS.from_user_input(crs).name} ({crs})"
    except CRSError:
        return crs


def crs_of(crs: Any) -> str | None:
    """A pyproj/geopandas CRS as "EPSG:NNNN" (or WKT when it has no code); None if none."""
    if crs is None:
        return None
    code = crs.to_epsg()
    return f"EPSG:{code}" if code is not None else str(crs.to_wkt())


def is_geographic(crs: str) -> bool:
    """Whether a CRS is in degrees (WGS 84 and the like) rather than metres."""
    return bool(CRS.from_user_input(crs).is_geographic)
