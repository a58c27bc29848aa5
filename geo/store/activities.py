"""Done activities (genomförda aktiviteter) in the store, one at a time and in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from geo.records.models import Activity, Kind
from geo.store import schema as t
from geo.store.core import SessionCore, in_period
from geo.store.mapping import ACTIVITY_ROWS

# Rows per INSERT in a bulk write: few round trips, and a bounded list of dictionaries.
BULK_ROWS = 10_000


class Activities(SessionCore):
    """The session's methods for logged activities."""

    def add_activity(
        self, activity: Activity, document_id: str | None = None, source_ref: str | None = None
    ) -> Activity:
        """Log a done activity; returns it with its id (classified at least as its place)."""
        (activity,) = self._plannable([activity])
        values = ACTIVITY_ROWS.values(activity) | {
            "document_id": self._document_for(document_id),
            "source_ref": source_ref,
        }
        stamp = self._stamp(True)
        new_id = self._insert_record(t.activities, values, stamp)
        return replace(
            activity, id=new_id, recorded_by=self.actor.username, recorded_at=stamp["created_at"]
        )

    def has_source_ref(self, source_ref: str) -> bool:
        """True when an activity imported from this source row already exists."""
        return (
            self.conn.scalar(
                select(t.activities.c.id).where(t.activities.c.source_ref == source_ref)
            )
            is not None
        )

    def get_activity(self, activity_id: int) -> Activity:
        """The logged activity with this id."""
        missing = f"Aktiviteten {activity_id} finns inte."
        return ACTIVITY_ROWS.from_row(self._visible_row(t.activities, activity_id, missing))

    def list_activities(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        kind: Kind | None = None,
        document_id: str | None = None,
        unplanned: bool = False,
    ) -> list[Activity]:
        """Logged activities with start in [start, end), oldest first; of one promise
        document when `document_id` is given; with `unplanned`, only those logged without a
        plan (the calendar shows the others as their plan)."""
        query = in_period(t.activities, t.activities.c.start_at, start, end)
        if kind is not None:
            query = query.where(t.activities.c.kind == kind.value)
        if unplanned:
            query = query.where(t.activities.c.planned_id.is_(None))
        query = self._hide_secret(self._of_document(query, t.activities, document_id), t.activities)
        return [ACTIVITY_ROWS.from_row(r) for r in self.conn.execute(query)]

    def update_activity(self, activity: Activity) -> Activity:
        """Save changes to a logged activity (optimistic version check)."""
        (activity,) = self._plannable([activity])
        unsaved = "Aktiviteten är inte sparad än."
        return self._save_changes(
            activity, t.activities, ACTIVITY_ROWS.values, self.get_activity, unsaved
        )

    def activities_stamp(self) -> str:
        """Changes whenever activities or places change: a cache key for computed maps.

        Every write through the store appends to the audit log, so its newest id moves on
        with every change (and with some unrelated ones, which only costs a recompute).
        The activity count is added for rows written around the store.
        """
        latest = self.conn.scalar(select(func.max(t.audit_log.c.id)))
        count = self.conn.scalar(select(func.count()).select_from(t.activities))
        return f"{latest}:{count}"

    def add_activities_bulk(
        self,
        activities: Sequence[Activity],
        document_id: str | None = None,
        source_refs: Sequence[str | None] | None = None,
        source: Mapping[str, Any] | None = None,
    ) -> int:
        """Log many activities with one audit entry for them all (imports, benchmarks).

        `source_refs` gives each its import reference (see `imported_rows`), `source` what
        the audit entry says they came from (a file's name and hash). Written
        `BULK_ROWS` at a time: one INSERT per activity, each with its own audit entry, cost
        0.6 ms a row (a minute for 100,000).
        """
        activities = self._plannable(activities)
        document_id = self._document_for(document_id)
        if not activities:
            return 0
        refs = list(source_refs) if source_refs is not None else [None] * len(activities)
        stamp = self._stamp(True)
        for first in range(0, len(activities), BULK_ROWS):
            rows = [
                ACTIVITY_ROWS.values(a) | {"document_id": document_id, "source_ref": ref} | stamp
                for a, ref in zip(
                    activities[first : first + BULK_ROWS],
                    refs[first : first + BULK_ROWS],
                    strict=True,
                )
            ]
            self.conn.execute(insert(t.activities), rows)
        self._audit(
            "import", "activities", None, None, {"added": len(activities), **(source or {})}
        )
        return len(activities)

    def imported_rows(self, prefixes: Sequence[str], document_id: str | None = None) -> int:
        """How many activities (of `document_id`, if given) have an import reference that
        starts with one of `prefixes`: the rows of one file, by its hash."""
        a = t.activities
        total = 0
        for prefix in prefixes:
            query = select(func.count()).select_from(a)
            query = query.where(a.c.source_ref.startswith(prefix, autoescape=True))
            total += self.conn.scalar(self._of_document(query, a, document_id)) or 0
        return total
