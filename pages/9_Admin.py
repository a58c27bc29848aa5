"""Administration: the audit log (who changed what, when), users, promise files, base layers."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import streamlit as st

from geo.disclosure.access import Role
from geo.records.models import STOCKHOLM
from geo.signin.users import list_users
from geo.store.audit import (
    ACTIONS,
    SCREEN_COLUMNS,
    TABLES,
    action_label,
    audit_csv,
    audit_rows,
    table_label,
)
from ui.admin_panels import base_layer_panel, promise_panel
from ui.auth import guarded_download, mode, require, users_file
from ui.background_panel import background_panel
from ui.entry import through_app
from ui.state import get_store
from ui.text import plain, show_table

through_app()

actor = require(Role.ADMIN)
st.title("Administration")
log_tab, users_tab, promise_tab, layer_tab, background_tab = st.tabs(
    ["Ändringslogg", "Användare", "Medborgarlöften", "Baslager", "Bakgrundskarta"]
)

with log_tab:
    st.caption(
        "Varje ändring sparas med vem, när och värdena före och efter. "
        "Ändringar i sekretessuppgifter visas bara för polisens administratörer."
    )
    left, middle, right = st.columns(3)
    table = left.selectbox(
        "Tabell", [None, *TABLES], format_func=lambda t: "Alla" if t is None else table_label(t)
    )
    action = middle.selectbox(
        "Åtgärd", [None, *ACTIONS], format_func=lambda a: "Alla" if a is None else action_label(a)
    )
    who = right.text_input("Användare (exakt namn)", key="audit_actor").strip() or None
    first, last, limit_col = st.columns(3)
    start = first.date_input("Från och med", value=None, format="YYYY-MM-DD")
    end = last.date_input("Till och med", value=None, format="YYYY-MM-DD")
    limit = limit_col.number_input("Högst antal rader", 10, 100_000, 1000, step=100)
    with get_store().session(actor) as s:
        entries = s.audit_log(
            table_name=table,
            actor=who,
            action=action,
            start=datetime.combine(start, time(), STOCKHOLM) if start else None,
            end=datetime.combine(end + timedelta(days=1), time(), STOCKHOLM) if end else None,
            limit=int(limit),
        )
    st.write(f"{len(entries)} ändringar, nyast först.")
    # On screen the sentence says it all; the stored values (Före/Efter) are in the CSV.
    show_table(
        [{c: row[c] for c in SCREEN_COLUMNS} for row in audit_rows(entries)],
        width="stretch",
        hide_index=True,
    )
    # Made when clicked (no file waits on the server for an address to be guessed or kept),
    # from the rows this run read for this administrator.
    st.download_button(
        "Ladda ned som CSV (Excel)",
        guarded_download(lambda: audit_csv(entries)),
        file_name="andringslogg.csv",
        mime="text/csv",
        on_click="ignore",
        disabled=not entries,
    )

with users_tab:
    current = mode()
    if current == "oidc":
        st.info(
            "Inloggningen sköts av organisationens inloggningstjänst (OpenID Connect). "
            "Roll och organisation kommer från anspråken i inloggningen; ändra dem där."
        )
    elif current == "local":
        users = list_users(users_file())
        show_table(
            [
                {
                    "Användarnamn": u.username,
                    "Roll": u.role.label,
                    "Organisation": u.organisation.label,
                    "Skapad": u.created_at,
                }
                for u in users
            ],
            width="stretch",
            hide_index=True,
        )
        st.caption(
            f"Användarfilen är {plain(users_file())}. Lägg till och ta bort användare på servern "
            "med "
            "`lofteskartan users add NAMN --role planerare --organisation kommun` och "
            "`lofteskartan users remove NAMN`."
        )
    else:
        st.info(
            "Ingen inloggning är inställd: appen körs som en enda lokal administratör. "
            "Lägg till den första användaren med `lofteskartan users add NAMN --role "
            "administratör --organisation polis`, så frågar appen efter inloggning."
        )

with promise_tab:
    promise_panel(actor)

with layer_tab:
    base_layer_panel(actor)

with background_tab:
    background_panel(actor)
