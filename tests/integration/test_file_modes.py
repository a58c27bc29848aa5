"""What holds sekretess is private whatever the umask: 0600 files, 0700 folders we create.

Public exports (`--audience public`, opening hours) are 0644 on purpose: they are made to
be published, and a web server running as another user must read them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.cli import main
from geo.exports.make import write_export
from geo.store import Store
from tests.common import add_user_in_process
from tests.export_fixtures import plant


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The usual default (022), under which files were world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture(scope="module")
def planted_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('modes')}/planted.sqlite"
    store = Store(url)
    plant(store)
    store.dispose()
    yield url


def test_a_new_database_is_0600_in_0700_folders_we_create(
    tmp_path: Path, loose_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    path = shared / "lofteskartan" / "data" / "db.sqlite"
    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{path}")
    assert main(["init"]) == 0
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700
    # A folder that was there already is the administrator's to set: left as it was.
    assert mode(shared) == 0o755
    # SQLite gives its -wal and -shm files the database file's mode.
    store = Store(f"sqlite:///{path}")
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM meta")
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                assert mode(side) == 0o600, suffix
    store.dispose()


def test_write_export_keeps_internal_files_private_and_public_ones_readable(
    tmp_path: Path, loose_umask: None
) -> None:
    write_export(b"sekretess", tmp_path / "intern.gpkg")
    write_export(b"publik", tmp_path / "publik.zip", public=True)
    assert mode(tmp_path / "intern.gpkg") == 0o600
    assert mode(tmp_path / "publik.zip") == 0o644
    # Even a strict umask does not make a public file unreadable to the web server.
    os.umask(0o077)
    write_export(b"publik", tmp_path / "publik2.zip", public=True)
    assert mode(tmp_path / "publik2.zip") == 0o644


@pytest.mark.parametrize(
    "args,expected",
    [
        (["export", "gpkg", "{out}/intern.gpkg"], 0o600),
        (["export", "csv", "{out}/intern.zip"], 0o600),
        (["export", "csv", "{out}/publik.zip", "--audience", "public"], 0o644),
        (["export", "places", "{out}/platser.gpkg"], 0o600),
        (["export", "places", "{out}/platser.geojson"], 0o600),
        (["export", "ics", "{out}/intern.ics"], 0o600),
        (["export", "ics", "{out}/publik.ics", "--audience", "public"], 0o644),
        (["export", "opening-hours", "{out}/oppettider.txt"], 0o644),
        (["backup", "{out}/ny-mapp/kopia.gpkg"], 0o600),
    ],
    ids=lambda v: v[1] if isinstance(v, list) else oct(v),
)
def test_cli_files_are_private_unless_made_for_publishing(
    args: list[str],
    expected: int,
    planted_url: str,
    tmp_path: Path,
    loose_umask: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOFTESKARTAN_DB", planted_url)
    argv = [a.format(out=tmp_path) for a in args]
    assert main(argv) == 0
    out = Path(next(a for a in argv if a.startswith(str(tmp_path))))
    assert mode(out) == expected
    if args[0] == "backup":
        assert mode(out.parent) == 0o700  # the folder the backup made for itself


def test_a_database_restored_into_a_new_file_is_private(
    planted_url: str, tmp_path: Path, loose_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOFTESKARTAN_DB", planted_url)
    backup = tmp_path / "kopia.gpkg"
    assert main(["backup", str(backup)]) == 0
    restored = tmp_path / "ny" / "db.sqlite"
    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{restored}")
    assert main(["restore", str(backup)]) == 0
    assert mode(restored) == 0o600
    assert mode(restored.parent) == 0o700


def test_a_users_file_in_a_folder_of_its_own_is_0600_in_a_0700_folder(
    tmp_path: Path, loose_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "hemligt" / "anvandare.json"
    code = add_user_in_process(monkeypatch, tmp_path / "db.sqlite", users, "kommun:0604")
    assert code == 0
    assert mode(users) == 0o600
    assert mode(users.parent) == 0o700
