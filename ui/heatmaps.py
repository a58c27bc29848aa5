"""folium glue for the follow-up maps: presence per central area and the heat surface.

Legends are drawn by Streamlit (`presence_legend`, `heat_legend`), never as branca colour
maps: those make streamlit-folium fetch d3 from the internet, and the map stays blank
offline (see ui/offline.py).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date

import folium
import streamlit as st

from geo.followup.coverage import PRESENCE_CLASSES, PresenceView
from geo.followup.heat import HEAT_COLOURS, HeatView, load_heat
from geo.records.kinds import CommitmentKind
from geo.records.models import Actor
from geo.records.periods import Period
from geo.swedish import count, number
from ui.maps import add_layer, escaped, new_map
from ui.state import current_actor, get_store
from ui.text import map_html

# Light to dark blue (ColorBrewer Blues); class 0 (no presence) is a pale grey.
PRESENCE_COLOURS = ("#f0f0f0", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
BOUNDARY_STYLE = {"color": "#222222", "weight": 2, "fill": False}
SITE_USED, SITE_UNUSED = "#a6d96a", "#ffffff"


def heat_view(
    document_id: str,
    start: date,
    end: date,
    radius_m: float,
    kinds: list[CommitmentKind],
    commitment_id: str | None,
) -> tuple[HeatView, Hashable]:
    """The heat layer for these filters, computed once per change of the data, with the key
    it was kept under (the map drawn from it is kept under the same key).

    The key includes a stamp of the activities and places, so a new or changed activity
    gives a new surface; until then every visit with the same filters reuses it.
    """
    store, actor = get_store(), current_actor()
    with store.session(actor) as s:
        stamp = s.activities_stamp()
    key = (store.url, actor, stamp, document_id, start, end, radius_m, tuple(kinds), commitment_id)
    return _heat_view(*key), key


@st.cache_data(max_entries=16, show_spinner="Räknar fram värmekartan …")
def _heat_view(
    url: str,
    actor: Actor,
    stamp: str,
    document_id: str,
    start: date,
    end: date,
    radius_m: float,
    kinds: tuple[CommitmentKind, ...],
    commitment_id: str | None,
) -> HeatView:
    """`load_heat` cached on its arguments (url and stamp only make the key).

    The actor is part of the key: what a surface may show depends on who looks (sekretess),
    so one user's surface is never served to another role.
    """
    chosen = Period(start, end, "Vald period")
    with get_store().session(actor) as s:
        return load_heat(
            s,
            s.promise_document(document_id),
            chosen.start_at,
            chosen.end_at,
            radius_m,
            kinds or None,
            commitment_id,
        )


def presence_map(view: PresenceView) -> folium.Map:
    """Central areas filled by presence class, with a tooltip naming hours and activities."""
    m = new_map(view.bounds)
    if view.map["features"]:
        folium.GeoJson(
            escaped(view.map),
            name="Centrumområden efter närvaro",
            style_function=lambda f: {
                "color": "#333333",
                "weight": 1.5,
                "fillColor": PRESENCE_COLOURS[f["properties"]["presence_class"]],
                "fillOpacity": 0.75,
            },
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(m)
    if view.site_map["features"]:
        folium.GeoJson(
            escaped(view.site_map),
            name="Trafikkontrollplatser (använd / inte använd)",
            marker=folium.CircleMarker(radius=7, weight=2, fill=True, fill_opacity=0.9),
            style_function=lambda f: {
                "color": "#1a9641" if f["properties"]["used"] else "#636363",
                "fillColor": SITE_USED if f["properties"]["used"] else SITE_UNUSED,
            },
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def presence_legend() -> None:
    """The presence classes with their colours, as a line of Streamlit HTML."""
    items = "".join(
        f'<span style="display:inline-block;width:1em;height:1em;background:{colour};'
        f'border:1px solid #666;vertical-align:middle;margin:0 .3em 0 1em"></span>{label}'
        for colour, (_, label) in zip(PRESENCE_COLOURS, PRESENCE_CLASSES, strict=True)
    )
    sites = (
        f'<span style="display:inline-block;width:.9em;height:.9em;border-radius:50%;'
        f"background:{SITE_USED};border:2px solid #1a9641;vertical-align:middle;"
        f'margin:0 .3em 0 1em"></span>kontrollplats använd'
        f'<span style="display:inline-block;width:.9em;height:.9em;border-radius:50%;'
        f"background:{SITE_UNUSED};border:2px solid #636363;vertical-align:middle;"
        f'margin:0 .3em 0 1em"></span>inte använd (under veckorna nedan)'
    )
    st.html(
        f'<div style="font-size:.9em">Närvaro under perioden:{items}</div>'
        f'<div style="font-size:.9em">{sites}</div>'
    )


def heat_map(view: HeatView) -> folium.Map:
    """The kommun outline, then the heat surface as one image, or counts per place."""
    m = new_map(view.bounds)
    add_layer(m, view.boundary, "Kommungräns", "#222222", BOUNDARY_STYLE)
    image = view.layer.image
    if image is not None:
        folium.raster_layers.ImageOverlay(
            image=image.data_url(),
            bounds=image.bounds(),
            name=f"Värmekarta ({count(view.layer.events, 'aktivitet', 'aktiviteter')})",
            opacity=1.0,
            pixelated=False,
            interactive=False,
            zindex=400,
        ).add_to(m)
    for f in view.counts["features"]:
        lon, lat = f["geometry"]["coordinates"]
        n = f["properties"]["count"]
        size = 26 + min(n, 50) // 2
        folium.Marker(
            (lat, lon),
            tooltip=map_html(f["properties"]["label"]),
            icon=folium.DivIcon(
                html=(
                    f'<div class="lofteskartan-count" style="width:{size}px;height:{size}px;'
                    f"line-height:{size}px;border-radius:50%;background:#bd0026;color:white;"
                    f'text-align:center;font-weight:bold;opacity:.85">{n}</div>'
                ),
                icon_size=(size, size),
                icon_anchor=(size // 2, size // 2),
            ),
        ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def heat_legend(view: HeatView) -> None:
    """A colour bar from zero to the peak density, with the unit spelt out."""
    image = view.layer.image
    if image is None:
        return
    gradient = ", ".join(HEAT_COLOURS)
    peak = number(image.peak)
    st.html(
        '<div style="font-size:.9em;display:flex;align-items:center;gap:.5em">'
        "<span>Få</span>"
        f'<span style="display:inline-block;width:14em;height:1em;'
        f'background:linear-gradient(to right, {gradient});border:1px solid #999"></span>'
        f"<span>Flest: {peak} per km² (aktiviteter)</span></div>"
    )
