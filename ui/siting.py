"""Streamlit/folium glue for the Kontrollplatser page: the offer, the coverage map, the reasons
and the rotation (its settings: `ui.siting_settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

import folium
import pandas as pd
import streamlit as st

from geo.errors import LofteskartanError
from geo.planning.rotation import RotationPlan, default_rotation_start, new_seed
from geo.planning.siting import SitingResult, format_number, result_bounds
from geo.planning.siting import result_collections as collections
from geo.planning.siting_use_case import (
    Rotation,
    SitingOffer,
    rotate,
    save_rotation_plan,
    siting_offer,
)
from geo.records.models import Actor
from geo.records.periods import Period
from geo.records.promise import PromiseDocument
from geo.store import Store
from geo.swedish import WEEKDAYS, count, today
from ui.kept_fields import KeptFields
from ui.maps import escaped, new_map
from ui.state import current_actor, get_store
from ui.text import map_html, plain, show_table

CHOSEN = "#b2182b"
CIRCLE = "#e66101"
COVERED = "#1a9641"
UNCOVERED = "#7f7f7f"
CANDIDATE = "#e66101"


def offer_for(doc: PromiseDocument) -> SitingOffer:
    """`siting_offer` once per change of the data: it read every traffic control of the
    promise as a record on every run of the page (0.75 s a run at 100,000 activities)."""
    store, actor = get_store(), current_actor()
    with store.session(actor) as s:
        stamp = s.activities_stamp()  # moves with every write: activities, places, layers
    return _offer(store.url, actor, stamp, doc.id, doc)


@st.cache_data(max_entries=8, show_spinner=False)
def _offer(
    url: str, actor: Actor, stamp: str, document_id: str, _doc: PromiseDocument
) -> SitingOffer:
    """`siting_offer` cached on its key (url, stamp and the promise's id only make the key).

    The actor is part of the key: what the layers hold depends on who looks (sekretess).
    """
    del url, stamp, document_id
    return siting_offer(get_store(), actor, _doc)


def _points(m: folium.Map, fc: dict[str, Any], name: str, colour: str, radius: int) -> None:
    """A switchable layer of small circle markers with an escaped tooltip."""
    if not fc["features"]:
        return
    folium.GeoJson(
        escaped(fc),
        name=map_html(name),
        marker=folium.CircleMarker(
            radius=radius, color=colour, fill=True, fill_color=colour, fill_opacity=0.8, weight=1
        ),
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(m)


def coverage_map(result: SitingResult) -> folium.Map:
    """Chosen sites with their coverage circles, covered and uncovered demand, other sites."""
    fc = collections(result)
    m = new_map(result_bounds(result))
    radius = format_number(result.radius)
    if fc["circles"]["features"]:
        folium.GeoJson(
            escaped(fc["circles"]),
            name=map_html(f"Täckning {radius} m"),
            style_function=lambda _f: {"color": CIRCLE, "weight": 2, "fillOpacity": 0.08},
        ).add_to(m)
    _points(m, fc["uncovered"], "Efterfrågan utanför", UNCOVERED, 3)
    _points(m, fc["covered"], "Täckt efterfrågan", COVERED, 4)
    _points(m, fc["others"], "Andra kandidater", CANDIDATE, 4)
    _points(m, fc["sites"], "Föreslagna platser", CHOSEN, 9)
    # Collapsed: open, the list would hide the sites in the map's top right corner.
    folium.LayerControl(collapsed=True).add_to(m)
    if fc["shown_points"] < fc["demand_points"]:
        st.caption(
            f"Kartan visar {fc['shown_points']:d} av {fc['demand_points']:d} efterfrågepunkter; "
            "beräkningen använder alla."
        )
    return m


def reasons_table(result: SitingResult) -> None:
    """One line per suggested site: its name, what it covers and why it was chosen."""
    for site in result.chosen:
        st.markdown(
            f"**{site.rank:d}. {plain(site.candidate.name)}** – täcker vikt "
            f"{format_number(site.covered_weight)} ({site.covered_points:d} punkter).  \n"
            f"{plain(site.reason)}"
        )


def rotation_table(plan: RotationPlan) -> None:
    """The weeks of a rotation: position, ISO week (as Swedish calendars show it), Monday, sites."""
    rows = [
        {
            "Nr": w.number,
            "Vecka": f"v. {w.monday.isocalendar().week}",
            "Måndag": w.monday.isoformat(),
            "Plats": ", ".join(c.name for c in w.sites),
        }
        for w in plan.weeks
    ]
    show_table(pd.DataFrame(rows), hide_index=True, width="stretch")


@dataclass(frozen=True)
class RotationSettings:
    """What the planner chose for the rotation and the planned controls."""

    weeks: int
    min_gap: int
    per_week: int
    seed: int
    start: date
    weekday: int
    start_time: time
    hours: float


# Every field of the rotation, kept while its tab is closed.
ROTATION = KeptFields("rotation_")


def rotation_settings(n_sites: int, year: Period) -> RotationSettings:
    """Inputs for a rotation over `n_sites` suggested sites in the follow-up year `year`.

    The page shows them in a tab that runs only while open: `ROTATION` keeps them while it is
    closed, so coming back shows the same values, and the same seed gives the same plan.
    """
    kept = ROTATION.value
    per_week_key = ROTATION.key("per_week")
    if st.session_state.get(per_week_key, 1) > n_sites:  # fewer sites suggested since
        st.session_state[per_week_key] = n_sites
    cols = st.columns(4)
    weeks = cols[0].number_input("Veckor", 1, 104, kept("weeks", 8), **ROTATION.field("weeks"))
    gap = cols[1].number_input(
        "Vila (veckor)",
        0,
        104,
        kept("gap", min(1, n_sites - 1)),
        help="En plats används inte igen förrän så många veckor har gått",
        **ROTATION.field("gap"),
    )
    per_week = cols[2].number_input(
        "Platser per vecka",
        1,
        n_sites,
        min(kept("per_week", 1), n_sites),
        **ROTATION.field("per_week"),
    )
    seed = cols[3].number_input(
        "Frö",
        0,
        10**9,
        kept("seed", new_seed()),
        help="Samma frö ger samma plan",
        **ROTATION.field("seed"),
    )
    cols = st.columns(4)
    start_name = f"start_{year.start:%Y-%m-%d}"  # each follow-up year its own first week
    start = cols[0].date_input(
        "Första veckan",
        kept(start_name, default_rotation_start(year, today())),
        format="YYYY-MM-DD",
        **ROTATION.field(start_name),
    )
    weekday = cols[1].selectbox(
        "Veckodag",
        range(7),
        index=kept("weekday", 2),
        format_func=WEEKDAYS.__getitem__,
        **ROTATION.field("weekday"),
    )
    start_time = cols[2].time_input("Starttid", kept("time", time(7, 0)), **ROTATION.field("time"))
    hours = cols[3].number_input(
        "Timmar", 0.5, 24.0, kept("hours", 2.0), step=0.5, **ROTATION.field("hours")
    )
    ROTATION.keep()
    return RotationSettings(
        int(weeks), int(gap), int(per_week), int(seed), start, int(weekday), start_time, hours
    )


def rotation_panel(result: SitingResult, store: Store, document_id: str, period: Period) -> None:
    """The rotation of the suggested sites: its settings, its weeks, and the button that adds
    it to the schedule of the promise `document_id` in the follow-up year `period`."""
    if not result.chosen:
        st.info("Inga platser föreslogs, så det finns inget att rotera.")
        return
    settings = rotation_settings(len(result.chosen), period)
    try:
        plan = rotate(
            result,
            Rotation(
                settings.weeks, settings.min_gap, settings.seed, settings.start, settings.per_week
            ),
        )
    except LofteskartanError as exc:
        st.warning(plain(exc))
        return
    rotation_table(plan)
    if st.button("Lägg in i planeringen", type="primary"):
        try:
            saved = save_rotation_plan(
                store,
                current_actor(),
                plan,
                document_id,
                settings.weekday,
                settings.start_time,
                settings.hours,
                period,
            )
        except LofteskartanError as exc:
            st.error(plain(exc))
        else:
            st.success(
                f"{count(saved, 'planerad trafikkontroll', 'planerade trafikkontroller')} lades "
                f"in i planeringen (frö {plan.seed:d})."
            )
