"""The store: the only module that talks to the database.

`Store(url)` opens a SQLite file or a PostgreSQL + PostGIS database (chosen by the URL,
normally from `LOFTESKARTAN_DB`). All reads and writes go through a unit of work,

    with store.session(actor) as s:
        place = s.add_place(place)

which is one transaction: everything in the block is written, or (on any error) nothing.
Every write records who and when, bumps the record's version and appends to the audit log.

The store package is where the database lives: the tables (`schema`), their upgrades
(`migrations`), backup and restore (`backup`) and the audit log for people (`audit`). The rules
for how records are stored, versioned and audited have their home here. `Store` and `Session`
stay in this `__init__` for now; the next step splits them into one module per record kind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    Connection,
    Engine,
    Float,
    Integer,
    LargeBinary,
    case,
    cast,
    create_engine,
    delete,
    event,
    exists,
    extract,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from geo.disclosure import access
from geo.disclosure.access import Operation
from geo.errors import (
    ConflictError,
    DatabaseBusy,
    LofteskartanError,
    NotFoundError,
    PermissionDenied,
    PromiseFileError,
    SchemaError,
)
from geo.files.limits import busy_timeout_seconds
from geo.files.photos import Photo
from geo.files.private_files import create_private_file, make_private_dir
from geo.followup.events import PoliceEvent
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Actor,
    BaseLayer,
    Classification,
    CommitmentKind,
    Finding,
    FindingStatus,
    Outcome,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
    PromiseDocument,
    ScheduleRule,
)
from geo.records.models import Indicator as IndicatorRecord
from geo.records.periods import clock_changes
from geo.records.progress import CommitmentMatch, Tally
from geo.records.promise_file import parse_promise_text
from geo.store import schema as t
from geo.store.migrations import MIGRATIONS

ENV_VAR = "LOFTESKARTAN_DB"


def default_database_path() -> Path:
    """Where the SQLite file lives when `LOFTESKARTAN_DB` is not set.

    `$XDG_DATA_HOME/lofteskartan/lofteskartan.sqlite`, i.e.
    `~/.local/share/lofteskartan/lofteskartan.sqlite` on most machines.
    """
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lofteskartan" / "lofteskartan.sqlite"


def database_url(env: Mapping[str, str] | None = None) -> str:
    """The SQLAlchemy URL to use: `LOFTESKARTAN_DB`, else the default SQLite file."""
    env = os.environ if env is None else env
    url = env.get(ENV_VAR, "").strip()
    if url:
        # Plain postgresql:// URLs mean the psycopg 3 driver we ship.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    return f"sqlite:///{default_database_path()}"


def now() -> datetime:
    """The current time in Europe/Stockholm (one place, so tests can reason about it)."""
    return datetime.now(STOCKHOLM)


class Store:
    """A database holding one or more medborgarlöften and everything done for them."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        parsed = make_url(self.url)
        self.backend = "postgis" if parsed.get_backend_name() == "postgresql" else "sqlite"
        kwargs: dict[str, Any] = {"future": True}
        self.sqlite_path = (
            Path(parsed.database) if self.backend == "sqlite" and parsed.database else None
        )
        # Several sessions and imports share the database: a writer waits this long for
        # another one's lock, then gets DatabaseBusy (see `_translate_lock_error`).
        busy = busy_timeout_seconds()
        if self.sqlite_path is not None:
            kwargs["connect_args"] = {"timeout": busy}
        elif self.backend == "postgis":
            kwargs["connect_args"] = {"options": f"-c lock_timeout={int(busy * 1000)}"}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine, "connect", _configure_sqlite)
        event.listen(self.engine, "handle_error", _translate_lock_error)

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"

    def dispose(self) -> None:
        """Close all pooled connections."""
        self.engine.dispose()

    # -- schema -----------------------------------------------------------------------

    def schema_version(self) -> int | None:
        """The schema version in the database, or None for an empty database."""
        if not sa_inspect(self.engine).has_table("meta"):
            return None
        with self.engine.connect() as conn:
            value = conn.scalar(select(t.meta.c.value).where(t.meta.c.key == "schema_version"))
        return int(value) if value is not None else None

    def create_or_upgrade(self) -> str:
        """Create the tables, or bring an older database up to this version.

        Returns a Swedish sentence saying what was done. A database from a newer version
        is refused (SchemaError) rather than touched.
        """
        self._create_private_sqlite_file()
        current = self.schema_version()
        if current is not None and current > t.SCHEMA_VERSION:
            raise SchemaError(
                f"Databasen har schemaversion {current}, men den här versionen av "
                f"Löfteskartan känner bara till version {t.SCHEMA_VERSION}. "
                "Uppgradera programmet i stället för att använda en äldre version."
            )
        with self._schema_transaction() as conn:
            if self.backend == "postgis":
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
            if current is None:
                t.metadata.create_all(conn)
                conn.execute(
                    insert(t.meta).values(key="schema_version", value=str(t.SCHEMA_VERSION))
                )
                return f"Databasen skapades (schemaversion {t.SCHEMA_VERSION})."
            if current == t.SCHEMA_VERSION:
                # Version 1 is not released yet: a table added to it since (finding_photos)
                # is created in a database made earlier. create_all only adds missing tables;
                # it never changes an existing one. From version 2 on, steps go in MIGRATIONS.
                t.metadata.create_all(conn, checkfirst=True)
                return f"Databasen är redan aktuell (schemaversion {current})."
            # Each step runs in this one transaction: an upgrade is all or nothing.
            for version in range(current + 1, t.SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
            conn.execute(
                update(t.meta)
                .where(t.meta.c.key == "schema_version")
                .values(value=str(t.SCHEMA_VERSION))
            )
            return f"Databasen uppgraderades från schemaversion {current} till {t.SCHEMA_VERSION}."

    @contextmanager
    def _schema_transaction(self) -> Iterator[Connection]:
        """A transaction that also covers CREATE and ALTER TABLE.

        Python's sqlite3 module commits DDL statements on its own outside any transaction,
        so a failed upgrade step would leave half a schema. Here the module's transaction
        handling is switched off and BEGIN/COMMIT are issued explicitly (the recipe in
        SQLAlchemy's pysqlite notes). PostgreSQL has transactional DDL anyway.
        """
        if self.backend != "sqlite":
            with self.engine.begin() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            dbapi = conn.connection.driver_connection
            saved = dbapi.isolation_level  # type: ignore[union-attr]
            dbapi.isolation_level = None  # type: ignore[union-attr]
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.exec_driver_sql("ROLLBACK")
                    raise
                conn.exec_driver_sql("COMMIT")
            finally:
                dbapi.isolation_level = saved  # type: ignore[union-attr]

    def _create_private_sqlite_file(self) -> None:
        """A new SQLite database is 0600 in a 0700 folder (it holds sekretess), any umask."""
        if self.sqlite_path is None or str(self.sqlite_path) == ":memory:":
            return
        make_private_dir(self.sqlite_path.parent)
        create_private_file(self.sqlite_path)

    def require_schema(self) -> None:
        """Fail with a clear message when the database has not been initialised."""
        if self.sqlite_path is not None and not self.sqlite_path.exists():
            # Connecting would create an empty file (and folders) as a side effect.
            raise SchemaError(
                f"Databasen {self.sqlite_path} finns inte. Kör `lofteskartan init` (eller "
                "`make run`) först."
            )
        version = self.schema_version()
        if version is None:
            raise SchemaError("Databasen är tom. Kör `lofteskartan init` (eller `make run`) först.")
        if version != t.SCHEMA_VERSION:
            raise SchemaError(
                f"Databasen har schemaversion {version}, programmet version "
                f"{t.SCHEMA_VERSION}. Kör `lofteskartan init` för att uppgradera."
            )

    # -- units of work ------------------------------------------------------------------

    @contextmanager
    def session(self, actor: Actor) -> Iterator[Session]:
        """One transaction on behalf of `actor`: all of it is written, or none of it."""
        with self.engine.begin() as conn:
            yield Session(conn, actor, self.backend)

    # -- backup and restore (issue 8) ---------------------------------------------------

    @contextmanager
    def snapshot(self, actor: Actor) -> Iterator[Session]:
        """A read-only unit of work where every query sees the same moment (for backups)."""
        with self.engine.connect() as conn:
            if self.backend == "postgis":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                if self.backend == "sqlite":
                    # pysqlite starts no transaction for reads; WAL keeps this one's snapshot.
                    conn.exec_driver_sql("BEGIN")
                yield Session(conn, actor, self.backend)

    def is_empty(self) -> bool:
        """True when none of our tables holds a row (meta's schema version aside)."""
        present = set(sa_inspect(self.engine).get_table_names())
        with self.engine.connect() as conn:
            for table in t.metadata.sorted_tables:
                if table.name not in present:
                    continue
                query = select(table).limit(1)
                if table is t.meta:
                    query = query.where(t.meta.c.key != "schema_version")
                if conn.execute(query).first() is not None:
                    return False
        return True

    def restore(
        self,
        actor: Actor,
        rows: Callable[[str], Iterable[Mapping[str, Any]]],
        replace_existing: bool = False,
        batch: int = 500,
    ) -> dict[str, int]:
        """Create the tables and fill them from `rows(table_name)`, in ONE transaction.

        Refuses a database that holds data unless `replace_existing` (then our tables are
        dropped and made anew inside the same transaction). Either the whole backup is in
        the database afterwards, or (on any error, or if the process dies) nothing changed.
        Returns rows restored per table.
        """
        access.require(actor, Operation.RESTORE)
        # Before is_empty(): its first connection would create the file with the umask's mode.
        self._create_private_sqlite_file()
        if not replace_existing and not self.is_empty():
            raise LofteskartanError(
                "Databasen innehåller redan uppgifter. Återställ till en tom databas, eller "
                "ange --replace för att ersätta allt i den med säkerhetskopian."
            )
        counts: dict[str, int] = {}
        with self.engine.connect() as conn, conn.begin():
            if self.backend == "sqlite":
                # Make the DDL part of the transaction too (pysqlite would autocommit it).
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
            if replace_existing:
                t.metadata.drop_all(conn)
            t.metadata.create_all(conn)
            for table in t.metadata.sorted_tables:
                counts[table.name] = 0
                chunk: list[dict[str, Any]] = []
                for row in rows(table.name):
                    chunk.append(dict(row))
                    if len(chunk) >= batch:
                        conn.execute(insert(table), chunk)
                        counts[table.name] += len(chunk)
                        chunk = []
                if chunk:
                    conn.execute(insert(table), chunk)
                    counts[table.name] += len(chunk)
                if self.backend == "postgis":
                    _advance_sequences(conn, table)
            session = Session(conn, actor, self.backend)
            session.record_change("restore", "meta", None, None, counts)
        return counts


def _advance_sequences(conn: Connection, table: Any) -> None:
    """After rows were inserted with their ids, new rows must get ids after the largest."""
    for column in table.primary_key.columns:
        if column.autoincrement is not True and not (
            column.autoincrement == "auto" and isinstance(column.type, Integer)
        ):
            continue
        sequence = conn.scalar(select(func.pg_get_serial_sequence(table.name, column.name)))
        if sequence is None:
            continue
        next_id = conn.scalar(select(func.coalesce(func.max(column), 0) + 1))
        conn.execute(select(func.setval(sequence, next_id, False)))


# SQLite says "database is locked" (or "database table is locked"); PostgreSQL's
# lock_timeout is SQLSTATE 55P03 (lock_not_available) and a deadlock victim 40P01.
_SQLITE_LOCKED = ("database is locked", "database table is locked")
_PG_LOCK_STATES = ("55P03", "40P01")


def _translate_lock_error(context: Any) -> None:
    """SQLAlchemy's handle_error hook: a lock we waited for in vain becomes DatabaseBusy.

    The one place where a busy database turns into a Swedish message: the CLI prints it
    and exits 2, pages show it, and no SQL, parameters or traceback reach the user.
    """
    original = context.original_exception
    if getattr(original, "sqlstate", None) in _PG_LOCK_STATES or any(
        text in str(original).lower() for text in _SQLITE_LOCKED
    ):
        raise DatabaseBusy() from None


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work while one writer writes; foreign keys are off by default."""
    t.register_sqlite_functions(dbapi_connection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # The busy timeout is the driver's `timeout` (see `Store.__init__`): the sqlite3 module
    # sets sqlite3_busy_timeout from it, and a PRAGMA cannot take it as a bound parameter.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@dataclass
class Session:
    """A unit of work on one connection (see `Store.session`)."""

    conn: Connection
    actor: Actor
    backend: str

    def __post_init__(self) -> None:
        # An actor without a known role gets nothing, not even reads.
        access.require(self.actor, Operation.READ)

    # -- helpers ----------------------------------------------------------------------

    def _require(self, operation: Operation, classification: Any = None) -> None:
        """Refuse (PermissionDenied) unless the actor may do this (and see what it writes)."""
        access.require(self.actor, operation)
        if classification is not None and not access.may_see(self.actor, classification):
            raise PermissionDenied(
                "Bara polisens planerare och administratörer kan spara uppgifter som "
                "är klassade som sekretess."
            )

    def _hide_secret(self, query: Any, table: Any) -> Any:
        """Leave sekretess rows out of a query for actors who may not see them."""
        if access.sees_secret(self.actor):
            return query
        return query.where(table.c.classification != Classification.SECRET.value)

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
        access.require_for_table(self.actor, table)
        self.conn.execute(
            insert(t.audit_log).values(
                at=now(),
                actor=self.actor.username,
                action=action,
                table_name=table,
                record_id=None if record_id is None else str(record_id),
                before=_jsonable(before),
                after=_jsonable(after),
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

    # -- settings -----------------------------------------------------------------------

    def get_setting(self, key: str) -> str | None:
        """A value from the meta table (schema version, demo marker...)."""
        return self.conn.scalar(select(t.meta.c.value).where(t.meta.c.key == key))

    def set_setting(self, key: str, value: str) -> None:
        """Write a value to the meta table."""
        self._require(Operation.ADMINISTER)
        if self.get_setting(key) is None:
            self.conn.execute(insert(t.meta).values(key=key, value=value))
        else:
            self.conn.execute(update(t.meta).where(t.meta.c.key == key).values(value=value))
        self._audit("setting", "meta", key, None, {"value": value})

    # -- promise documents --------------------------------------------------------------

    def save_promise_document(
        self, doc: PromiseDocument, source_name: str, source_text: str
    ) -> bool:
        """Store (or replace) a promise document from its file. Returns True if anything changed."""
        self._require(Operation.ADMINISTER)
        row = self.conn.execute(
            select(t.promise_documents).where(t.promise_documents.c.id == doc.id)
        ).first()
        if row is not None and row.source_text == source_text:
            return False
        if row is not None:
            self._refuse_dropping_used_commitments(doc)
        values = {
            "title": doc.title,
            "kommunkod": doc.kommunkod,
            "kommun_name": doc.kommun_name,
            "signed_on": doc.signed_on,
            "period_start": doc.period_start,
            "period_end": doc.period_end,
            "source_name": source_name,
            "source_text": source_text,
        }
        if row is None:
            self.conn.execute(
                insert(t.promise_documents).values(id=doc.id, **values, **self._stamp(True))
            )
            self._audit("create", "promise_documents", doc.id, None, values)
        else:
            self._bump(t.promise_documents, doc.id, row.version, values)  # type: ignore[arg-type]
            self._audit(
                "update", "promise_documents", doc.id, {"source_text": row.source_text}, values
            )
        self.conn.execute(delete(t.commitments).where(t.commitments.c.document_id == doc.id))
        for position, c in enumerate(doc.commitments):
            self.conn.execute(
                insert(t.commitments).values(
                    document_id=doc.id,
                    id=c.id,
                    promise_id=c.promise_id,
                    kind=c.kind.value,
                    responsible=c.responsible.value,
                    text=c.text,
                    position=position,
                    target_rule=c.target.rule.value if c.target else None,
                    target_count=c.target.count if c.target else None,
                )
            )
        return True

    def _refuse_dropping_used_commitments(self, doc: PromiseDocument) -> None:
        """A new version of a document may not lose a commitment that work is recorded against.

        Activities, plans and rules count toward the commitment they name, or, naming none,
        toward the document's single commitment of their kind (geo/records/progress.py). A new
        version without that commitment would make them vanish from the follow-up.
        """
        old = self.promise_document(doc.id)
        kept = {c.id for c in doc.commitments}
        for commitment in old.commitments:
            if commitment.id in kept:
                continue
            counts = self._recorded_against(doc.id, commitment.id)
            if counts:
                raise PromiseFileError(
                    f'Den nya versionen av {doc.id} saknar aktiviteten "{commitment.id}", som '
                    f"har {counts}. Behåll aktiviteten med samma id i filen, så går inget "
                    "förlorat. Inget sparades."
                )
        for kind in {c.kind for c in old.commitments}:
            before = [c for c in old.commitments if c.kind is kind]
            after = [c for c in doc.commitments if c.kind is kind]
            if len(before) != 1 or len(after) == 1:
                continue
            counts = self._recorded_against(doc.id, None, kind.value)
            if counts:
                raise PromiseFileError(
                    f"{counts} av typen {kind.value} räknas i dag till aktiviteten "
                    f'"{before[0].id}" utan att ange den. Den nya versionen av {doc.id} har '
                    f"{len(after)} aktiviteter av den typen, så de skulle inte räknas längre. "
                    "Behåll en aktivitet av typen med samma id. Inget sparades."
                )

    def _recorded_against(
        self, document_id: str, commitment_id: str | None, kind: str | None = None
    ) -> str:
        """ "3 genomförda, 1 planerad"-style counts of rows for one commitment (or kind)."""
        parts = []
        for label, table in (
            ("genomförda", t.activities),
            ("planerade", t.planned_activities),
            ("återkommande regler", t.recurrence_rules),
        ):
            query = (
                select(func.count()).select_from(table).where(table.c.document_id == document_id)
            )
            if commitment_id is None:
                query = query.where(table.c.commitment_id.is_(None)).where(table.c.kind == kind)
            else:
                query = query.where(table.c.commitment_id == commitment_id)
            n = int(self.conn.scalar(query) or 0)
            if n:
                parts.append(f"{n} {label}")
        return ", ".join(parts)

    def promise_documents(self) -> list[PromiseDocument]:
        """All stored documents, newest signing first."""
        rows = self.conn.execute(
            select(t.promise_documents.c.source_text, t.promise_documents.c.source_name).order_by(
                t.promise_documents.c.signed_on.desc()
            )
        )
        return [parse_promise_text(r.source_text, r.source_name) for r in rows]

    def promise_source(self, document_id: str) -> tuple[str, str]:
        """The file name and text a document was read from (to download, edit, upload again)."""
        row = self.conn.execute(
            select(t.promise_documents.c.source_name, t.promise_documents.c.source_text).where(
                t.promise_documents.c.id == document_id
            )
        ).first()
        if row is None:
            raise NotFoundError(f'Inget medborgarlöfte har id "{document_id}".')
        return str(row.source_name), str(row.source_text)

    def promise_document(self, document_id: str | None = None) -> PromiseDocument:
        """One document by id, or (None) the most recently signed one."""
        docs = self.promise_documents()
        if not docs:
            raise NotFoundError("Inget medborgarlöfte är inläst. Kör `lofteskartan init`.")
        if document_id is None:
            return docs[0]
        for doc in docs:
            if doc.id == document_id:
                return doc
        known = ", ".join(d.id for d in docs)
        raise NotFoundError(f'Inget medborgarlöfte har id "{document_id}" (finns: {known}).')

    # -- places -------------------------------------------------------------------------

    def add_place(self, place: Place) -> Place:
        """Store a new place; returns it with its id."""
        self._require(Operation.PLAN, place.classification)
        values = _place_values(place)
        new_id = self.conn.execute(
            insert(t.places).values(**values, **self._stamp(True)).returning(t.places.c.id)
        ).scalar_one()
        self._audit("create", "places", new_id, None, values)
        return replace(place, id=new_id, version=1)

    def get_place(self, place_id: int) -> Place:
        """The place with this id, retired or not."""
        row = self.conn.execute(select(t.places).where(t.places.c.id == place_id)).first()
        if row is None or not access.may_see(self.actor, row.classification):
            raise NotFoundError(f"Platsen {place_id} finns inte.")
        return _place_from_row(row)

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
        return [_place_from_row(r) for r in self.conn.execute(query)]

    def update_place(self, place: Place) -> Place:
        """Save changes; refused (ConflictError) if someone saved since `place.version`."""
        self._require(Operation.PLAN, place.classification)
        if place.id is None:
            raise NotFoundError("Platsen är inte sparad än.")
        before = _place_values(self.get_place(place.id))
        values = _place_values(place)
        self._bump(t.places, place.id, place.version, values)
        self._audit("update", "places", place.id, before, values)
        self._restrict_records_at(place.id, place.classification)
        return replace(place, version=place.version + 1)

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

    # -- activities ---------------------------------------------------------------------

    def add_activity(
        self, activity: Activity, document_id: str | None = None, source_ref: str | None = None
    ) -> Activity:
        """Log a done activity; returns it with its id (classified at least as its place)."""
        (activity,) = self._as_strict_as_place([activity])
        self._require(Operation.PLAN, activity.classification)
        values = _activity_values(activity) | {"document_id": document_id, "source_ref": source_ref}
        stamp = self._stamp(True)
        new_id = self.conn.execute(
            insert(t.activities).values(**values, **stamp).returning(t.activities.c.id)
        ).scalar_one()
        self._audit("create", "activities", new_id, None, values)
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
        row = self.conn.execute(
            select(t.activities).where(t.activities.c.id == activity_id)
        ).first()
        if row is None or not access.may_see(self.actor, row.classification):
            raise NotFoundError(f"Aktiviteten {activity_id} finns inte.")
        return _activity_from_row(row)

    def list_activities(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        kind: CommitmentKind | None = None,
    ) -> list[Activity]:
        """Logged activities with start in [start, end), oldest first."""
        query = select(t.activities).order_by(t.activities.c.start_at, t.activities.c.id)
        if start is not None:
            query = query.where(t.activities.c.start_at >= start)
        if end is not None:
            query = query.where(t.activities.c.start_at < end)
        if kind is not None:
            query = query.where(t.activities.c.kind == kind.value)
        query = self._hide_secret(query, t.activities)
        return [_activity_from_row(r) for r in self.conn.execute(query)]

    def update_activity(self, activity: Activity) -> Activity:
        """Save changes to a logged activity (optimistic version check)."""
        (activity,) = self._as_strict_as_place([activity])
        self._require(Operation.PLAN, activity.classification)
        if activity.id is None:
            raise NotFoundError("Aktiviteten är inte sparad än.")
        before = _activity_values(self.get_activity(activity.id))
        values = _activity_values(activity)
        self._bump(t.activities, activity.id, activity.version, values)
        self._audit("update", "activities", activity.id, before, values)
        return replace(activity, version=activity.version + 1)

    # -- planned activities -------------------------------------------------------------

    def add_planned(
        self, planned: PlannedActivity, document_id: str | None = None
    ) -> PlannedActivity:
        """Schedule an activity; returns it with its id (classified at least as its place)."""
        (planned,) = self._as_strict_as_place([planned])
        self._require(Operation.PLAN, planned.classification)
        values = _planned_values(planned) | {"document_id": document_id}
        new_id = self.conn.execute(
            insert(t.planned_activities)
            .values(**values, **self._stamp(True))
            .returning(t.planned_activities.c.id)
        ).scalar_one()
        self._audit("create", "planned_activities", new_id, None, values)
        return replace(planned, id=new_id, version=1)

    def get_planned(self, planned_id: int) -> PlannedActivity:
        """The planned activity with this id."""
        row = self.conn.execute(
            select(t.planned_activities).where(t.planned_activities.c.id == planned_id)
        ).first()
        if row is None or not access.may_see(self.actor, row.classification):
            raise NotFoundError(f"Den planerade aktiviteten {planned_id} finns inte.")
        return _planned_from_row(row)

    def list_planned(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> list[PlannedActivity]:
        """Planned activities with start in [start, end), soonest first."""
        query = select(t.planned_activities).order_by(
            t.planned_activities.c.start_at, t.planned_activities.c.id
        )
        if start is not None:
            query = query.where(t.planned_activities.c.start_at >= start)
        if end is not None:
            query = query.where(t.planned_activities.c.start_at < end)
        query = self._hide_secret(query, t.planned_activities)
        return [_planned_from_row(r) for r in self.conn.execute(query)]

    def update_planned(self, planned: PlannedActivity) -> PlannedActivity:
        """Save changes to a plan (optimistic version check)."""
        (planned,) = self._as_strict_as_place([planned])
        self._require(Operation.PLAN, planned.classification)
        if planned.id is None:
            raise NotFoundError("Den planerade aktiviteten är inte sparad än.")
        before = _planned_values(self.get_planned(planned.id))
        values = _planned_values(planned)
        self._bump(t.planned_activities, planned.id, planned.version, values)
        self._audit("update", "planned_activities", planned.id, before, values)
        return replace(planned, version=planned.version + 1)

    # -- findings -----------------------------------------------------------------------

    def add_finding(self, finding: Finding) -> Finding:
        """Record a finding from a safety walk (classified at least as the walk)."""
        finding = self._as_strict_as_walk(finding)
        self._require(Operation.PLAN, finding.classification)
        values = _finding_values(finding)
        new_id = self.conn.execute(
            insert(t.findings).values(**values, **self._stamp(True)).returning(t.findings.c.id)
        ).scalar_one()
        self._audit("create", "findings", new_id, None, values)
        return replace(finding, id=new_id, version=1)

    def list_findings(self, activity_id: int | None = None) -> list[Finding]:
        """Findings, oldest first; optionally of one safety walk."""
        query = select(t.findings, _HAS_PHOTO).order_by(t.findings.c.id)
        if activity_id is not None:
            query = query.where(t.findings.c.activity_id == activity_id)
        query = self._hide_secret(query, t.findings)
        return [_finding_from_row(r) for r in self.conn.execute(query)]

    # -- base layers --------------------------------------------------------------------

    def replace_base_layer(
        self, layer: BaseLayer, features: Iterable[tuple[Mapping[str, Any], BaseGeometry]]
    ) -> BaseLayer:
        """Store a base layer's features (EPSG:3006), replacing any layer of the same name."""
        self._require(Operation.ADMINISTER)
        old = self.conn.execute(
            select(t.base_layers).where(t.base_layers.c.name == layer.name)
        ).first()
        values = {
            "name": layer.name,
            "title": layer.title,
            "attribution": layer.attribution,
            "source": layer.source,
        }
        if old is not None:
            self.conn.execute(delete(t.base_features).where(t.base_features.c.layer_id == old.id))
            self._bump(t.base_layers, old.id, old.version, values)
            layer_id = old.id
        else:
            layer_id = self.conn.execute(
                insert(t.base_layers)
                .values(**values, **self._stamp(True))
                .returning(t.base_layers.c.id)
            ).scalar_one()
        rows = [
            {"layer_id": layer_id, "properties": _jsonable(dict(p)), "geom": g} for p, g in features
        ]
        if rows:
            self.conn.execute(insert(t.base_features), rows)
        self._audit(
            "replace" if old else "create",
            "base_layers",
            layer_id,
            None,
            values | {"features": len(rows)},
        )
        return replace(layer, id=layer_id)

    def base_layers(self) -> list[BaseLayer]:
        """All base layers, by name."""
        rows = self.conn.execute(select(t.base_layers).order_by(t.base_layers.c.id))
        return [BaseLayer(r.name, r.title, r.attribution, r.source, r.id) for r in rows]

    def base_feature_count(self, layer_name: str) -> int:
        """How many features one base layer has."""
        query = (
            select(func.count())
            .select_from(t.base_features)
            .join(t.base_layers, t.base_layers.c.id == t.base_features.c.layer_id)
            .where(t.base_layers.c.name == layer_name)
        )
        return int(self.conn.scalar(query) or 0)

    def base_features(self, layer_name: str) -> list[tuple[dict[str, Any], BaseGeometry]]:
        """The features (properties, geometry in EPSG:3006) of one base layer."""
        query = (
            select(t.base_features.c.properties, t.base_features.c.geom)
            .join(t.base_layers, t.base_layers.c.id == t.base_features.c.layer_id)
            .where(t.base_layers.c.name == layer_name)
            .order_by(t.base_features.c.id)
        )
        return [(dict(r.properties), r.geom) for r in self.conn.execute(query)]

    # -- audit --------------------------------------------------------------------------

    def audit_entries(self, limit: int = 1000) -> list[dict[str, Any]]:
        """The newest audit entries first (administrators; sekretess left out, see audit_log)."""
        return self.audit_log(limit=limit)

    def has_example_data(self) -> bool:
        """True when any example (demo) place or activity is stored."""
        for table in (t.places, t.activities):
            if self.conn.scalar(select(table.c.id).where(table.c.is_example.is_(True)).limit(1)):
                return True
        return False

    def count(self, table_name: str) -> int:
        """Rows in one table (for status lines and tests)."""
        table = t.metadata.tables[table_name]
        return int(self.conn.scalar(select(func.count()).select_from(table)) or 0)

    # -- places and base layers (issue 3) ---------------------------------------------------

    def base_layer_stamp(self) -> tuple[tuple[str, int, int], ...]:
        """(name, id, version) of every base layer, cheap to read.

        It changes whenever a layer is added or replaced, so the app can keep the (large,
        slow to read) layers prepared for the map until then.
        """
        rows = self.conn.execute(
            select(t.base_layers.c.name, t.base_layers.c.id, t.base_layers.c.version).order_by(
                t.base_layers.c.id
            )
        )
        return tuple((r.name, r.id, r.version) for r in rows)

    # -- schedule rules, findings follow-up, indicators, imports (issue 4) ---------------

    def add_schedule_rule(self, rule: ScheduleRule, document_id: str | None = None) -> ScheduleRule:
        """Store a recurrence rule or randomised plan; returns it with its id."""
        self._require(Operation.PLAN, rule.classification)
        values = _schedule_rule_values(rule) | {"document_id": document_id}
        new_id = self.conn.execute(
            insert(t.recurrence_rules)
            .values(**values, **self._stamp(True))
            .returning(t.recurrence_rules.c.id)
        ).scalar_one()
        self._audit("create", "recurrence_rules", new_id, None, values)
        return replace(rule, id=new_id, version=1)

    def get_schedule_rule(self, rule_id: int) -> ScheduleRule:
        """The stored rule with this id."""
        query = select(t.recurrence_rules).where(t.recurrence_rules.c.id == rule_id)
        row = self.conn.execute(self._hide_secret(query, t.recurrence_rules)).first()
        if row is None:
            raise NotFoundError(f"Regeln {rule_id} finns inte.")
        return _schedule_rule_from_row(row)

    def list_schedule_rules(self, document_id: str | None = None) -> list[ScheduleRule]:
        """Stored rules, oldest first; optionally of one promise document."""
        query = self._hide_secret(
            select(t.recurrence_rules).order_by(t.recurrence_rules.c.id), t.recurrence_rules
        )
        if document_id is not None:
            query = query.where(t.recurrence_rules.c.document_id == document_id)
        return [_schedule_rule_from_row(r) for r in self.conn.execute(query)]

    def list_planned_for_rule(self, rule_id: int) -> list[PlannedActivity]:
        """The planned activities a stored rule made, soonest first."""
        query = (
            select(t.planned_activities)
            .where(t.planned_activities.c.rule_id == rule_id)
            .order_by(t.planned_activities.c.start_at, t.planned_activities.c.id)
        )
        query = self._hide_secret(query, t.planned_activities)
        return [_planned_from_row(r) for r in self.conn.execute(query)]

    def get_finding(self, finding_id: int) -> Finding:
        """The finding with this id."""
        query = select(t.findings, _HAS_PHOTO).where(t.findings.c.id == finding_id)
        row = self.conn.execute(self._hide_secret(query, t.findings)).first()
        if row is None:
            raise NotFoundError(f"Iakttagelsen {finding_id} finns inte.")
        return _finding_from_row(row)

    def update_finding(self, finding: Finding) -> Finding:
        """Save a finding's new status, action, owner or due date (optimistic version check)."""
        finding = self._as_strict_as_walk(finding)
        self._require(Operation.PLAN, finding.classification)
        if finding.id is None:
            raise NotFoundError("Iakttagelsen är inte sparad än.")
        before = _finding_values(self.get_finding(finding.id))
        values = _finding_values(finding)
        self._bump(t.findings, finding.id, finding.version, values)
        self._audit("update", "findings", finding.id, before, values)
        return replace(finding, version=finding.version + 1)

    def save_indicator(self, indicator: IndicatorRecord) -> IndicatorRecord:
        """Store the kommun's figure for a term, replacing the same indicator and term."""
        self._require(Operation.PLAN)
        values = {
            "kommunkod": indicator.kommunkod,
            "indicator": indicator.indicator,
            "term": indicator.term,
            "value": indicator.value,
            "unit": indicator.unit,
            "note": indicator.note,
            "is_example": indicator.is_example,
        }
        row = self.conn.execute(
            select(t.indicators).where(
                t.indicators.c.kommunkod == indicator.kommunkod,
                t.indicators.c.indicator == indicator.indicator,
                t.indicators.c.term == indicator.term,
            )
        ).first()
        if row is None:
            new_id = self.conn.execute(
                insert(t.indicators)
                .values(**values, **self._stamp(True))
                .returning(t.indicators.c.id)
            ).scalar_one()
            self._audit("create", "indicators", new_id, None, values)
            return replace(indicator, id=new_id, version=1)
        self._bump(t.indicators, row.id, row.version, values)
        self._audit("update", "indicators", row.id, {"value": row.value}, values)
        return replace(indicator, id=row.id, version=row.version + 1)

    def list_indicators(self, kommunkod: str) -> list[IndicatorRecord]:
        """The kommun's figures, by indicator and term."""
        rows = self.conn.execute(
            select(t.indicators)
            .where(t.indicators.c.kommunkod == kommunkod)
            .order_by(t.indicators.c.indicator, t.indicators.c.term)
        )
        return [
            IndicatorRecord(
                r.kommunkod,
                r.indicator,
                r.term,
                r.value,
                r.unit,
                r.note,
                r.id,
                r.version,
                bool(r.is_example),
            )
            for r in rows
        ]

    def existing_source_refs(self, refs: Iterable[str]) -> set[str]:
        """Which of these import references are already stored (one query per 500)."""
        wanted = list(dict.fromkeys(refs))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            found.update(
                self.conn.scalars(
                    select(t.activities.c.source_ref).where(t.activities.c.source_ref.in_(chunk))
                )
            )
        return found

    # -- trust: audit log, backup (issue 8) ---------------------------------------------

    def audit_log(
        self,
        table_name: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = 1000,
    ) -> list[dict[str, Any]]:
        """Audit entries, newest first, filtered; for administrators only.

        Entries about sekretess records (by their values, or because the record is sekretess
        now) are left out for administrators who may not see sekretess.
        """
        self._require(Operation.AUDIT)
        log = t.audit_log
        query = select(log).order_by(log.c.id.desc())
        if table_name:
            query = query.where(log.c.table_name == table_name)
        if actor:
            query = query.where(log.c.actor == actor)
        if action:
            query = query.where(log.c.action == action)
        if start is not None:
            query = query.where(log.c.at >= start)
        if end is not None:
            query = query.where(log.c.at < end)
        if access.sees_secret(self.actor):
            rows = self.conn.execute(query if limit is None else query.limit(limit))
            return [dict(r._mapping) for r in rows]
        hidden = self._secret_record_keys()
        entries = []
        for r in self.conn.execute(query):
            entry = dict(r._mapping)
            if (entry["table_name"], entry["record_id"]) in hidden or _mentions_secret(entry):
                continue
            entries.append(entry)
            if limit is not None and len(entries) >= limit:
                break
        return entries

    def _secret_record_keys(self) -> set[tuple[str, str]]:
        """(table, id) of every record classified sekretess, in any table that classifies."""
        keys: set[tuple[str, str]] = set()
        for table in t.metadata.sorted_tables:
            if "classification" in table.c and "id" in table.c:
                query = select(table.c.id).where(
                    table.c.classification == Classification.SECRET.value
                )
                keys.update((table.name, str(i)) for i in self.conn.scalars(query))
        return keys

    def record_change(
        self,
        action: str,
        table_name: str,
        record_id: str | None,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        """Audit a change made outside the database (e.g. the users file); role-checked."""
        self._audit(action, table_name, record_id, before, after)

    def table_rows(self, table_name: str) -> Iterator[dict[str, Any]]:
        """Every row of one table as stored (for backups): police administrators only."""
        self._require(Operation.BACKUP)
        if not access.sees_secret(self.actor):
            raise PermissionDenied(
                "En säkerhetskopia innehåller sekretessuppgifter: bara polisens "
                "administratörer kan göra en."
            )
        table = t.metadata.tables[table_name]
        order = list(table.primary_key.columns) or list(table.c)
        for row in self.conn.execute(select(table).order_by(*order)):
            yield dict(row._mapping)

    # -- follow-up: events, indicators, activity locations (issue 5) ------------------------

    def event_ids_present(self, ids: Iterable[str]) -> set[str]:
        """The ids among `ids` that are already stored as events."""
        wanted = list(dict.fromkeys(ids))
        present: set[str] = set()
        # In chunks: SQLite limits the number of bound values in one statement.
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            present.update(self.conn.scalars(select(t.events.c.id).where(t.events.c.id.in_(chunk))))
        return present

    def add_events(self, events: Sequence[PoliceEvent], source: str) -> int:
        """Store new police events (ids must be new); one audit entry for the whole import."""
        self._require(Operation.IMPORT)
        if not events:
            return 0
        stamp = now()
        rows = [
            {
                "id": e.id,
                "occurred_at": e.occurred_at,
                "type": e.type,
                "name": e.name,
                "summary": e.summary,
                "url": e.url,
                "location_name": e.location_name,
                "kommunkod": e.kommunkod,
                "geom": e.geometry,
                "imported_at": stamp,
                "imported_by": self.actor.username,
            }
            for e in events
        ]
        self.conn.execute(insert(t.events), rows)
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
        query = select(t.events).order_by(t.events.c.occurred_at, t.events.c.id)
        if start is not None:
            query = query.where(t.events.c.occurred_at >= start)
        if end is not None:
            query = query.where(t.events.c.occurred_at < end)
        if kommunkoder is not None:
            query = query.where(t.events.c.kommunkod.in_(list(kommunkoder)))
        return [
            PoliceEvent(
                id=r.id,
                occurred_at=r.occurred_at,
                type=r.type,
                name=r.name,
                summary=r.summary,
                url=r.url,
                location_name=r.location_name,
                kommunkod=r.kommunkod,
                geometry=r.geom,
            )
            for r in self.conn.execute(query)
        ]

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
            None if v is None else convert(_as_datetime(v), self.conn.dialect).date()  # type: ignore[union-attr]
            for v in (first, last)
        ]
        return as_day[0], as_day[1], int(count)

    def save_indicators(
        self, kommunkod: str, rows: Sequence[IndicatorRecord]
    ) -> tuple[int, int, int]:
        """Make the kommun's indicators equal to `rows` (the whole edited table).

        Rows are matched on (indicator, term): new ones are added, changed ones updated and
        missing ones removed, each with an audit entry. Returns (added, changed, removed).
        """
        self._require(Operation.PLAN)
        old = {(i.indicator, i.term): i for i in self.list_indicators(kommunkod)}
        new = {(i.indicator, i.term): i for i in rows}
        added = changed = removed = 0
        for key, item in new.items():
            values = {"value": item.value, "unit": item.unit, "note": item.note}
            before = old.get(key)
            if before is None:
                full = {
                    "kommunkod": kommunkod,
                    "indicator": item.indicator,
                    "term": item.term,
                    "is_example": item.is_example,
                    **values,
                }
                new_id = self.conn.execute(
                    insert(t.indicators)
                    .values(**full, **self._stamp(True))
                    .returning(t.indicators.c.id)
                ).scalar_one()
                self._audit("create", "indicators", new_id, None, full)
                added += 1
            elif (before.value, before.unit, before.note) != (item.value, item.unit, item.note):
                assert before.id is not None
                self._bump(t.indicators, before.id, before.version, values)
                self._audit(
                    "update",
                    "indicators",
                    before.id,
                    {"value": before.value, "unit": before.unit, "note": before.note},
                    values,
                )
                changed += 1
        for key, item in old.items():
            if key not in new:
                self.conn.execute(delete(t.indicators).where(t.indicators.c.id == item.id))
                self._audit(
                    "delete",
                    "indicators",
                    item.id,
                    {"indicator": item.indicator, "term": item.term, "value": item.value},
                    None,
                )
                removed += 1
        return added, changed, removed

    def activity_locations(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        kinds: Iterable[CommitmentKind] | None = None,
        counting_toward: CommitmentMatch | None = None,
    ) -> Sequence[tuple[int | None, bytes | None]]:
        """(place_id, WKB of the activity's own geometry) per activity, for maps.

        A lean read for 100,000 activities: two columns, no outcome, no times, geometries
        left as WKB for reading in bulk. Filters: start in [start, end), of `kinds`, and
        counting toward a commitment (`geo.records.progress.commitment_match`).
        """
        a = t.activities
        # SQLite holds the WKB itself: read it as bytes, without a Python function per row.
        wkb = (
            type_coerce(a.c.geom, LargeBinary)
            if self.backend == "sqlite"
            else func.ST_AsBinary(a.c.geom, type_=LargeBinary)
        )
        query = select(a.c.place_id, wkb)
        if start is not None:
            query = query.where(a.c.start_at >= start)
        if end is not None:
            query = query.where(a.c.start_at < end)
        if kinds is not None:
            query = query.where(a.c.kind.in_([k.value for k in kinds]))
        if counting_toward is not None:
            named = a.c.commitment_id == counting_toward.commitment_id
            if counting_toward.unnamed_kind is None:
                query = query.where(named)
            else:
                unnamed = a.c.commitment_id.is_(None) & (
                    a.c.kind == counting_toward.unnamed_kind.value
                )
                query = query.where(named | unnamed)
        query = self._hide_secret(query, a)
        # fetchall in one call: row-by-row iteration costs seconds at 100,000 rows.
        return self.conn.execute(query).fetchall()  # type: ignore[return-value]

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
        self._require(Operation.PLAN)
        activities = self._as_strict_as_place(activities)
        for a in activities:
            self._require(Operation.PLAN, a.classification)
        if not activities:
            return 0
        stamp = self._stamp(True)
        rows = [
            _activity_values(a) | {"document_id": document_id, "source_ref": None} | stamp
            for a in activities
        ]
        self.conn.execute(insert(t.activities), rows)
        self._audit("import", "activities", None, None, {"added": len(rows)})
        return len(rows)

    # -- finding photos (issue 4) ---------------------------------------------------------

    def _photo_row(self, finding_id: int) -> Any:
        """The stored photo row of a finding (no visibility check), or None."""
        return self.conn.execute(
            select(t.finding_photos).where(t.finding_photos.c.finding_id == finding_id)
        ).first()

    def _writable_finding(self, finding: Finding) -> Finding:
        """The stored finding, if the actor may see it (sekretess: "finns inte") and change it."""
        if finding.id is None:
            raise NotFoundError("Iakttagelsen är inte sparad än.")
        stored = self.get_finding(finding.id)
        self._require(Operation.PLAN, stored.classification)
        return stored

    def set_finding_photo(self, finding: Finding, photo: Photo) -> Finding:
        """Attach a cleaned photo to a finding, replacing any photo it had.

        `photo` must come from `geo.files.photos.clean_photo` (metadata already removed). The
        finding's version is checked and bumped like any change; the audit log records that
        a photo was added or replaced (size and SHA-256), never the bytes.
        """
        self._require(Operation.PLAN)
        self._writable_finding(finding)
        assert finding.id is not None
        old = self._photo_row(finding.id)
        self._bump(t.findings, finding.id, finding.version, {})
        self.conn.execute(
            delete(t.finding_photos).where(t.finding_photos.c.finding_id == finding.id)
        )
        self.conn.execute(
            insert(t.finding_photos).values(
                finding_id=finding.id,
                media_type=photo.media_type,
                width=photo.width,
                height=photo.height,
                sha256=photo.sha256,
                data=photo.data,
                thumbnail=photo.thumbnail,
                created_at=now(),
                created_by=self.actor.username,
            )
        )
        before = None if old is None else _photo_from_row(old).audit_values()
        action = "photo_added" if old is None else "photo_replaced"
        self._audit(action, "findings", finding.id, before, photo.audit_values())
        return replace(finding, version=finding.version + 1, has_photo=True)

    def remove_finding_photo(self, finding: Finding) -> Finding:
        """Remove a finding's photo (version-checked; the audit log records the removal)."""
        self._require(Operation.PLAN)
        self._writable_finding(finding)
        assert finding.id is not None
        old = self._photo_row(finding.id)
        if old is None:
            raise NotFoundError(f"Iakttagelsen {finding.id} har inget foto.")
        self._bump(t.findings, finding.id, finding.version, {})
        self.conn.execute(
            delete(t.finding_photos).where(t.finding_photos.c.finding_id == finding.id)
        )
        self._audit(
            "photo_removed", "findings", finding.id, _photo_from_row(old).audit_values(), None
        )
        return replace(finding, version=finding.version + 1, has_photo=False)

    def finding_photo(self, finding_id: int) -> Photo | None:
        """A finding's photo, or None; a sekretess finding's only for those who may see it."""
        self.get_finding(finding_id)  # NotFoundError for a finding the actor may not see
        row = self._photo_row(finding_id)
        return None if row is None else _photo_from_row(row)

    def finding_thumbnails(self, finding_ids: Iterable[int]) -> dict[int, bytes]:
        """Thumbnails (JPEG) of those of these findings that have a photo the actor may see."""
        wanted = list(dict.fromkeys(finding_ids))
        photos, findings = t.finding_photos, t.findings
        thumbnails: dict[int, bytes] = {}
        for i in range(0, len(wanted), 500):
            query = (
                select(photos.c.finding_id, photos.c.thumbnail)
                .join(findings, findings.c.id == photos.c.finding_id)
                .where(photos.c.finding_id.in_(wanted[i : i + 500]))
            )
            for finding_id, thumbnail in self.conn.execute(self._hide_secret(query, findings)):
                thumbnails[finding_id] = bytes(thumbnail)
        return thumbnails

    # -- counts for the map and the overview (karta-perf) -------------------------------

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
        self, table: Any, bounds: Sequence[datetime], hours: bool, *conditions: Any
    ) -> list[Tally]:
        """Rows of `table` starting in [bounds[0], bounds[-1]) counted per commitment, kind
        and slice (slice i: bounds[i] <= start < bounds[i + 1])."""
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
        rows = self._hide_secret(inside, table).subquery()
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
            Tally(CommitmentKind(kind), commitment_id, int(slice_no), int(n), float(h))
            for commitment_id, kind, slice_no, n, h in self.conn.execute(query)
        ]

    def count_activities(self, bounds: Sequence[datetime]) -> list[Tally]:
        """Logged activities counted per commitment id, kind and slice of time, with hours.

        `bounds` are the instants between slices (the first and last close the range), e.g.
        the starts of a year's tertial slices and the year's end. Counting in SQL keeps the
        overview fast at 100,000 activities (building each record costs about 100 µs).
        Sekretess rows are left out for actors who may not see them, as in `list_activities`.
        """
        return self._slice_counts(t.activities, bounds, True)

    def count_planned(self, bounds: Sequence[datetime]) -> list[Tally]:
        """Planned activities still to do (status planerad), counted as `count_activities`."""
        p = t.planned_activities
        return self._slice_counts(p, bounds, False, p.c.status == PlanStatus.PLANNED.value)

    def _seconds(self, moment: Any) -> Any:
        """A time column or aggregate as POSIX seconds (a float), without a Python step."""
        if self.backend == "sqlite":
            # julianday of the stored UTC text; rounding to the second is the reader's.
            return (func.julianday(moment) - 2440587.5) * 86400.0
        return cast(extract("epoch", moment), Float)

    def activity_spots(
        self, start: datetime | None = None, end: datetime | None = None
    ) -> list[tuple[int | None, str, bytes | None, int, float, float]]:
        """Logged activities starting in [start, end), counted for the map.

        Rows of (place_id, kind, WKB of the activity's own geometry or None, count, first
        start, last start), times in POSIX seconds: one row per place and kind for
        activities without an own geometry (counted here: a year of presence at a few
        places is a few rows), one row each for those with one (merged by
        `geo.spatial.activity_groups`, which needs their positions).
        """
        a = t.activities
        wkb = (
            type_coerce(a.c.geom, LargeBinary)
            if self.backend == "sqlite"
            else func.ST_AsBinary(a.c.geom, type_=LargeBinary)
        )
        when = []
        if start is not None:
            when.append(a.c.start_at >= start)
        if end is not None:
            when.append(a.c.start_at < end)
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
            wkb,
            literal(1),
            self._seconds(a.c.start_at),
            self._seconds(a.c.start_at),
        ).where(a.c.geom.is_not(None), *when)
        rows: list[Any] = []
        for query in (at_places, at_own):
            # fetchall in one call: row-by-row iteration costs seconds at 100,000 rows.
            rows += self.conn.execute(self._hide_secret(query, a)).fetchall()
        return rows


# -- row <-> record ---------------------------------------------------------------------

# Whether a finding has a photo, read with the finding (the bytes stay in their table).
_HAS_PHOTO = (
    exists()
    .where(t.finding_photos.c.finding_id == t.findings.c.id)
    .correlate(t.findings)
    .label("has_photo")
)


def _jsonable(value: Any) -> Any:
    """Values for the audit log and JSON columns: geometries as WKT, times as ISO text."""
    if value is None:
        return None
    if isinstance(value, BaseGeometry):
        return value.wkt
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float | int | str | bool):
        return value
    return json.loads(json.dumps(value, default=str))


def _mentions_secret(entry: Mapping[str, Any]) -> bool:
    """True when an audit entry's values before or after were classified sekretess."""
    return any(
        isinstance(values, Mapping) and values.get("classification") == Classification.SECRET.value
        for values in (entry.get("before"), entry.get("after"))
    )


def _as_datetime(value: Any) -> datetime:
    """An aggregate's time: SQLite returns ISO text, PostgreSQL a datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _place_values(p: Place) -> dict[str, Any]:
    return {
        "kind": p.kind.value,
        "name": p.name,
        "classification": p.classification.value,
        "note": p.note,
        "attributes": _jsonable(dict(p.attributes)),
        "geom": p.geometry,
        "is_example": p.is_example,
        "retired_at": p.retired_at,
    }


def _place_from_row(r: Any) -> Place:
    return Place(
        kind=PlaceKind(r.kind),
        name=r.name,
        geometry=r.geom,
        classification=Classification(r.classification),
        note=r.note,
        attributes=dict(r.attributes),
        id=r.id,
        retired_at=r.retired_at,
        version=r.version,
        is_example=bool(r.is_example),
    )


def _same(value: Any) -> Any:
    return value


def _enum_value(member: Any) -> Any:
    return member.value


@dataclass(frozen=True)
class _Column:
    """A table column and the record attribute it holds, with the conversion each way."""

    name: str
    attribute: str
    to_row: Callable[[Any], Any] = _same
    from_row: Callable[[Any], Any] = _same
    written: bool = True  # False: set by the store (id, version, who/when), only read back


# Activities and planned activities share most columns: one list per record type drives
# both directions. The order is the order of the values in the audit log.
_KIND = _Column("kind", "kind", _enum_value, CommitmentKind)
_WHERE_AND_WHEN = (
    _Column("commitment_id", "commitment_id"),
    _Column("place_id", "place_id"),
    _Column("geom", "geometry"),
    _Column("start_at", "start"),
    _Column("end_at", "end"),
)
_CLASSIFICATION = _Column("classification", "classification", _enum_value, Classification)
_NOTE = _Column("note", "note")
_IS_EXAMPLE = _Column("is_example", "is_example", from_row=bool)
_ID = _Column("id", "id", written=False)
_VERSION = _Column("version", "version", written=False)

_ACTIVITY_COLUMNS = (
    _KIND,
    *_WHERE_AND_WHEN,
    _Column("outcome", "outcome", dict, dict),
    _CLASSIFICATION,
    _NOTE,
    _Column("planned_id", "planned_id"),
    _IS_EXAMPLE,
    _ID,
    _Column("created_by", "recorded_by", written=False),
    _Column("created_at", "recorded_at", written=False),
    _VERSION,
)
_PLANNED_COLUMNS = (
    _KIND,
    *_WHERE_AND_WHEN,
    _Column("team", "team"),
    _CLASSIFICATION,
    _NOTE,
    _Column("status", "status", _enum_value, PlanStatus),
    _Column("rule_id", "rule_id"),
    _Column("seed", "seed"),
    _IS_EXAMPLE,
    _ID,
    _VERSION,
)


def _row_values(record: Any, columns: Sequence[_Column]) -> dict[str, Any]:
    """The values to write for a record (the columns the store does not set itself)."""
    return {c.name: c.to_row(getattr(record, c.attribute)) for c in columns if c.written}


def _record_fields(r: Any, columns: Sequence[_Column]) -> dict[str, Any]:
    """A row's values as the record's keyword arguments."""
    return {c.attribute: c.from_row(getattr(r, c.name)) for c in columns}


def _activity_values(a: Activity) -> dict[str, Any]:
    return _row_values(a, _ACTIVITY_COLUMNS)


def _activity_from_row(r: Any) -> Activity:
    return Activity(**_record_fields(r, _ACTIVITY_COLUMNS))


def _planned_values(p: PlannedActivity) -> dict[str, Any]:
    return _row_values(p, _PLANNED_COLUMNS)


def _planned_from_row(r: Any) -> PlannedActivity:
    return PlannedActivity(**_record_fields(r, _PLANNED_COLUMNS))


def _finding_values(f: Finding) -> dict[str, Any]:
    return {
        "activity_id": f.activity_id,
        "category": f.category,
        "description": f.description,
        "action": f.action,
        "owner": f.owner,
        "due": f.due,
        "status": f.status.value,
        "classification": f.classification.value,
        "geom": f.geometry,
    }


def _finding_from_row(r: Any) -> Finding:
    return Finding(
        activity_id=r.activity_id,
        category=r.category,
        geometry=r.geom,
        description=r.description,
        action=r.action,
        owner=r.owner,
        due=r.due,
        status=FindingStatus(r.status),
        classification=Classification(r.classification),
        id=r.id,
        version=r.version,
        has_photo=bool(r.has_photo),
    )


def _photo_from_row(r: Any) -> Photo:
    return Photo(bytes(r.data), r.media_type, r.width, r.height, bytes(r.thumbnail))


def _schedule_rule_values(r: ScheduleRule) -> dict[str, Any]:
    return {
        "kind": r.kind.value,
        "commitment_id": r.commitment_id,
        "place_id": r.place_id,
        "team": r.team,
        "rule": _jsonable(dict(r.rule)),
        "description": r.description,
        "classification": r.classification.value,
        "seed": r.seed,
        "is_example": r.is_example,
    }


def _schedule_rule_from_row(r: Any) -> ScheduleRule:
    return ScheduleRule(
        kind=CommitmentKind(r.kind),
        rule=dict(r.rule),
        description=r.description,
        commitment_id=r.commitment_id,
        place_id=r.place_id,
        team=r.team,
        classification=Classification(r.classification),
        seed=r.seed,
        id=r.id,
        version=r.version,
        is_example=bool(r.is_example),
    )


__all__ = ["Store", "Session", "database_url", "default_database_path", "IntegrityError"]
