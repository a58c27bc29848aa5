"""Platser: create, change and retire places on the map, and import them from files."""

from __future__ import annotations

import streamlit as st

from geo.disclosure.access import Role
from geo.records.models import PlaceKind
from geo.records.places import load_place_context
from ui.auth import require
from ui.entry import through_app
from ui.place_editor import (
    draw_on_map,
    drawing_status,
    import_panel,
    load_view,
    nonce,
    place_form,
    places_table,
    retire_panel,
    selected_place,
    show_flash,
    stop_editing_button,
)
from ui.place_keyboard import keyboard_position, place_search
from ui.planning import plan_here_button
from ui.state import current_actor, get_store, selection
from ui.text import plain
from ui.views import panel_runs_when_open

through_app()
LAST_SAVED = "platser_senast_sparad"

# Planning and logging pages are for planners; the menu hides them from viewers.
require(Role.PLANNER)

sel = selection()
if sel is None:
    st.stop()
st.title("Platser")
st.caption(
    "**Ny plats:** välj typ, rita den med verktyget till vänster på kartan och fyll i "
    "uppgifterna. **Ändra eller avveckla en plats:** klicka på den på kartan eller välj "
    "dess rad i listan Alla platser under kartan."
)
if (just_saved := show_flash()) is not None:
    # Kept beyond the message's one run: "Planera här" is clicked in the next.
    st.session_state[LAST_SAVED] = just_saved
kommunkod = sel.document.kommunkod
with get_store().session(current_actor()) as session:
    context = load_place_context(session, kommunkod)
view = load_view(kommunkod)
# A click on the map or a row in the table (their callbacks ran before this run) chooses
# the place to edit; it decides what the map shows.
editing = selected_place(view.places)
saved_place = next((p for p in view.places if p.id == st.session_state.get(LAST_SAVED)), None)
if saved_place is not None and editing is None and not saved_place.is_retired:
    st.caption(f"Senast sparad: {plain(saved_place.name)}")
    plan_here_button(saved_place, sel.document, "planera_har_ny")

map_column, form_column = st.columns([3, 2], gap="medium")
with form_column:
    if editing is None:
        st.subheader("Ny plats")
        kind = st.selectbox(
            "Typ av plats", list(PlaceKind), format_func=lambda k: k.label, key="ny_platstyp"
        )
        st.caption("Vill du ändra en plats som redan finns? Klicka på den på kartan.")
    else:
        kind = editing.kind
        if editing.is_retired:  # "(avvecklad)": Swedish adjectives agree with the noun's gender
            st.subheader(f"{kind.label} (avvecklad): {plain(editing.name)}")
        else:
            st.subheader(f"Ändra {kind.label.lower()}: {plain(editing.name)}")
            plan_here_button(editing, sel.document, "planera_har")
        stop_editing_button()
    chosen = None
    if editing is None or not editing.is_retired:
        # The keyboard's way to place or move (WCAG 2.1.1): coordinates or a name.
        chosen = keyboard_position(
            f"platssok_{editing.id if editing else 'ny'}_{nonce()}",
            place_search(kind),
            view.places,
            context.tatorter,
            view.base,
        )
with map_column:
    drawing = draw_on_map(view, kind.geometry_type, editing, chosen)
with form_column:
    if editing is not None and editing.is_retired:
        st.info(
            f"Platsen avvecklades {editing.retired_at:%Y-%m-%d}. Den visas inte på kartan, "
            "men allt som loggats mot den finns kvar."
        )
    else:
        drawing_status(kind, drawing, context, editing)
        place_form(kind, drawing, context, kommunkod, editing)
        if editing is not None:
            retire_panel(editing)

# Both panels run and are sent only while open: the table's code (a data grid and ~30 files)
# held up the drawing map's frame on every visit, and the import's uploader code was fetched.
# No count in the label: a new label is a new panel, which would close when a place is added.
panel_runs_when_open("Alla platser", "platser_lista", lambda: places_table(view.places, context))
panel_runs_when_open(
    "Importera platser från fil", "platser_import", lambda: import_panel(context, view)
)
