"""The internal data set's activities: rows made one at a time from the columns read.

An `ActivityRows` is a sequence of `ActivityRow` that holds only the `ActivityTable` the
store read and the places the reader may see; each row is made when it is asked for, so a
writer going through a million of them holds one at a time. The map's groups and extent
come straight from the columns (`activity_spots`, `activity_extent`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar, overload

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.disclosure.context import day_of, drawn_xy
from geo.disclosure.rows import ActivityRow
from geo.records.activity_table import NO_PLACE, ActivityTable
from geo.records.kinds import CommitmentKind
from geo.records.models import Place
from geo.spatial.activity_groups import KINDS, ActivitySpots
from geo.spatial.locations import NO_PLACE as NO_SPOT_PLACE
from geo.swedish import iso_week

T = TypeVar("T")


class MadeOnRead(Sequence[T]):
    """`make` of each of `records`, made when read: a table of a million activities holds
    none of its rows, and its writers take them a chunk at a time (slices stay lazy)."""

    def __init__(self, records: Sequence[Any], make: Callable[[Any], T]) -> None:
        self.records, self.make = records, make

    def __len__(self) -> int:
        return len(self.records)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return MadeOnRead(self.records[index], self.make)
        return self.make(self.records[index])

    def __iter__(self) -> Iterator[T]:
        return map(self.make, self.records)


class ActivityRows(MadeOnRead[ActivityRow]):
    """The activities of an internal export, as rows made on demand from their columns."""

    def __init__(self, table: ActivityTable, places: Mapping[int, Place]) -> None:
        super().__init__(range(len(table)), self._row)
        self.table = table
        self.places = places

    @cached_property
    def _xy(self) -> tuple[np.ndarray, np.ndarray]:
        return drawn_xy(self.table, dict(self.places))

    def _row(self, i: int) -> ActivityRow:
        t = self.table
        pid = int(t.place_id[i])
        place = self.places.get(pid) if pid != NO_PLACE else None
        x, y = self._xy[0][i], self._xy[1][i]
        start = t.started(i)
        return ActivityRow(
            kind=t.kind[i],
            commitment_id=t.commitment_id[i],
            week=iso_week(day_of(start)),
            start=start,
            end=t.ended(i),
            place_name=place.name if place else "",
            geometry=None if np.isnan(x) else Point(x, y),
            hours=round(float(t.hours[i]), 2),
            outcome=t.outcome_of(i),
            classification=t.classification[i],
            note=t.note[i],
            id=int(t.id[i]),
            is_example=bool(t.is_example[i]),
            place_id=place.id if place else None,
        )

    def spots(self) -> ActivitySpots:
        """The activities as the map groups them: one spot each, at its drawn point."""
        t = self.table
        x, y = self._xy
        own = {k.value: k for k in t.kind if not isinstance(k, CommitmentKind)}
        kinds = (*KINDS, *(own[code] for code in sorted(own)))
        index = {k.value: i for i, k in enumerate(kinds)}
        visible = np.isin(t.place_id, np.array(sorted(self.places), dtype=np.int64))
        return ActivitySpots(
            kinds=kinds,
            kind=np.array([index[k.value] for k in t.kind], dtype=np.int64),
            place_id=np.where(visible, t.place_id, NO_SPOT_PLACE),
            x=x,
            y=y,
            count=np.ones(len(t), dtype=np.int64),
            first=t.start.copy(),
            last=t.start.copy(),
        )

    def extent(self) -> list[BaseGeometry]:
        """A box around every drawn activity (none when none is drawn)."""
        x, y = self._xy
        placed = ~np.isnan(x)
        if not placed.any():
            return []
        return [shapely.box(x[placed].min(), y[placed].min(), x[placed].max(), y[placed].max())]


def activity_spots(rows: Sequence[ActivityRow]) -> ActivitySpots:
    """The spots of `rows` for the map (`ActivityRows` counts from its columns)."""
    return rows.spots() if isinstance(rows, ActivityRows) else ActivitySpots.of(rows)


def activity_extent(rows: Sequence[ActivityRow]) -> list[BaseGeometry]:
    """Geometries whose bounds hold every drawn activity of `rows`."""
    if isinstance(rows, ActivityRows):
        return rows.extent()
    return [a.geometry for a in rows if a.geometry is not None]
