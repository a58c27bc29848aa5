"""The browser harness itself: folium maps draw from ``static/`` with the internet cut off.

The first test needs no browser and tells quickly when a folium upgrade adds a CDN link.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent
from urllib.parse import urlsplit

import folium
import folium.plugins
import pytest
from folium.elements import JSCSSMixin
from playwright.sync_api import Page

from tests.e2e.conftest import (
    MAP_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    screenshot,
    wait_for_map,
)
from ui.offline import PLUGIN_ASSETS, remote_assets, use_vendored_assets

# A square of about 170 m x 110 m in central Stockholm and a circle marker inside it, under
# OpenStreetMap tiles: the tiles must be blocked, the vectors must still draw.
VECTOR_MAP = dedent(
    """
    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    from ui.offline import add_osm_tiles, use_vendored_assets

    use_vendored_assets()
    st.title("Testkarta")
    m = folium.Map(location=[59.3300, 18.0600], zoom_start=16, tiles=None)
    add_osm_tiles(m)
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {"namn": "Centrumområde"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[
                    [18.0585, 59.3295], [18.0615, 59.3295], [18.0615, 59.3305],
                    [18.0585, 59.3305], [18.0585, 59.3295],
                ]],
            },
        },
        style_function=lambda _: {"color": "#1f4e9c", "fillOpacity": 0.3, "weight": 3},
    ).add_to(m)
    folium.CircleMarker([59.3300, 18.0600], radius=12, color="#c0392b", fill=True).add_to(m)
    st_folium(m, returned_objects=[], key="m", height=500)
    """
)

# Every vendored plugin at once: a default Leaflet marker, awesome markers with a glyphicon and
# a rotated Font Awesome icon, a marker cluster, a fast marker cluster, a heat map and the
# drawing toolbar.
PLUGIN_MAP = dedent(
    """
    import folium
    import streamlit as st
    from folium.plugins import Draw, FastMarkerCluster, HeatMap, MarkerCluster
    from streamlit_folium import st_folium

    from ui.offline import use_vendored_assets

    use_vendored_assets()
    st.title("Insticksprogram")
    # No tile layer, so the map needs its own maxZoom for the marker clusters.
    m = folium.Map(location=[59.3300, 18.0600], zoom_start=15, tiles=None, maxZoom=19)
    folium.Marker([59.3320, 18.0600]).add_to(m)  # Leaflet's default marker image
    folium.Marker([59.3310, 18.0560], icon=folium.Icon(icon="home")).add_to(m)
    folium.Marker(
        [59.3310, 18.0640], icon=folium.Icon(prefix="fa", icon="car", angle=45, color="red")
    ).add_to(m)
    cluster = MarkerCluster().add_to(m)
    for i in range(5):
        folium.Marker([59.3280 + i * 0.0001, 18.0560]).add_to(cluster)
    FastMarkerCluster([[59.3280 + i * 0.0001, 18.0640] for i in range(5)]).add_to(m)
    HeatMap([[59.3300, 18.0600, 1.0], [59.3302, 18.0602, 0.5]]).add_to(m)
    folium.Polygon(
        [[59.3290, 18.0590], [59.3290, 18.0610], [59.3296, 18.0610]], color="#1f4e9c"
    ).add_to(m)
    Draw(export=False).add_to(m)
    st_folium(m, returned_objects=[], key="plugins", height=600)
    """
)


def test_a_map_with_every_vendored_plugin_links_only_files_that_exist_in_static() -> None:
    use_vendored_assets()
    m = folium.Map(tiles=None)
    folium.Marker([59.33, 18.06], icon=folium.Icon(icon="home", angle=30)).add_to(m)
    for plugin in (
        folium.plugins.Draw(),
        folium.plugins.MarkerCluster(),
        folium.plugins.FastMarkerCluster([[59.33, 18.06]]),
        folium.plugins.HeatMap([[59.33, 18.06, 1.0]]),
    ):
        plugin.add_to(m)

    classes: list[type[JSCSSMixin]] = [folium.Map, *PLUGIN_ASSETS]
    links = [url for cls in classes for _, url in [*cls.default_js, *cls.default_css]]

    assert remote_assets(m) == []
    missing = [
        u for u in links if not (REPO_ROOT / "static" / u.removeprefix("/app/static/")).is_file()
    ]
    assert missing == []


@pytest.fixture
def write_app(tmp_path: Path) -> Callable[[str], Path]:
    """Write a script into ``tmp_path`` beside a link to the repository's ``static/``.

    Streamlit serves the ``static/`` folder that sits next to the main script.
    """
    (tmp_path / "static").symlink_to(REPO_ROOT / "static", target_is_directory=True)

    def write(source: str, name: str = "harness_map.py") -> Path:
        script = tmp_path / name
        script.write_text(source, encoding="utf-8")
        return script

    return write


@pytest.mark.browser
def test_folium_map_draws_vector_layers_with_the_internet_blocked(
    streamlit_server: StartServer,
    page: Page,
    browser_log: BrowserLog,
    write_app: Callable[[str], Path],
) -> None:
    page.goto(streamlit_server(write_app(VECTOR_MAP)))

    drawn = wait_for_map(page, min_paths=2)

    frame = page.frame_locator(MAP_FRAME)
    assert drawn >= 2
    assert frame.locator(".leaflet-control-zoom-in").is_visible()
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "© OpenStreetMap-bidragsgivare" in attribution
    assert screenshot(page, "offline_harness").stat().st_size > 0
    # The route really blocks (the tiles tried), and only the tiles wanted the internet:
    # every script, stylesheet, font and image came from the app's own static folder.
    blocked_hosts = {urlsplit(url).hostname for url in browser_log.blocked}
    assert blocked_hosts == {"tile.openstreetmap.org"}, browser_log.blocked
    assert browser_log.page_errors == []
    assert browser_log.http_errors == []


@pytest.mark.browser
def test_vendored_plugins_draw_with_the_internet_blocked(
    streamlit_server: StartServer,
    page: Page,
    browser_log: BrowserLog,
    write_app: Callable[[str], Path],
) -> None:
    page.goto(streamlit_server(write_app(PLUGIN_MAP)))

    wait_for_map(page, min_paths=1)

    frame = page.frame_locator(MAP_FRAME)
    icons = frame.locator(".awesome-marker.leaflet-interactive")  # not the shadows
    assert icons.count() == 2
    assert frame.locator(".marker-cluster").count() == 2
    assert frame.locator("canvas.leaflet-heatmap-layer").count() == 1
    assert frame.locator("a.leaflet-draw-draw-polygon").is_visible()
    marker_image = frame.locator("img.leaflet-marker-icon").first.get_attribute("src")
    assert marker_image is not None
    assert marker_image.endswith("/app/static/leaflet/images/marker-icon.png")
    map_frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert map_frame is not None
    # Icon fonts come from static/ too (a missing font would show empty squares).
    map_frame.wait_for_function("() => document.fonts.status === 'loaded'")
    fonts = map_frame.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Glyphicons" in family for family in fonts), fonts
    assert any("Font Awesome 6 Free" in family for family in fonts), fonts
    screenshot(page, "offline_plugins")
    assert browser_log.blocked == []
    assert browser_log.page_errors == []
    assert browser_log.http_errors == []


@pytest.mark.browser
def test_static_files_are_served_with_script_and_style_types(
    streamlit_server: StartServer, page: Page, write_app: Callable[[str], Path]
) -> None:
    url = streamlit_server(write_app(VECTOR_MAP))

    js = page.request.get(f"{url}/app/static/leaflet/leaflet.js")
    css = page.request.get(f"{url}/app/static/leaflet/leaflet.css")

    assert js.ok and "javascript" in js.headers["content-type"]
    assert css.ok and css.headers["content-type"].startswith("text/css")
