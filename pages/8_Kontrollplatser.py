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
from ui.siting import coverage_map, offer_for, reasons_table, rotation_panel
from ui.siting_settings import settings_panel
from ui.state import current_actor, get_store, selection
from ui.text import plain
from ui.views import panel_runs_when_open

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
choices = settings_panel(offer)
request = SitingRequest(
    choices.k,
    choices.radius,
    choices.use_sites,
    choices.road,
    choices.spacing,
    file_candidates=[found for _, found in choices.candidate_files],
    layers=list(choices.layers),
    kommunkod=sel.document.kommunkod,
)
try:
    result = suggest(store, current_actor(), request).result
except NoCandidatesError:
    st.warning(
        "Välj kandidatplatser under Inställningar för förslaget: befintliga platser, vägar "
        "eller en fil."
    )
    st.stop()
except LofteskartanError as exc:
    st.error(plain(exc))
    st.stop()

st.markdown(
    f"Täckt efterfrågan: **{format_share(result.covered_share)}** · "
    f"Föreslagna platser: **{len(result.chosen):d} av {choices.k:d}** · "
    f"Kandidater: **{len(result.candidates):d}**"
)
st.caption(
    f"Täckt vikt {format_number(result.covered_weight)} av {format_number(result.total_weight)}"
    f" inom {format_number(choices.radius)} m; inom räckhåll för någon kandidat: "
    f"{format_number(result.reachable_weight)}."
)
if result.total_weight <= 0:
    st.info("Det finns ingen efterfrågan att täcka: välj lager eller ge dem vikt.")
elif len(result.chosen) < choices.k:
    st.info(
        f"{count(len(result.chosen), 'plats', 'platser')} räcker: fler skulle inte täcka något mer."
    )

show_map(coverage_map(result), name="Karta: föreslagna kontrollplatser", height=550)
if result.chosen:
    st.subheader("Varför de här platserna")
    reasons_table(result)
# The weekly rotation of the suggested sites runs only while its panel is open: its date,
# time and number fields and its table were code every visit fetched. What the planner set
# for it is kept meanwhile (`ui.siting.ROTATION`).
panel_runs_when_open(
    "Rotation",
    "kontrollplatser_rotation",
    lambda: rotation_panel(result, store, sel.document.id, sel.period),
)
