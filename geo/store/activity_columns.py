"""Logged activities read as columns, in chunks: what the exports read at any volume.

`list_activities` builds a record per activity (about 100 µs and 2 KB each), which ran a
million-activity export out of memory. This read fetches only the columns an export needs,
`STREAM_ROWS` rows at a time (`geo.store.core`), and keeps them as NumPy columns
(`ActivityTable`), with the store's rules applied as in every read: one promise's rows,
sekretess left out for those who may not see it, and each activity at least as strict as
its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from sqlalchemy import String, func, select, type_coerce

from geo.disclosure import access
from geo.progress_report import Progress
from geo.records.activity_table import ActivityTable, table_from_columns
from geo.records.kinds import Classification, Kind, kind_from_code
from geo.store import schema as t
from geo.store.counts import Counts


class ActivityColumns(Counts):
    """The session's columnar read of logged activities."""

    def activity_table(
        self,
        document_id: str | None = None,
        progress: Progress | None = None,
        kind: Kind | None = None,
    ) -> ActivityTable:
        """Logged activities (of one promise document, if given) as columns, oldest first.

        Parameters
        ----------
        document_id : only this promise's activities (None: every one the actor may see).
        progress : called with (read so far, total) after each chunk of `STREAM_ROWS`.
        kind : only activities of this kind (None: every kind).

        Returns
        -------
        The activities the actor may see, each classified at least as its place.
        """
        a = t.activities
        query = select(
            a.c.id,
            a.c.kind,
            a.c.commitment_id,
            a.c.place_id,
            self._wkb(a.c.geom).label("wkb"),
            self._instant(a.c.start_at).label("start"),
            self._instant(a.c.end_at).label("end"),
            a.c.outcome,
            a.c.classification,
            a.c.note,
            a.c.is_example,
        )
        query = self._hide_secret(self._of_document(query, a, document_id), a)
        if kind is not None:
            query = query.where(a.c.kind == kind.value)
        # Counted only for a progress report: the read itself needs no total.
        total = self.activity_count(document_id, kind) if progress is not None else 0
        ordered = query.order_by(a.c.start_at, a.c.id)
        parts = [self._chunk(rows) for rows in self._streamed(ordered, total, progress)]
        return ActivityTable.concat(parts)

    def activity_count(self, document_id: str | None = None, kind: Kind | None = None) -> int:
        """How many logged activities (of one promise document and one kind, if given) the
        actor sees."""
        a = t.activities
        query = self._hide_secret(
            self._of_document(select(func.count()).select_from(a), a, document_id), a
        )
        if kind is not None:
            query = query.where(a.c.kind == kind.value)
        return self.conn.scalar(query) or 0

    def _instant(self, column: Any) -> Any:
        """A time column as read in bulk: SQLite's stored UTC text, PostgreSQL's seconds."""
        if self.backend == "sqlite":
            return type_coerce(column, String)
        return self._seconds(column)

    def _posix(self, values: Sequence[Any]) -> np.ndarray:
        """`_instant` values as POSIX seconds, to the microsecond."""
        if self.backend == "sqlite":
            stamps = np.array(values, dtype="datetime64[us]")
            return (stamps - np.datetime64(0, "us")) / np.timedelta64(1, "s")
        return np.round(np.array(values, dtype=float), 6)

    def _chunk(self, rows: Sequence[Any]) -> ActivityTable:
        """One chunk of rows as columns, as strict as their places (`_as_strict_as_place`)."""
        places = self._place_classifications(r.place_id for r in rows)
        kinds: dict[str, Any] = {}
        classes = {c.value: c for c in Classification}
        classification = []
        for r in rows:
            c = classes[r.classification]
            place = places.get(r.place_id) if r.place_id is not None else None
            classification.append(c.at_least(place) if place is not None else c)
        # A row made sekretess by its place is left out as the query leaves out the others.
        # Asked once per level: once per row was a sixth of the read.
        visible = {c: access.may_see(self.actor, c) for c in Classification}
        keep = [i for i, c in enumerate(classification) if visible[c]]
        rows = [rows[i] for i in keep]
        geoms = shapely.from_wkb(np.array([r.wkb for r in rows], dtype=object))
        own = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        points = geoms.copy()
        not_point = own & (shapely.get_type_id(geoms) != shapely.GeometryType.POINT)
        points[not_point] = shapely.point_on_surface(geoms[not_point])
        xy = np.full((len(rows), 2), np.nan)
        if own.any():
            xy[own] = shapely.get_coordinates(points[own])
        interned: dict[str | None, str | None] = {}
        notes: dict[str, str] = {}
        return table_from_columns(
            ids=[r.id for r in rows],
            kinds=[kinds.setdefault(r.kind, kind_from_code(r.kind)) for r in rows],
            commitment_ids=[interned.setdefault(r.commitment_id, r.commitment_id) for r in rows],
            place_ids=[r.place_id for r in rows],
            xy=xy,
            start=self._posix([r.start for r in rows]),
            end=self._posix([r.end for r in rows]),
            outcomes=[r.outcome for r in rows],
            classifications=[classification[i] for i in keep],
            notes=[notes.setdefault(r.note, r.note) for r in rows],
            is_example=[bool(r.is_example) for r in rows],
        )
