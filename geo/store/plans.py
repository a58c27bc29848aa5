"""Planned activities (planerade aktiviteter) and the schedule rules that make them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import select

from geo.disclosure.access import Operation
from geo.records.models import PlannedActivity, ScheduleRule
from geo.store import schema as t
from geo.store.core import SessionCore, starting_in
from geo.store.mapping import (
    PLANNED_ROWS,
    SCHEDULE_RULE_ROWS,
)


class Plans(SessionCore):
    """The session's methods for plans and schedule rules."""

    def add_planned(
        self, planned: PlannedActivity, document_id: str | None = None
    ) -> PlannedActivity:
        """Schedule an activity; returns it with its id (classified at least as its place)."""
        (planned,) = self._plannable([planned])
        values = PLANNED_ROWS.values(planned) | {"document_id": self._document_for(document_id)}
        return self._add_record(planned, t.planned_activities, values)

    def get_planned(self, planned_id: int) -> PlannedActivity:
        """The planned activity with this id."""
        missing = f"Den planerade aktiviteten {planned_id} finns inte."
        return PLANNED_ROWS.from_row(self._visible_row(t.planned_activities, planned_id, missing))

    def list_planned(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        document_id: str | None = None,
    ) -> list[PlannedActivity]:
        """Planned activities with start in [start, end), soonest first; of one promise
        document when `document_id` is given."""
        start_at = t.planned_activities.c.start_at
        return self._planned_where(*starting_in(start_at, start, end), document_id=document_id)

    def planned_with_seeds(
        self, seeds: Collection[int], document_id: str | None = None
    ) -> list[PlannedActivity]:
        """The planned activities with one of these seeds, of the promise a new plan named
        `document_id` goes to (`_document_for`): another promise's plans never match."""
        p = t.planned_activities
        return self._planned_where(
            p.c.seed.in_(list(seeds)), document_id=self._document_for(document_id)
        )

    def update_planned(self, planned: PlannedActivity) -> PlannedActivity:
        """Save changes to a plan (optimistic version check)."""
        (planned,) = self._plannable([planned])
        unsaved = "Den planerade aktiviteten är inte sparad än."
        return self._save_changes(
            planned, t.planned_activities, PLANNED_ROWS.values, self.get_planned, unsaved
        )

    def add_schedule_rule(self, rule: ScheduleRule, document_id: str | None = None) -> ScheduleRule:
        """Store a recurrence rule or randomised plan; returns it with its id."""
        self._require(Operation.PLAN, rule.classification)
        values = SCHEDULE_RULE_ROWS.values(rule) | {"document_id": self._document_for(document_id)}
        return self._add_record(rule, t.recurrence_rules, values)

    def get_schedule_rule(self, rule_id: int) -> ScheduleRule:
        """The stored rule with this id."""
        row = self._visible_row(t.recurrence_rules, rule_id, f"Regeln {rule_id} finns inte.")
        return SCHEDULE_RULE_ROWS.from_row(row)

    def list_schedule_rules(self, document_id: str | None = None) -> list[ScheduleRule]:
        """Stored rules, oldest first; optionally of one promise document."""
        r = t.recurrence_rules
        query = self._of_document(select(r).order_by(r.c.id), r, document_id)
        rows = self.conn.execute(self._hide_secret(query, r))
        return [SCHEDULE_RULE_ROWS.from_row(row) for row in rows]

    def list_planned_for_rule(self, rule_id: int) -> list[PlannedActivity]:
        """The planned activities a stored rule made, soonest first."""
        return self._planned_where(t.planned_activities.c.rule_id == rule_id)

    def _planned_where(
        self, *conditions: Any, document_id: str | None = None
    ) -> list[PlannedActivity]:
        """The planned activities the actor may see that meet `conditions` (and are of
        `document_id`, if given), soonest first."""
        p = t.planned_activities
        query = select(p).where(*conditions).order_by(p.c.start_at, p.c.id)
        query = self._of_document(query, p, document_id)
        return [PLANNED_ROWS.from_row(r) for r in self.conn.execute(self._hide_secret(query, p))]
