"""A planner who cannot click the map types coordinates or a name and gets a position."""

from __future__ import annotations

from datetime import datetime

import pytest
from shapely.geometry import LineString, Point, mapping

from geo.errors import ValidationError
from geo.records.models import STOCKHOLM, Place, PlaceKind
from geo.spatial.crs import to_wgs84
from geo.spatial.place_search import TATORT, find_position, parse_coordinates, search_names
from tests.common import CENTRE_OF_SQUARE, E0, N0, SQUARE_100M

# SCB's tätort point for Aneby: E 488629.2 N 6411094.7 is lat 57.841630, lon 14.808475.
ANEBY = Point(488629.2, 6411094.7)
TATORTER = (("Aneby", ANEBY), ("Frinnaryd", Point(482000.0, 6420000.0)))
# Six decimals of a degree are about 0.11 m; the typed WGS 84 pair lands that close.
SIX_DECIMALS_M = 0.15


def _layer(title: str, *features: tuple[str, object]) -> tuple[str, dict[str, object]]:
    """A base layer as the map prepares it: WGS 84 GeoJSON with a `label` per feature."""
    return title, {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": mapping(to_wgs84(g)), "properties": {"label": label}}
            for label, g in features
        ],
    }


@pytest.mark.parametrize(
    "text",
    [
        "57.841630, 14.808475",
        "57,841630 14,808475",
        "57,841630, 14,808475",
        "lat 57.841630 lon 14.808475",
        "6411094.7, 488629.2",
        "N 6411094,7 E 488629,2",
        "6411094.7;488629.2",
    ],
)
def test_typed_coordinates_in_either_system_land_on_the_same_spot(text: str) -> None:
    hit = parse_coordinates(text)
    assert hit is not None
    assert hit.point.distance(ANEBY) < SIX_DECIMALS_M


def test_wgs84_and_sweref_are_told_apart_as_the_import_tells_them() -> None:
    wgs = parse_coordinates("57.841630, 14.808475")
    sweref = parse_coordinates("6411094.7, 488629.2")
    assert wgs is not None and sweref is not None
    assert wgs.source.startswith("WGS 84")
    assert sweref.source.startswith("SWEREF 99 TM")


@pytest.mark.parametrize("text", ["Aneby", "Storgatan 12", "", "57.84", "E4"])
def test_a_text_that_is_not_two_numbers_is_not_read_as_coordinates(text: str) -> None:
    assert parse_coordinates(text) is None


def test_coordinates_the_wrong_way_round_are_refused_with_the_order_to_use() -> None:
    with pytest.raises(ValidationError, match="omvänd ordning"):
        parse_coordinates("14.808475, 57.841630")


def test_coordinates_outside_sweden_are_refused_in_swedish() -> None:
    with pytest.raises(ValidationError, match="ligger inte i Sverige"):
        parse_coordinates("48.8566, 2.3522")


def test_a_tatort_is_found_by_the_start_of_its_name_in_any_case() -> None:
    hits = search_names("ANE", tatorter=TATORTER)
    assert [(h.label, h.source, h.point) for h in hits] == [("Aneby", TATORT, ANEBY)]


def test_a_stored_place_is_found_and_a_retired_one_is_not() -> None:
    active = Place(PlaceKind.CENTRAL_AREA, "Torget i Aneby", SQUARE_100M, id=1)
    retired = Place(
        PlaceKind.TRAFFIC_CONTROL_SITE,
        "Torget gamla",
        CENTRE_OF_SQUARE,
        id=2,
        retired_at=datetime(2024, 1, 1, tzinfo=STOCKHOLM),
    )
    hits = search_names("torget", places=[active, retired])
    assert [h.label for h in hits] == ["Torget i Aneby"]
    assert hits[0].source == PlaceKind.CENTRAL_AREA.label
    assert SQUARE_100M.contains(hits[0].point)


def test_a_road_in_several_pieces_is_one_hit_placed_on_the_road() -> None:
    west = LineString([(E0, N0), (E0 + 500, N0)])
    east = LineString([(E0 + 500, N0), (E0 + 1000, N0)])
    base = {"vagar": _layer("Vägar", ("Storgatan", west), ("Storgatan", east))}
    hits = search_names("storg", base=base)
    assert [h.text for h in hits] == ["Storgatan (Vägar)"]
    assert hits[0].point.distance(west.union(east)) < 0.01


def test_scb_layers_in_the_base_are_not_searched_twice() -> None:
    base = {"tatorter": _layer("Tätorter", ("Aneby", ANEBY))}
    assert search_names("Aneby", tatorter=TATORTER, base=base)[0].source == TATORT
    assert len(search_names("Aneby", tatorter=TATORTER, base=base)) == 1


def test_the_exact_name_comes_before_longer_names_that_start_with_it() -> None:
    base = {
        "adresser": _layer(
            "Adresser",
            ("Anebyvägen 3", Point(E0, N0)),
            ("Aneby", Point(E0 + 10, N0)),
            ("Gamla Aneby", Point(E0 + 20, N0)),
        )
    }
    hits = search_names("aneby", base=base)
    assert [h.label for h in hits] == ["Aneby", "Anebyvägen 3", "Gamla Aneby"]


def test_find_position_reads_coordinates_before_names() -> None:
    hits = find_position("6411094.7, 488629.2", tatorter=TATORTER)
    assert len(hits) == 1 and hits[0].point.distance(ANEBY) < 0.01
    assert [h.label for h in find_position("frinn", tatorter=TATORTER)] == ["Frinnaryd"]
    assert find_position("Ingenstans", tatorter=TATORTER) == []
