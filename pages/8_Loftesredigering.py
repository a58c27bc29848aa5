"""Löftesredigering: create or change a medborgarlöfte without YAML, and make next year's."""

from __future__ import annotations

import streamlit as st

from geo.disclosure.access import Role
from geo.errors import LofteskartanError
from geo.installation.init import save_promise_upload
from geo.planning.next_year import next_year_promise, save_next_year
from geo.records.promise_writer import document_from_mapping, field_problems, promise_mapping
from ui.auth import require
from ui.entry import through_app
from ui.forms import save_or_keep
from ui.promise_editor import EDITOR_SOURCE, EDITOR_START_NEXT, Form, promise_form
from ui.state import get_store
from ui.text import plain

through_app()

# Planners see the page; the store lets administrators and planners of a signing
# organisation save (geo.disclosure.access.may_edit_promise).
actor = require(Role.PLANNER)
st.title("Löftesredigering")
st.caption(
    "Skriv medborgarlöftet här i stället för i en YAML-fil. Varje fält kontrolleras som "
    "löftesfilen; Spara lagrar löftet och ger filen (format 2) att ladda ned."
)
state = st.session_state
with get_store().session(actor) as s:
    docs = {d.id: d for d in s.promise_documents()}

# Where the form starts: empty, a stored promise, or next year's made from one.
left, right = st.columns([3, 2])
chosen = left.selectbox(
    "Medborgarlöfte",
    list(docs),
    format_func=lambda i: docs[i].title,
    key=EDITOR_SOURCE,
    index=None,
    placeholder="Välj ett sparat löfte",
)
start = None
if right.button("Nytt löfte", key="editor_new"):
    start = ({}, None)
if chosen and right.button("Ändra det valda", key="editor_edit"):
    start = (promise_mapping(docs[chosen]), None)
# Översikt's "Nästa års löfte" (after the period) arrives with the promise already chosen.
wants_next = bool(state.pop(EDITOR_START_NEXT, False))
if chosen and (right.button("Nästa års löfte", key="editor_next") or wants_next):
    start = (promise_mapping(next_year_promise(docs[chosen])), chosen)
    state["editor_flash"] = "Nästa års löfte: kontrollera datumen, ange undertecknandet och spara."
if start is not None:
    state["editor_raw"], state["editor_from"] = start
    state["editor_generation"] = state.get("editor_generation", 0) + 1
    state.pop("editor_saved", None)
    state.pop("editor_checked", None)
if "editor_raw" not in state:
    st.stop()
if flash := state.pop("editor_flash", None):
    st.info(plain(flash))

form = Form(state["editor_generation"])
raw = promise_form(form, state["editor_raw"])
if st.button("Spara", type="primary", key="editor_save"):
    state["editor_checked"] = True
    problems = field_problems(raw)
    if problems:
        st.error("Inget sparades: rätta fälten som är markerade ovan.")
    else:
        doc, text = document_from_mapping(raw)
        old = state.get("editor_from")
        if old:
            saved = save_or_keep(
                lambda s: save_next_year(s, s.promise_document(old), doc),
                f"Nästa års löfte {doc.id} sparades.",
            )
            if saved:
                state["editor_saved"] = (f"{doc.id}.yaml", saved.text)
        else:
            try:
                lines = save_promise_upload(get_store(), actor, f"{doc.id}.yaml", text)
            except LofteskartanError as exc:
                st.error(f"**Inte sparat.** {plain(exc)}")
            else:
                st.success(plain(" ".join(lines)))
                state["editor_saved"] = (f"{doc.id}.yaml", text)
if state.get("editor_checked"):
    form.show(field_problems(raw))
if saved_file := state.get("editor_saved"):
    name, text = saved_file
    st.download_button("Ladda ned", text.encode("utf-8"), file_name=name, mime="application/yaml")
