"""Streamlit glue for placing something by keyboard (a place on Platser, a finding on Logga):
a search field and its hits, the keyboard's way to what a click on the map does (WCAG 2.1.1).

The reading of coordinates and the name search are `geo.spatial.place_search`; this module
shows the field, keeps the hits between runs and says which one is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import folium
import streamlit as st
from shapely.geometry import Point

from geo.errors import LofteskartanError
from geo.records.models import Place, PlaceKind
from geo.spatial.place_search import Hit, find_position
from ui.map_input import CHOSEN_COLOUR
from ui.text import map_html, plain, plain_label

COORDINATES_HELP = (
    "Skriv koordinater i WGS 84 (lat, lon, t.ex. 57.8416, 14.8085) eller SWEREF 99 TM "
    "(N, E, t.ex. 6411094, 488629)"
)
SEARCH_HELP = (
    f"{COORDINATES_HELP}, eller början av ett namn: en tätort, en sparad plats eller en adress "
    "eller väg i ett inläst baslager. Tryck Enter för att söka."
)


@dataclass(frozen=True)
class PositionSearch:
    """What the search field asks for, how its help reads, and what the chosen hit becomes."""

    asks: str
    says: str
    help: str = SEARCH_HELP
    example: str = "t.ex. 57.8416, 14.8085 eller Aneby"


# A finding is placed among the kommun's stored places (Logga reads no tätorter or base layers).
FINDING_SEARCH = PositionSearch(
    asks="Iakttagelsens läge",
    says="Iakttagelsen placeras på",
    help=f"{COORDINATES_HELP}, eller början av en sparad plats namn. Tryck Enter för att söka.",
    example="t.ex. 57.8416, 14.8085",
)


def place_search(kind: PlaceKind) -> PositionSearch:
    """A point kind takes the hit as its position; other kinds only centre the map on it."""
    if kind.geometry_type == "Point":
        return PositionSearch("Platsens läge", "Punkten sätts på")
    return PositionSearch("Centrera kartan på", "Kartan visar")


def _hits_key(key: str) -> str:
    return f"{key}_traffar"


def forget_hits(key: str) -> None:
    """Drop the keyboard's hits under `key`: a click on the map has chosen since."""
    st.session_state.pop(_hits_key(key), None)


def keyboard_position(
    key: str,
    search: PositionSearch,
    places: Iterable[Place],
    tatorter: Iterable[tuple[str, Point]] = (),
    base: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None,
) -> Hit | None:
    """The search form; returns the position chosen by keyboard (kept until the next search)."""
    with st.form(key, border=False, enter_to_submit=True):
        text = st.text_input(
            f"{plain_label(search.asks)}: koordinater eller namn",
            key=f"{key}_text",
            help=plain(search.help),
            placeholder=search.example,
        )
        searched = st.form_submit_button("Sök läge", icon=":material/search:")
    if searched:
        try:
            hits = find_position(text, places, tatorter, base)
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
    st.success(f"{plain(search.says)} {plain(chosen.text)}, lat {lat:.5f}, lon {lon:.5f}.")
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
