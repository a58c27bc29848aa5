"""Värmekarta: where logged activities have been, as a density with the radius in metres."""

from __future__ import annotations

import streamlit as st

from geo.followup.heat import SURFACE_MIN_EVENTS, SURFACE_MIN_PLACES
from geo.records.progress import tertial_slices
from geo.swedish import count
from ui.background import stored_background
from ui.entry import through_app
from ui.heatmaps import heat_legend, heat_map, heat_view
from ui.map_render import show_kept_map
from ui.state import selection
from ui.text import plain

through_app()

RADII_M = [100, 200, 300, 500, 750, 1000]

sel = selection()
if sel is None:
    st.stop()
doc, period = sel.document, sel.period
st.title("Värmekarta")
kinds_col, commitment_col = st.columns(2)
kinds = kinds_col.multiselect(
    "Typ av aktivitet",
    list(doc.all_kinds),
    format_func=lambda k: k.label,
    placeholder="Alla typer",
    key="heat_kinds",
)
commitments = {c.id: c for c in doc.commitments}
commitment_id = commitment_col.selectbox(
    "Räknas mot aktivitet i löftet",
    [None, *commitments],
    format_func=lambda i: "alla" if i is None else commitments[i].text,
    key="heat_commitment",
)
dates_col, radius_col = st.columns(2)
# The year and its tertials cover what planners follow up; own dates when needed.
periods = [period, *tertial_slices(period), None]
chosen = dates_col.selectbox(
    "Period",
    periods,
    format_func=lambda p: "Egna datum" if p is None else f"{p.label} ({p.start} – {p.end})",
    key=f"heat_period_{period.start}",
)
radius = radius_col.selectbox(
    "Radie", RADII_M, index=RADII_M.index(300), format_func=lambda r: f"{r} m", key="heat_radius"
)
if chosen is None:
    dates = st.date_input(
        "Datum", value=(period.start, period.end), format="YYYY-MM-DD", key="heat_dates"
    )
    if not isinstance(dates, tuple) or len(dates) != 2:
        st.info("Välj både första och sista dag.")
        st.stop()
    start, end = dates
else:
    start, end = chosen.start, chosen.end
view, view_key = heat_view(doc.id, start, end, float(radius), kinds, commitment_id)
if view.layer.reason:
    st.info(plain(view.layer.reason))
elif view.layer.events:
    heat_legend(view)
# Rendered once per change of the data, the filters or the background map.
show_kept_map(
    (view_key, stored_background()), lambda: heat_map(view), name="Karta: Värmekarta", height=600
)
st.caption(
    f"{count(view.layer.events, 'aktivitet', 'aktiviteter')} med plats {start:%Y-%m-%d} – "
    f"{end:%Y-%m-%d}"
    + (f"; {view.unplaced:d} saknar plats och är inte med" if view.unplaced else "")
    + f". Varje aktivitet sprids ut över en cirkel med {radius:d} m radie (kvartisk kärna, som "
    "i QGIS), räknat i meter på marken (SWEREF 99 TM), så radien betyder samma sak vid varje "
    f"zoomnivå. Under {count(SURFACE_MIN_EVENTS, 'aktivitet', 'aktiviteter')} eller färre än "
    f"{SURFACE_MIN_PLACES} "
    "platser visas antal per plats i stället för en yta."
)
