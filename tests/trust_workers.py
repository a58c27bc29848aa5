"""Programs the trust tests run in other processes: two editors at once, an import to kill.

Run as ``python -m tests.trust_workers import URL ROWS`` (the SIGKILL test) or started through
`multiprocessing` (`edit_rounds`, the concurrency test). Each opens its own `Store`, exactly
like a second app instance or a second command would.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any

from shapely.geometry import Point

from geo.errors import ConflictError
from geo.files.tabular import parse_number, read_table
from geo.records.kinds import Classification
from geo.records.models import Actor, Place, PlaceKind
from geo.store import Store

X0, Y0 = 500_000.0, 6_410_000.0


def edit_rounds(url: str, place_id: int, tag: str, rounds: int, barrier: Any, results: Any) -> None:
    """Append `tag`+round to a place's note, `rounds` times, like a planner using a form.

    Each round reads the place (the form is shown), waits until the other editor has read
    it too (so both hold the same version), then saves. The save that comes second is
    refused with ConflictError; that editor reads again and saves again, as the UI tells
    the user to.
    """
    store = Store(url)
    actor = Actor(f"planerare-{tag}", role="planner", organisation="polis")
    conflicts = 0
    for n in range(rounds):
        with store.session(actor) as s:
            shown = s.get_place(place_id)
        barrier.wait(timeout=60)
        while True:
            try:
                with store.session(actor) as s:
                    s.update_place(replace(shown, note=f"{shown.note}{tag}{n};"))
                break
            except ConflictError:
                conflicts += 1
                with store.session(actor) as s:
                    shown = s.get_place(place_id)
    store.dispose()
    results.put((tag, conflicts))


def import_places(url: str, rows: int) -> None:
    """Import `rows` places from a generated CSV in one unit of work, saying when halfway.

    Prints "halvvägs" (and flushes) after half the rows are written inside the open
    transaction, then goes on; prints "klart" after the commit.
    """
    lines = ["namn;x;y"] + [f"Plats {i};{X0 + i};{Y0}" for i in range(rows)]
    table = read_table("\n".join(lines).encode(), "platser.csv")
    store = Store(url)
    actor = Actor("import", role="planner", organisation="polis")
    with store.session(actor) as s:
        for i, row in enumerate(table.rows):
            x = parse_number(row.get("x"), f"rad {row.number}")
            y = parse_number(row.get("y"), f"rad {row.number}")
            s.add_place(
                Place(PlaceKind.POLICE_OFFICE, row.get("namn"), Point(x, y), Classification.OPEN)
            )
            if i == rows // 2:
                print("halvvägs", flush=True)
    print("klart", flush=True)
    store.dispose()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "import":
        import_places(args[0], int(args[1]))
    else:
        raise SystemExit(f"unknown command {command}")
