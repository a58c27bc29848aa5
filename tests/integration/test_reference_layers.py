"""Reference layers for any kommun: its own boundary, its own län's kommuner, its own tätorter.

A promise for Umeå (Västerbottens län) beside Aneby's (Jönköpings län) in one database: each
kommun's map, exports, place facts and Lägesbild use its own SCB layers. Every test runs on
SQLite and on PostGIS.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from shapely.geometry import Point

from geo.disclosure.context import base_layers
from geo.errors import ImportFileError
from geo.files.base_layer_import import check_layer_name
from geo.followup.events import load_situation
from geo.installation.base_layers import BASE_DIR, read_layer
from geo.installation.init import initialise
from geo.records.models import Actor, BaseLayer, PlaceKind
from geo.records.periods import Period
from geo.records.place_facts import describe_facts, place_facts
from geo.records.places import load_place_context
from geo.spatial.layers import load_base_layers
from tests.common import ANEBY_PROMISE, TRANAS_PROMISE_YAML

ADMIN = Actor("admin", role="admin")
UMEA_TATORT = Point(758406.1, 7088792.4)  # SCB's Umeå tätort point, SWEREF 99 TM
VASTERBOTTEN = [
    "Bjurholm",
    "Dorotea",
    "Lycksele",
    "Malå",
    "Nordmaling",
    "Norsjö",
    "Robertsfors",
    "Skellefteå",
    "Sorsele",
    "Storuman",
    "Umeå",
    "Vilhelmina",
    "Vindeln",
    "Vännäs",
    "Åsele",
]

pytestmark = pytest.mark.store_starts("empty")


@pytest.fixture
def two_lan(store, tmp_path):
    """Aneby's promise and one for Umeå, loaded together."""
    umea = tmp_path / "umea-2024-2025.yaml"
    umea.write_text(
        TRANAS_PROMISE_YAML.replace("tranas-2024-2025", "umea-2024-2025")
        .replace("Tranås kommun", "Umeå kommun")
        .replace('"0687"', '"2480"')
        .replace("Lokalpolisområde Höglandet", "Lokalpolisområde Umeå"),
        encoding="utf-8",
    )
    initialise(store, ADMIN, [ANEBY_PROMISE, umea])
    return store


def _labels(layers, name: str) -> list[str]:
    return sorted(f["properties"]["label"] for f in layers.layers[name][1]["features"])


def test_a_promise_in_vasterbotten_gets_umeas_boundary_its_lans_kommuner_and_its_tatorter(
    two_lan,
) -> None:
    with two_lan.session(ADMIN) as s:
        umea = load_base_layers(s, "2480")

    assert sorted(umea.layers) == ["kommun_2480", "lanets_kommuner", "tatorter"]
    assert umea.layers["kommun_2480"][0] == "Kommungräns Umeå kommun"
    (boundary,) = umea.boundary
    assert boundary.contains(UMEA_TATORT)
    assert _labels(umea, "lanets_kommuner") == VASTERBOTTEN
    tatorter = _labels(umea, "tatorter")
    assert len(tatorter) == 24
    assert "Umeå" in tatorter and "Holmsund" in tatorter and "Sommen" not in tatorter
    assert umea.attributions == ["Källa: SCB (CC0)"]


def test_aneby_keeps_its_boundary_jonkopings_lan_and_its_three_tatorter(two_lan) -> None:
    with two_lan.session(ADMIN) as s:
        aneby = load_base_layers(s, "0604")

    assert sorted(aneby.layers) == ["kommun_0604", "lanets_kommuner", "tatorter"]
    assert len(_labels(aneby, "lanets_kommuner")) == 13
    assert "Umeå" not in _labels(aneby, "lanets_kommuner")
    assert _labels(aneby, "tatorter") == ["Aneby", "Frinnaryd", "Sundhultsbrunn"]


def test_a_place_in_umea_is_measured_to_an_umea_tatort_not_to_sommen(two_lan) -> None:
    with two_lan.session(ADMIN) as s:
        context = load_place_context(s, "2480")
    place = Point(UMEA_TATORT.x + 300, UMEA_TATORT.y + 400)

    facts = place_facts(PlaceKind.POLICE_OFFICE, place, context.tatorter)

    assert (facts.nearest_tatort, facts.tatort_distance_m) == ("Umeå", 500.0)
    assert describe_facts(facts)[-1] == "500\u00a0m till tätortscentrum (Umeå)"
    assert {name for name, _ in context.tatorter} >= {"Umeå", "Holmsund", "Sävar"}
    assert "Sommen" not in dict(context.tatorter)


def test_an_umea_export_draws_vasterbotten_and_umeas_tatorter(two_lan) -> None:
    with two_lan.session(ADMIN) as s:
        layers, boundary = base_layers(s, "2480")

    by_name = {layer.name: layer for layer in layers}
    assert sorted(by_name) == ["kommun_2480", "lanets_kommuner", "tatorter"]
    assert sorted(label for label, _ in by_name["lanets_kommuner"].features) == VASTERBOTTEN
    tatorter = by_name["tatorter"].features
    assert len(tatorter) == 24 and "Umeå" in dict(tatorter)
    # The generalised boundary cuts a few km off the coast (Holmsund, Obbola): within 5 km.
    assert all(boundary.distance(g) < 5_000 for _, g in tatorter)


def test_umeas_lagesbild_neighbours_are_in_vasterbotten(two_lan) -> None:
    year = Period(date(2024, 3, 15), date(2025, 3, 14), "2024-2025")
    with two_lan.session(ADMIN) as s:
        situation = load_situation(s, "2480", year)

    near = [name for _, name in situation.neighbours]
    assert near and set(near) <= set(VASTERBOTTEN) - {"Umeå"}
    assert "Vännäs" in near


@pytest.mark.parametrize("name", ["lanets_kommuner_24", "tatorter_2480", "kommun_2480"])
def test_a_users_layer_may_not_take_the_name_of_a_kommuns_scb_layer(name) -> None:
    with pytest.raises(ImportFileError, match="appens egna baslager"):
        check_layer_name(name)


def test_a_database_from_before_keeps_anebys_layers_and_shows_umea_none_of_jonkopings(
    store,
) -> None:
    # Older databases stored one `lanets_kommuner` and one `tatorter` for all of Jönköpings län.
    store.create_or_upgrade()
    with store.session(ADMIN) as s:
        for name, file in (
            ("kommun_0604", "aneby_kommun_scb.geojson"),
            ("lanets_kommuner", "jonkopings_lan_kommuner_scb.geojson"),
            ("tatorter", "jonkopings_lan_tatorter_2020_scb.geojson"),
        ):
            frame = read_layer(BASE_DIR / file)
            props = json.loads(frame.drop(columns="geometry").to_json(orient="records"))
            features = list(zip(props, frame.geometry, strict=True))
            s.replace_base_layer(BaseLayer(name, name, "Källa: SCB (CC0)", file), features)
        aneby = load_base_layers(s, "0604")
        umea = load_base_layers(s, "2480")

    assert len(_labels(aneby, "lanets_kommuner")) == 13
    assert _labels(aneby, "tatorter") == ["Aneby", "Frinnaryd", "Sundhultsbrunn"]
    assert sorted(umea.layers) == []
