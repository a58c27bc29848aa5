"""Uppföljning: progress per commitment and tertial, where and when presence has been."""

from __future__ import annotations

import streamlit as st

from geo.followup.coverage import load_presence
from geo.followup.events import load_situation
from geo.followup.hours import load_week_matrices
from geo.followup.status import status_report
from geo.records.kinds import CommitmentKind
from geo.swedish import count
from geo.swedish import today as swedish_today
from ui.entry import through_app
from ui.followup import indicator_section, presence_tables, progress_tables, week_chart
from ui.heatmaps import presence_legend, presence_map
from ui.map_render import show_map
from ui.state import current_actor, get_store, selection
from ui.text import plain

through_app()

sel = selection()
if sel is None:
    st.stop()
doc, period, store, actor = sel.document, sel.period, get_store(), current_actor()
today = swedish_today()
st.title("Uppföljning")
st.caption(f"{plain(doc.title)} · {period.label} ({period.start:%Y-%m-%d} – {period.end:%Y-%m-%d})")

# One section at a time (not st.tabs): a map drawn in a hidden tab gets no size and shows
# the whole world, and only the chosen section is computed.
SECTIONS = ["Löftet", "Var har vi varit?", "När?", "Kommunens indikatorer"]
section = st.segmented_control("Visa", SECTIONS, default=SECTIONS[0], key="followup_section")

if section in (None, "Löftet"):
    progress_tables(status_report(store, actor, doc.id, period.start.year, today))

elif section == "Var har vi varit?":
    kinds = st.multiselect(
        "Aktiviteter som räknas",
        list(doc.all_kinds),
        default=[CommitmentKind.PRESENCE],
        format_func=lambda k: k.label,
        key="presence_kinds",
    )
    weeks = st.number_input(
        "Trafikkontrollplatser: senaste antal veckor", 1, 52, 8, key="site_weeks"
    )
    with store.session(actor) as s:
        presence = load_presence(s, doc, period, today, int(weeks), kinds or None)
    if presence.areas:
        presence_legend()
        show_map(presence_map(presence), name="Karta: närvaro per centrumområde", height=420)
    else:
        st.info("Inga centrumområden är inlagda. Rita dem på planeringskartan.")
    presence_tables(presence)

elif section == "När?":
    with store.session(actor) as s:
        situation = load_situation(s, doc.kommunkod, period)
    scope = st.radio(
        "Händelser från",
        ["kommunen", "kommunen och grannkommunerna"],
        horizontal=True,
        key="when_scope",
    )
    codes = [doc.kommunkod]
    if scope != "kommunen":
        codes += [code for code, _ in situation.neighbours]
    with store.session(actor) as s:
        matrices = load_week_matrices(s, doc.id, period, codes)
    left, right = st.columns(2)
    left.altair_chart(
        week_chart(matrices.activity_hours, "Våra aktiviteter (timmar)", "Timmar", "#08519c"),
        width="stretch",
    )
    right.altair_chart(
        week_chart(matrices.incidents, "Polisens händelser (antal)", "Händelser", "#a63603"),
        width="stretch",
    )
    st.caption(
        f"Svensk tid. {count(matrices.activities, 'aktivitet', 'aktiviteter')}: varje timme de "
        f"pågick räknas. {count(matrices.incident_count, 'händelse', 'händelser')} från "
        "polisen.se (Källa: Polismyndigheten); "
        f'{matrices.summaries_left_out:d} sammanfattningar (t.ex. "Sammanfattning natt") är '
        "inte med, eftersom deras tid är när de publicerades."
    )

else:
    indicator_section(store, actor, doc.kommunkod)
