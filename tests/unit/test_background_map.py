"""An administrator's background map: a checked XYZ, WMTS or WMS address with its source."""

from __future__ import annotations

import json
import re

import pytest

from geo.errors import ValidationError
from geo.spatial.background_map import (
    BackgroundKind,
    BackgroundMap,
    from_setting,
    parse_background_map,
)
from ui.maps import overview_map
from ui.offline import OSM_TILES

# Lantmäteriet's open topographic web map (CC BY 4.0), as its WMTS GetTile template.
TOPOWEBB = (
    "https://minkarta.lantmateriet.se/map/topowebbcache?layer=topowebb&style=default"
    "&tilematrixset=3857&Service=WMTS&Request=GetTile&Version=1.0.0&Format=image%2Fpng"
    "&TileMatrix={TileMatrix}&TileCol={TileCol}&TileRow={TileRow}"
)
LANTMATERIET = "© Lantmäteriet (CC BY 4.0)"


def test_an_xyz_address_with_its_source_is_accepted_as_typed() -> None:
    bg = parse_background_map("xyz", " https://karta.aneby.se/{z}/{x}/{y}.png ", LANTMATERIET)
    assert bg == BackgroundMap(
        BackgroundKind.XYZ, "https://karta.aneby.se/{z}/{x}/{y}.png", LANTMATERIET
    )


def test_a_wmts_template_gets_leaflets_placeholders() -> None:
    bg = parse_background_map(BackgroundKind.WMTS, TOPOWEBB, LANTMATERIET, title="Topowebb")
    assert bg.url.endswith("&TileMatrix={z}&TileCol={x}&TileRow={y}")
    assert bg.title == "Topowebb"


def test_a_wms_address_keeps_its_layers() -> None:
    bg = parse_background_map("wms", "https://karta.aneby.se/wms", "Aneby kommun", "karta,vagar")
    assert (bg.kind, bg.layers) == (BackgroundKind.WMS, "karta,vagar")


@pytest.mark.parametrize(
    "kind,url,attribution,layers,message",
    [
        ("xyz", "karta.aneby.se/{z}/{x}/{y}.png", LANTMATERIET, "", "ingen webbadress"),
        ("xyz", "ftp://karta.aneby.se/{z}/{x}/{y}.png", LANTMATERIET, "", "ingen webbadress"),
        ("xyz", "javascript:alert(1)//{z}/{x}/{y}", LANTMATERIET, "", "ingen webbadress"),
        ("xyz", "https://karta.aneby.se/{z}/{x}.png", LANTMATERIET, "", "saknar {y}"),
        ("xyz", "https://karta.aneby.se/karta.png", LANTMATERIET, "", "saknar {z}, {x}, {y}"),
        ("xyz", "https://k.se/{z}/{x}/{y}.png?k={key}", LANTMATERIET, "", "känner: {key}"),
        ("xyz", 'https://k.se/{z}/{x}/{y}.png"><script>', LANTMATERIET, "", "citattecken"),
        ("xyz", "https://karta.aneby.se/{z}/{x}/{y}.png", " ", "", "källa"),
        ("wms", "https://karta.aneby.se/wms", LANTMATERIET, "", "vilka lager"),
        ("wms", "https://karta.aneby.se/{z}/{x}/{y}", LANTMATERIET, "karta", "inga platshållare"),
        ("tms", "https://karta.aneby.se/{z}/{x}/{y}.png", LANTMATERIET, "", "Okänd typ"),
        ("xyz", "", LANTMATERIET, "", "adress"),
    ],
)
def test_a_bad_address_is_refused_in_swedish(
    kind: str, url: str, attribution: str, layers: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")):
        parse_background_map(kind, url, attribution, layers)


def test_the_setting_round_trips_and_an_emptied_or_broken_one_means_none() -> None:
    bg = parse_background_map("wmts", TOPOWEBB, LANTMATERIET, title="Topowebb")
    assert from_setting(bg.to_setting()) == bg
    assert from_setting("") is None
    assert from_setting(None) is None
    assert from_setting("{not json") is None
    # A hand-edited value is checked again before any map uses it.
    assert from_setting('{"kind": "xyz", "url": "javascript:x", "attribution": "a"}') is None


def shown_tiles(page: str) -> list[tuple[str, bool]]:
    """(address, shown at first) of each tile layer, in the order the map adds them."""
    layers = re.findall(r'var (\w+) = L\.tileLayer(?:\.wms)?\(\s*("(?:[^"\\]|\\.)*")', page)
    return [(json.loads(url), f"{name}.addTo(" in page) for name, url in layers]


def test_the_map_draws_the_chosen_background_first_with_its_source_and_osm_after_it() -> None:
    topowebb = parse_background_map("wmts", TOPOWEBB, "© Lantmäteriet <CC BY>", title="Topowebb")
    page = overview_map(None, {}, {}, {}, [], background=topowebb).get_root().render()
    # OpenStreetMap stays in the layer list, switched off: only the chosen map loads.
    assert shown_tiles(page) == [(topowebb.url, True), (OSM_TILES, False)]
    # Leaflet writes a source as HTML: it is escaped (and the JSON escapes the "&").
    assert "\\u0026lt;CC BY\\u0026gt;" in page and "<CC BY>" not in page
    assert page.index("\\u0026lt;CC BY") < page.index("OpenStreetMap\\u003c/a")


def test_a_wms_background_names_its_layers_and_without_a_choice_osm_is_shown() -> None:
    wms = parse_background_map("wms", "https://karta.aneby.se/wms", "Aneby kommun", "karta")
    page = overview_map(None, {}, {}, {}, [], background=wms).get_root().render()
    assert shown_tiles(page) == [("https://karta.aneby.se/wms", True), (OSM_TILES, False)]
    assert '"layers": "karta"' in page
    bare = overview_map(None, {}, {}, {}, [], background=None).get_root().render()
    assert shown_tiles(bare) == [(OSM_TILES, True)]
