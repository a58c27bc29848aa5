"""An import killed with SIGKILL halfway leaves all of it or none of it, never a part.

The import runs in its own process and writes places from a generated CSV in one unit of
work; it says "halvvägs" on stdout once half the rows are written inside the open
transaction, and the test kills it there with SIGKILL (no clean-up code can run).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

from shapely.geometry import Point
from sqlalchemy import func, text
from sqlalchemy import select as sa_select

from geo.records.models import Place, PlaceKind
from geo.store import Store, schema
from tests.trust import PLANNER_POLICE, REPO_ROOT, X0, Y0

ROWS = 600


def _start_import(url: str, rows: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.trust_workers", "import", url, str(rows)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(proc: subprocess.Popen[str], expected: str, timeout: float = 120) -> None:
    """Block until the process prints `expected` (select on the pipe, with a deadline)."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = proc.stdout.readline()
        if line.strip() == expected:
            return
        if line == "":
            raise AssertionError(f"the import ended before {expected!r}: {proc.stderr.read()}")
    raise AssertionError(f"the import did not print {expected!r} in {timeout} s")


def _places(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(sa_select(func.count()).select_from(schema.places)) or 0)


def test_an_import_killed_halfway_leaves_nothing_and_the_database_works(db_url: str) -> None:
    store = Store(db_url)
    store.create_or_upgrade()
    proc = _start_import(db_url, ROWS)
    _wait_for_line(proc, "halvvägs")
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    assert _places(store) == 0  # none of it: half was written, nothing was committed
    if store.backend == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # Nothing is left locked: the next planner can write straight away.
    with store.session(PLANNER_POLICE) as s:
        s.add_place(Place(PlaceKind.POLICE_OFFICE, "Efteråt", Point(X0, Y0)))
    assert _places(store) == 1
    store.dispose()


def test_the_same_import_left_alone_writes_all_of_it(db_url: str) -> None:
    store = Store(db_url)
    store.create_or_upgrade()
    proc = _start_import(db_url, ROWS)
    _wait_for_line(proc, "halvvägs")
    _wait_for_line(proc, "klart")
    assert proc.wait(timeout=30) == 0
    assert _places(store) == ROWS
    store.dispose()
