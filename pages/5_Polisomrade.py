"""Polisområde: every medborgarlöfte of a lokalpolisområde side by side, for the LPO chief."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.followup.area import (
    AREA_COLUMNS,
    area_csv,
    area_csv_name,
    area_status,
    area_table,
    areas_to_show,
)
from geo.swedish import today
from ui.auth import guarded_download
from ui.entry import through_app
from ui.state import current_actor, get_store
from ui.text import plain, show_wrapped_table

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
# An HTML table (every cell escaped), not a data grid: its code held the page up (1.2× a bare
# page), and a screen reader reads it as a table with column heads. The police sort and
# compare the kommuner in Excel.
show_wrapped_table(pd.DataFrame(area_table(status), columns=list(AREA_COLUMNS)))
st.download_button(
    "Ladda ned som CSV (Excel)",
    guarded_download(lambda: area_csv(status)),
    file_name=area_csv_name(status.area, today()),
    mime="text/csv",
    on_click="ignore",
    disabled=not status.reports,
)
