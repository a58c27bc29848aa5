"""The background map on every app map: the administrator's choice first, then OpenStreetMap.

What the choice may be, and its checks, is `geo.spatial.background_map`. Tiles only load
online (or from the kommun's own network); the vector layers draw without them.
"""

from __future__ import annotations

from typing import Literal

import folium

from geo.spatial.background_map import BackgroundKind, BackgroundMap, stored_background_map
from ui.offline import add_osm_tiles
from ui.state import current_actor, get_store
from ui.text import map_html

# `new_map(..., background=STORED)`: read the choice from the store.
STORED: Literal["stored"] = "stored"
MAX_ZOOM = 19


def stored_background() -> BackgroundMap | None:
    """The background map chosen in Administration, if any (one small read)."""
    with get_store().session(current_actor()) as s:
        return stored_background_map(s)


def add_backgrounds(m: folium.Map, background: BackgroundMap | None) -> None:
    """The chosen background map, shown, above OpenStreetMap in the list (then switched off).

    Leaflet writes a layer's name and source into the page as HTML: both are escaped.
    """
    if background is not None:
        options = {
            "name": map_html(background.title),
            "attr": map_html(background.attribution),
            "overlay": True,
            "control": True,
            "show": True,
        }
        if background.kind is BackgroundKind.WMS:
            folium.WmsTileLayer(
                background.url,
                layers=background.layers,
                fmt="image/png",
                transparent=False,
                **options,
            ).add_to(m)
        else:
            folium.TileLayer(tiles=background.url, max_zoom=MAX_ZOOM, **options).add_to(m)
    add_osm_tiles(m, show=background is None)
