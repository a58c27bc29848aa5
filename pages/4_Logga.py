"""Logga: mark planned activities done with their outcome, follow up findings, kommun figures."""

from __future__ import annotations

import streamlit as st

from geo.disclosure.access import Role
from geo.records.kinds import CommitmentKind
from ui.auth import require
from ui.entry import through_app
from ui.log_forms import findings_panel, indicators_panel, quick_log
from ui.planning import load_schedule, reference_day, show_flash
from ui.state import selection

through_app()

# Planning and logging pages are for planners; the menu hides them from viewers.
require(Role.PLANNER)

sel = selection()
if sel is None:
    st.stop()
doc, period = sel.document, sel.period
st.title("Logga")
show_flash()
day = reference_day(period)
# One view at a time: the findings map would get no size in a hidden tab.
VIEWS = ["Snabblogg", "Iakttagelser", "Kommunens siffror"]
view = st.radio("Vy", VIEWS, horizontal=True, key="log_view", label_visibility="collapsed")
# Of the logged activities only the safety walks are shown here (findings hang on them).
schedule = load_schedule(
    doc, period, activities=view == "Iakttagelser", kind=CommitmentKind.SAFETY_WALK
)
if view == "Snabblogg":
    st.caption("Bara antal, aldrig vilka personer. Anteckningar är interna.")
    quick_log(doc, schedule, day, period)
elif view == "Iakttagelser":
    findings_panel(doc, schedule, day)
else:
    indicators_panel(doc, day)
