"""Polisområde: every medborgarlöfte of a lokalpolisområde side by side, for the LPO chief."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.followup.area import AREA_COLUMNS, area_status, area_table, areas_to_show
from geo.swedish import today
from ui.entry import through_app
from ui.state import current_actor, get_store
from ui.text import plain, show_table

through_app()

store, actor = get_store(), current_actor()
store.require_schema()
with store.session(actor) as s:
    areas = areas_to_show(actor, s.promise_documents())
st.title("Polisområde")
if not areas:
    st.info("Det finns inget medborgarlöfte för din organisation.")
    st.stop()
area = st.selectbox("Lokalpolisområde", areas) if len(areas) > 1 else areas[0]
status = area_status(store, actor, area, today())

st.subheader(plain(status.area))
st.caption(
    f"Läget den {today():%Y-%m-%d}, för varje kommun dess nuvarande löftesår: "
    + "; ".join(
        plain(f"{r.document.kommun_name} {r.period.label}")
        + f" ({r.period.start:%Y-%m-%d} – {r.period.end:%Y-%m-%d})"
        for r in status.reports
    )
    + "."
)
show_table(
    pd.DataFrame(area_table(status), columns=list(AREA_COLUMNS)),
    hide_index=True,
    width="stretch",
    column_config={"Aktivitet": st.column_config.TextColumn(width="large")},
)
