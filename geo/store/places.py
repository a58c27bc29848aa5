"""Places (platser) in the store: added, read, changed, made stricter and retired."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from geo.disclosure.access import Operation
from geo.records.models import Classification, Place, PlaceKind
from geo.store import schema as t
from geo.store.core import SessionCore, now
from geo.store.mapping import PLACE_ROWS


class Places(SessionCore):
    """The session's methods for places."""

    def add_place(self, place: Place) -> Place:
        """Store a new place; returns it with its id."""
        self._require(Operation.PLAN, place.classification)
        return self._add_record(place, t.places, PLACE_ROWS.values(place))

    def get_place(self, place_id: int) -> Place:
        """The place with this id, retired or not."""
        query = select(t.places).where(t.places.c.id == place_id)
        return PLACE_ROWS.from_row(
            self._visible_row(query, t.places, f"Platsen {place_id} finns inte.")
        )

    def list_places(
        self, kind: PlaceKind | None = None, include_retired: bool = False
    ) -> list[Place]:
        """Places, by kind and name."""
        query = select(t.places).order_by(t.places.c.kind, t.places.c.name, t.places.c.id)
        if kind is not None:
            query = query.where(t.places.c.kind == kind.value)
        if not include_retired:
            query = query.where(t.places.c.retired_at.is_(None))
        query = self._hide_secret(query, t.places)
        return [PLACE_ROWS.from_row(r) for r in self.conn.execute(query)]

    def update_place(self, place: Place) -> Place:
        """Save changes; refused (ConflictError) if someone saved since `place.version`."""
        self._require(Operation.PLAN, place.classification)
        unsaved = "Platsen är inte sparad än."
        saved = self._save_changes(place, t.places, PLACE_ROWS.values, self.get_place, unsaved)
        self._restrict_records_at(saved.id, place.classification)
        return saved

    def _restrict_records_at(self, place_id: int, classification: Classification) -> None:
        """A place made stricter takes what was done and planned there along."""
        looser = [c.value for c in Classification if c.rank < classification.rank]
        if not looser:
            return
        for table in (t.activities, t.planned_activities):
            changed = self.conn.execute(
                update(table)
                .where(table.c.place_id == place_id, table.c.classification.in_(looser))
                .values(classification=classification.value)
            ).rowcount
            if changed:
                self._audit(
                    "update",
                    table.name,
                    None,
                    {"place_id": place_id},
                    {"classification": classification.value, "changed": changed},
                )

    def retire_place(self, place_id: int, version: int) -> Place:
        """Take a place out of use; everything logged against it stays."""
        self._require(Operation.PLAN)
        place = self.get_place(place_id)
        when = now()
        self._bump(t.places, place_id, version, {"retired_at": when})
        self._audit("retire", "places", place_id, {"retired_at": None}, {"retired_at": when})
        return replace(place, retired_at=when, version=version + 1)
