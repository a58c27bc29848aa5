"""The database: its URL, engine, creation and upgrade, units of work, busy-lock handling."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import make_url

from geo.disclosure import access
from geo.disclosure.access import Operation
from geo.errors import DatabaseBusy, LofteskartanError, SchemaError
from geo.files.limits import busy_timeout_seconds
from geo.files.private_files import create_private_file, make_private_dir
from geo.records.models import Actor
from geo.store import schema as t
from geo.store.core import assign_unassigned, unassigned
from geo.store.migrations import MIGRATIONS
from geo.store.session import Session
from geo.swedish import count

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
                # is created in a database made earlier. From version 2 on, steps go in
                # MIGRATIONS.
                _add_missing_tables_and_indexes(conn)
                return f"Databasen är redan aktuell (schemaversion {current}).{_assigned(conn)}"
            # Each step runs in this one transaction: an upgrade is all or nothing.
            for version in range(current + 1, t.SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
            # A version-1 database may predate a table added to version 1 (see above).
            _add_missing_tables_and_indexes(conn)
            conn.execute(
                update(t.meta)
                .where(t.meta.c.key == "schema_version")
                .values(value=str(t.SCHEMA_VERSION))
            )
            return (
                f"Databasen uppgraderades från schemaversion {current} till "
                f"{t.SCHEMA_VERSION}.{_assigned(conn)}"
            )

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

    # -- backup and restore ---------------------------------------------------------------

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


def _assigned(conn: Connection) -> str:
    """Give records without a promise the only stored one; a sentence on what was done.

    Databases written before every record named its promise hold rows of no promise. With
    one promise stored they are its (`assign_unassigned`); with several, they are counted
    toward none until an administrator decides, so the sentence says how many are left.
    """
    moved = assign_unassigned(conn)
    left = unassigned(conn)
    text = (
        f" {moved} poster utan medborgarlöfte fördes till det enda lagrade löftet." if moved else ""
    )
    if left:
        text += (
            f" {count(left, 'post', 'poster')} (aktiviteter, planerade aktiviteter och regler) "
            "hör inte till något medborgarlöfte och räknas inte i något av dem: databasen har "
            "flera löften, så "
            "programmet kan inte välja."
        )
    return text


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


def _add_missing_tables_and_indexes(conn: Connection) -> None:
    """Create the tables and indexes a database made earlier lacks; change nothing else.

    create_all adds missing tables but never an index to a table that exists, so an index
    added since (issue 13: the ones that keep one promise's pages quick among ten) is created
    here. Each index keeps its own dialect condition (`ddl_if`).
    """
    t.metadata.create_all(conn, checkfirst=True)
    for table in t.metadata.sorted_tables:
        for index in table.indexes:
            index.create(conn, checkfirst=True)
