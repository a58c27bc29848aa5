"""Administration: the audit log (who changed what, when), users, promise files, base layers."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.disclosure.access import Role
from geo.signin.users import list_users
from geo.store.audit import (
    ACTIONS,
    SCREEN_COLUMNS,
    TABLES,
    AuditFilter,
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


FILTER = "andringslogg_urval"


def audit_filter() -> AuditFilter:
    """The filter the administrator chose, kept while its panel is closed.

    The panel's fields run and are sent only while it is open (`on_change="rerun"`): six
    fields beside the table made every visit wait for their code too (1.3× a bare page).
    Streamlit forgets a widget's value in a run that does not draw it, so the choice is kept
    under `FILTER` and given back to the fields when the panel opens again.
    """
    kept: AuditFilter = st.session_state.get(FILTER, AuditFilter())
    with st.expander(
        "Filtrera ändringsloggen", key="andringslogg_filter", on_change="rerun"
    ) as panel:
        if not panel.open:
            return kept
        left, middle, right = st.columns(3)
        tables, actions = [None, *TABLES], [None, *ACTIONS]
        table = left.selectbox(
            "Tabell",
            tables,
            index=tables.index(kept.table),
            format_func=lambda t: "Alla" if t is None else table_label(t),
        )
        action = middle.selectbox(
            "Åtgärd",
            actions,
            index=actions.index(kept.action),
            format_func=lambda a: "Alla" if a is None else action_label(a),
        )
        who = right.text_input("Användare (exakt namn)", kept.actor or "", key="audit_actor")
        first, last, limit_col = st.columns(3)
        start = first.date_input("Från och med", value=kept.start, format="YYYY-MM-DD")
        end = last.date_input("Till och med", value=kept.end, format="YYYY-MM-DD")
        limit = limit_col.number_input("Högst antal rader", 10, 100_000, kept.limit, step=100)
    chosen = AuditFilter(table, action, who.strip() or None, start, end, int(limit))
    st.session_state[FILTER] = chosen
    return chosen


def audit_log() -> None:
    st.caption(
        "Varje ändring sparas med vem, när och värdena före och efter. "
        "Ändringar i sekretessuppgifter visas bara för polisens administratörer."
    )
    chosen = audit_filter()
    st.caption(plain(chosen.summary()))
    start, end = chosen.times()
    with get_store().session(actor) as s:
        entries = s.audit_log(
            table_name=chosen.table,
            actor=chosen.actor,
            action=chosen.action,
            start=start,
            end=end,
            limit=chosen.limit,
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


def users() -> None:
    current = mode()
    if current == "oidc":
        st.info(
            "Inloggningen sköts av organisationens inloggningstjänst (OpenID Connect). "
            "Roll och organisation kommer från anspråken i inloggningen; ändra dem där."
        )
    elif current == "local":
        show_table(
            [
                {
                    "Användarnamn": u.username,
                    "Roll": u.role.label,
                    "Organisation": u.organisation.label,
                    "Skapad": u.created_at,
                }
                for u in list_users(users_file())
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


SECTIONS: dict[str, Callable[[], None]] = {
    "Ändringslogg": audit_log,
    "Användare": users,
    "Medborgarlöften": lambda: promise_panel(actor),
    "Baslager": lambda: base_layer_panel(actor),
    "Bakgrundskarta": lambda: background_panel(actor),
}
TABS = list(SECTIONS)
# Only the open tab runs and is drawn (`on_change="rerun"`, then `.open`). With all five
# drawn at once, a visit fetched the code of every kind of widget in them (uploaders, date
# fields, two tables) before the page was whole, and took 1.3× a bare Streamlit page.
for tab, section in zip(
    st.tabs(TABS, key="admin_flik", on_change="rerun"), SECTIONS.values(), strict=True
):
    if tab.open:
        with tab:
            section()
