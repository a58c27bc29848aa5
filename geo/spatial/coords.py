"""Tell WGS 84 degrees from SWEREF 99 TM metres by the numbers, for imports.

Planners have coordinates from GPS apps (WGS 84 lat/lon, e.g. 57.84, 14.81) and from the
kommun's GIS (SWEREF 99 TM northing/easting, e.g. 6411094.7, 488629.2). The column names say
which they meant, the numbers say which they have: both are checked, and a file that mixes
the two is refused rather than guessed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import TypeVar

from shapely.geometry import Point

from geo.errors import ImportFileError
from geo.spatial.crs import SWEREF99TM, WGS84, lonlat_to_sweref

Where = TypeVar("Where")  # how an importer names a point: a row number, a feature number

# Sweden with a margin, in each system.
_LAT = (54.5, 69.5)
_LON = (10.0, 24.5)
_NORTH = (6_100_000.0, 7_700_000.0)
_EAST = (180_000.0, 1_000_000.0)


class CoordinateSystem(enum.StrEnum):
    """Which system a coordinate pair is in."""

    WGS84 = WGS84
    SWEREF99TM = SWEREF99TM

    @property
    def label(self) -> str:
        """Swedish label."""
        return (
            "WGS 84 (lat/lon, grader)"
            if self is CoordinateSystem.WGS84
            else ("SWEREF 99 TM (N/E, meter)")
        )


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def classify(first: float, second: float) -> CoordinateSystem | None:
    """The system a (lat, lon) or (N, E) pair is in, or None if neither fits Sweden."""
    if _inside(first, _LAT) and _inside(second, _LON):
        return CoordinateSystem.WGS84
    if _inside(first, _NORTH) and _inside(second, _EAST):
        return CoordinateSystem.SWEREF99TM
    return None


def one_system(
    points: Iterable[tuple[Where, float, float]],
    outside: Callable[[Where, float, float], str],
    mixed: str,
) -> CoordinateSystem | None:
    """The one system all (where, first, second) points are in; None when there are none.

    Raises ImportFileError with `outside(where, first, second)` for the first point that fits
    neither system, and with `mixed` when the points are in both: each importer words its own
    messages (its rows are "post" or "objekt"), the rule is the same.
    """
    found: set[CoordinateSystem] = set()
    for where, first, second in points:
        system = classify(first, second)
        if system is None:
            raise ImportFileError(outside(where, first, second))
        found.add(system)
    if len(found) > 1:
        raise ImportFileError(mixed)
    return found.pop() if found else None


def detect_system(pairs: Iterable[tuple[float, float]], name: str) -> CoordinateSystem:
    """The one system all (first, second) pairs of a file are in.

    Raises ImportFileError when a pair fits neither, the file mixes systems or has no pairs.
    """
    system = one_system(
        ((i + 1, first, second) for i, (first, second) in enumerate(pairs)),
        lambda post, first, second: (
            f"{name}: koordinaten ({first}, {second}) på post {post} ligger inte i Sverige "
            "i vare sig WGS 84 (lat/lon) eller SWEREF 99 TM (N/E)."
        ),
        f"{name}: filen blandar WGS 84 (lat/lon) och SWEREF 99 TM (N/E). Använd ett "
        "koordinatsystem i hela filen.",
    )
    if system is None:
        raise ImportFileError(f"{name}: filen har inga koordinater.")
    return system


def to_point(first: float, second: float, system: CoordinateSystem) -> Point:
    """A point in EPSG:3006 from (lat, lon) or (N, E)."""
    if system is CoordinateSystem.WGS84:
        e, n = lonlat_to_sweref(second, first)
        return Point(e, n)
    return Point(second, first)
