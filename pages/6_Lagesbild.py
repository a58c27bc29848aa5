"""Lägesbild: police events per type and month for the kommun and its neighbours."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import LofteskartanError
from geo.followup.events import SOURCE_TEXT, import_events_bytes, load_situation, type_by_month
from geo.swedish import count
from ui.entry import through_app
from ui.progress import progress_bar
from ui.state import current_actor, get_store, selection
from ui.text import plain, show_table
from ui.views import panel_runs_when_open

through_app()

sel = selection()
if sel is None:
    st.stop()
doc, period, store, actor = sel.document, sel.period, get_store(), current_actor()
st.title("Lägesbild")
st.warning(
    "**Händelserna visar inte var något hände.** Polisens API placerar varje händelse i "
    "kommunens eller länets mittpunkt. De är till för att räkna händelser över tid per "
    "kommun, inte för gatukartan, och visas därför inte på kartorna."
)
with store.session(actor) as s:
    situation = load_situation(s, doc.kommunkod, period)
names = {doc.kommunkod: situation.kommun_name, **dict(situation.neighbours)}
chosen = st.multiselect(
    "Kommuner",
    list(names),
    default=list(names),
    format_func=lambda code: names[code],
    key="situation_kommuner",
)
events = situation.of(chosen)
st.subheader(f"Händelser per typ och månad, {period.label}")
if situation.stored_events == 0:
    st.info("Inga händelser är inlästa. Läs in en fil från polisen.se nedan.")
else:
    show_table(type_by_month(events, period), width="stretch")
    per_kommun = pd.DataFrame(
        [(names.get(e.kommunkod or "", "–"), e.occurred_at.strftime("%Y-%m")) for e in events],
        columns=["Kommun", "Månad"],
    )
    if len(per_kommun):
        st.markdown("##### Per kommun och månad")
        show_table(pd.crosstab(per_kommun["Kommun"], per_kommun["Månad"]), width="stretch")
    st.caption(
        f"{count(len(events), 'händelse', 'händelser')} i de valda kommunerna under "
        "löftesåret. Databasen har "
        f"{count(situation.stored_events, 'händelse', 'händelser')} från "
        f"{plain(situation.first_event)} till "
        f"{plain(situation.last_event)}. Grannkommuner: kommuner i länet inom 2 km från "
        f"{plain(situation.kommun_name)}s gräns. Länsövergripande händelser utan kommun i rubriken "
        f"räknas inte. {SOURCE_TEXT}."
    )


def events_import() -> None:
    """A file of polisen.se's events, read in on a click."""
    st.caption(
        "API:ts JSON (som https://polisen.se/api/events ger) eller CSV med samma kolumner "
        "som data/events/. Händelser som redan finns hoppas över; en fil med fel läses inte in "
        "alls."
    )
    upload = st.file_uploader("Fil", type=["json", "csv"], key="events_file")
    if upload is not None and st.button("Läs in", key="events_import"):
        try:
            result = import_events_bytes(
                store,
                actor,
                upload.getvalue(),
                upload.name,
                progress_bar("Sparar händelserna …"),
            )
        except LofteskartanError as exc:
            st.error(plain(exc))
        else:
            st.success(plain(result.describe()))


# The panel runs and is sent only while open: closed, its uploader's code was still fetched
# on every visit.
panel_runs_when_open("Läs in händelser från polisen.se", "handelser_import", events_import)
