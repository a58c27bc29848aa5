"""Every kind of place has its own symbol on every map, the legend says so, and maps open
where the work is (the central areas), not on the whole kommun."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from shapely.geometry import Point, box

from geo.exports.map_style import (
    MAP_BACKGROUNDS,
    MARKER_SHAPES,
    NON_TEXT_CONTRAST,
    PLACE_SYMBOLS,
    contrast_ratio,
    place_legend,
    shape_marker_script,
)
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Place, PlaceKind
from geo.spatial.crs import to_sweref
from geo.spatial.layers import OPENING_MARGIN_M, bounds_of, opening_bounds, place_collections
from tests.common import E0, N0, SQUARE_100M
from ui.maps import overview_map

CENTRE = Place(PlaceKind.CENTRAL_AREA, "Centrum", SQUARE_100M, id=1)
# 20 km away: a place far out in the kommun.
FAR_SITE = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Väg 32 norr", Point(E0, N0 + 20_000), id=2)
KOMMUN = box(E0 - 30_000, N0 - 30_000, E0 + 30_000, N0 + 30_000)


def test_every_kind_of_place_has_a_shape_of_its_own_not_only_a_colour() -> None:
    assert set(PLACE_SYMBOLS) == set(PlaceKind)
    shapes = [s.shape for s in PLACE_SYMBOLS.values()]
    assert len(set(shapes)) == len(shapes)
    for kind, symbol in PLACE_SYMBOLS.items():
        if kind.geometry_type == "Point":
            assert symbol.shape in MARKER_SHAPES
    assert PLACE_SYMBOLS[PlaceKind.WALK_ROUTE].dash  # a route reads as dashes in grey print


@pytest.mark.parametrize("kind", list(PlaceKind))
@pytest.mark.parametrize("background", MAP_BACKGROUNDS)
def test_each_place_colour_stands_out_3_to_1_from_a_light_map(
    kind: PlaceKind, background: str
) -> None:
    assert contrast_ratio(PLACE_SYMBOLS[kind].colour, background) >= NON_TEXT_CONTRAST


def test_contrast_ratio_is_wcags() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#828180", "#ffffff") == pytest.approx(3.88, abs=0.01)


def test_the_legend_names_each_kind_in_swedish_with_a_decorative_symbol() -> None:
    legend = place_legend()
    assert [name for name, _ in legend] == [k.label for k in PlaceKind]
    assert all('aria-hidden="true"' in svg for _, svg in legend)


def test_leaflet_is_taught_every_marker_shape() -> None:
    script = shape_marker_script()
    for shape in MARKER_SHAPES:
        assert json.dumps(shape) in script


def test_the_overview_map_folds_its_layer_list_and_shows_the_legend_and_shapes() -> None:
    m = overview_map(None, {}, place_collections([CENTRE, FAR_SITE]), {}, [], background=None)
    page = m.get_root().render()
    assert '"collapsed": true' in page and '"collapsed": false' not in page
    # The legend travels as a JSON string (non-ASCII letters escaped).
    assert json.dumps("Teckenförklaring")[1:-1] in page
    for kind in PlaceKind:
        # In the legend, even before a place of the kind exists.
        assert json.dumps(kind.label)[1:-1] in page
    assert PLACE_SYMBOLS[PlaceKind.TRAFFIC_CONTROL_SITE].css_class in page
    # The shapes are taught to Leaflet before the first layer is drawn.
    assert page.index("_lofteskartanShapes") < page.index("L.geoJson(")


def test_the_overview_map_draws_with_leaflet_alone_so_its_frame_loads_three_scripts_fewer() -> None:
    counted = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [14.81, 57.84]},
                "properties": {"count": 3, "label": "Centrum – Närvaro: 3 genomförda", "slot": 0},
            }
        ],
    }
    layers = {CommitmentKind.PRESENCE: counted}
    m = overview_map(None, {}, place_collections([CENTRE, FAR_SITE]), layers, [], background=None)
    page = m.get_root().render()
    assert "lofteskartan-count" in page and "bindPopup" in page and "bindTooltip" in page
    # What jQuery, Bootstrap's script or folium.Icon would be loaded for: none of it.
    for use in ("$(", "$.", "jQuery", "AwesomeMarkers", "bootstrap.bundle", "jquery-"):
        assert use not in page
    scripts = [url.rsplit("/", 1)[-1] for _, url in m.default_js]
    assert scripts == ["leaflet.js", "leaflet-setup.js"]


def test_a_name_written_as_a_template_is_shown_as_written_and_never_run_on_the_server() -> None:
    # branca renders a layer's finished script once more as Jinja: "{{ 6 * 7 }}" became 42.
    trap = "{{ 6 * 7 }} Torget"
    place = Place(PlaceKind.CENTRAL_AREA, trap, SQUARE_100M, id=3)
    counted = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [14.81, 57.84]},
                "properties": {"count": 1, "label": f"{trap} – Närvaro", "slot": 0},
            }
        ],
    }
    page = (
        overview_map(
            None,
            {"tatorter": (trap, counted)},
            place_collections([place]),
            {CommitmentKind.PRESENCE: counted},
            [trap],
            background=None,
        )
        .get_root()
        .render()
    )
    assert "42 Torget" not in page
    # Each place it was put: the place, the marker, a layer's name and the source line.
    assert page.count("6 * 7") >= 4


def test_a_map_opens_at_the_central_areas_with_a_margin_not_at_a_far_place() -> None:
    assert opening_bounds([CENTRE, FAR_SITE], [KOMMUN]) == bounds_of([SQUARE_100M], 500)
    assert OPENING_MARGIN_M == 500


def test_without_central_areas_a_map_opens_around_the_places() -> None:
    bounds = opening_bounds([FAR_SITE], [KOMMUN])
    assert bounds is not None
    site = to_sweref(Point((bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2))
    assert site.distance(FAR_SITE.geometry) < 1


def test_without_active_places_a_map_opens_on_the_kommun() -> None:
    retired = Place(
        PlaceKind.CENTRAL_AREA,
        "Gamla centrum",
        SQUARE_100M,
        retired_at=datetime(2024, 1, 1, tzinfo=STOCKHOLM),
    )
    assert opening_bounds([retired], [KOMMUN]) == bounds_of([KOMMUN], 500)
    assert opening_bounds([], []) is None
