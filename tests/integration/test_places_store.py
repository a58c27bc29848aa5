"""Places and base layers through the store, on SQLite and on PostGIS."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from shapely.geometry import Point, box

from geo.files.base_layer_import import BaseLayerOptions, import_base_layer, read_base_layer
from geo.files.place_import import read_places, save_places
from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.records.models import Actor, BaseLayer, PlaceKind
from geo.records.place_facts import place_facts
from geo.records.places import PlaceInput, build_place, load_place_context
from geo.spatial.layers import MAP_MAX_FEATURES, load_base_layers
from geo.store import Store
from tests.common import REPO_ROOT

TEMPLATE = REPO_ROOT / "data" / "templates" / "platser.csv"
ACTOR = Actor("planerare")


def test_an_import_is_one_transaction_and_a_second_run_adds_nothing(store: Store) -> None:
    result = read_places(TEMPLATE.read_bytes(), TEMPLATE.name)
    with pytest.raises(RuntimeError), store.session(ACTOR) as s:
        save_places(s, result.places)
        raise RuntimeError("the power went out halfway")
    with store.session(ACTOR) as s:
        assert s.list_places() == []
        first = save_places(s, result.places)
    with store.session(ACTOR) as s:
        second = save_places(s, result.places)
        stored = s.list_places()
    assert (len(first.added), len(second.added), len(second.already_stored)) == (5, 0, 5)
    assert len(stored) == 5


def test_the_context_has_anebys_boundary_and_scbs_tatort_points(store: Store) -> None:
    with store.session(ACTOR) as s:
        context = load_place_context(s, "0604")
    ((name, boundary),) = context.kommuner
    assert name == "Aneby kommun"
    assert boundary.covers(Point(ANEBY_E, ANEBY_N))
    tatorter = dict(context.tatorter)
    assert sorted(tatorter) == ["Aneby", "Frinnaryd", "Sundhultsbrunn"]
    # SCB's own SWEREF 99 TM point, not the rounded WGS 84 copy.
    assert tatorter["Aneby"].equals(Point(ANEBY_E, ANEBY_N))
    facts = place_facts(
        PlaceKind.POLICE_OFFICE, Point(ANEBY_E + 300, ANEBY_N + 400), context.tatorter
    )
    assert (facts.nearest_tatort, facts.tatort_distance_m) == ("Aneby", 500.0)


def test_a_place_is_changed_then_retired_and_its_history_kept(store: Store) -> None:
    values = PlaceInput(PlaceKind.TRAFFIC_CONTROL_SITE, "Kontroll", attributes={"hastighet": 50})
    with store.session(ACTOR) as s:
        saved = s.add_place(build_place(values, Point(ANEBY_E, ANEBY_N)))
    moved = build_place(
        replace(values, name="Kontroll norr", attributes={"hastighet": "70"}),
        Point(ANEBY_E, ANEBY_N + 100),
        base=saved,
    )
    with store.session(ACTOR) as s:
        changed = s.update_place(moved)
    with store.session(ACTOR) as s:
        s.retire_place(changed.id, changed.version)  # type: ignore[arg-type]
    with store.session(ACTOR) as s:
        assert s.list_places() == []
        kept = s.get_place(saved.id)  # type: ignore[arg-type]
        actions = [e["action"] for e in s.audit_entries() if e["table_name"] == "places"]
    assert kept.is_retired and kept.name == "Kontroll norr"
    assert kept.attributes["hastighet"] == 70
    assert kept.geometry.equals(Point(ANEBY_E, ANEBY_N + 100))
    assert actions == ["retire", "update", "create"]


def test_the_base_layer_stamp_changes_when_a_layer_is_added_or_replaced(store: Store) -> None:
    with store.session(ACTOR) as s:
        before = s.base_layer_stamp()
        s.replace_base_layer(BaseLayer("vagar", "Vägar", "x"), [({}, Point(0, 0))])
        added = s.base_layer_stamp()
        s.replace_base_layer(BaseLayer("vagar", "Vägar", "x"), [({}, Point(1, 1))])
        replaced = s.base_layer_stamp()
    assert [name for name, _, _ in before] == ["kommun_0604", "lanets_kommuner_06", "tatorter_0604"]
    assert len({before, added, replaced}) == 3


def test_an_imported_base_layer_reaches_the_map_in_wgs84(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "adresser.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"adress": "Storgatan 1", "nr": 1}, "geometry": {"type": "Point", '
        '"coordinates": [14.808475, 57.84163]}}]}',
        encoding="utf-8",
    )
    options = BaseLayerOptions(title="Adresser", attribution="Källa: kommunen")
    message = import_base_layer(store, ACTOR, read_base_layer(path, "adresser", options))
    assert message.startswith('Baslagret "Adresser" (adresser) lästes in: 1 objekt')
    with store.session(ACTOR) as s:
        prepared = load_base_layers(s, "0604")
    title, fc = prepared.layers["adresser"]
    (feature,) = fc["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [14.808475, 57.84163]}
    assert feature["properties"] == {"label": "Storgatan 1"}
    assert "Källa: kommunen" in prepared.attributions
    assert prepared.notes == []


def test_a_large_base_layer_is_cut_to_the_part_nearest_the_kommun_with_a_note(
    store: Store,
) -> None:
    # One 10 m house every 20 m in a 80 x 80 grid around Aneby: 6 400 buildings.
    houses = [
        ({"id": i * 80 + j}, box(x, y, x + 10, y + 10))
        for i in range(80)
        for j in range(80)
        for x, y in [(ANEBY_E - 800 + 20 * i, ANEBY_N - 800 + 20 * j)]
    ]
    with store.session(ACTOR) as s:
        s.replace_base_layer(BaseLayer("byggnader", "Byggnader", "Källa: test"), houses)
        prepared = load_base_layers(s, "0604")
    assert len(prepared.layers["byggnader"][1]["features"]) == MAP_MAX_FEATURES
    assert prepared.notes == [
        f"Baslagret Byggnader har 6400 objekt; kartan visar de {MAP_MAX_FEATURES} närmast "
        "kommunens mitt så att den förblir snabb. Alla objekt finns kvar i databasen."
    ]
