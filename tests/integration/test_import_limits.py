"""Every import refuses a file over its limit from the file's size, before reading a byte.

A sparse 3 GB file takes no disk and no time to make; each importer must refuse it at
once, with its own limit and environment variable in the Swedish message, and with the
database unchanged. The memory a file *at* the limit takes is measured by
`benchmarks/import_memory.py`, not here (a timed unit test would be flaky on shared cores).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import ImportFileError
from geo.files.base_layer_import import read_base_layer_bytes
from geo.files.limits import (
    ACTIVITIES_LIMIT,
    BASE_LAYER_LIMIT,
    EVENTS_LIMIT,
    MB,
    PLACES_LIMIT,
    SITING_LIMIT,
    FileLimit,
)
from geo.files.place_import import read_places
from geo.files.siting_io import read_demand
from geo.followup.events import parse_events_bytes
from geo.installation.init import initialise
from geo.records.models import Actor
from geo.store import Store
from tests.common import PROMISE_DIR, table_counts

GB = 1024**3
ACTOR = Actor("test")

# (import command, file name, its limit): every import and every format it reads.
CLI_IMPORTS = [
    ("activities", "aktiviteter.csv", ACTIVITIES_LIMIT),
    ("activities", "aktiviteter.geojson", ACTIVITIES_LIMIT),
    ("events", "handelser.csv", EVENTS_LIMIT),
    ("events", "handelser.json", EVENTS_LIMIT),
    ("places", "platser.csv", PLACES_LIMIT),
    ("places", "platser.geojson", PLACES_LIMIT),
    ("places", "platser.gpkg", PLACES_LIMIT),
    ("base-layer", "vagar.gpkg", BASE_LAYER_LIMIT),
    ("base-layer", "vagar.geojson", BASE_LAYER_LIMIT),
]


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("limits") / "db.sqlite"
    store = Store(f"sqlite:///{path}")
    initialise(store, ACTOR, [PROMISE_DIR])
    store.dispose()
    yield path


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk: reading it would take seconds and GBs."""
    with path.open("wb") as f:
        f.truncate(size)
    return path


def limit_text(limit: FileLimit) -> str:
    return f"största tillåtna {limit.what} är {limit.default_mb:g} MB"


@pytest.mark.parametrize(
    "command,name,limit", CLI_IMPORTS, ids=[f"{c}-{n}" for c, n, _ in CLI_IMPORTS]
)
def test_a_sparse_3_gb_file_is_refused_at_once_with_the_limit_and_how_to_raise_it(
    command: str,
    name: str,
    limit: FileLimit,
    db_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{db_file}"
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    big = sparse(tmp_path / name, 3 * GB)
    before = table_counts(url)
    extra = ["--name", "vagar"] if command == "base-layer" else []
    tracemalloc.start()
    started = time.monotonic()
    try:
        code = main(["import", command, str(big), *extra])
        seconds = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{name} är 3072 MB; {limit_text(limit)}" in err
    assert f"miljövariabeln {limit.env}" in err
    assert "Traceback" not in err
    # Reading 3 GB would take seconds and allocate 3 GB; a refusal from os.stat takes neither.
    assert seconds < 2
    assert peak < 20 * MB
    assert table_counts(url) == before


def test_an_administrator_raises_a_limit_with_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b'{"type": "FeatureCollection", "features": []}' + b" " * (2 * MB)
    monkeypatch.setenv(PLACES_LIMIT.env, "1")
    with pytest.raises(
        ImportFileError, match=f"största tillåtna platsfil är 1 MB.*{PLACES_LIMIT.env}"
    ):
        read_places(data, "platser.geojson")
    monkeypatch.setenv(PLACES_LIMIT.env, "3")
    # Past the size check, the file is read and its (lack of) content is the problem.
    with pytest.raises(ImportFileError, match="inga objekt"):
        read_places(data, "platser.geojson")


def test_an_unreadable_limit_setting_is_a_swedish_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EVENTS_LIMIT.env, "mycket")
    with pytest.raises(ImportFileError, match=f'{EVENTS_LIMIT.env}="mycket" ska vara'):
        parse_events_bytes(b"[]", "handelser.json")


@pytest.mark.parametrize(
    "read,limit",
    [
        (lambda data: read_places(data, "platser.gpkg"), PLACES_LIMIT),
        (lambda data: parse_events_bytes(data, "handelser.csv"), EVENTS_LIMIT),
        (lambda data: read_base_layer_bytes(data, "vagar.gpkg", "vagar"), BASE_LAYER_LIMIT),
        (lambda data: read_demand(data, "efterfragan.geojson"), SITING_LIMIT),
    ],
    ids=["places", "events", "base-layer", "siting"],
)
def test_an_upload_over_the_limit_is_refused_from_its_length(
    read: object, limit: FileLimit, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(limit.env, "1")
    with pytest.raises(ImportFileError, match=f"är 1,5 MB; största tillåtna {limit.what} är 1 MB"):
        read(b"x" * (MB + MB // 2))  # type: ignore[operator]


def test_a_siting_file_on_disk_is_refused_from_its_size(tmp_path: Path) -> None:
    big = sparse(tmp_path / "efterfragan.csv", 3 * GB)
    started = time.monotonic()
    with pytest.raises(ImportFileError, match=SITING_LIMIT.env):
        read_demand(big)
    assert time.monotonic() - started < 2
