"""The grid an internal export counts its activity places in: its panel and the kept choice."""

from __future__ import annotations

import streamlit as st

from geo.disclosure.audience import AudienceRules
from geo.spatial.aggregate import MAX_CELL_SIZE_M, MIN_CELL_SIZE_M, GridShape
from geo.swedish import number
from ui.kept_fields import KeptFields
from ui.views import panel_runs_when_open

# The panel's fields, kept while it is closed: the export uses them then too.
GRID = KeptFields("export_rutor_")
DEFAULT = AudienceRules()  # 500 m squares


def internal_grid_rules() -> AudienceRules:
    """The panel "Rutor för aktiviteternas platser" (its fields run only while it is open),
    a line that says the chosen grid, and the rules it makes."""
    panel_runs_when_open("Rutor för aktiviteternas platser", "export_rutor", _fields)
    rules = AudienceRules(
        cell_size_m=float(GRID.value("cell_size", DEFAULT.cell_size_m)),
        grid=GridShape(GRID.value("grid", DEFAULT.grid)),
    )
    st.caption(f"Rutor om {number(rules.cell_size_m)} m, rutnät: {rules.grid.value}.")
    return rules


def _fields() -> None:
    st.number_input(
        "Rutstorlek (meter)",
        min_value=MIN_CELL_SIZE_M,
        max_value=MAX_CELL_SIZE_M,
        value=GRID.value("cell_size", DEFAULT.cell_size_m),
        step=100.0,
        **GRID.field("cell_size"),
    )
    shapes = list(GridShape)
    st.radio(
        "Rutnät",
        shapes,
        index=shapes.index(GRID.value("grid", DEFAULT.grid)),
        format_func=lambda g: g.value,
        horizontal=True,
        **GRID.field("grid"),
    )
    GRID.keep()
