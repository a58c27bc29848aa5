"""Genomförda aktiviteter per plats: logged activities as a few counted markers for a map.

Drawing every logged activity as its own point sent 100,000 points (22 MB of map script,
a 38 s page) for a few years of presence at a handful of places. Here activities are
counted per place and kind instead: a year of evening presence in the centre is one
marker, "Exempel: Centrum – Närvaro: 34 genomförda, 2023-06-01 – 2024-05-20", however
many times it was logged.

An activity counts at its place when it has one the reader may see (retired places
included: what was done there stays done). Without such a place, its own position counts
in a square of a grid in SWEREF 99 TM (EPSG:3006) anchored at the grid's origin, and the
marker stands at the mean of the positions in the square. The squares are 100 m unless
that would give more than `MAX_OWN_SQUARES` markers; then they grow (250 m, 500 m, ...),
so the map stays small even when every activity was logged at its own GPS position.
Activities with neither a place nor a position (meetings) are counted as unplaced.

Like `geo.spatial.locations`, the counting works on NumPy arrays: in the worst case (every
activity at its own position) it sees 100,000 rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.records.kinds import CommitmentKind, FileKind, Kind
from geo.records.models import STOCKHOLM
from geo.spatial.locations import NO_PLACE, wkb_points
from geo.swedish import count, number

SQUARE_SIZES_M = (100.0, 250.0, 500.0, 1_000.0, 2_500.0, 5_000.0)
MAX_OWN_SQUARES = 2_000
KINDS: tuple[Kind, ...] = tuple(CommitmentKind)


def _kinds_of(codes: Iterable[str]) -> tuple[Kind, ...]:
    """The built-in kinds, then any promise's own kinds among `codes` (sorted): an own kind
    missing here was a KeyError that broke the map page."""
    extra = sorted(set(codes) - {k.value for k in KINDS})
    return (*KINDS, *(FileKind(code) for code in extra))


SpotRow = tuple[int | None, str, bytes | None, int, float, float]


class Logged(Protocol):
    """What grouping reads of one logged activity: a stored `Activity` or an exported row."""

    @property
    def kind(self) -> Kind: ...

    @property
    def start(self) -> datetime: ...

    @property
    def place_id(self) -> int | None: ...

    @property
    def geometry(self) -> BaseGeometry | None: ...


class MarkedPlace(Protocol):
    """What a marker reads of a place: a stored `Place` or an exported place row."""

    @property
    def name(self) -> str: ...

    @property
    def geometry(self) -> BaseGeometry: ...

    @property
    def is_retired(self) -> bool: ...


@dataclass(frozen=True)
class ActivitySpots:
    """Genomförda aktiviteter, counted per place or position: parallel arrays.

    Row i: `count[i]` activities of kind `KINDS[kind[i]]` at place `place_id[i]`
    (NO_PLACE without) and own position `x[i]`, `y[i]` in EPSG:3006 (NaN without; a point
    inside a line or area), the first and last starting at POSIX seconds `first[i]` and
    `last[i]`. The store hands them over partly counted (`Session.activity_spots`); one
    activity is a row with count 1 (`ActivitySpots.of`). Both give the same groups.
    """

    kind: np.ndarray
    place_id: np.ndarray
    x: np.ndarray
    y: np.ndarray
    count: np.ndarray
    first: np.ndarray
    last: np.ndarray
    kinds: tuple[Kind, ...] = KINDS  # what the numbers in `kind` stand for

    def __len__(self) -> int:
        return int(self.kind.size)

    @classmethod
    def of(cls, activities: Sequence[Logged]) -> ActivitySpots:
        """Activity records (or exported rows), one row each."""
        xy = np.full((len(activities), 2), np.nan)
        for i, a in enumerate(activities):
            geom = a.geometry
            if geom is not None and not geom.is_empty:
                point = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
                xy[i] = (point.x, point.y)
        starts = np.array([a.start.timestamp() for a in activities], dtype=float)
        # The activities' own kind objects, so an own kind keeps its name (`namn`) on the map.
        own = {a.kind.value: a.kind for a in activities if not isinstance(a.kind, CommitmentKind)}
        kinds = (*KINDS, *(own[code] for code in sorted(own)))
        index = {k.value: i for i, k in enumerate(kinds)}
        return cls(
            kinds=kinds,
            kind=np.array([index[a.kind.value] for a in activities], dtype=np.int64),
            place_id=np.array(
                [NO_PLACE if a.place_id is None else a.place_id for a in activities],
                dtype=np.int64,
            ),
            x=xy[:, 0],
            y=xy[:, 1],
            count=np.ones(len(activities), dtype=np.int64),
            first=starts,
            last=starts.copy(),
        )

    @classmethod
    def from_rows(cls, rows: Sequence[SpotRow]) -> ActivitySpots:
        """The rows of `Session.activity_spots`: (place_id, kind, WKB or None, count,
        first start, last start in POSIX seconds); own geometries are read in bulk."""
        n = len(rows)
        xy = np.full((n, 2), np.nan)
        has_own = np.array([r[2] is not None for r in rows], dtype=bool)
        if has_own.any():
            xy[has_own] = wkb_points([r[2] for r in rows if r[2] is not None])
        kinds = _kinds_of(r[1] for r in rows)
        index = {k.value: i for i, k in enumerate(kinds)}
        return cls(
            kinds=kinds,
            kind=np.array([index[r[1]] for r in rows], dtype=np.int64),
            place_id=np.array([NO_PLACE if r[0] is None else r[0] for r in rows], dtype=np.int64),
            x=xy[:, 0],
            y=xy[:, 1],
            count=np.array([r[3] for r in rows], dtype=np.int64),
            # The database's clock arithmetic leaves fractions of a millisecond.
            first=np.round(np.array([r[4] for r in rows], dtype=float)),
            last=np.round(np.array([r[5] for r in rows], dtype=float)),
        )


@dataclass(frozen=True)
class ActivityGroup:
    """En markering: activities of one kind at one place, or in one square of the grid.

    `x`, `y` in EPSG:3006: the place's point, or the mean of the own positions in the
    square. `first` and `last` are the local (Stockholm) dates of the first and last
    start. `square_m` is the grid's size for own positions (None at a place). `slot`
    numbers the kinds drawn at the same place or square (0, 1, ...), so the map can set
    them side by side instead of on top of each other.
    """

    kind: Kind
    x: float
    y: float
    count: int
    first: date
    last: date
    place_id: int | None = None
    place_name: str | None = None
    square_m: float | None = None
    slot: int = 0

    @property
    def label(self) -> str:
        """ "Exempel: Centrum – Närvaro: 34 genomförda, 2023-06-01 – 2024-05-20"."""
        where = self.place_name
        if where is None:
            where = f"Egen position (ruta {number(self.square_m or 0)} m)"
        done = count(self.count, "genomförd", "genomförda")
        when = (
            f"{self.first:%Y-%m-%d}"
            if self.first == self.last
            else f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d}"
        )
        return f"{where} – {self.kind.label}: {done}, {when}"


@dataclass(frozen=True)
class ActivityGroups:
    """The markers for a map and what they stand for.

    `groups` by kind (in the order of `CommitmentKind`), most activities first;
    `activities` counts every activity handed in, `unplaced` those with neither a place
    the reader sees nor a position; `square_m` is the grid size used for own positions.
    """

    groups: tuple[ActivityGroup, ...]
    activities: int
    unplaced: int
    square_m: float


def group_activities(
    spots: ActivitySpots,
    places: Mapping[int, MarkedPlace],
    square_sizes_m: Sequence[float] = SQUARE_SIZES_M,
    max_own_squares: int = MAX_OWN_SQUARES,
) -> ActivityGroups:
    """Count activities per place and kind, and per grid square and kind without a place.

    Parameters
    ----------
    spots : logged activities, partly counted or one row each (see `ActivitySpots`).
    places : the places the reader may see, by id (retired ones included).
    square_sizes_m : grid sizes in metres to try for own positions, smallest first.
    max_own_squares : the first size that gives at most this many markers for own
        positions is used; the largest size when none does.

    Returns
    -------
    The groups, the number of activities and of those that could not be placed.
    """
    visible = np.array(sorted(places), dtype=np.int64)
    at_place = np.isin(spots.place_id, visible)
    own = ~at_place & ~np.isnan(spots.x)
    unplaced = int(spots.count[~at_place & ~own].sum())
    groups = _place_groups(spots, at_place, places)
    square = square_sizes_m[0]
    if own.any():
        square, squares = _own_squares(spots, own, square_sizes_m, max_own_squares)
        groups += squares
    order = {k: i for i, k in enumerate(spots.kinds)}
    groups.sort(key=lambda g: (order[g.kind], -g.count, g.place_name or "", g.x, g.y))
    return ActivityGroups(tuple(groups), int(spots.count.sum()), unplaced, square)


def _local_day(seconds: float) -> date:
    return datetime.fromtimestamp(seconds, STOCKHOLM).date()


@dataclass(frozen=True)
class _Totals:
    """Rows grouped by key: for each group, the position in `rows` of its first row, then its
    count, first and last start; and each row's group (see `_totals`)."""

    where: np.ndarray
    inverse: np.ndarray
    count: np.ndarray
    first: np.ndarray
    last: np.ndarray

    def of(self, g: int) -> tuple[int, date, date]:
        """Group `g`'s count, first and last day, in `ActivityGroup`'s order."""
        return int(self.count[g]), _local_day(self.first[g]), _local_day(self.last[g])


def _totals(keys: np.ndarray, spots: ActivitySpots, rows: np.ndarray) -> _Totals:
    """Group `rows` of `spots` by `keys` (one int64 each)."""
    _, where, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    n = len(where)
    count = np.bincount(inverse, weights=spots.count[rows], minlength=n).astype(np.int64)
    first = np.full(n, np.inf)
    last = np.full(n, -np.inf)
    np.minimum.at(first, inverse, spots.first[rows])
    np.maximum.at(last, inverse, spots.last[rows])
    return _Totals(where, inverse, count, first, last)


def _slots(spots: Sequence[Hashable]) -> list[int]:
    """Each group's slot among the kinds at its spot (a place or a grid square).

    Groups come sorted by spot, then kind, so the kinds at one spot take slots 0, 1, ...
    """
    taken: dict[Hashable, int] = defaultdict(int)
    slots = []
    for spot in spots:
        slots.append(taken[spot])
        taken[spot] += 1
    return slots


def _place_groups(
    spots: ActivitySpots, mask: np.ndarray, places: Mapping[int, MarkedPlace]
) -> list[ActivityGroup]:
    """Per place and kind, drawn at the place (a point inside an area or on a route)."""
    if not mask.any():
        return []
    rows = np.flatnonzero(mask)
    pids, kinds = spots.place_id[rows], spots.kind[rows]
    totals = _totals(pids * len(spots.kinds) + kinds, spots, rows)
    keys = list(zip(pids[totals.where].tolist(), kinds[totals.where].tolist(), strict=True))
    ids = sorted({pid for pid, _ in keys})
    points = shapely.get_coordinates(shapely.point_on_surface([places[i].geometry for i in ids]))
    at = {i: (float(x), float(y)) for i, (x, y) in zip(ids, points, strict=True)}
    slots = _slots([pid for pid, _ in keys])
    groups = []
    for g, (pid, code) in enumerate(keys):
        x, y = at[pid]
        groups.append(
            ActivityGroup(
                spots.kinds[code],
                x,
                y,
                *totals.of(g),
                place_id=pid,
                place_name=_place_name(places[pid]),
                slot=slots[g],
            )
        )
    return groups


def _place_name(place: MarkedPlace) -> str:
    """The name on the marker; a retired place keeps its markers, marked as retired."""
    return f"{place.name} (ur bruk)" if place.is_retired else place.name


def _own_squares(
    spots: ActivitySpots, mask: np.ndarray, sizes: Sequence[float], max_squares: int
) -> tuple[float, list[ActivityGroup]]:
    """Own positions per grid square and kind, on the smallest grid that is small enough."""
    rows = np.flatnonzero(mask)
    xy = np.column_stack([spots.x[rows], spots.y[rows]])
    kinds = spots.kind[rows]
    for size in sizes:
        # The grid is anchored at EPSG:3006's origin, never at the data.
        squares = np.floor(xy / size).astype(np.int64)
        # One number per square and kind, to count them fast (np.unique on a 1-D array).
        spans = squares.max(axis=0) - squares.min(axis=0) + 1
        flat = ((squares[:, 0] - squares[:, 0].min()) * spans[1] + squares[:, 1]) * len(spots.kinds)
        if len(np.unique(flat + kinds)) <= max_squares:
            break
    totals = _totals(flat + kinds, spots, rows)
    n = len(totals.where)
    # The marker stands where the activities were: the mean of their positions.
    weights = spots.count[rows].astype(float)
    mean_x = np.bincount(totals.inverse, weights=xy[:, 0] * weights, minlength=n) / totals.count
    mean_y = np.bincount(totals.inverse, weights=xy[:, 1] * weights, minlength=n) / totals.count
    cells = [tuple(cell) for cell in squares[totals.where].tolist()]
    slots = _slots(cells)
    codes = kinds[totals.where].tolist()
    return size, [
        ActivityGroup(
            spots.kinds[code],
            float(mean_x[g]),
            float(mean_y[g]),
            *totals.of(g),
            square_m=size,
            slot=slots[g],
        )
        for g, code in enumerate(codes)
    ]
