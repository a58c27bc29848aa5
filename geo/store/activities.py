"""Done activities (genomförda aktiviteter) in the store, one at a time and in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, insert, select

from geo.records.models import Activity, Kind
from geo.store import schema as t
from geo.store.core import SessionCore, chunked, in_period
from geo.store.mapping import ACTIVITY_ROWS


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
    ) -> list[Activity]:
        """Logged activities with start in [start, end), oldest first; of one promise
        document when `document_id` is given."""
        query = in_period(t.activities, t.activities.c.start_at, start, end)
        if kind is not None:
            query = query.where(t.activities.c.kind == kind.value)
        query = self._hide_secret(self._of_document(query, t.activities, document_id), t.activities)
        return [ACTIVITY_ROWS.from_row(r) for r in self.conn.execute(query)]

    def update_activity(self, activity: Activity) -> Activity:
        """Save changes to a logged activity (optimistic version check)."""
        (activity,) = self._plannable([activity])
        unsaved = "Aktiviteten är inte sparad än."
        return self._save_changes(
            activity, t.activities, ACTIVITY_ROWS.values, self.get_activity, unsaved
        )

    def existing_source_refs(self, refs: Iterable[str], document_id: str | None = None) -> set[str]:
        """Which of these import references are already stored (one query per 500); on the
        activities of `document_id` only, when given."""
        a = t.activities
        found: set[str] = set()
        for chunk in chunked(refs):
            query = self._of_document(
                select(a.c.source_ref).where(a.c.source_ref.in_(chunk)), a, document_id
            )
            found.update(self.conn.scalars(query))
        return found

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
        self, activities: Sequence[Activity], document_id: str | None = None
    ) -> int:
        """Log many activities in one statement, with one audit entry (imports, benchmarks)."""
        activities = self._plannable(activities)
        document_id = self._document_for(document_id)
        if not activities:
            return 0
        stamp = self._stamp(True)
        rows = [
            ACTIVITY_ROWS.values(a) | {"document_id": document_id, "source_ref": None} | stamp
            for a in activities
        ]
        self.conn.execute(insert(t.activities), rows)
        self._audit("import", "activities", None, None, {"added": len(rows)})
        return len(rows)
