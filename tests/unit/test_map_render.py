"""A map that only shows is written into its frame as a whole page (ui/map_render.py)."""

from __future__ import annotations

import re

import folium

from ui.map_render import map_page
from ui.offline import leaflet_only, use_vendored_assets


def _map() -> folium.Map:
    use_vendored_assets()
    m = folium.Map(location=[57.84, 14.81], zoom_start=12, tiles=None)
    folium.CircleMarker([57.84, 14.81], radius=8, tooltip="Aneby centrum").add_to(m)
    return leaflet_only(m)


def test_a_map_page_says_it_is_swedish_so_a_screen_reader_reads_its_controls_in_swedish() -> None:
    page = map_page(_map(), "Karta")
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')
    assert page.count("<html") == 1


def test_a_map_page_is_titled_with_what_it_shows_as_text() -> None:
    page = map_page(_map(), "Karta: <b>Tranås</b> & Aneby")
    assert "<title>Karta: &lt;b&gt;Tranås&lt;/b&gt; &amp; Aneby</title>" in page
    assert page.index("<title>") < page.index("</head>")


def test_a_map_page_can_be_zoomed_by_pinching() -> None:
    # folium's own page says user-scalable=no and maximum-scale=1.0 (WCAG 1.4.4).
    assert "user-scalable=no" in _map().get_root().render()
    viewports = re.findall(r'<meta name="viewport"[^>]*>', map_page(_map(), "Karta"))
    assert viewports == ['<meta name="viewport" content="width=device-width, initial-scale=1">']


def test_a_map_page_loads_leaflet_and_our_settings_from_the_app_itself() -> None:
    scripts = re.findall(r'<script src="([^"]+)"', map_page(_map(), "Karta"))
    assert scripts == [
        "/app/static/leaflet/leaflet.js",
        "/app/static/lofteskartan/leaflet-setup.js",
    ]
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', map_page(_map(), "Karta"))
    assert styles == ["/app/static/leaflet/leaflet.css"]  # no Bootstrap, no Font Awesome


def test_a_map_page_holds_the_map_and_its_tooltip() -> None:
    page = map_page(_map(), "Karta")
    assert "L.circleMarker" in page and "Aneby centrum" in page
