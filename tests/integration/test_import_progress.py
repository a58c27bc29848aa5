"""A large file's import tells the app how far it has come (issue 17), on SQLite and PostGIS.

The pages turn these calls into a progress bar (`ui/progress.py`); here the importers are
asked directly, with small steps so a small file takes several.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.files.base_layer_import import import_base_layer, read_base_layer
from geo.files.place_import import read_places, save_places
from geo.followup.events import import_events_bytes
from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.records.models import Actor
from geo.store import Store
from geo.store import core as store_core
from tests.common import REPO_ROOT

ACTOR = Actor("test")
EVENTS = REPO_ROOT / "data" / "events" / "polisen_events_jonkopings_lan.csv"
PLACES = REPO_ROOT / "data" / "templates" / "platser.csv"

pytestmark = pytest.mark.store_starts("promises")


class Calls:
    """The (done, all) pairs an importer reported."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))

    def rise_to(self, total: int) -> bool:
        """True when the counts only rise, all name `total`, and the last is all of it."""
        done = [d for d, _ in self.calls]
        return (
            len(self.calls) > 1
            and done == sorted(set(done))
            and {t for _, t in self.calls} == {total}
            and done[-1] == total
        )


def test_an_event_file_reports_its_events_as_they_are_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_core, "PROGRESS_ROWS", 500)
    progress = Calls()
    result = import_events_bytes(store, ACTOR, EVENTS.read_bytes(), EVENTS.name, progress)
    assert result.added > 1000
    assert progress.rise_to(result.added)


def test_a_base_layer_reports_its_features_as_they_are_written(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_core, "PROGRESS_ROWS", 3)
    path = tmp_path / "adresser.geojson"
    points = [Point(ANEBY_E + 10 * i, ANEBY_N) for i in range(10)]
    gpd.GeoDataFrame({"nr": list(range(10))}, geometry=points, crs="EPSG:3006").to_file(
        path, engine="pyogrio"
    )
    progress = Calls()
    import_base_layer(store, ACTOR, read_base_layer(path, "adresser"), progress=progress)
    assert progress.calls == [(3, 10), (6, 10), (9, 10), (10, 10)]


def test_a_place_file_reports_each_row_as_it_is_saved(store: Store) -> None:
    places = read_places(PLACES.read_bytes(), PLACES.name).places
    progress = Calls()
    with store.session(ACTOR) as s:
        save_places(s, places, PLACES.name, progress=progress)
    assert progress.rise_to(len(places))
