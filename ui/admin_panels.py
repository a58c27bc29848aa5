"""The administration page's panels: the audit log, users, promise files, base layers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import LofteskartanError
from geo.files.base_layer_import import (
    BaseLayerOptions,
    import_base_layer,
    read_base_layer_bytes,
)
from geo.files.limits import Limits, read_stream
from geo.installation.init import read_promise_upload, save_promise_upload
from geo.records.models import Actor
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
from geo.swedish import count
from ui.auth import guarded_download, mode, users_file
from ui.kept_fields import KeptFields
from ui.progress import progress_bar
from ui.state import get_store
from ui.text import plain, show_table, show_wrapped_table
from ui.uploads import read_upload
from ui.views import panel_runs_when_open


def _flash(panel: str, lines: list[str]) -> None:
    """Show the result after a rerun that lists the new item and empties the uploader."""
    st.session_state[f"_admin_flash_{panel}"] = lines
    st.session_state[f"_admin_uploads_{panel}"] = _uploads(panel) + 1
    st.rerun()


def _show_flash(panel: str) -> None:
    # Per panel, inside its tab: both tabs draw in every run, so one shared message
    # (ui.planning.show_flash) would be shown, and taken, by the first tab.
    lines = st.session_state.pop(f"_admin_flash_{panel}", None)
    if lines:
        st.success("\n\n".join(plain(line) for line in lines))


def _uploads(panel: str) -> int:
    """How many files the panel has stored; part of the uploader's key, so it starts empty."""
    return int(st.session_state.get(f"_admin_uploads_{panel}", 0))


def promise_panel(actor: Actor) -> None:
    """The stored promise documents, each downloadable, and an upload of a new or changed one."""
    _show_flash("promise")
    with get_store().session(actor) as s:
        docs = s.promise_documents()
        sources = {doc.id: s.promise_source(doc.id) for doc in docs}
    st.caption(
        "Medborgarlöftet läses från en YAML-fil (se README, avsnittet Löftesfilen). Ladda ned "
        "den sparade filen, ändra den och ladda upp den igen. En fil med samma id ersätter den "
        "gamla; aktiviteter som har loggats eller planerats måste finnas kvar i den nya."
    )
    for doc in docs:
        source_name, source_text = sources[doc.id]
        left, right = st.columns([3, 1])
        left.markdown(
            f"**{plain(doc.title)}** ({plain(doc.id)}) · undertecknat {doc.signed_on:%Y-%m-%d} · "
            f"{count(len(doc.promises), 'löfte', 'löften')}, "
            f"{count(len(doc.commitments), 'aktivitet', 'aktiviteter')}"
        )
        right.download_button(
            "Ladda ned filen",
            source_text.encode("utf-8"),
            file_name=source_name,
            mime="application/yaml",
            key=f"promise_download_{doc.id}",
        )
    upload = st.file_uploader(
        "Ladda upp en löftesfil (.yaml)",
        type=["yaml", "yml"],
        key=f"promise_upload_{_uploads('promise')}",
    )
    if upload is None:
        return
    try:
        data = read_stream(upload, upload.name, upload.size, Limits.from_env())
        doc, text = read_promise_upload(data, upload.name)
    except LofteskartanError as exc:
        st.error(plain(exc))
        return
    st.success(
        f"Filen är giltig: **{plain(doc.title)}** ({plain(doc.kommun_name)}, "
        f"kommunkod {plain(doc.kommunkod)}), "
        f"{count(len(doc.promises), 'löfte', 'löften')} och "
        f"{count(len(doc.commitments), 'aktivitet', 'aktiviteter')}."
    )
    replaces = any(d.id == doc.id for d in docs)
    label = "Ersätt det sparade medborgarlöftet" if replaces else "Spara medborgarlöftet"
    if st.button(label, type="primary", key="promise_save"):
        try:
            lines = save_promise_upload(get_store(), actor, upload.name, text)
        except LofteskartanError as exc:
            st.error(plain(exc))
            return
        _flash("promise", lines)


def base_layer_panel(actor: Actor) -> None:
    """The stored base layers and an upload of a GeoPackage or GeoJSON as a new one."""
    _show_flash("layer")
    with get_store().session(actor) as s:
        layers = s.base_layers()
        counts = {layer.name: s.base_feature_count(layer.name) for layer in layers}
    st.caption(
        "Baslager visas på kartorna utan internet, med sin källa. Läs in t.ex. vägar eller "
        "byggnader ur ett utdrag från Lantmäteriet eller OpenStreetMap som kommunen har "
        "laddat ned (GeoPackage eller GeoJSON). Ett lager med samma namn ersätts."
    )
    show_table(
        [
            {
                "Namn": layer.name,
                "Titel på kartan": layer.title,
                "Källa": layer.attribution,
                "Objekt": counts[layer.name],
                "Ursprung": layer.source,
            }
            for layer in layers
        ],
        width="stretch",
        hide_index=True,
    )
    upload = st.file_uploader(
        "Ladda upp ett baslager (.gpkg, .geojson)",
        type=["gpkg", "geojson", "json"],
        key=f"layer_upload_{_uploads('layer')}",
    )
    with st.form("base_layer"):
        left, right = st.columns(2)
        name = left.text_input("Namn (små bokstäver, t.ex. vagar)")
        title = right.text_input("Titel i kartans lagerlista (t.ex. Vägar)")
        attribution = left.text_input(
            "Källa som visas på kartan", placeholder="t.ex. © Lantmäteriet (CC0)"
        )
        crs = right.text_input(
            "Koordinatsystem om filen saknar det (t.ex. EPSG:3006)", placeholder="från filen"
        )
        layer = left.text_input("Lager i en GeoPackage med flera", placeholder="det enda")
        submitted = st.form_submit_button("Läs in baslagret", type="primary")
    if not submitted:
        return
    if upload is None:
        st.error("Välj först en fil att läsa in.")
        return
    with st.spinner("Läser och räknar om baslagret …"):
        try:
            source = read_base_layer_bytes(
                read_upload(upload),
                upload.name,
                name.strip(),
                BaseLayerOptions(
                    title.strip() or None,
                    attribution.strip() or None,
                    crs.strip() or None,
                    layer.strip() or None,
                ),
            )
            message = import_base_layer(
                get_store(), actor, source, progress=progress_bar("Sparar baslagrets objekt …")
            )
        except LofteskartanError as exc:
            st.error(plain(exc))
            return
    _flash("layer", [message])


# The audit log's filter, kept while its panel is closed.
FILTER = KeptFields("andringslogg_urval_")


def _audit_filter() -> AuditFilter:
    """The filter the administrator chose, kept (`FILTER`) while its panel is closed.

    The panel's fields run and are sent only while it is open: six fields beside the table
    made every visit wait for their code too (1.3× a bare page).
    """
    panel_runs_when_open("Filtrera ändringsloggen", "andringslogg_filter", _audit_filter_fields)
    kept, default = FILTER.value, AuditFilter()
    return AuditFilter(
        kept("table", default.table),
        kept("action", default.action),
        kept("actor", "").strip() or None,
        kept("start", default.start),
        kept("end", default.end),
        int(kept("limit", default.limit)),
    )


def _audit_filter_fields() -> None:
    """The filter's fields, showing the kept choice."""
    kept, default = FILTER.value, AuditFilter()
    left, middle, right = st.columns(3)
    tables, actions = [None, *TABLES], [None, *ACTIONS]
    left.selectbox(
        "Tabell",
        tables,
        index=tables.index(kept("table", default.table)),
        format_func=lambda t: "Alla" if t is None else table_label(t),
        **FILTER.field("table"),
    )
    middle.selectbox(
        "Åtgärd",
        actions,
        index=actions.index(kept("action", default.action)),
        format_func=lambda a: "Alla" if a is None else action_label(a),
        **FILTER.field("action"),
    )
    right.text_input("Användare (exakt namn)", kept("actor", ""), **FILTER.field("actor"))
    first, last, limit_col = st.columns(3)
    first.date_input(
        "Från och med",
        value=kept("start", default.start),
        format="YYYY-MM-DD",
        **FILTER.field("start"),
    )
    last.date_input(
        "Till och med", value=kept("end", default.end), format="YYYY-MM-DD", **FILTER.field("end")
    )
    limit_col.number_input(
        "Högst antal rader",
        10,
        100_000,
        kept("limit", default.limit),
        step=100,
        **FILTER.field("limit"),
    )
    FILTER.keep()


def audit_log_panel(actor: Actor) -> None:
    """The audit log: the filter's panel, the line that says it, the table, the CSV."""
    st.caption(
        "Varje ändring sparas med vem, när och värdena före och efter. "
        "Ändringar i sekretessuppgifter visas bara för polisens administratörer."
    )
    chosen = _audit_filter()
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
    st.write(f"{count(len(entries), 'ändring', 'ändringar')}, nyast först.")
    # On screen the sentence says it all; the stored values (Före/Efter) are in the CSV.
    # A static table, not a data grid: the sentences wrap instead of being cut at the
    # column's width, and a visit does not fetch the grid's code (about 30 files), which
    # kept Administration at 1.2× the trivial page (issue 16).
    rows = [{c: row[c] for c in SCREEN_COLUMNS} for row in audit_rows(entries)]
    if rows:
        show_wrapped_table(pd.DataFrame(rows))
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


def users_panel() -> None:
    """The users (local sign-in), or where they are managed instead."""
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
