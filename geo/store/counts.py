"""Lean reads for the map and the overview: locations, spots and counts per slice of time.

Counted in SQL so that 100,000 activities stay fast; sekretess rows are left out for actors
who may not see them, as in the list methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, LargeBinary, case, cast, extract, func, literal, select, type_coerce

from geo.records.kinds import Kind, kind_from_code
from geo.records.models import Outcome, PlanStatus
from geo.records.periods import clock_changes
from geo.records.progress import CommitmentMatch, Tally
from geo.store import schema as t
from geo.store.core import SessionCore, starting_in, unassigned
from geo.store.mapping import as_datetime


class Counts(SessionCore):
    """The session's counting reads for maps and the overview."""

    def activity_locations(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        kinds: Iterable[Kind] | None = None,
        counting_toward: CommitmentMatch | None = None,
        document_id: str | None = None,
    ) -> Sequence[tuple[int | None, bytes | None]]:
        """(place_id, WKB of the activity's own geometry) per activity, for maps.

        A lean read for 100,000 activities: two columns, no outcome, no times, geometries
        left as WKB for reading in bulk. Filters: start in [start, end), of `kinds`,
        counting toward a commitment (`geo.records.progress.commitment_match`) and of one
        promise document.
        """
        a = t.activities
        query = select(a.c.place_id, self._wkb(a.c.geom)).where(
            *starting_in(a.c.start_at, start, end)
        )
        if kinds is not None:
            query = query.where(a.c.kind.in_([k.value for k in kinds]))
        if counting_toward is not None:
            query = query.where(_counting_toward(a, counting_toward))
        query = self._hide_secret(self._of_document(query, a, document_id), a)
        # fetchall in one call: row-by-row iteration costs seconds at 100,000 rows.
        return self.conn.execute(query).fetchall()  # type: ignore[return-value]

    def first_activity_start(
        self, counting_toward: CommitmentMatch, document_id: str
    ) -> datetime | None:
        """When the first logged activity toward a commitment started (a milestone's "klar"
        date), or None when there is none (of the ones the user may see)."""
        a = t.activities
        query = select(func.min(a.c.start_at)).where(_counting_toward(a, counting_toward))
        first = self.conn.execute(
            self._hide_secret(self._of_document(query, a, document_id), a)
        ).scalar()
        return None if first is None else as_datetime(first)

    def _hours_sql(self, table: Any, start: datetime, end: datetime) -> Any:
        """An activity's hours in SQL as `Activity.hours` gives them: the recorded `timmar`,
        else end minus start on the wall clock (for activities starting in [start, end))."""
        c = table.c
        if self.backend == "sqlite":
            # SQLite holds the UTC times as ISO text, which julianday reads.
            elapsed = (func.julianday(c.end_at) - func.julianday(c.start_at)) * 24.0
        else:
            elapsed = extract("epoch", c.end_at - c.start_at) / 3600.0
        # Python subtracts two Stockholm times on the wall clock: a night across the
        # autumn change counts an hour less than passed. Changes up to a year after the
        # last start are enough for any activity.
        for at, hours in clock_changes(start, end + timedelta(days=366)):
            elapsed = elapsed + case(((c.start_at < at) & (c.end_at >= at), hours), else_=0.0)
        return func.coalesce(c.outcome[Outcome.HOURS.value].as_float(), elapsed)

    def _slice_counts(
        self,
        table: Any,
        bounds: Sequence[datetime],
        hours: bool,
        document_id: str | None,
        *conditions: Any,
    ) -> list[Tally]:
        """Rows of `table` of one document starting in [bounds[0], bounds[-1]) counted per
        commitment, kind and slice (slice i: bounds[i] <= start < bounds[i + 1])."""
        if len(bounds) < 2 or list(bounds) != sorted(bounds):
            raise ValueError("bounds must be at least two instants in order")
        c = table.c
        inner = bounds[1:-1]
        slice_ = (
            case(*[(c.start_at < b, i) for i, b in enumerate(inner)], else_=len(inner))
            if inner
            else literal(0)
        )
        inside = select(
            c.commitment_id,
            c.kind,
            slice_.label("slice"),
            (self._hours_sql(table, bounds[0], bounds[-1]) if hours else literal(0.0)).label(
                "hours"
            ),
        ).where(c.start_at >= bounds[0], c.start_at < bounds[-1], *conditions)
        rows = self._hide_secret(self._of_document(inside, table, document_id), table).subquery()
        # Grouped outside the subquery: PostgreSQL cannot tell that two CASE expressions
        # with their own bound parameters are the same, so it refuses GROUP BY on one.
        query = select(
            rows.c.commitment_id,
            rows.c.kind,
            rows.c.slice,
            func.count(),
            func.coalesce(func.sum(rows.c.hours), 0.0),
        ).group_by(rows.c.commitment_id, rows.c.kind, rows.c.slice)
        return [
            Tally(kind_from_code(kind), commitment_id, int(slice_no), int(n), float(h))
            for commitment_id, kind, slice_no, n, h in self.conn.execute(query)
        ]

    def unassigned_records(self) -> int:
        """Activities, plans and rules of no promise (left by an older program in a database
        with several promises): counted in no promise's figures, so the reports say so."""
        return unassigned(self.conn, self._hide_secret)

    def count_activities(
        self, bounds: Sequence[datetime], document_id: str | None = None
    ) -> list[Tally]:
        """Logged activities counted per commitment id, kind and slice of time, with hours.

        `bounds` are the instants between slices (the first and last close the range), e.g.
        the starts of a year's tertial slices and the year's end. Counting in SQL keeps the
        overview fast at 100,000 activities (building each record costs about 100 µs).
        Sekretess rows are left out for actors who may not see them, as in `list_activities`;
        with `document_id`, only that promise document's activities are counted.
        """
        return self._slice_counts(t.activities, bounds, True, document_id)

    def count_unplanned_activities(
        self, bounds: Sequence[datetime], document_id: str | None = None
    ) -> list[Tally]:
        """Logged activities without a plan, counted as `count_activities` (without hours):
        how many of them each of the calendar's days holds, before any is read."""
        a = t.activities
        return self._slice_counts(a, bounds, False, document_id, a.c.planned_id.is_(None))

    def count_planned(
        self, bounds: Sequence[datetime], document_id: str | None = None
    ) -> list[Tally]:
        """Planned activities still to do (status planerad), counted as `count_activities`."""
        p = t.planned_activities
        planned = p.c.status == PlanStatus.PLANNED.value
        return self._slice_counts(p, bounds, False, document_id, planned)

    def _wkb(self, geometry: Any) -> Any:
        """A geometry column as WKB bytes, read in bulk."""
        if self.backend == "sqlite":
            # SQLite holds the WKB itself: read it as bytes, without a Python function per row.
            return type_coerce(geometry, LargeBinary)
        return func.ST_AsBinary(geometry, type_=LargeBinary)

    def _seconds(self, moment: Any) -> Any:
        """A time column or aggregate as POSIX seconds (a float), without a Python step."""
        if self.backend == "sqlite":
            # julianday of the stored UTC text; rounding to the second is the reader's.
            return (func.julianday(moment) - 2440587.5) * 86400.0
        return cast(extract("epoch", moment), Float)

    def activity_spots(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        document_id: str | None = None,
    ) -> list[tuple[int | None, str, bytes | None, int, float, float]]:
        """Logged activities (of one promise document, if given) starting in [start, end),
        counted for the map.

        Rows of (place_id, kind, WKB of the activity's own geometry or None, count, first
        start, last start), times in POSIX seconds: one row per place and kind for
        activities without an own geometry (counted here: a year of presence at a few
        places is a few rows), one row each for those with one (merged by
        `geo.spatial.activity_groups`, which needs their positions).
        """
        a = t.activities
        when = starting_in(a.c.start_at, start, end)
        at_places = (
            select(
                a.c.place_id,
                a.c.kind,
                literal(None, LargeBinary),
                func.count(),
                self._seconds(func.min(a.c.start_at)),
                self._seconds(func.max(a.c.start_at)),
            )
            .where(a.c.geom.is_(None), *when)
            .group_by(a.c.place_id, a.c.kind)
        )
        at_own = select(
            a.c.place_id,
            a.c.kind,
            self._wkb(a.c.geom),
            literal(1),
            self._seconds(a.c.start_at),
            self._seconds(a.c.start_at),
        ).where(a.c.geom.is_not(None), *when)
        rows: list[Any] = []
        for query in (at_places, at_own):
            # fetchall in one call: row-by-row iteration costs seconds at 100,000 rows.
            query = self._hide_secret(self._of_document(query, a, document_id), a)
            rows += self.conn.execute(query).fetchall()
        return rows


def _counting_toward(a: Any, match: CommitmentMatch) -> Any:
    """`CommitmentMatch.counts` as a condition on the activities table."""
    named = a.c.commitment_id == match.commitment_id
    if match.unnamed_kind is None:
        return named
    return named | (a.c.commitment_id.is_(None) & (a.c.kind == match.unnamed_kind.value))
