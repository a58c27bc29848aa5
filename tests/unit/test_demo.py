"""The example data is honest: labelled as such and anchored on a real SCB point only."""

from __future__ import annotations

import json

from geo.installation.demo import ANEBY_E, ANEBY_N, ANEBY_TATORT_CODE, demo_places
from tests.common import REPO_ROOT

TATORTER = REPO_ROOT / "data" / "base" / "jonkopings_lan_tatorter_2020_scb.geojson"


def test_demo_anchor_is_scbs_own_point_for_the_aneby_tatort() -> None:
    features = json.loads(TATORTER.read_text(encoding="utf-8"))["features"]
    aneby = next(
        f["properties"] for f in features if f["properties"]["tatortskod"] == ANEBY_TATORT_CODE
    )
    assert (aneby["x_sweref99tm"], aneby["y_sweref99tm"]) == (ANEBY_E, ANEBY_N)


def test_every_demo_place_says_it_is_example_data() -> None:
    places = demo_places()
    assert len(places) == 9
    for place in places:
        assert place.is_example
        assert place.name.startswith("Exempel")
        assert "Exempeldata" in place.note


def test_demo_places_lie_within_two_kilometres_of_the_tatort_point() -> None:
    from shapely.geometry import Point

    centre = Point(ANEBY_E, ANEBY_N)
    assert all(p.geometry.distance(centre) < 2000 for p in demo_places())
