"""`lofteskartan import events`: the shipped CSV and API JSON import once, a broken file not at all.

Every test runs on SQLite and on PostGIS (the `db_url` fixture).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import ImportFileError
from geo.followup.events import import_events_file
from geo.records.models import Actor
from geo.store import Store
from tests.common import REPO_ROOT

SHIPPED_CSV = REPO_ROOT / "data" / "events" / "polisen_events_jonkopings_lan.csv"
ACTOR = Actor("test")


def csv_rows(path: Path) -> int:
    """Rows counted by Python's csv reader (summaries span several lines)."""
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


pytestmark = pytest.mark.store_starts("schema")


def api_file(tmp_path: Path, events: list[dict], name: str = "events.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


def api_event(event_id: int, when: str, kind: str, title_place: str, location: str) -> dict:
    return {
        "id": event_id,
        "datetime": when,
        "name": f"x, {kind}, {title_place}",
        "summary": "Sammanfattning.",
        "url": f"/aktuellt/handelser/{event_id}/",
        "type": kind,
        "location": {"name": location, "gps": "57.838521,14.817802"},
    }


def stored_events(store: Store) -> int:
    with store.session(ACTOR) as s:
        return s.count("events")


def test_the_shipped_csv_imports_every_row_once(store: Store) -> None:
    rows = csv_rows(SHIPPED_CSV)
    assert rows == 2672
    first = import_events_file(store, ACTOR, SHIPPED_CSV)
    assert (first.read, first.added, first.skipped) == (rows, rows, 0)
    again = import_events_file(store, ACTOR, SHIPPED_CSV)
    assert (again.read, again.added, again.skipped) == (rows, 0, rows)
    assert stored_events(store) == rows
    with store.session(ACTOR) as s:
        first_day, last_day, count = s.event_range()
        aneby = s.list_events(kommunkoder=["0604"])
    assert (first_day, last_day, count) == (date(2023, 1, 29), date(2026, 8, 22), rows)
    # SOURCES.md: 23 of the rows are Aneby.
    assert len(aneby) == 23
    assert all(e.geometry is not None and e.geometry.geom_type == "Point" for e in aneby)


def test_api_json_imports_and_duplicates_are_skipped(store: Store, tmp_path: Path) -> None:
    events = [
        api_event(1, "2023-06-01 22:15:00 +02:00", "Brand", "Aneby", "Aneby"),
        api_event(2, "2023-06-02 08:00:00 +02:00", "Trafikolycka", "Tranås", "Jönköpings län"),
        api_event(1, "2023-06-01 22:15:00 +02:00", "Brand", "Aneby", "Aneby"),  # repeated
    ]
    result = import_events_file(store, ACTOR, api_file(tmp_path, events))
    assert (result.read, result.added, result.skipped) == (3, 2, 1)
    later = events[:2] + [api_event(3, "2023-06-03 01:00:00 +02:00", "Rån", "Eksjö", "Eksjö")]
    result = import_events_file(store, ACTOR, api_file(tmp_path, later, "later.json"))
    assert (result.added, result.skipped) == (1, 2)
    with store.session(ACTOR) as s:
        stored = {e.id: e for e in s.list_events()}
    assert sorted(stored) == ["1", "2", "3"]
    assert stored["1"].occurred_at.isoformat() == "2023-06-01T22:15:00+02:00"
    assert (stored["1"].kommunkod, stored["2"].kommunkod, stored["3"].kommunkod) == (
        "0604",
        "0687",
        "0686",
    )


def test_a_broken_file_changes_nothing(store: Store, tmp_path: Path) -> None:
    import_events_file(
        store,
        ACTOR,
        api_file(tmp_path, [api_event(1, "2023-06-01 22:15:00 +02:00", "Brand", "Aneby", "Aneby")]),
    )
    with store.session(ACTOR) as s:
        audit_before = len(s.audit_entries())
    broken = [
        api_event(2, "2023-06-02 08:00:00 +02:00", "Brand", "Aneby", "Aneby"),
        api_event(3, "2 juni", "Brand", "Aneby", "Aneby"),
    ]
    with pytest.raises(ImportFileError, match=r"händelse nr 2 \(id 3\)"):
        import_events_file(store, ACTOR, api_file(tmp_path, broken, "broken.json"))
    assert stored_events(store) == 1
    with store.session(ACTOR) as s:
        assert len(s.audit_entries()) == audit_before


def test_an_import_is_one_audit_entry_naming_the_file(store: Store, tmp_path: Path) -> None:
    path = api_file(
        tmp_path, [api_event(9, "2023-06-01 22:15:00 +02:00", "Brand", "Aneby", "Aneby")]
    )
    import_events_file(store, ACTOR, path)
    with store.session(ACTOR) as s:
        entry = s.audit_entries(1)[0]
    assert (entry["action"], entry["table_name"], entry["actor"]) == ("import", "events", "test")
    assert entry["after"]["source"] == "events.json" and entry["after"]["added"] == 1


def test_the_cli_imports_and_a_broken_file_exits_2_with_the_row(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    Store(db_url).create_or_upgrade()
    good = api_file(
        tmp_path, [api_event(1, "2023-06-01 22:15:00 +02:00", "Brand", "Aneby", "Aneby")]
    )
    assert main(["import", "events", str(good)]) == 0
    assert "1 ny lades till" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "event_id,datetime,type,name\n7,2023-06-01T10:00:00+02:00,Brand,x\n8,imorgon,Brand,y\n",
        encoding="utf-8",
    )
    assert main(["import", "events", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "rad 3 (id 8)" in err and "inget lästes in" in err
    assert main(["import", "events", str(tmp_path / "finns-inte.json")]) == 2
    assert "finns inte" in capsys.readouterr().err
    store = Store(db_url)
    assert stored_events(store) == 1
    store.dispose()


def test_import_without_a_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import"]) == 2
    assert "de här argumenten saknas" in capsys.readouterr().err
