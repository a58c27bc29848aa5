"""Backup to a GeoPackage and restore into an empty database: nothing lost, on both backends.

The content covers every table of the schema (tables the seed leaves empty get a row of
hard values: microseconds around a DST change, unicode and quotes, 0.1 + 0.2, 2_000_000_000), so a
table added later is covered too.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.cli import main
from geo.errors import LofteskartanError, PermissionDenied, SchemaError
from geo.records.models import Place, PlaceKind
from geo.store import Store, schema
from geo.store.backup import BackupError, backup, read_info, restore
from tests.trust import (
    ADMIN_KOMMUN,
    ADMIN_POLICE,
    PLANNER_POLICE,
    X0,
    Y0,
    dump,
    fill_empty_tables,
    seed,
)


@pytest.fixture
def target_url(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> str:
    """A second, empty database on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'target.sqlite'}"
    from tests.trust import drop_database, new_postgis_database

    server = request.getfixturevalue("postgis_server")
    url, name = new_postgis_database(server)
    request.addfinalizer(lambda: drop_database(server, name))
    return url


@pytest.fixture
def source(db_url: str) -> Store:
    store = Store(db_url)
    seed(store)
    fill_empty_tables(store)
    yield store
    store.dispose()


def test_backup_then_restore_into_an_empty_database_gives_every_row_back(
    source: Store, target_url: str, tmp_path: Path
) -> None:
    before = dump(source)
    assert all(before[name] for name in schema.metadata.tables), "every table has rows"
    summary = backup(source, ADMIN_POLICE, tmp_path / "kopia.gpkg")
    assert summary.rows == {name: len(rows) for name, rows in before.items()}

    target = Store(target_url)
    counts = restore(target, ADMIN_POLICE, tmp_path / "kopia.gpkg")
    after = dump(target)
    target.dispose()

    assert counts == summary.rows
    restore_entry = after["audit_log"].pop()  # the restore is itself recorded
    assert (restore_entry["action"], restore_entry["actor"]) == ("restore", "admin@polis")
    for name in schema.metadata.tables:
        assert after[name] == before[name], f"table {name} differs after restore"


def test_new_records_after_a_restore_get_new_ids(
    source: Store, target_url: str, tmp_path: Path
) -> None:
    backup(source, ADMIN_POLICE, tmp_path / "kopia.gpkg")
    largest = max(row["id"] for row in dump(source)["places"])
    target = Store(target_url)
    restore(target, ADMIN_POLICE, tmp_path / "kopia.gpkg")
    with target.session(PLANNER_POLICE) as s:
        new = s.add_place(Place(PlaceKind.POLICE_OFFICE, "Nytt kontor", Point(X0, Y0)))
    target.dispose()
    assert new.id == largest + 1


def test_restore_refuses_a_database_with_data_unless_told_to_replace(
    source: Store, tmp_path: Path
) -> None:
    backup(source, ADMIN_POLICE, tmp_path / "kopia.gpkg")
    expected = dump(source)
    with pytest.raises(LofteskartanError, match="innehåller redan uppgifter"):
        restore(source, ADMIN_POLICE, tmp_path / "kopia.gpkg")
    with source.session(PLANNER_POLICE) as s:
        s.add_place(Place(PlaceKind.POLICE_OFFICE, "Läggs till efter kopian", Point(X0, Y0)))
    restore(source, ADMIN_POLICE, tmp_path / "kopia.gpkg", replace_existing=True)
    after = dump(source)
    assert after["places"] == expected["places"]
    assert after["audit_log"][:-1] == expected["audit_log"]


def test_restore_refuses_a_backup_from_a_newer_schema_and_writes_nothing(
    source: Store, target_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "framtid.gpkg"
    backup(source, ADMIN_POLICE, path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE lofteskartan_backup SET value = ? WHERE key = 'schema_version'",
            (str(schema.SCHEMA_VERSION + 1),),
        )
    assert read_info(path)["schema_version"] == str(schema.SCHEMA_VERSION + 1)
    target = Store(target_url)
    with pytest.raises(SchemaError, match=f"kommer från schemaversion {schema.SCHEMA_VERSION + 1}"):
        restore(target, ADMIN_POLICE, path)
    assert target.schema_version() is None
    target.dispose()


def test_a_broken_value_late_in_the_file_leaves_the_target_untouched(
    source: Store, target_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "trasig.gpkg"
    backup(source, ADMIN_POLICE, path)
    last = schema.metadata.sorted_tables[-1].name
    with sqlite3.connect(path) as conn:
        # A time without its zone, in the last table restored: everything before it was
        # already inserted in the same transaction when it is found.
        conn.execute(f'UPDATE "{last}" SET created_at = ?', ("2024-01-01T10:00:00",))
    target = Store(target_url)
    with pytest.raises(BackupError, match=f"tabellen {last}, rad 1: tiden"):
        restore(target, ADMIN_POLICE, path)
    assert target.schema_version() is None  # not even the tables were left behind
    assert target.is_empty()
    target.dispose()


def test_restore_refuses_files_that_are_not_our_backups(sqlite_url: str, tmp_path: Path) -> None:
    target = Store(sqlite_url)
    csv = tmp_path / "platser.gpkg"
    csv.write_text("namn;lat;lon\nTorget;57,8;14,8\n", encoding="utf-8")
    with pytest.raises(BackupError, match="platser.gpkg är ingen GeoPackage"):
        restore(target, ADMIN_POLICE, csv)
    other = tmp_path / "annan.gpkg"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE x (a INTEGER)")
    with pytest.raises(BackupError, match="ingen säkerhetskopia från Löfteskartan"):
        restore(target, ADMIN_POLICE, other)
    assert target.schema_version() is None


def test_only_police_administrators_may_make_a_backup(source: Store, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied, match="sekretess"):
        backup(source, ADMIN_KOMMUN, tmp_path / "kopia.gpkg")
    assert not (tmp_path / "kopia.gpkg").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kopia")] == []


def test_the_backup_is_a_geopackage_gdal_reads_in_sweref_with_the_file_private(
    source: Store, tmp_path: Path
) -> None:
    path = tmp_path / "kopia.gpkg"
    backup(source, ADMIN_POLICE, path)
    assert path.stat().st_mode & 0o777 == 0o600
    text = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    # GDAL 3.6 (Debian 12) has no JSON output: read its text, one block per layer.
    layers = {}
    for block in text.split("Layer name: ")[1:]:
        name, _, rest = block.partition("\n")
        layers[name.strip()] = rest
    assert set(layers) == set(schema.metadata.tables) | {"lofteskartan_backup"}
    assert "Feature Count: 2\n" in layers["places"]
    assert "Geometry: Unknown (any)" in layers["places"]
    assert 'ID["EPSG",3006]]' in layers["places"]
    assert "Geometry: None" in layers["meta"]
    assert "Feature Count: 1\n" in layers["meta"]


def test_the_command_line_backs_up_and_restores_with_exit_codes(
    source: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "kopia.gpkg"
    monkeypatch.setenv("LOFTESKARTAN_DB", source.url)
    assert main(["backup", str(path)]) == 0
    assert main(["backup", str(path)]) == 2
    assert "finns redan" in capsys.readouterr().err
    assert main(["restore", str(path)]) == 2
    assert "innehåller redan uppgifter" in capsys.readouterr().err
    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{tmp_path / 'ny.sqlite'}")
    assert main(["restore", str(path)]) == 0
    assert "Återställde" in capsys.readouterr().out
    assert os.path.exists(tmp_path / "ny.sqlite")
