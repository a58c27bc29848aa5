"""Every file shipped in data/ loads, is valid and has the coordinate system it claims."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo.records.promise_file import load_promise_file
from geo.spatial.crs import SWEREF99TM
from tests.common import BASE_DIR, PROMISE_DIR

BASE_FILES = sorted(BASE_DIR.glob("*.geojson"))
PROMISE_FILES = sorted([*PROMISE_DIR.glob("*.yaml"), *PROMISE_DIR.glob("*.yml")])


def test_the_shipped_folders_are_not_empty() -> None:
    assert {
        "aneby_kommun_scb.geojson",
        "jonkopings_lan_kommuner_scb.geojson",
        "jonkopings_lan_scb.geojson",
        "jonkopings_lan_tatorter_2020_scb.geojson",
        "sverige_tatorter_2020_scb.geojson",
    } <= {p.name for p in BASE_FILES}
    assert "aneby-2023-2024.yaml" in [p.name for p in PROMISE_FILES]


@pytest.mark.parametrize("path", BASE_FILES, ids=[p.name for p in BASE_FILES])
def test_every_base_layer_file_loads_valid_in_wgs84(path) -> None:
    frame = gpd.read_file(path)

    assert len(frame) > 0
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert frame.geometry.notna().all()
    assert frame.geometry.is_valid.all()
    assert not frame.geometry.is_empty.any()
    # Degrees in Sweden, not metres written into a WGS 84 file.
    west, south, east, north = frame.total_bounds
    assert 10 < west < east < 25 and 55 < south < north < 70


@pytest.mark.parametrize(
    "file,count",
    [
        ("aneby_kommun_scb.geojson", 1),
        ("jonkopings_lan_kommuner_scb.geojson", 13),
        ("jonkopings_lan_scb.geojson", 1),
        ("jonkopings_lan_tatorter_2020_scb.geojson", 95),
        ("sverige_tatorter_2020_scb.geojson", 2017),
    ],
)
def test_each_base_layer_has_the_number_of_features_its_source_notes_say(file, count) -> None:
    assert len(gpd.read_file(BASE_DIR / file)) == count


def test_the_three_aneby_tatorter_lie_inside_the_aneby_boundary() -> None:
    boundary = gpd.read_file(BASE_DIR / "aneby_kommun_scb.geojson").geometry.iloc[0]
    tatorter = gpd.read_file(BASE_DIR / "jonkopings_lan_tatorter_2020_scb.geojson")

    anebys = tatorter[tatorter["kommunkod"] == "0604"]
    inside = tatorter[tatorter.within(boundary)]

    assert sorted(anebys["tatort"]) == ["Aneby", "Frinnaryd", "Sundhultsbrunn"]
    assert sorted(inside["tatort"]) == ["Aneby", "Frinnaryd", "Sundhultsbrunn"]


def test_the_aneby_boundary_is_544_square_kilometres_in_sweref99tm() -> None:
    boundary = gpd.read_file(BASE_DIR / "aneby_kommun_scb.geojson").to_crs(SWEREF99TM)

    assert abs(boundary.area.iloc[0] / 1e6 - 544) < 1


def test_the_tatort_points_match_their_original_sweref99tm_coordinates() -> None:
    tatorter = gpd.read_file(BASE_DIR / "jonkopings_lan_tatorter_2020_scb.geojson")
    projected = tatorter.to_crs(SWEREF99TM)

    # The WGS 84 points were converted from SCB's SWEREF 99 TM ones and rounded to 6 decimals
    # (about 0.1 m): converting back lands within a metre of the original.
    dx = (projected.geometry.x - tatorter["x_sweref99tm"]).abs()
    dy = (projected.geometry.y - tatorter["y_sweref99tm"]).abs()
    assert dx.max() < 1 and dy.max() < 1


def test_the_aneby_boundary_agrees_with_anebys_row_in_the_lans_kommuner() -> None:
    alone = gpd.read_file(BASE_DIR / "aneby_kommun_scb.geojson").geometry.iloc[0]
    kommuner = gpd.read_file(BASE_DIR / "jonkopings_lan_kommuner_scb.geojson")
    row = kommuner[kommuner["kommunkod"] == "0604"].geometry.iloc[0]

    assert alone.equals_exact(row, tolerance=1e-6)


@pytest.mark.parametrize("path", PROMISE_FILES, ids=[p.name for p in PROMISE_FILES])
def test_every_shipped_promise_file_loads(path) -> None:
    doc = load_promise_file(path)

    assert doc.promises and doc.commitments
    assert doc.period_start <= doc.period_end
