"""A map that only shows (nothing goes back to Python), drawn as a page of its own in a frame.

Karta, Värmekarta, Planering's week map and Uppföljning's presence map send nothing back
(pan and zoom do not rerun the page). Through st_folium each of them paid for a component it
did not use: the frame first loaded streamlit-folium's own code, then the map's scripts one
after another, and only then ran the map. Written as one HTML page into the frame
(`st.iframe`), the browser fetches the page's scripts side by side as it reads them and
draws the map as soon as Leaflet has arrived: a bare Streamlit page's map drew in
0.92 s instead of 1.28 s (medians of 8 fresh tabs, benchmarks/README.md, issue 16).

The page is rendered once per key, not on every run: folium renders a Jinja template per
layer, and Karta at 100,000 activities sends 254 kB of script (45–60 ms a run on a quiet
machine).

Platser's drawing map and Logga's map for a finding's position are such pages too, in a
frame that hands the drawing or the click back (`ui.map_input`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Hashable

import folium
import streamlit as st

# folium's page forbids pinch-zoom (`user-scalable=no`); WCAG 1.4.4 asks that text can be
# enlarged.
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
_ZOOMABLE_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def map_page(m: folium.Map, name: str) -> str:
    """The whole HTML page of `m`, titled `name`, in Swedish and zoomable by pinching.

    A screen reader reads the frame's text (the layer list, the legend, tooltips) in the
    page's language, so the page says `lang="sv"` from the start.
    """
    page = m.get_root().render()
    page = page.replace("<html>", '<html lang="sv">', 1)
    page = page.replace("<head>", f"<head>\n    <title>{html.escape(name)}</title>", 1)
    return _VIEWPORT.sub(_ZOOMABLE_VIEWPORT, page, count=1)


@st.cache_resource(max_entries=16, show_spinner=False)
def kept_page(kept_as: Hashable, _build: Callable[[], folium.Map], name: str) -> str:
    """`map_page(_build(), name)`, kept under `kept_as` and `name` (`_build` is not part of
    the key)."""
    return map_page(_build(), name)


def show_map(m: folium.Map, *, name: str, height: int) -> None:
    """Draw `m` across the page, `height` pixels high.

    `name` is the frame's accessible name, what a screen reader announces ("Karta: Värmekarta").
    """
    st.iframe(map_page(m, name), height=height, alt=name)


def show_kept_map(
    kept_as: Hashable, build: Callable[[], folium.Map], *, name: str, height: int
) -> None:
    """`show_map(build(), ...)`, with the page rendered once for `kept_as`.

    `kept_as` must change whenever the map would: the database, who looks (sekretess), the
    data's stamp, the promise, the period, the background map.
    """
    st.iframe(kept_page(kept_as, build, name), height=height, alt=name)
