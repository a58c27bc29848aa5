"""A click or a drawn shape plus form values becomes a checked place, with facts in metres."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from geo.errors import ValidationError
from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.records.place_attributes import clean_attributes, parse_classification, parse_kind
from geo.records.place_facts import (
    PlaceFacts,
    describe_facts,
    place_facts,
    place_row,
    walking_minutes,
)
from geo.records.places import (
    PlaceContext,
    PlaceInput,
    build_place,
    check_geometry,
    check_in_sweden,
    geometry_from_click,
    geometry_from_geojson,
    place_warnings,
)

# SCB's tätort point for Aneby: E 488629.2 N 6411094.7 is lat 57.841630, lon 14.808475.
ANEBY_LAT, ANEBY_LON = 57.841630, 14.808475
# Six decimals of a degree are about 0.11 m north-south: the published lat/lon is that exact.
SIX_DECIMALS_M = 0.15

SQUARE_100M = box(0, 0, 100, 100)
ROUTE_1KM = LineString([(0, 0), (600, 0), (600, 400)])
BOWTIE = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
ONE_POINT_ROUTE = LineString([(5, 5), (5, 5)])
SITE = PlaceInput(
    PlaceKind.TRAFFIC_CONTROL_SITE,
    "  Kontroll vid skolan ",
    "",
    "Mätning visade höga hastigheter",
    {"väg": "väg 32", "hastighet": "70", "riktning": "", "motivering": "klagomål"},
)


def test_a_click_on_the_map_becomes_a_point_in_sweref_metres() -> None:
    point = geometry_from_click(ANEBY_LAT, ANEBY_LON)
    assert point.distance(Point(ANEBY_E, ANEBY_N)) < SIX_DECIMALS_M


def test_a_traffic_control_site_from_a_click_and_the_form() -> None:
    place = build_place(SITE, Point(ANEBY_E, ANEBY_N))
    assert place.kind is PlaceKind.TRAFFIC_CONTROL_SITE
    assert place.name == "Kontroll vid skolan"
    assert place.classification is Classification.INTERNAL  # empty means intern
    assert dict(place.attributes) == {"väg": "väg 32", "hastighet": 70, "motivering": "klagomål"}
    assert place.note == "Mätning visade höga hastigheter"


def test_editing_keeps_the_stored_id_and_version() -> None:
    stored = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Gammal", Point(0, 0), id=7, version=3)
    place = build_place(SITE, Point(1, 1), base=stored)
    assert (place.id, place.version, place.name) == (7, 3, "Kontroll vid skolan")


def test_a_routes_stops_are_kept_in_order_from_lines_or_bars() -> None:
    values = PlaceInput(
        PlaceKind.WALK_ROUTE, "Kvällsvandring", "öppen", "", {"hållplatser": "Torget\nSkolan | "}
    )
    place = build_place(values, ROUTE_1KM)
    assert place.attributes["hållplatser"] == ["Torget", "Skolan"]
    assert place.classification is Classification.OPEN


@pytest.mark.parametrize(
    "kind, geometry, message",
    [
        (PlaceKind.CENTRAL_AREA, BOWTIE, "kanter korsar varandra"),
        (PlaceKind.WALK_ROUTE, ONE_POINT_ROUTE, "minst två olika punkter"),
        (PlaceKind.WALK_ROUTE, None, "saknar geometri"),
        (PlaceKind.CENTRAL_AREA, Polygon(), "saknar geometri"),
        (PlaceKind.TRAFFIC_CONTROL_SITE, ROUTE_1KM, "ska vara en punkt, men geometrin är en linje"),
        (PlaceKind.WALK_ROUTE, SQUARE_100M, "ska vara en linje, men geometrin är en yta"),
        (PlaceKind.CENTRAL_AREA, Point(0, 0), "ska vara en yta, men geometrin är en punkt"),
        (
            PlaceKind.CENTRAL_AREA,
            MultiPolygon([SQUARE_100M, box(200, 0, 300, 100)]),
            "har 2 delar",
        ),
        (PlaceKind.POLICE_OFFICE, Point(float("nan"), 0), "inte är tal"),
    ],
)
def test_invalid_geometry_is_refused_in_swedish(
    kind: PlaceKind, geometry: object, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        check_geometry(kind, geometry, "rad 4")  # type: ignore[arg-type]


def test_a_single_part_multipolygon_from_a_gis_program_is_unwrapped() -> None:
    assert check_geometry(PlaceKind.CENTRAL_AREA, MultiPolygon([SQUARE_100M])).equals(SQUARE_100M)


def test_a_bowtie_message_says_where_the_edges_cross() -> None:
    bowtie = Polygon(
        [(ANEBY_E, ANEBY_N), (ANEBY_E + 100, ANEBY_N + 100), (ANEBY_E + 100, ANEBY_N),
         (ANEBY_E, ANEBY_N + 100)]
    )  # fmt: skip
    with pytest.raises(ValidationError, match=r"nära lat 57\.84\d+, lon 14\.80\d+"):
        check_geometry(PlaceKind.CENTRAL_AREA, bowtie)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"hastighet": "45"}, "45 km/h är ingen hastighetsgräns"),
        ({"hastighet": "fort"}, '"fort" är ingen hastighet'),
        ({"platstyp": "park"}, "platstyp gäller insatsplats, inte trafikkontrollplats"),
        ({"väg": "x" * 501}, "högst 500"),
    ],
)
def test_bad_attributes_are_refused_with_the_field_named(values: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        clean_attributes(PlaceKind.TRAFFIC_CONTROL_SITE, values, "rad 2")


def test_a_central_areas_weight_is_a_number_zero_or_larger() -> None:
    read = clean_attributes(PlaceKind.CENTRAL_AREA, {"vikt": "1,5", "syfte": "närvaro"}, "x")
    assert read == {"syfte": "närvaro", "vikt": 1.5}
    assert clean_attributes(PlaceKind.CENTRAL_AREA, {"vikt": 2.0}, "x") == {"vikt": 2}
    with pytest.raises(ValidationError, match="noll eller större"):
        clean_attributes(PlaceKind.CENTRAL_AREA, {"vikt": "-1"}, "rad 2")


def test_editing_keeps_attributes_the_form_does_not_know() -> None:
    stored = Place(
        PlaceKind.CENTRAL_AREA,
        "Centrum",
        SQUARE_100M,
        attributes={"syfte": "a", "källa": "x"},
        id=1,
    )
    values = PlaceInput(PlaceKind.CENTRAL_AREA, "Centrum", attributes={"syfte": "b"})
    assert dict(build_place(values, SQUARE_100M, base=stored).attributes) == {
        "källa": "x",
        "syfte": "b",
    }


@pytest.mark.parametrize("speed, expected", [("70 km/h", 70), (50, 50), (80.0, 80), ("", None)])
def test_speed_limits_are_read_the_way_people_write_them(speed: object, expected: int) -> None:
    attributes = clean_attributes(PlaceKind.TRAFFIC_CONTROL_SITE, {"hastighet": speed}, "x")
    assert attributes.get("hastighet") == expected


def test_a_place_needs_a_name() -> None:
    with pytest.raises(ValidationError, match="namn saknas"):
        build_place(PlaceInput(PlaceKind.POLICE_OFFICE, "  "), Point(0, 0), "rad 3")


@pytest.mark.parametrize("text, expected", [("Öppen", "öppen"), ("oppen", "öppen"), ("", "intern")])
def test_classification_is_read_in_any_case(text: str, expected: str) -> None:
    assert parse_classification(text, "x").value == expected


def test_unknown_classification_and_kind_list_the_valid_words() -> None:
    with pytest.raises(ValidationError, match="öppen, intern, sekretess"):
        parse_classification("hemlig", "rad 2")
    with pytest.raises(ValidationError, match="trafikkontrollplats, insatsplats"):
        parse_kind("kontroll", "rad 2")
    assert parse_kind("Centrumomrade", "x") is PlaceKind.CENTRAL_AREA


def test_a_1_km_route_takes_15_minutes_at_4_km_per_hour() -> None:
    facts = place_facts(PlaceKind.WALK_ROUTE, ROUTE_1KM)
    assert facts.length_m == 1000.0
    assert facts.walking_minutes == 15.0
    assert walking_minutes(1000.0, speed_kmh=5.0) == 12.0


def test_a_100_m_square_central_area_is_10_000_m2_or_one_hectare() -> None:
    facts = place_facts(PlaceKind.CENTRAL_AREA, SQUARE_100M)
    assert facts.area_m2 == 10_000.0
    assert facts.area_ha == 1.0


def test_distance_to_the_nearest_tatort_centre_is_in_metres() -> None:
    tatorter = [("Aneby", Point(0, 0)), ("Frinnaryd", Point(10_000, 0))]
    facts = place_facts(PlaceKind.TRAFFIC_CONTROL_SITE, Point(300, 400), tatorter)
    assert (facts.nearest_tatort, facts.tatort_distance_m) == ("Aneby", 500.0)
    # An area that covers the tätort point is 0 m from it.
    area = place_facts(PlaceKind.CENTRAL_AREA, box(-50, -50, 50, 50), tatorter)
    assert area.tatort_distance_m == 0.0


def test_facts_read_as_swedish_text() -> None:
    route = PlaceFacts(length_m=1234.4, walking_minutes=18.5, nearest_tatort="Aneby",
                       tatort_distance_m=12_345.0)  # fmt: skip
    assert describe_facts(route) == [
        "Längd 1\u00a0234\u00a0m, gångtid cirka 18\u00a0min (i 4\u00a0km/h)",
        "12,3\u00a0km till tätortscentrum (Aneby)",
    ]
    area = PlaceFacts(area_m2=240_000.0, nearest_tatort="Aneby", tatort_distance_m=0.0)
    assert describe_facts(area) == [
        "Yta 240\u00a0000\u00a0m² (24,0\u00a0ha)",
        "Omfattar tätortscentrum för Aneby",
    ]
    site = PlaceFacts(nearest_tatort="Aneby", tatort_distance_m=0.4)
    assert describe_facts(site) == ["Vid tätortscentrum (Aneby)"]


def test_a_place_outside_the_kommun_is_warned_about_not_refused() -> None:
    context = PlaceContext(kommuner=(("Aneby kommun", box(0, 0, 1000, 1000)),))
    assert place_warnings(Point(500, 500), context) == []
    (warning,) = place_warnings(Point(1250, 500), context)
    assert "utanför Aneby kommun (250\u00a0m från gränsen)" in warning
    assert "generaliserade" in warning and "några kilometer" in warning
    (partly,) = place_warnings(LineString([(500, 500), (1100, 500)]), context)
    assert "helt eller delvis utanför" in partly


def test_without_a_stored_boundary_there_is_nothing_to_warn_about() -> None:
    assert place_warnings(Point(5_000_000, 0), PlaceContext()) == []


def test_a_place_in_aneby_is_in_sweden() -> None:
    check_in_sweden(Point(ANEBY_E, ANEBY_N))


@pytest.mark.parametrize(
    "lat, lon", [(57.5, 20.0), (56.0, 12.9 + 2.0), (55.6, 12.0)]
)  # Baltic east of Gotland, Hanöbukten, Danish Zealand
def test_a_place_at_sea_or_abroad_is_refused(lat: float, lon: float) -> None:
    with pytest.raises(ValidationError, match="ligger i havet eller utanför Sverige"):
        check_in_sweden(geometry_from_click(lat, lon), "rad 3")


def test_a_geojson_geometry_in_sweref_stays_in_metres() -> None:
    geom = geometry_from_geojson({"type": "Point", "coordinates": [1.0, 2.0, 3.0]}, "EPSG:3006")
    assert (geom.x, geom.y, geom.has_z) == (1.0, 2.0, False)


def test_a_table_row_shows_facts_and_attributes() -> None:
    place = Place(PlaceKind.WALK_ROUTE, "Rutt", ROUTE_1KM, attributes={"hållplatser": ["A", "B"]})
    row = place_row(place, [("Aneby", Point(0, 0))])
    assert row["Typ"] == "Vandringsrutt"
    assert row["Fakta"].startswith("Längd 1\u00a0000\u00a0m, gångtid cirka 15\u00a0min")
    assert row["Uppgifter"] == "Hållplatser i ordning: A | B"
    assert row["Status"] == "aktiv"
