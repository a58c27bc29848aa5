"""Streamlit glue for placing or moving a place by keyboard: a search field and its hits.

The reading of coordinates and the name search are `geo.spatial.place_search`; this module
shows the field, keeps the hits between runs and says which one is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import streamlit as st

from geo.errors import LofteskartanError
from geo.records.models import Place, PlaceKind
from geo.records.places import PlaceContext
from geo.spatial.place_search import Hit, find_position
from ui.text import map_html, plain

SEARCH_HELP = (
    "Skriv koordinater i WGS 84 (lat, lon, t.ex. 57.8416, 14.8085) eller SWEREF 99 TM "
    "(N, E, t.ex. 6411094, 488629), eller början av ett namn: en tätort, en sparad plats "
    "eller en adress eller väg i ett inläst baslager. Tryck Enter för att söka."
)
CHOSEN_COLOUR = "#000000"


def _hits_key(key: str) -> str:
    return f"{key}_traffar"


def keyboard_position(
    key: str,
    kind: PlaceKind,
    places: list[Place],
    context: PlaceContext,
    base: Mapping[str, tuple[str, Mapping[str, Any]]],
) -> Hit | None:
    """The search form; returns the position chosen by keyboard (kept until the next search).

    A point kind takes the hit as its position; other kinds only centre the map on it.
    """
    what = "Platsens läge" if kind.geometry_type == "Point" else "Centrera kartan på"
    with st.form(key, border=False, enter_to_submit=True):
        text = st.text_input(
            f"{what}: koordinater eller namn",
            key=f"{key}_text",
            help=SEARCH_HELP,
            placeholder="t.ex. 57.8416, 14.8085 eller Aneby",
        )
        searched = st.form_submit_button("Sök läge", icon=":material/search:")
    if searched:
        try:
            hits = find_position(text, places, context.tatorter, base)
        except LofteskartanError as exc:
            st.session_state[_hits_key(key)] = []
            st.error(plain(exc))
            return None
        st.session_state[_hits_key(key)] = hits
        if not hits and text.strip():
            st.warning(f"Inget läge hittades för ”{plain(text.strip())}”.")
    hits: list[Hit] = st.session_state.get(_hits_key(key), [])
    if not hits:
        return None
    if len(hits) == 1:
        chosen = hits[0]
    else:
        chosen = st.selectbox(
            f"{len(hits)} träffar, den bästa är vald",
            hits,
            format_func=lambda h: h.text,  # options show as plain text
            key=f"{key}_val",
        )
    lat, lon = chosen.lat_lon
    used = "Punkten sätts på" if kind.geometry_type == "Point" else "Kartan visar"
    st.success(f"{used} {plain(chosen.text)}, lat {lat:.5f}, lon {lon:.5f}.")
    return chosen


def chosen_marker(group: folium.FeatureGroup, hit: Hit) -> None:
    """Mark the position chosen by keyboard on the drawing map (a ring, named in its tooltip)."""
    folium.CircleMarker(
        hit.lat_lon,
        radius=9,
        color=CHOSEN_COLOUR,
        weight=3,
        fill=False,
        # Leaflet shows a tooltip as HTML; the name may be user text.
        tooltip=map_html(f"Valt läge: {hit.text}"),
    ).add_to(group)
