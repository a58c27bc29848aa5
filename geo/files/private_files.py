"""File modes: what Löfteskartan writes is private unless it is meant for publishing.

The database, its folder, backups and internal exports hold sekretess, so they are made
0600 (files) and 0700 (folders we create) whatever the umask says: a `umask 022` (the
usual default) would otherwise leave them readable by every account on the machine.
Public exports (`--audience public`) are 0644: they are made to be published, and a web
server running as another user must be able to read them.

Modes are set with `os.chmod`/`os.fchmod` after creating, because the mode given to
`mkdir`/`open` is reduced by the umask but never widened or narrowed beyond it.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
PUBLIC_FILE_MODE = 0o644


def make_private_dir(path: Path) -> None:
    """Create `path` and any missing parents as 0700; folders that exist are left alone.

    Parameters
    ----------
    path : the folder to create.

    Notes
    -----
    An existing folder is not changed: an administrator may have chosen its mode (a
    shared group folder, say), and taking rights away from others is not ours to do.
    """
    path = Path(path)
    missing: list[Path] = []
    here = path
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:  # made by another process meanwhile: theirs to set
            continue
        os.chmod(folder, PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> bool:
    """Create an empty 0600 file at `path` unless it exists; True when it was created.

    Used before SQLite opens a new database: SQLite creates files with 0644 minus the
    umask, and gives its -wal and -shm files the mode of the database file.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)
    return True
