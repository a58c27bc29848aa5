"""Planering: plan activities, see them as calendar, list and map, publish the fixed times."""

from __future__ import annotations

import streamlit as st

from geo.disclosure.access import Role
from geo.planning.schedule import (
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
from geo.swedish import count
from ui.auth import require
from ui.calendar import RANDOM_COLOUR, calendar_panel
from ui.entry import through_app
from ui.map_render import show_map
from ui.maps import add_layer, new_map
from ui.planning import (
    load_schedule,
    plan_form,
    publish_panel,
    random_form,
    reference_day,
    show_flash,
    week_bounds,
    with_activities,
)
from ui.state import selection
from ui.text import plain, show_table

through_app()

# Planning and logging pages are for planners; the menu hides them from viewers.
require(Role.PLANNER)

sel = selection()
if sel is None:
    st.stop()
doc, period = sel.document, sel.period
st.title("Planering")
show_flash()
# No logged activity here: the calendar reads its shown days itself, the .ics files the year.
schedule = load_schedule(doc, period, activities=False)
day = st.date_input(
    "Vecka (välj en dag i veckan)",
    value=reference_day(period),
    min_value=period.start,
    max_value=period.end,
    format="YYYY-MM-DD",
    # One key per year: a day kept from another year would lie outside this one's range.
    key=f"plan_day_{period.start:%Y%m%d}",
)
year, week, _ = day.isocalendar()
week_start, week_end = week_range(year, week)
conflicts = find_conflicts(schedule.plans)
conflict_ids = conflicting_ids(conflicts)
in_week = [p for p in schedule.plans if week_start <= p.start < week_end]
st.caption(
    f"{week_label(day)} · {count(len(in_week), 'planerad', 'planerade')} denna vecka · "
    f"{len(schedule.plans)} under {period.label}"
)
if conflicts:
    with st.expander(f":red[{len(conflicts)} krockar] (samma grupp på två ställen samtidigt)"):
        for c in conflicts:
            st.markdown(f"- {plain(c.text)}")

# One view at a time: faster than tabs (only the chosen view runs) and a map drawn in a
# hidden tab gets no size, so Leaflet would fit it to the whole world.
VIEWS = ["Kalender", "Lista", "Karta", "Planera", "Slumpad närvaro", "Publicera"]
view = st.radio("Vy", VIEWS, horizontal=True, key="plan_view", label_visibility="collapsed")
st.divider()
if view == "Kalender":
    calendar_panel(doc, period, day, schedule.plans, schedule.places, conflict_ids)
elif view == "Lista":
    c1, c2, c3 = st.columns(3)
    kinds = c1.multiselect(
        "Typer",
        list(doc.all_kinds),
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
    show_table(
        plan_rows(shown, doc, schedule.places, conflict_ids),
        hide_index=True,
        width="stretch",
        column_config={"id": None},
    )
    st.caption(f"{count(len(shown), 'planerad aktivitet', 'planerade aktiviteter')} visas.")

elif view == "Karta":
    st.caption(f"Planerat {week_label(day).lower()} med plats.")
    m = new_map(week_bounds(schedule))
    fixed = [p for p in in_week if p.seed is None]
    random_visits = [p for p in in_week if p.seed is not None]
    add_layer(m, planned_collection(fixed, schedule.places), "Planerat", "#1f78b4")
    add_layer(
        m,
        planned_collection(random_visits, schedule.places),
        "Slumpade besök",
        RANDOM_COLOUR,
    )
    show_map(m, name=f"Karta: planerat {week_label(day).lower()}", height=500)

elif view == "Planera":
    plan_form(doc, schedule, day, period)
elif view == "Slumpad närvaro":
    random_form(doc, schedule, day, period)
else:
    publish_panel(doc, with_activities(schedule, doc, period), period, day)
