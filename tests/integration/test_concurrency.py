"""Two people at once: two processes editing the same place on the same database.

No update is lost (each save is checked against the version the editor saw) and SQLite
never fails with "database is locked" (WAL and a busy timeout make the second writer wait).
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import types

import pytest
from shapely.geometry import Point

from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.store import Store
from tests.trust import ADMIN_POLICE, PLANNER_POLICE, X0, Y0
from tests.trust_workers import edit_rounds

ROUNDS = 25


def test_two_editors_saving_the_same_place_at_once_lose_no_update(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A spawned worker runs the parent's __main__ again; after an AppTest in this process
    # that can be app.py. The workers need nothing from it.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    store = Store(db_url)
    store.create_or_upgrade()
    with store.session(PLANNER_POLICE) as s:
        place = s.add_place(
            Place(PlaceKind.POLICE_OFFICE, "Poliskontoret", Point(X0, Y0), Classification.OPEN)
        )
    assert place.id is not None

    ctx = multiprocessing.get_context("spawn")  # fresh interpreters, like two app servers
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    workers = [
        ctx.Process(target=edit_rounds, args=(db_url, place.id, tag, ROUNDS, barrier, results))
        for tag in ("A", "B")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0], "a worker crashed (database is locked?)"
    conflicts = dict(results.get(timeout=5) for _ in workers)

    with store.session(ADMIN_POLICE) as s:
        final = s.get_place(place.id)
        audit = [e for e in s.audit_log(table_name="places", limit=None) if e["action"] == "update"]
    store.dispose()
    saved = re.findall(r"([AB]\d+);", final.note)
    expected = [f"{tag}{n}" for tag in "AB" for n in range(ROUNDS)]
    assert sorted(saved) == sorted(expected), "every save is in the note exactly once"
    assert final.version == 1 + 2 * ROUNDS
    assert len(audit) == 2 * ROUNDS
    # Each round both editors saved from a version the other may already have replaced,
    # so at least one save per round was refused and made again: the version check did
    # the work, not luck in timing.
    assert sum(conflicts.values()) >= ROUNDS
