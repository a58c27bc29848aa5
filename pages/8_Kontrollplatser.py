"""Kontrollplatser: suggest traffic-control sites that cover the most risk, and rotate them."""

from __future__ import annotations

import streamlit as st

from geo.disclosure.access import Role
from geo.errors import LofteskartanError
from geo.planning.siting import format_number, format_share
from geo.planning.siting_use_case import (
    NoCandidatesError,
    SitingRequest,
    suggest,
)
from geo.swedish import count
from ui.auth import require
from ui.entry import through_app
from ui.map_render import show_map
from ui.siting import (
    coverage_map,
    offer_for,
    reasons_table,
    rotation_panel,
    uploaded_candidates,
    weighted_layers,
)
from ui.state import current_actor, get_store, selection
from ui.text import plain
from ui.views import tabs_run_when_open

through_app()

# Planning and logging pages are for planners; the menu hides them from viewers.
require(Role.PLANNER)

sel = selection()
if sel is None:
    st.stop()
st.title("Kontrollplatser")
st.caption(
    "Förslag på de trafikkontrollplatser som tillsammans har mest av efterfrågan (olyckor, "
    "skolor, önskemål, tidigare överträdelser...) inom räckhåll. Lösningen är exakt: ingen "
    "annan kombination av lika många platser täcker mer."
)
store = get_store()
offer = offer_for(sel.document)
stored_sites, roads = offer.stored_sites, offer.road_layers

left, right = st.columns(2)
k = int(left.number_input("Antal platser (k)", min_value=1, max_value=50, value=3))
radius = float(
    right.number_input("Täckningsradie i meter", min_value=0, max_value=5000, value=300, step=50)
)
with st.expander("Kandidatplatser", expanded=True):
    use_sites = st.checkbox(f"Befintliga trafikkontrollplatser ({len(stored_sites)})", value=True)
    road = st.selectbox(
        "Punkter längs vägar ur ett baslager",
        [None, *roads],
        format_func=lambda name: "Inga" if name is None else roads[name],
    )
    spacing = float(
        st.number_input("Avstånd mellan punkter längs vägar (m)", 50, 5000, 250, step=50)
    )
    file_candidates = uploaded_candidates(spacing)
with st.expander("Efterfrågan och vikter", expanded=True):
    layers = weighted_layers(offer.demand_layers)

request = SitingRequest(
    k,
    radius,
    use_sites,
    road,
    spacing,
    file_candidates=file_candidates,
    layers=layers,
    kommunkod=sel.document.kommunkod,
)
try:
    result = suggest(store, current_actor(), request).result
except NoCandidatesError:
    st.warning("Välj kandidatplatser: befintliga platser, vägar eller en fil.")
    st.stop()
except LofteskartanError as exc:
    st.error(plain(exc))
    st.stop()

a, b, c = st.columns(3)
a.metric("Täckt efterfrågan", format_share(result.covered_share))
b.metric("Föreslagna platser", f"{len(result.chosen)} av {k}")
c.metric("Kandidater", len(result.candidates))
st.caption(
    f"Täckt vikt {format_number(result.covered_weight)} av {format_number(result.total_weight)}"
    f" inom {format_number(radius)} m; inom räckhåll för någon kandidat: "
    f"{format_number(result.reachable_weight)}."
)
if result.total_weight <= 0:
    st.info("Det finns ingen efterfrågan att täcka: välj lager eller ge dem vikt.")
elif len(result.chosen) < k:
    st.info(
        f"{count(len(result.chosen), 'plats', 'platser')} räcker: fler skulle inte täcka något mer."
    )


def suggestion() -> None:
    show_map(coverage_map(result), name="Karta: föreslagna kontrollplatser", height=550)
    if result.chosen:
        st.subheader("Varför de här platserna")
        reasons_table(result)


# The suggestion, then its weekly rotation: only the open tab runs and is drawn
# (`on_change="rerun"`). With both on one page, every visit also fetched the code of the
# rotation's date, time and number fields and its table, and took 1.44× a bare page (1.14×
# without them, on the demo). What the planner set for the rotation is kept meanwhile.
tabs_run_when_open(
    {
        "Förslag": suggestion,
        "Rotation": lambda: rotation_panel(result, store, sel.document.id, sel.period),
    },
    key="kontrollplatser_steg",
)
