"""Done activities (genomförda aktiviteter) in the store, one at a time and in bulk."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from sqlalchemy import func, insert, select

from geo.disclosure.access import Operation
from geo.progress_report import Progress
from geo.records.kinds import Kind
from geo.records.models import Activity
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
        query = self._activities_query(start, end, kind, document_id, unplanned)
        return [ACTIVITY_ROWS.from_row(r) for r in self.conn.execute(query)]

    def iter_activities(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        document_id: str | None = None,
        unplanned: bool = False,
        progress: Progress | None = None,
    ) -> Iterator[Activity]:
        """`list_activities`, read in chunks (`SessionCore._streamed`): for a file of any length.

        A calendar feed of a police region's year lists up to a million activities; built as
        one list they alone took gigabytes. Use it inside the session, and read it to the end.
        `progress` is told (read, total) from (0, total) and after each chunk.
        """
        query = self._activities_query(start, end, None, document_id, unplanned)
        total = 0
        if progress is not None:
            total = self.conn.scalar(select(func.count()).select_from(query.subquery())) or 0
        for rows in self._streamed(query, total, progress):
            yield from (ACTIVITY_ROWS.from_row(r) for r in rows)

    def _activities_query(
        self,
        start: datetime | None,
        end: datetime | None,
        kind: Kind | None,
        document_id: str | None,
        unplanned: bool,
    ) -> Any:
        """The activities a read returns: in [start, end), oldest first, of one promise, with
        sekretess left out for those who may not see it."""
        query = in_period(t.activities, t.activities.c.start_at, start, end)
        if kind is not None:
            query = query.where(t.activities.c.kind == kind.value)
        if unplanned:
            query = query.where(t.activities.c.planned_id.is_(None))
        return self._hide_secret(self._of_document(query, t.activities, document_id), t.activities)

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
        """Log many activities with one audit entry for them all (benchmarks, tests).

        `source_refs` gives each its import reference (see `imported_rows`), `source` what
        the audit entry says they came from (a file's name and hash).
        """
        self._require(Operation.PLAN)  # before the pairs are made (again in the chunks)
        refs = list(source_refs) if source_refs is not None else [None] * len(activities)
        pairs = list(zip(activities, refs, strict=True))
        chunks = (pairs[first : first + BULK_ROWS] for first in range(0, len(pairs), BULK_ROWS))
        return self.add_activity_chunks(chunks, document_id, source)

    def add_activity_chunks(
        self,
        chunks: Iterable[Sequence[tuple[Activity, str | None]]],
        document_id: str | None = None,
        source: Mapping[str, Any] | None = None,
    ) -> int:
        """Log activities chunk by chunk as `chunks` hands them over, with one audit entry.

        Each chunk is (activity, import reference) pairs, written with one INSERT per
        `BULK_ROWS` (one INSERT and one audit entry per activity cost 0.6 ms a row). The
        import hands over each chunk as soon as it is checked, so a million rows never sit
        in memory together; when `chunks` raises (a bad row further down the file), nothing
        is audited and the session's transaction rolls back what was written.
        """
        self._require(Operation.PLAN)
        document_id = self._document_for(document_id)
        # The same for every row: who, when, which promise, the first version.
        common = self._stamp(True) | {"document_id": document_id, "version": 1}
        with self._large_page_cache():
            added = self._write_chunks(chunks, common)
        if added:
            self._audit("import", "activities", None, None, {"added": added, **(source or {})})
        return added

    def _write_chunks(
        self, chunks: Iterable[Sequence[tuple[Activity, str | None]]], common: Mapping[str, Any]
    ) -> int:
        """Write each chunk as it comes (see `add_activity_chunks`); how many were written."""
        added = 0
        for chunk in chunks:
            activities = self._plannable([a for a, _ in chunk])
            for first in range(0, len(activities), BULK_ROWS):
                rows = [
                    ACTIVITY_ROWS.values(a) | {"source_ref": ref}
                    for a, (_, ref) in zip(
                        activities[first : first + BULK_ROWS],
                        chunk[first : first + BULK_ROWS],
                        strict=True,
                    )
                ]
                self._insert_many(rows, common)
            added += len(activities)
        return added

    @contextmanager
    def _large_page_cache(self) -> Iterator[None]:
        """On SQLite, a 64 MB page cache while many rows are written, then the default again.

        Each row adds to the activities' indexes (its import reference among them) at no
        particular place, and with SQLite's default 2 MB cache a 100,000-row import read and
        wrote nearly a million pages (`strace -c`: 454,101 pwrite64, 488,977 pread64).
        """
        if self.backend != "sqlite":
            yield
            return
        # Negative: in KiB. A PRAGMA takes no bound values, so both sizes are written out;
        # the engine keeps SQLite's default (-2000) and the session's connection goes back to it.
        self.conn.exec_driver_sql("PRAGMA cache_size = -65536")
        try:
            yield
        finally:
            self.conn.exec_driver_sql("PRAGMA cache_size = -2000")

    def _insert_many(self, rows: Sequence[Mapping[str, Any]], common: Mapping[str, Any]) -> None:
        """INSERT activity rows (all with the same columns, plus `common` in every one)
        through the driver's executemany.

        `conn.execute(insert(...), rows)` builds and converts every row's parameters one by
        one in SQLAlchemy, which cost more than writing them (a profile of an import of
        20,000 rows: 1.1 s of 1.5 s). Here the statement is compiled once, each column's
        conversion (times to UTC, outcome to JSON, geometry to WKB) is looked up once and
        run down the column, and the values every row shares are converted once.
        """
        keys = list(rows[0])
        dialect = self.conn.dialect
        compiled = insert(t.activities).compile(dialect=dialect, column_keys=[*keys, *common])

        def converter(key: str) -> Callable[[Any], Any] | None:
            return t.activities.c[key].type.dialect_impl(dialect).bind_processor(dialect)

        columns: dict[str, Iterable[Any]] = {}
        for key in keys:
            convert = converter(key)
            values = [row[key] for row in rows]
            if isinstance(t.activities.c[key].type, t.Geometry):  # WKB for all in one call
                columns[key] = list(shapely.to_wkb(np.array(values, dtype=object)))
            else:
                columns[key] = values if convert is None else [convert(v) for v in values]
        # The statement's own values (the SRID given to ST_GeomFromWKB), then the shared ones.
        fixed = {k: v for k, v in compiled.params.items() if k not in columns}
        for key, value in common.items():
            convert = converter(key)
            fixed[key] = value if convert is None else convert(value)
        names = list(compiled.positiontup or []) if compiled.positional else list(compiled.params)
        cells = (
            columns[n] if n in columns else itertools.repeat(fixed[n], len(rows)) for n in names
        )
        params: list[Any] = list(zip(*cells, strict=False))
        if not compiled.positional:
            params = [dict(zip(names, values, strict=True)) for values in params]
        self.conn.exec_driver_sql(compiled.string, params)

    def _sqlite_imported_rows(self, query: Any, prefix: str, document_id: str | None) -> int:
        """`imported_rows` for one prefix on SQLite, through the import reference's index.

        LIKE with ESCAPE cannot use an index, and the promise's own index reads all its rows
        (a file imported before took 12 s to be known at a million rows). The same rows are
        a range in SQLite's byte order (BINARY), which its unique index finds; the promise is
        then compared as a value (`|| ''`), so SQLite does not choose its index instead.
        PostgreSQL is left to its planner: its collation may order text otherwise.
        """
        a = t.activities
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        query = query.where(a.c.source_ref >= prefix, a.c.source_ref < after)
        if document_id is not None:
            query = query.where(a.c.document_id.concat("") == document_id)
        return self.conn.scalar(query) or 0

    def imported_rows(self, prefixes: Sequence[str], document_id: str | None = None) -> int:
        """How many activities (of `document_id`, if given) have an import reference that
        starts with one of `prefixes`: the rows of one file, by its hash."""
        a = t.activities
        total = 0
        for prefix in prefixes:
            query = select(func.count()).select_from(a)
            query = query.where(a.c.source_ref.startswith(prefix, autoescape=True))
            if self.backend == "sqlite" and prefix:
                total += self._sqlite_imported_rows(query, prefix, document_id)
                continue
            total += self.conn.scalar(self._of_document(query, a, document_id)) or 0
        return total
