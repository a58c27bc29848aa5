"""Places (platser) in the store: added, read, changed, made stricter and retired."""

from __future__ import annotations

from dataclasses import replace

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, select, update

from geo.disclosure.access import Operation
from geo.errors import ValidationError
from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.store import schema as t
from geo.store.core import SessionCore, now
from geo.store.mapping import PLACE_ROWS

KOMMUN_LAYER_PREFIX = "kommun_"


def kommun_boundaries(conn: Connection) -> list[tuple[str, BaseGeometry]]:
    """(kommunkod, boundary) of every stored kommun boundary (the `kommun_<kod>` base layers)."""
    query = (
        select(t.base_layers.c.name, t.base_features.c.geom)
        .join(t.base_features, t.base_features.c.layer_id == t.base_layers.c.id)
        .where(t.base_layers.c.name.startswith(KOMMUN_LAYER_PREFIX, autoescape=True))
    )
    return [(str(r.name).removeprefix(KOMMUN_LAYER_PREFIX), r.geom) for r in conn.execute(query)]


def kommun_at(geom: BaseGeometry, boundaries: list[tuple[str, BaseGeometry]]) -> str | None:
    """The kommun whose boundary holds the place (its representative point), if one does."""
    point = geom.representative_point()
    return next((kod for kod, boundary in boundaries if boundary.covers(point)), None)


def stored_kommuner(conn: Connection) -> list[str]:
    """The kommunkod of every stored promise, the most recently signed first."""
    query = select(t.promise_documents.c.kommunkod, t.promise_documents.c.signed_on).order_by(
        t.promise_documents.c.signed_on.desc()
    )
    return list(dict.fromkeys(str(r.kommunkod) for r in conn.execute(query)))


def adopt_places(conn: Connection) -> int:
    """Give every place without a kommun one; returns how many were given one.

    Each gets the kommun whose stored boundary holds it, else the kommun of the most recently
    signed promise (in a database with one kommun: that kommun). Run by the schema upgrade
    that brought kommuner to places and when the first promise is stored; with no promise
    stored the places wait.
    """
    kommuner = stored_kommuner(conn)
    if not kommuner:
        return 0
    boundaries = kommun_boundaries(conn)
    query = select(t.places.c.id, t.places.c.geom).where(t.places.c.kommunkod.is_(None))
    rows = list(conn.execute(query))
    for row in rows:
        kod = kommun_at(row.geom, boundaries) or kommuner[0]
        conn.execute(update(t.places).where(t.places.c.id == row.id).values(kommunkod=kod))
    return len(rows)


class Places(SessionCore):
    """The session's methods for places."""

    def add_place(self, place: Place, kommunkod: str | None = None) -> Place:
        """Store a new place; returns it with its id and kommun.

        The place belongs to the kommun whose stored boundary holds it, else to
        `place.kommunkod` or `kommunkod` (the kommun of the promise it is made for), else to
        the one kommun the stored promises are for. With promises of several kommuner and
        none of these, it is refused (ValidationError): it would belong to no promise.
        """
        self._require(Operation.PLAN, place.classification)
        kod = self._place_kommun(place.geometry, place.kommunkod or kommunkod)
        kommunal = replace(place, kommunkod=kod)
        return self._add_record(kommunal, t.places, PLACE_ROWS.values(kommunal))

    def _place_kommun(self, geom: BaseGeometry, made_for: str | None) -> str | None:
        """Where a new place belongs (the rule in `add_place`)."""
        if not hasattr(self, "_kommun_boundaries"):
            # Read once per session: an import adds many places.
            self._kommun_boundaries = kommun_boundaries(self.conn)
        kod = kommun_at(geom, self._kommun_boundaries) or made_for
        if kod is not None:
            return kod
        kommuner = stored_kommuner(self.conn)
        if len(kommuner) > 1:
            raise ValidationError(
                "Platsen ligger inte inom någon lagrad kommungräns och databasen har löften för "
                f"flera kommuner ({', '.join(kommuner)}): välj vilket löfte platsen hör till."
            )
        return kommuner[0] if kommuner else None

    def get_place(self, place_id: int) -> Place:
        """The place with this id, retired or not."""
        return PLACE_ROWS.from_row(
            self._visible_row(t.places, place_id, f"Platsen {place_id} finns inte.")
        )

    def list_places(
        self,
        kind: PlaceKind | None = None,
        include_retired: bool = False,
        kommunkod: str | None = None,
    ) -> list[Place]:
        """Places, by kind and name; with `kommunkod`, that kommun's only.

        A promise sees the places of its kommun (`PromiseDocument.kommunkod`), whichever year
        they were made in: every read for a promise passes it here.
        """
        query = select(t.places).order_by(t.places.c.kind, t.places.c.name, t.places.c.id)
        if kind is not None:
            query = query.where(t.places.c.kind == kind.value)
        if kommunkod is not None:
            query = query.where(t.places.c.kommunkod == kommunkod)
        if not include_retired:
            query = query.where(t.places.c.retired_at.is_(None))
        query = self._hide_secret(query, t.places)
        return [PLACE_ROWS.from_row(r) for r in self.conn.execute(query)]

    def places_by_id(self, kommunkod: str | None = None) -> dict[int, Place]:
        """Every place of the kommun, retired ones too, by id (to look up where records are)."""
        places = self.list_places(include_retired=True, kommunkod=kommunkod)
        return {p.id: p for p in places if p.id is not None}

    def update_place(self, place: Place) -> Place:
        """Save changes; refused (ConflictError) if someone saved since `place.version`.

        The place keeps its kommun, moved or not, when `place.kommunkod` is not given.
        """
        self._require(Operation.PLAN, place.classification)
        unsaved = "Platsen är inte sparad än."
        if place.kommunkod is None and place.id is not None:
            place = replace(place, kommunkod=self.get_place(place.id).kommunkod)
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
