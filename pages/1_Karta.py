"""Karta: Aneby kommun, tätorter, every place and logged activity as switchable layers."""

from __future__ import annotations

import streamlit as st

from geo.swedish import count
from ui.background import stored_background
from ui.base_layers import base_layers
from ui.entry import through_app
from ui.map_data import map_data
from ui.map_render import show_kept_map
from ui.maps import overview_map
from ui.state import selection
from ui.text import plain

through_app()

sel = selection()
if sel is None:
    st.stop()
st.title("Karta")
base = base_layers(sel.document.kommunkod)  # kept between runs: imported layers are large
data, data_key = map_data(sel.document, sel.period.start_at, sel.period.end_at, base)
st.caption(
    f"{count(data.place_count, 'plats', 'platser')} och "
    f"{count(data.activity_count, 'genomförd aktivitet', 'genomförda aktiviteter')} under "
    f"{sel.period.label}. De genomförda visas som en markering per plats och typ med "
    "antalet i; peka på den för plats och datum. Tänd och släck lager i kartans lagerlista."
)
for note in data.notes:
    st.caption(plain(note))
if data.unplaced_activities:
    unplaced = count(data.unplaced_activities, "aktivitet", "aktiviteter")
    st.caption(f"{unplaced} saknar plats (t.ex. möten) och visas inte.")
background = stored_background()
# Rendered once per change of the data or the background map (0.05–0.45 s a run before).
show_kept_map(
    (data_key, background),
    lambda: overview_map(
        data.bounds, data.base, data.places, data.activities, data.attributions, background
    ),
    name="Karta",
    height=650,
)
