"""Guarding the local sign-in: attempts counted in the database before a password is checked.

Every sign-in attempt with a users file first asks `begin_attempt`, which in ONE database
transaction checks and counts it against three records:

- the pair (source, user name): 3 tries straight away, then a wait that doubles from
  2 seconds up to 15 minutes;
- the source (the browser's address) over all names: 10 tries, then the same growing wait,
  so one machine cannot try many names;
- the user name over all sources: 10 tries, then a wait that doubles up to 1 minute only,
  so guessing from many machines is slowed but nobody can keep the real user out for long.

Only then is the password checked (`geo.signin.users.verify`). The attempt is counted as a failure
beforehand, so 30 attempts sent at the same moment are counted one after the other: at
most three passwords are checked, whatever the number of processes or servers, because
the count is in the shared database. A successful sign-in clears the pair and the source
and marks the pair as known for 30 days: a known pair is held back only by its own record,
never by what others did from elsewhere or under another name. A record that has been
quiet for an hour starts again from nothing, and records older than a day are deleted, so
a burst of made-up names cannot fill the database.

The table is kept apart from the records (its own `MetaData`): it is not part of a backup,
not restored, not in the audit log, and it is created on first use, so an existing
database needs no upgrade.

The database also remembers that local sign-in is in use (`meta.local_sign_in`), written
when a user is added. The app then knows that a missing users file means "closed", never
"single user" (see `local_sign_in_recorded`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateTable

from geo.store import Store
from geo.store import schema as t
from geo.swedish import count

ANY = "*"  # the source or name of a record that counts over all of them
LOCAL_SIGN_IN_KEY = "local_sign_in"
_KEY_LENGTH = 200

_metadata = MetaData()
attempts = Table(
    "sign_in_attempts",
    _metadata,
    Column("source", String(_KEY_LENGTH), primary_key=True),
    Column("username", String(_KEY_LENGTH), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    # Unix times (seconds): comparing numbers is the same on SQLite and PostgreSQL.
    Column("not_before", Float, nullable=False, default=0.0),
    Column("last_seen", Float, nullable=False, default=0.0),
    Column("known_until", Float, nullable=False, default=0.0),
)


@dataclass(frozen=True)
class Limit:
    """How many tries are free, and how the wait after them grows (doubling) and stops."""

    free: int
    first_wait: float
    longest_wait: float

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after `failures` counted tries (0 while they are free)."""
        if failures < self.free:
            return 0.0
        doublings = min(failures - self.free, 30)  # 2**30 s is far past any cap
        return min(self.longest_wait, self.first_wait * 2.0**doublings)


@dataclass(frozen=True)
class Policy:
    """The limits for a pair, a source and a name; how long records and trust last."""

    pair: Limit = Limit(free=3, first_wait=2.0, longest_wait=15 * 60.0)
    source: Limit = Limit(free=10, first_wait=2.0, longest_wait=15 * 60.0)
    name: Limit = Limit(free=10, first_wait=2.0, longest_wait=60.0)
    forget_after: float = 3600.0  # a quiet record starts again from nothing
    delete_after: float = 24 * 3600.0
    known_for: float = 30 * 24 * 3600.0


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Attempt:
    """The answer of `begin_attempt`: check the password now, or wait `wait` seconds."""

    source: str
    username: str
    allowed: bool
    wait: float = 0.0

    @property
    def message(self) -> str:
        """The Swedish message for a refused attempt."""
        return f"För många inloggningsförsök. Vänta {wait_text(self.wait)} och försök igen."


def wait_text(seconds: float) -> str:
    """ "12 sekunder", "1 minut", "15 minuter" (rounded up)."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return count(whole, "sekund", "sekunder")
    minutes = math.ceil(whole / 60)
    return count(minutes, "minut", "minuter")


def _key(text: str) -> str:
    """A source or name as stored: trimmed, lower case, bounded, never the ANY marker."""
    cleaned = text.strip().lower()[:_KEY_LENGTH]
    return cleaned.replace(ANY, "?") or "?"


_created: set[str] = set()
_created_lock = threading.Lock()


def _ensure_table(store: Store) -> None:
    """Create the table once per database and process."""
    with _created_lock:
        if store.url in _created:
            return
        store.require_schema()  # never make an empty SQLite file as a side effect
        try:
            # IF NOT EXISTS: other processes may create it at the same moment.
            with store.engine.begin() as conn:
                conn.execute(CreateTable(attempts, if_not_exists=True))
        except SQLAlchemyError:
            # PostgreSQL can still collide on the table's type name; then it exists.
            if not sa_inspect(store.engine).has_table(attempts.name):
                raise
        _created.add(store.url)


# Any number: the PostgreSQL advisory lock that puts sign-in attempts in a queue.
_PG_LOCK = 0x4C6F6674  # "Loft"


@contextmanager
def _write_transaction(store: Store) -> Iterator[Connection]:
    """A transaction that holds the attempts' lock from its first statement to its end.

    Attempts are rare and each transaction takes milliseconds, so one queue for all of
    them is simplest and leaves no gap between reading a count and writing the next. On
    PostgreSQL a transaction-level advisory lock; on SQLite the first statement is a
    DELETE, which takes the database's write lock (others wait, busy_timeout).
    """
    with store.engine.begin() as conn:
        if store.backend == "postgis":
            conn.execute(select(func.pg_advisory_xact_lock(_PG_LOCK)))
        yield conn


def begin_attempt(
    store: Store,
    source: str,
    username: str,
    now: float,
    policy: Policy = DEFAULT_POLICY,
) -> Attempt:
    """Count a sign-in attempt before its password is checked, or refuse it.

    Parameters
    ----------
    store
        The database every app process shares.
    source
        Where the attempt comes from (the client's address, or "lokal").
    username
        The user name as typed (normalised here; unknown names count too).
    now
        Unix time in seconds.
    policy
        The limits (the module docstring describes the default).

    Returns
    -------
    Attempt
        `allowed` True: the attempt is counted as a failure until `succeeded` is called;
        check the password. False: nothing was counted; `wait` says how long to wait.
    """
    _ensure_table(store)
    source, username = _key(source), _key(username)
    with _write_transaction(store) as conn:
        conn.execute(delete(attempts).where(attempts.c.last_seen < now - policy.delete_after))
        query = select(attempts).where(
            attempts.c.source.in_([source, ANY]), attempts.c.username.in_([username, ANY])
        )
        rows = {(r.source, r.username): r for r in conn.execute(query)}
        pair = rows.get((source, username))
        # A pair that has signed in before is held back only by its own record.
        known = pair is not None and pair.known_until > now
        limits = {(source, username): policy.pair}
        if not known:
            limits[(source, ANY)] = policy.source
            limits[(ANY, username)] = policy.name
        failures: dict[tuple[str, str], int] = {}
        wait = 0.0
        for key in limits:
            row = rows.get(key)
            fresh = row is None or row.last_seen < now - policy.forget_after
            failures[key] = 0 if fresh or row is None else row.failures
            if row is not None and not fresh and row.not_before > now:
                wait = max(wait, row.not_before - now)
        if wait > 0:
            # Nothing is written for a refused attempt: a flood of them stores nothing.
            return Attempt(source, username, allowed=False, wait=wait)
        for key, limit in limits.items():
            counted = failures[key] + 1
            values = {
                "failures": counted,
                "not_before": now + limit.wait_after(counted),
                "last_seen": now,
            }
            if key in rows:
                conn.execute(
                    attempts.update()
                    .where(attempts.c.source == key[0], attempts.c.username == key[1])
                    .values(**values)
                )
            else:
                conn.execute(attempts.insert().values(source=key[0], username=key[1], **values))
    return Attempt(source, username, allowed=True)


def succeeded(store: Store, attempt: Attempt, now: float, policy: Policy = DEFAULT_POLICY) -> None:
    """The password was right: clear the source's records and remember the pair.

    The name's record over all sources only loses this attempt's count: what others tried
    under the name still counts for them.
    """
    _ensure_table(store)
    source, username = attempt.source, attempt.username
    with _write_transaction(store) as conn:
        conn.execute(
            delete(attempts).where(attempts.c.source == source, attempts.c.username != username)
        )
        conn.execute(
            attempts.update()
            .where(attempts.c.source == source, attempts.c.username == username)
            .values(failures=0, not_before=0.0, last_seen=now, known_until=now + policy.known_for)
        )
        conn.execute(
            attempts.update()
            .where(
                attempts.c.source == ANY,
                attempts.c.username == username,
                attempts.c.failures > 0,
            )
            .values(failures=attempts.c.failures - 1)
        )


def counted_failures(store: Store, source: str, username: str) -> int:
    """The count in one record (`ANY` for the source or name: over all of them)."""
    _ensure_table(store)
    with store.engine.connect() as conn:
        value = conn.scalar(
            select(attempts.c.failures).where(
                attempts.c.source == (source if source == ANY else _key(source)),
                attempts.c.username == (username if username == ANY else _key(username)),
            )
        )
    return int(value or 0)


def stored_records(store: Store) -> int:
    """How many records the table holds (tests check it stays bounded)."""
    _ensure_table(store)
    with store.engine.connect() as conn:
        return len(conn.execute(select(attempts.c.source)).all())


# -- "local sign-in is in use" ---------------------------------------------------------

_recorded: set[str] = set()


def record_local_sign_in(store: Store) -> None:
    """Note in the database that it is signed in to with a users file (once is enough).

    Written when `lofteskartan users add` runs and when the app first sees a users file.
    Nothing is written to a database that has not been initialised.
    """
    if store.url in _recorded:
        return
    if store.sqlite_path is not None and not store.sqlite_path.exists():
        return
    if store.schema_version() is None:
        return
    with store.engine.begin() as conn:
        present = conn.scalar(select(t.meta.c.value).where(t.meta.c.key == LOCAL_SIGN_IN_KEY))
        if present is None:
            insert = pg_insert if store.backend == "postgis" else sqlite_insert
            conn.execute(
                insert(t.meta)
                .values(key=LOCAL_SIGN_IN_KEY, value="1")
                .on_conflict_do_nothing(index_elements=["key"])
            )
    _recorded.add(store.url)


def forget_local_sign_in(store: Store) -> bool:
    """Remove the mark (`lofteskartan users off`); True when there was one.

    Running app processes keep what they saw until they are restarted: turning sign-in
    off is rare, and a process must never open to everyone because of a stale read.
    """
    _recorded.discard(store.url)
    if store.sqlite_path is not None and not store.sqlite_path.exists():
        return False
    if store.schema_version() is None:
        return False
    with store.engine.begin() as conn:
        result = conn.execute(delete(t.meta).where(t.meta.c.key == LOCAL_SIGN_IN_KEY))
    return bool(result.rowcount)


def local_sign_in_recorded(store: Store) -> bool:
    """True when users were ever added for this database (a missing users file is closed).

    Never creates a database: a SQLite file that does not exist, or a database without
    tables, has no record and answers False. Once True it stays True for the process (the
    mark is never removed), so the common case costs no query.
    """
    if store.url in _recorded:
        return True
    if store.sqlite_path is not None and not store.sqlite_path.exists():
        return False
    if not sa_inspect(store.engine).has_table("meta"):
        return False
    with store.engine.connect() as conn:
        value = conn.scalar(select(t.meta.c.value).where(t.meta.c.key == LOCAL_SIGN_IN_KEY))
    if value is None:
        return False
    _recorded.add(store.url)
    return True
