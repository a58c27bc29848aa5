"""Police events (händelser from polisen.se) in the store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func, select

from geo.disclosure.access import Operation
from geo.progress_report import Progress
from geo.records.events import PoliceEvent
from geo.store import schema as t
from geo.store.core import SessionCore, chunked, in_period, now
from geo.store.mapping import EVENT_ROWS, as_datetime


class Events(SessionCore):
    """The session's methods for police events."""

    def event_ids_present(self, ids: Iterable[str]) -> set[str]:
        """The ids among `ids` that are already stored as events."""
        present: set[str] = set()
        for chunk in chunked(ids):
            present.update(self.conn.scalars(select(t.events.c.id).where(t.events.c.id.in_(chunk))))
        return present

    def add_events(
        self,
        events: Sequence[PoliceEvent],
        source: str,
        progress: Progress | None = None,
    ) -> int:
        """Store new police events (ids must be new); one audit entry for the whole import.

        `progress` is told (written, all) as they are written (`_insert_in_steps`).
        """
        self._require(Operation.IMPORT)
        if not events:
            return 0
        stamp = now()
        rows = [
            EVENT_ROWS.values(e) | {"imported_at": stamp, "imported_by": self.actor.username}
            for e in events
        ]
        self._insert_in_steps(t.events, rows, progress)
        self._audit(
            "import",
            "events",
            None,
            None,
            {"source": source, "added": len(rows), "ids": [e.id for e in events[:20]]},
        )
        return len(rows)

    def list_events(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        kommunkoder: Iterable[str] | None = None,
    ) -> list[PoliceEvent]:
        """Police events with time in [start, end), optionally of some kommuner, oldest first."""
        query = in_period(t.events, t.events.c.occurred_at, start, end)
        if kommunkoder is not None:
            query = query.where(t.events.c.kommunkod.in_(list(kommunkoder)))
        return [EVENT_ROWS.from_row(r) for r in self.conn.execute(query)]

    def event_range(self) -> tuple[date | None, date | None, int]:
        """First and last event day (local) and the number of events stored."""
        first, last, count = self.conn.execute(
            select(
                func.min(t.events.c.occurred_at),
                func.max(t.events.c.occurred_at),
                func.count(t.events.c.id),
            )
        ).one()
        # min/max bypass the column type: SQLite gives naive UTC text, PostGIS aware times.
        convert = t.AwareDateTime().process_result_value
        as_day = [
            None if v is None else convert(as_datetime(v), self.conn.dialect).date()  # type: ignore[union-attr]
            for v in (first, last)
        ]
        return as_day[0], as_day[1], int(count)
