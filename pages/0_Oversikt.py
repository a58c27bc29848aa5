"""Översikt: the signed promise and how far each commitment has come this year."""

from __future__ import annotations

import streamlit as st

from geo.disclosure.access import Role, role_of
from geo.followup.status import status_report
from geo.records.periods import period_over_message
from geo.swedish import today
from ui.entry import through_app
from ui.promise_editor import EDITOR_PAGE, EDITOR_SOURCE, EDITOR_START_NEXT
from ui.state import current_actor, get_store, selection
from ui.text import plain
from ui.views import commitment_table, show_rules

through_app()

sel = selection()
if sel is None:
    st.stop()
doc = sel.document
report = status_report(get_store(), current_actor(), doc.id, sel.period.start.year, today())
with get_store().session(current_actor()) as s:
    # After the period, plans and logs count nowhere: say so, and how to go on.
    period_over = period_over_message(doc, s.promise_documents(), today())

st.title(plain(doc.title))
if period_over:
    st.warning(plain(period_over))
    if role_of(current_actor()).rank >= Role.PLANNER.rank and st.button(
        "Nästa års löfte", key="oversikt_next_year", icon=":material/event_repeat:"
    ):
        # Löftesredigering opens with next year's promise made from this one, to check
        # and save.
        st.session_state[EDITOR_SOURCE] = doc.id
        st.session_state[EDITOR_START_NEXT] = True
        st.switch_page(EDITOR_PAGE)
signed_by = " · ".join(plain(f"{s.name}, {s.title}, {s.organisation}") for s in doc.signatories)
st.caption(
    f"{plain(doc.kommun_name)} (kommunkod {plain(doc.kommunkod)}) och {plain(doc.police_area)}. "
    f"Undertecknat {doc.signed_on:%Y-%m-%d}. Period {doc.period_start:%Y-%m-%d} – "
    f"{doc.period_end:%Y-%m-%d}."
)
if signed_by:
    st.caption(f"Undertecknat av {signed_by}")
st.subheader(f"Läget {report.period.label}")
if report.unassigned_text:
    st.warning(plain(report.unassigned_text))
st.caption(f"Läget den {report.today:%Y-%m-%d}. Mer per tertial under Uppföljning.")
with st.expander("Hur räknas I fas, Risk och Efter?"):
    show_rules(doc)

for promise in doc.promises:
    st.markdown(f"#### {plain(promise.title)}")
    commitment_table(report, promise.id)
st.markdown("#### Gäller hela löftet")
commitment_table(report, None)
if doc.follow_up:
    st.info(plain(doc.follow_up))
