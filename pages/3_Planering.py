"""Planering: plan activities, see them as calendar, list and map, publish the fixed times."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.models import CommitmentKind
from geo.schedule import (
    PlanFilter,
    conflicting_ids,
    filter_plans,
    find_conflicts,
    plan_rows,
    planned_collection,
    responsible_label,
    week_label,
    week_range,
)
from ui.calendar import RANDOM_COLOUR, calendar_events, show_calendar
from ui.maps import add_layer, new_map
from ui.planning import (
    load_schedule,
    plan_form,
    publish_panel,
    random_form,
    reference_day,
    show_flash,
    week_bounds,
)
from ui.state import selection

sel = selection()
if sel is None:
    st.stop()
doc, period = sel.document, sel.period
st.title("Planering")
show_flash()
schedule = load_schedule(doc, period)
day = st.date_input(
    "Vecka (välj en dag i veckan)",
    value=reference_day(period),
    min_value=period.start,
    max_value=period.end,
    format="YYYY-MM-DD",
    key="plan_day",
)
year, week, _ = day.isocalendar()
week_start, week_end = week_range(year, week)
conflicts = find_conflicts(schedule.plans)
conflict_ids = conflicting_ids(conflicts)
in_week = [p for p in schedule.plans if week_start <= p.start < week_end]
st.caption(
    f"{week_label(day)} · {len(in_week)} planerade denna vecka · "
    f"{len(schedule.plans)} under {period.label}"
)
if conflicts:
    with st.expander(f"⚠️ {len(conflicts)} krockar (samma grupp på två ställen samtidigt)"):
        for c in conflicts:
            st.markdown(f"- {c.text}")

calendar_tab, list_tab, map_tab, plan_tab, random_tab, publish_tab = st.tabs(
    ["Kalender", "Lista", "Karta", "Planera", "Slumpad närvaro", "Publicera"]
)
with calendar_tab:
    view = st.radio("Visa", ["Vecka", "Månad"], horizontal=True, key="plan_view")
    events = calendar_events(schedule.plans, schedule.places, conflict_ids, schedule.activities)
    show_calendar(
        events,
        day,
        "timeGridWeek" if view == "Vecka" else "dayGridMonth",
        key=f"calendar_{view}_{day.isoformat()}_{len(events)}",
    )
    st.caption("Blå: planerad · grön: genomförd · grå: inställd · lila: slumpad · röd: krock")

with list_tab:
    c1, c2, c3 = st.columns(3)
    kinds = c1.multiselect(
        "Typer",
        list(CommitmentKind),
        format_func=lambda k: k.label,
        key="flt_kind",
        placeholder="Alla",
    )
    who = sorted({responsible_label(p, doc) for p in schedule.plans})
    responsible = c2.multiselect("Ansvariga", who, key="flt_who", placeholder="Alla")
    used = sorted({p.place_id for p in schedule.plans if p.place_id is not None})
    place_ids = c3.multiselect(
        "Platser",
        used,
        format_func=lambda i: schedule.places[i].name,
        key="flt_place",
        placeholder="Alla",
    )
    only_week = st.toggle("Bara vald vecka", value=True, key="flt_week")
    chosen = PlanFilter(frozenset(kinds), frozenset(responsible), frozenset(place_ids))
    shown = filter_plans(in_week if only_week else schedule.plans, doc, chosen)
    st.dataframe(
        plan_rows(shown, doc, schedule.places, conflict_ids),
        hide_index=True,
        use_container_width=True,
        column_config={"id": None},
    )
    st.caption(f"{len(shown)} planerade aktiviteter visas.")

with map_tab:
    st.caption(f"Planerat {week_label(day).lower()} med plats.")
    m = new_map(week_bounds(schedule))
    add_layer(m, planned_collection(in_week, schedule.places), "Planerat", "#1f78b4")
    random_visits = [p for p in in_week if p.seed is not None]
    add_layer(
        m,
        planned_collection(random_visits, schedule.places),
        "Slumpade besök",
        RANDOM_COLOUR,
    )
    st_folium(m, key=f"week_map_{day}", returned_objects=[], use_container_width=True, height=500)

with plan_tab:
    plan_form(doc, schedule, day)

with random_tab:
    random_form(doc, schedule, day)

with publish_tab:
    publish_panel(doc, schedule, period, day)
