"""The core of a store session: role checks, classification rules, stamps, versions, audit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, func, insert, select, update

from geo.disclosure import access
from geo.disclosure.access import Operation
from geo.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from geo.progress_report import Progress
from geo.records.kinds import Classification
from geo.records.models import STOCKHOLM, Actor, Finding
from geo.records.promise import PromiseDocument
from geo.records.promise_file import parse_promise_text
from geo.store import schema as t
from geo.store.mapping import jsonable

T = TypeVar("T")
# Rows per INSERT of a bulk write that reports its progress (events, base-layer features).
PROGRESS_ROWS = 5_000


@lru_cache(maxsize=64)
def _parsed_document(source_text: str, source_name: str) -> PromiseDocument:
    """A stored promise's text, read once per process (the record is frozen, so it is shared).

    Every read of a promise re-read its YAML: tens of milliseconds on every page run. Keyed by
    the text itself, so a promise stored anew with other text is read anew, never stale.
    """
    return parse_promise_text(source_text, source_name)


def now() -> datetime:
    """The current time in Europe/Stockholm (one place, so tests can reason about it)."""
    return datetime.now(STOCKHOLM)


# Rows fetched at a time when a read is streamed (`SessionCore._streamed`): a chunk's Python
# objects stay small (about 2.5 KB a row; 50,000 at a time held 125 MB more at the peak, and
# were no faster).
STREAM_ROWS = 10_000


@dataclass
class SessionCore:
    """What every part of a `Session` builds on.

    Its connection, actor and backend, the role checks, the classification rules (a record at
    least as strict as its place or walk), the who/when stamps, the version check and the audit.
    """

    conn: Connection
    actor: Actor
    backend: str
    # The promise `save_promise_document` is storing: its tables' audit asks whether the actor
    # may store that promise (`access.require_for_table`), not only the actor's role.
    _promise_being_saved: PromiseDocument | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        # An actor without a known role gets nothing, not even reads.
        access.require(self.actor, Operation.READ)

    def _require(self, operation: Operation, classification: Any = None) -> None:
        """Refuse (PermissionDenied) unless the actor may do this (and see what it writes)."""
        access.require(self.actor, operation)
        if classification is not None and not access.may_see(self.actor, classification):
            raise PermissionDenied(
                "Bara polisens planerare och administratörer kan spara uppgifter som "
                "är klassade som sekretess."
            )

    def _stored_documents(self) -> list[PromiseDocument]:
        """Every stored promise document, newest signing first, whoever may work on it."""
        rows = self.conn.execute(
            select(t.promise_documents.c.source_text, t.promise_documents.c.source_name).order_by(
                t.promise_documents.c.signed_on.desc()
            )
        )
        return [_parsed_document(r.source_text, r.source_name) for r in rows]

    def _documents_to_work_on(self, document_id: str | None = None) -> list[PromiseDocument]:
        """The stored promises the actor may work on (`access.may_work_on`).

        Refuses (PermissionDenied) when `document_id` names one the actor may not work on,
        or when a bare `kommun` meets two stored kommuner.
        """
        stored = self._stored_documents()
        mine = access.promises_to_work_on(self.actor, stored)
        for doc in stored:
            if doc.id == document_id:
                access.require_work_on(self.actor, doc)
        return mine

    def _require_document(self, document_id: str | None) -> None:
        """Refuse a write for a promise the actor may not work on (None: no promise named)."""
        if document_id is not None:
            self._documents_to_work_on(document_id)

    def _hide_secret(self, query: Any, table: Any) -> Any:
        """Leave sekretess rows out of a query for actors who may not see them."""
        if access.sees_secret(self.actor):
            return query
        return query.where(table.c.classification != Classification.SECRET.value)

    def _streamed(
        self, query: Any, total: int = 0, progress: Progress | None = None
    ) -> Iterator[Sequence[Any]]:
        """`query`'s rows, `STREAM_ROWS` at a time from a server-side cursor, for a read of any
        length; `progress` is told (read, `total`) from (0, `total`) and after each chunk has
        been handled. Read it to the end, inside the session."""
        if progress is not None:
            progress(0, total)
        options = {"stream_results": True, "yield_per": STREAM_ROWS}
        done = 0
        for rows in self.conn.execution_options(**options).execute(query).partitions():
            yield rows
            done += len(rows)
            if progress is not None:
                progress(done, total)

    def _of_document(self, query: Any, table: Any, document_id: str | None) -> Any:
        """Keep only the rows of one promise document in a query (None: every document).

        Activities, plans and rules carry their document; a finding hangs off the activity
        (safety walk) it was made on, so it belongs to that activity's document. Every
        figure of a promise is counted from its own records only (one kommun's records
        never count in another's).
        """
        if document_id is None:
            return query
        if table is t.findings:
            walks = select(t.activities.c.id).where(t.activities.c.document_id == document_id)
            return query.where(table.c.activity_id.in_(walks))
        return query.where(table.c.document_id == document_id)

    def _document_for(self, document_id: str | None) -> str | None:
        """The promise document a new record belongs to.

        Named: that one (it must exist, and the actor work on it: `_require_document`). Not
        named: the only document the actor works on; with none stored yet, None (the record
        is assigned when the first promise is stored, see `assign_unassigned`); with
        several, refused, since it would count toward none.
        """
        if document_id is not None:
            stored = self.conn.scalar(
                select(t.promise_documents.c.id).where(t.promise_documents.c.id == document_id)
            )
            if stored is None:
                raise NotFoundError(f'Inget medborgarlöfte har id "{document_id}".')
            self._require_document(document_id)
            return document_id
        documents = [d.id for d in self._documents_to_work_on()]
        if len(documents) > 1:
            raise ValidationError(
                "Det finns flera medborgarlöften; ange vilket posten hör till "
                f"({', '.join(sorted(documents))}). Inget sparades."
            )
        return documents[0] if documents else None

    def _place_classifications(self, place_ids: Iterable[int | None]) -> dict[int, Classification]:
        """The stored classification of these places (a rule's input, not a read for the user)."""
        wanted = {i for i in place_ids if i is not None}
        if not wanted:
            return {}
        query = select(t.places.c.id, t.places.c.classification).where(t.places.c.id.in_(wanted))
        return {row.id: Classification(row.classification) for row in self.conn.execute(query)}

    def _as_strict_as_place(self, records: Sequence[Any]) -> list[Any]:
        """Activities and plans at a place, at least as restricted as the place.

        An "öppen" activity at a sekretess place would be counted in a public grid cell at
        that place's position; several grids would then locate the place. So the record takes
        the place's classification when it is stricter (`Classification.at_least`).
        """
        places = self._place_classifications(r.place_id for r in records)
        out = []
        for r in records:
            place = places.get(r.place_id) if r.place_id is not None else None
            if place is not None and place.rank > r.classification.rank:
                r = replace(r, classification=r.classification.at_least(place))
            out.append(r)
        return out

    def _plannable(self, records: Sequence[T]) -> list[T]:
        """Activities or plans as they may be written: as strict as their place, and the actor
        a planner who may see that classification (`_as_strict_as_place`, `_require`)."""
        self._require(Operation.PLAN)
        strict = self._as_strict_as_place(records)
        # Once per classification, not per record: an import checks tens of thousands.
        for classification in {r.classification for r in strict}:
            self._require(Operation.PLAN, classification)
        return strict

    def _insert_in_steps(
        self,
        table: Table,
        rows: Sequence[Mapping[str, Any]],
        progress: Progress | None = None,
    ) -> None:
        """INSERT `rows` `PROGRESS_ROWS` at a time, telling `progress` (written, all) after
        each step: the app shows a large file's import moving (one INSERT held it still)."""
        for first in range(0, len(rows), PROGRESS_ROWS):
            self.conn.execute(insert(table), rows[first : first + PROGRESS_ROWS])
            if progress is not None:
                progress(min(first + PROGRESS_ROWS, len(rows)), len(rows))

    def _as_strict_as_walk(self, finding: Finding) -> Finding:
        """A finding at least as restricted as the safety walk it was made on."""
        if finding.activity_id is None:
            return finding
        walk = self.conn.scalar(
            select(t.activities.c.classification).where(t.activities.c.id == finding.activity_id)
        )
        if walk is None:
            return finding
        return replace(
            finding, classification=finding.classification.at_least(Classification(walk))
        )

    def _stamp(self, creating: bool) -> dict[str, Any]:
        """created/updated by and at for the current actor."""
        stamp: dict[str, Any] = {"updated_at": now(), "updated_by": self.actor.username}
        if creating:
            stamp |= {"created_at": stamp["updated_at"], "created_by": self.actor.username}
        return stamp

    def _audit(
        self,
        action: str,
        table: str,
        record_id: Any,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        """Append who changed what, with the values before and after."""
        # Safety net: every change is audited, so no write method can skip the role check.
        access.require_for_table(self.actor, table, self._promise_being_saved)
        self.conn.execute(
            insert(t.audit_log).values(
                at=now(),
                actor=self.actor.username,
                action=action,
                table_name=table,
                record_id=None if record_id is None else str(record_id),
                before=jsonable(before),
                after=jsonable(after),
            )
        )

    def _bump(self, table: Any, record_id: int, expected_version: int, values: dict) -> None:
        """Update a row only if nobody saved it since `expected_version` was read."""
        result = self.conn.execute(
            update(table)
            .where(table.c.id == record_id, table.c.version == expected_version)
            .values(**values, version=expected_version + 1, **self._stamp(False))
        )
        if result.rowcount == 0:
            exists = self.conn.scalar(select(table.c.id).where(table.c.id == record_id))
            if exists is None:
                raise NotFoundError(f"Posten {record_id} finns inte (längre).")
            raise ConflictError(
                "Någon annan har sparat ändringar i samma post sedan du öppnade den. "
                "Dina ändringar är inte sparade: ladda om och gör dem igen."
            )

    def _insert_record(
        self, table: Any, values: dict[str, Any], stamp: dict[str, Any] | None = None
    ) -> Any:
        """Insert a new row stamped with who and when, and audit it; returns its id."""
        new_id = self.conn.execute(
            insert(table).values(**values, **(stamp or self._stamp(True))).returning(table.c.id)
        ).scalar_one()
        self._audit("create", table.name, new_id, None, values)
        return new_id

    def _add_record(self, record: Any, table: Any, values: dict[str, Any]) -> Any:
        """Insert a new record's row (stamped, audited); returns the record with id, version 1."""
        return replace(record, id=self._insert_record(table, values), version=1)

    def _update_record(
        self,
        table: Any,
        record_id: int,
        expected_version: int,
        before: Mapping[str, Any] | None,
        values: dict[str, Any],
    ) -> None:
        """Save changed values (version-checked, see `_bump`) and audit the change."""
        self._bump(table, record_id, expected_version, values)
        self._audit("update", table.name, record_id, before, values)

    def _save_changes(
        self,
        record: Any,
        table: Any,
        to_values: Callable[[Any], dict[str, Any]],
        get: Callable[[int], Any],
        unsaved: str,
    ) -> Any:
        """Save a stored record's changes (version-checked, audited); returns it one version on.

        The caller checks the role first: `get` reads the record as stored (NotFoundError for
        one the actor may not see), for the audit log's values before.
        """
        if record.id is None:
            raise NotFoundError(unsaved)
        before = to_values(get(record.id))
        self._update_record(table, record.id, record.version, before, to_values(record))
        return replace(record, version=record.version + 1)

    def _visible_row(self, table: Any, record_id: int, missing: str, *extra: Any) -> Any:
        """The row of `table` with this id (and the `extra` columns), if the actor may see it;
        NotFoundError(`missing`) otherwise.

        A sekretess record the actor may not see does not exist for them: same message.
        """
        query = select(table, *extra).where(table.c.id == record_id)
        row = self.conn.execute(self._hide_secret(query, table)).first()
        if row is None:
            raise NotFoundError(missing)
        return row


ASSIGNED_TABLES = (t.activities, t.planned_activities, t.recurrence_rules)
"""The tables whose rows name their promise document (findings follow their activity)."""


def assign_unassigned(conn: Connection) -> int:
    """Give rows without a promise document the only stored one; returns how many moved.

    Rows written before records named their promise (or before any promise was stored) have
    no document and would count toward none. With exactly one document they can only be
    its; with several the choice is not the program's, so they are left (see `unassigned`).
    """
    documents = list(conn.scalars(select(t.promise_documents.c.id)))
    if len(documents) != 1:
        return 0
    moved = 0
    for table in ASSIGNED_TABLES:
        result = conn.execute(
            update(table).where(table.c.document_id.is_(None)).values(document_id=documents[0])
        )
        moved += result.rowcount
    return moved


def unassigned(conn: Connection, visible: Callable[[Any, Any], Any] = lambda q, _: q) -> int:
    """How many activities, plans and rules belong to no promise document (of those
    `visible(query, table)` keeps: a session leaves out the sekretess rows its actor may
    not see)."""
    return sum(
        conn.scalar(
            visible(
                select(func.count()).select_from(table).where(table.c.document_id.is_(None)),
                table,
            )
        )
        or 0
        for table in ASSIGNED_TABLES
    )


def starting_in(column: Any, start: datetime | None, end: datetime | None) -> list[Any]:
    """Conditions for a time column in [start, end); an open side adds none."""
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def in_period(table: Any, time: Any, start: datetime | None, end: datetime | None) -> Any:
    """All rows of `table` with the column `time` in [start, end), oldest first (then by id)."""
    return select(table).where(*starting_in(time, start, end)).order_by(time, table.c.id)


def chunked(values: Iterable[T], size: int = 500) -> Iterator[list[T]]:
    """The distinct values in lists of `size`: SQLite limits the bound values per statement."""
    wanted = list(dict.fromkeys(values))
    for i in range(0, len(wanted), size):
        yield wanted[i : i + size]
