"""Streamlit views for the follow-up page: progress, presence, hours of the week, indicators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

from geo.errors import LofteskartanError
from geo.followup.coverage import PresenceView
from geo.followup.hours import WEEKDAYS, as_frame
from geo.followup.status import StatusReport, status_rows
from geo.records.indicators import SUGGESTED, indicators_from_table, trends
from geo.records.models import Actor
from geo.store import Store
from geo.swedish import count
from ui.text import as_stored, neutralised, plain, show_table, show_wrapped_table
from ui.views import show_rules

if TYPE_CHECKING:
    import altair as alt

STATUS_COLOURS = {
    "I fas": "#d9f0d3",
    "Risk": "#fee6ce",
    "Efter": "#fcbba1",
    "Klar": "#d9f0d3",
    "Inte klar": "#fee6ce",
    "Försenad": "#fcbba1",
}


def progress_tables(report: StatusReport) -> None:
    """The year per commitment (with status and forecast) and the done counts per tertial."""
    rows = status_rows(report)
    year = pd.DataFrame(
        {
            "Aktivitet": [r["title"] for r in rows],
            "Mål": [r["target_text"] or "–" for r in rows],
            "Gjort": [r["done"] for r in rows],
            "Timmar": [r["hours"] for r in rows],
            "Planerat": [r["planned"] for r in rows],
            "Kvar": ["–" if r["remaining"] is None else str(r["remaining"]) for r in rows],
            "Läge": [r["status_text"] or "–" for r in rows],
            "Prognos": [r["forecast_text"] for r in rows],
        }
    )
    styled = year.style.map(
        lambda v: f"background-color: {STATUS_COLOURS.get(v, '')}", ["Läge"]
    ).format({"Timmar": lambda v: f"{v:g}".replace(".", ",")})
    # Static tables: the whole commitment text wraps, and no column is cut off on the right.
    show_wrapped_table(styled)
    show_rules(report.document)
    if report.tertials:
        st.markdown("##### Genomförda per tertial")
        st.caption(
            "Varje tertial räknas bara inom löftesåret "
            + "; ".join(
                f"{s.label}: {s.start:%Y-%m-%d} – {s.end:%Y-%m-%d}" for s, _ in report.tertials
            )
            + "."
        )
        per_tertial = pd.DataFrame(
            {s.label: [t.done for t in figures] for s, figures in report.tertials},
        )
        per_tertial.insert(0, "Aktivitet", [r["title"] for r in rows])
        per_tertial["Hela året"] = [r["done"] for r in rows]
        show_wrapped_table(per_tertial)


def presence_tables(view: PresenceView) -> None:
    """Hours and activities per central area, then the control sites used and not used."""
    show_table(
        pd.DataFrame(
            {
                "Centrumområde": [a.place.name for a in view.areas],
                "Aktiviteter": [a.activities for a in view.areas],
                "Timmar": [a.hours for a in view.areas],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        f"{count(view.activities, 'aktivitet', 'aktiviteter')} under perioden: "
        f"{view.outside:d} låg utanför alla "
        f"centrumområden och {view.unplaced:d} saknar plats (t.ex. möten). En aktivitet räknas "
        "i ett område när dess plats ligger i området eller på dess gräns."
    )
    first, last = view.window
    st.markdown(f"##### Trafikkontrollplatser {first:%Y-%m-%d} – {last:%Y-%m-%d}")
    unused = [s for s in view.sites if not s.used]
    if view.sites:
        st.write(
            f"{len(view.sites) - len(unused)} av "
            f"{count(len(view.sites), 'plats', 'platser')} användes; "
            f"{len(unused)} användes inte."
        )
    show_table(
        pd.DataFrame(
            {
                "Plats": [s.place.name for s in view.sites],
                "Använd": ["ja" if s.used else "nej" for s in view.sites],
                "Kontroller": [s.uses for s in view.sites],
                "Senast": [
                    s.last_used.isoformat() if s.last_used else "aldrig" for s in view.sites
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def week_chart(matrix: np.ndarray, title: str, unit: str, colour: str) -> alt.Chart:
    """An hour-of-week matrix as an Altair heatmap (weekdays down, hours across, 0 white)."""
    import altair as alt  # here: Översikt imports this module, and altair takes 0.2 s

    frame = (
        as_frame(matrix)
        .reset_index(names="Dag")
        .melt(id_vars="Dag", var_name="Timme", value_name=unit)
    )
    return (
        alt.Chart(frame, title=title)
        .mark_rect(stroke="#eeeeee", strokeWidth=0.5)
        .encode(
            x=alt.X("Timme:O", title="Timme (svensk tid)", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("Dag:O", sort=list(WEEKDAYS), title=None),
            color=alt.Color(
                f"{unit}:Q", scale=alt.Scale(range=["#ffffff", colour], domainMin=0), title=unit
            ),
            tooltip=["Dag", "Timme", alt.Tooltip(f"{unit}:Q", format=".1f")],
        )
        .properties(height=300)
    )


def indicator_section(store: Store, actor: Actor, kommunkod: str) -> None:
    """Trends per indicator, and a table to add or change the figures."""
    import altair as alt  # here: Översikt imports this module, and altair takes 0.2 s

    with store.session(actor) as s:
        stored = s.list_indicators(kommunkod)
    if saved := st.session_state.pop("indicators_saved", None):
        st.success(plain(saved))
    lines = trends(stored)
    if lines:
        columns = st.columns(min(len(lines), 3))
        for i, trend in enumerate(lines):
            with columns[i % len(columns)]:
                # Name, unit and term are typed into the table below: user text.
                st.metric(
                    plain(trend.name),
                    plain(f"{trend.latest:g} {trend.unit}".strip()),
                    None
                    if trend.change is None
                    else plain(f"{trend.change:+g} sedan {trend.terms[-2]}"),
                    delta_color="off",
                )
                st.caption(plain(trend.describe()))
        # Neutralised like a table: the chart's "view as table" downloads CSV too.
        long = neutralised(
            pd.DataFrame(
                [
                    (t.name, term, v)
                    for t in lines
                    for term, v in zip(t.terms, t.values, strict=True)
                ],
                columns=["Indikator", "Termin", "Värde"],
            )
        )
        order = sorted(long["Termin"].unique(), key=lambda x: (x[2:], x[:2] == "HT"))
        st.altair_chart(
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                x=alt.X("Termin:O", sort=order),
                y=alt.Y("Värde:Q"),
                color="Indikator:N",
                tooltip=["Indikator", "Termin", "Värde"],
            ),
            width="stretch",
        )
    else:
        st.info("Inga indikatorer är inlagda än. Lägg in dem i tabellen nedan.")
    table = pd.DataFrame(
        [(i.indicator, i.term, i.value, i.unit, i.note) for i in stored],
        columns=["Indikator", "Termin", "Värde", "Enhet", "Kommentar"],
    )
    with st.form("indicators"):
        st.caption(
            "En rad per indikator och termin (VT2024 = vårterminen 2024, HT2023 = "
            "hösttermin 2023). Bara siffror för hela kommunen. Förslag på namn: "
            + ", ".join(f"{plain(name)} ({plain(unit)})" for name, unit in SUGGESTED)
            + "."
        )
        # Shown neutralised like every table (the editor's toolbar downloads CSV too); the
        # rows are read back through `as_stored`, so an untouched "=..." is saved unchanged.
        shown = neutralised(table, labels=False)
        edited = st.data_editor(
            shown,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "Termin": st.column_config.TextColumn(validate=r"^(VT|HT|vt|ht) ?\d{4}$"),
                "Värde": st.column_config.NumberColumn(format="%.1f"),
            },
            key="indicator_editor",
        )
        if st.form_submit_button("Spara indikatorer"):
            try:
                records = as_stored(edited, shown, table).to_dict("records")
                rows = indicators_from_table(records, kommunkod)
                with store.session(actor) as s:
                    added, changed, removed = s.save_indicators(kommunkod, rows)
            except LofteskartanError as exc:
                st.error(plain(exc))
            else:
                # Shown after the rerun that redraws the trends with the new figures.
                st.session_state["indicators_saved"] = (
                    f"Sparat: {added} nya, {changed} ändrade, {removed} borttagna."
                )
                st.rerun()
