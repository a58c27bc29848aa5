"""The local users file: sign-in for one machine without an identity provider.

A JSON file with one entry per user: user name, role, organisation and an argon2id hash of
the password (never the password). It is written atomically (a temporary file in the same
folder, then `os.replace`) with mode 0600, so a crash never leaves half a file and other
accounts on the machine cannot read the hashes. Reading never writes: signing in does not
touch the file.

The file is `LOFTESKARTAN_USERS`, else `users.json` next to the SQLite database. Managed
with `lofteskartan users add|remove|list`; when it exists the app asks for a user name and
password (see ui/auth.py).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import make_url

from geo.disclosure.access import Organisation, Role
from geo.errors import LofteskartanError
from geo.files.limits import parse_json
from geo.files.private_files import make_private_dir
from geo.records.models import STOCKHOLM, Actor
from geo.store import database_url, default_database_path

ENV_VAR = "LOFTESKARTAN_USERS"
FILE_NAME = "users.json"
FORMAT = 1
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a megabyte "password" is an attack
_USERNAME = re.compile(r"^[\w.@+-]{1,100}$")

# argon2-cffi's defaults are RFC 9106's second recommendation for argon2id
# (t=3, 64 MiB, p=4): about 50 ms here, slow enough for guessing, quick for a sign-in.
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name takes as long as a
    wrong password and the timing does not tell which user names exist.

    Made at the first sign-in, not on import: hashing takes ~0.1 s by design, and every
    server paid it on its first page, in single-user mode too (`python -X importtime`).
    """
    return _HASHER.hash("ingen sådan användare")


# Each check holds 64 MiB for ~50 ms: a burst of 30 at once took a server from 363 MB to
# 1.5 GB. At most two run at a time per process (the machines have two cores); the rest
# wait a little and are then told to try again.
VERIFY_SLOTS = 2
VERIFY_WAIT_SECONDS = 10.0
_verifying = threading.BoundedSemaphore(VERIFY_SLOTS)


class UsersFileError(LofteskartanError):
    """The users file or a users command is wrong; the message says how to fix it."""


class SignInBusy(LofteskartanError):
    """Too many sign-ins are being checked at this moment; try again shortly."""


@dataclass(frozen=True)
class User:
    """Användare i användarfilen (without the password hash)."""

    username: str
    role: Role
    organisation: Organisation
    created_at: str

    def actor(self) -> Actor:
        """The actor the store sees when this user is signed in."""
        return Actor(self.username, role=self.role.value, organisation=str(self.organisation))


def users_path(env: Mapping[str, str] | None = None, database: str | None = None) -> Path:
    """Where the users file is: `LOFTESKARTAN_USERS`, else next to the SQLite database.

    For a PostgreSQL database without `LOFTESKARTAN_USERS`, the folder of the default
    SQLite file is used (a shared deployment normally signs in with OIDC instead).
    """
    env = os.environ if env is None else env
    configured = env.get(ENV_VAR, "").strip()
    if configured:
        return Path(configured).expanduser()
    url = make_url(database or database_url(env))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().parent / FILE_NAME
    return default_database_path().parent / FILE_NAME


def _normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise UsersFileError(
            f'Användarnamnet "{username}" går inte: använd 1–100 bokstäver, siffror och . _ @ + -'
        )
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsersFileError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UsersFileError(f"Lösenordet får ha högst {MAX_PASSWORD_LENGTH} tecken.")


def _read(path: Path) -> dict[str, dict[str, Any]]:
    """The entries by user name (with hashes); an absent file has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsersFileError(f"Användarfilen {path} går inte att läsa: {exc.strerror}.") from None
    data = parse_json(text, f"Användarfilen {path}", error=UsersFileError)
    if not isinstance(data, dict) or not isinstance(data.get("users"), list):
        raise UsersFileError(f'Användarfilen {path} saknar listan "users".')
    if data.get("format") != FORMAT:
        raise UsersFileError(
            f"Användarfilen {path} har format {data.get('format')!r}; den här versionen "
            f"läser format {FORMAT}."
        )
    entries: dict[str, dict[str, Any]] = {}
    for n, entry in enumerate(data["users"], start=1):
        keys = ("username", "role", "organisation", "password_hash", "created_at")
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in keys):
            raise UsersFileError(f"Användarfilen {path}: användare nummer {n} är ofullständig.")
        entries[entry["username"]] = entry
    return entries


def _write(path: Path, entries: Mapping[str, Mapping[str, Any]]) -> None:
    """Replace the file atomically; it is created with mode 0600 and never widened."""
    make_private_dir(path.parent)
    data = {"format": FORMAT, "users": [dict(entries[name]) for name in sorted(entries)]}
    # mkstemp makes the file 0600 and in the same folder, so os.replace is atomic.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    # The rename itself must survive a power cut too.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One `users add/remove` at a time, so two commands never lose each other's change."""
    import fcntl

    make_private_dir(path.parent)
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _user(entry: Mapping[str, Any]) -> User:
    return User(
        entry["username"],
        Role.parse(entry["role"]),
        Organisation.parse(entry["organisation"]),
        entry["created_at"],
    )


def list_users(path: Path) -> list[User]:
    """Every user in the file, by name (no hashes)."""
    return [_user(e) for _, e in sorted(_read(path).items())]


def add_user(path: Path, username: str, password: str, role: str, organisation: str) -> User:
    """Add a user with an argon2id hash of `password`.

    Raises
    ------
    UsersFileError
        Bad user name, a password that is too short, or the user exists already.
    PermissionDenied
        Unknown role or organisation.
    """
    name = _normalise_username(username)
    _check_password(password)
    parsed_role, parsed_org = Role.parse(role), Organisation.parse(organisation)
    with _locked(path):
        entries = _read(path)
        if name in entries:
            raise UsersFileError(
                f'Användaren "{name}" finns redan. Ta bort den först med '
                f"`lofteskartan users remove {name}` om den ska ändras."
            )
        entries[name] = {
            "username": name,
            "role": parsed_role.value,
            "organisation": str(parsed_org),
            "password_hash": _HASHER.hash(password),
            "created_at": datetime.now(STOCKHOLM).isoformat(timespec="seconds"),
        }
        _write(path, entries)
    return _user(entries[name])


def remove_user(path: Path, username: str) -> User:
    """Remove a user; UsersFileError when there is none by that name."""
    name = _normalise_username(username)
    with _locked(path):
        entries = _read(path)
        if name not in entries:
            raise UsersFileError(f'Det finns ingen användare "{name}" i {path}.')
        removed = entries.pop(name)
        _write(path, entries)
    return _user(removed)


def verify(
    path: Path, username: str, password: str, wait: float = VERIFY_WAIT_SECONDS
) -> Actor | None:
    """The signed-in actor when the name and password match, else None (never says which).

    Count the attempt first (`geo.signin.sign_in_guard.begin_attempt`): this only checks.

    Raises
    ------
    SignInBusy
        `VERIFY_SLOTS` checks are running and none ended within `wait` seconds.
    UsersFileError
        The users file cannot be read.
    """
    try:
        name = _normalise_username(username)
    except UsersFileError:
        name = ""
    entry = _entries(path).get(name)
    too_long = len(password) > MAX_PASSWORD_LENGTH
    # Unknown names are checked against a fixed hash: same time, same memory.
    stored = entry["password_hash"] if entry and not too_long else _dummy_hash()
    if not _verifying.acquire(timeout=wait):
        raise SignInBusy("Många loggar in just nu. Vänta en liten stund och försök igen.")
    try:
        _HASHER.verify(stored, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return None
    finally:
        _verifying.release()
    if entry is None or too_long:
        return None
    return _user(entry).actor()


# -- re-reading the file only when it changed ------------------------------------------

_Signature = tuple[int, int, int, int]  # device, inode, size, mtime in nanoseconds
_cache: dict[Path, tuple[_Signature, dict[str, dict[str, Any]]]] = {}
_cache_lock = threading.Lock()
_CACHED_FILES = 4  # one users file per installation; a few for tests


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    """The file's entries, read again only when its inode, size or mtime changed.

    The app asks on every page run who may be in; a `stat` is all that costs until an
    administrator changes the file (which `os.replace`s it: a new inode).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    signature = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    with _cache_lock:
        cached = _cache.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    entries = _read(path)
    with _cache_lock:
        if len(_cache) >= _CACHED_FILES and path not in _cache:
            _cache.clear()
        _cache[path] = (signature, entries)
    return entries


def find_user(path: Path, username: str) -> User | None:
    """The user by this name as the file says now, or None when there is none (any more).

    Cheap enough for every page run: the file is only read again after it changed.

    Raises
    ------
    UsersFileError
        The file is broken or cannot be read.
    """
    try:
        name = _normalise_username(username)
    except UsersFileError:
        return None
    entry = _entries(path).get(name)
    return None if entry is None else _user(entry)


def still_signed_in(path: Path, actor: Actor, created_at: str) -> bool:
    """True when the file still has this user, with this role and organisation, unchanged.

    For work that runs after the page run that signed the user in, such as a download
    made when its button is clicked: a user removed in between gets nothing. A user
    removed and added again (a new password) has a new `created_at` and must sign in again.
    """
    try:
        user = find_user(path, actor.username)
    except UsersFileError:
        return False
    return user is not None and user.created_at == created_at and user.actor() == actor
