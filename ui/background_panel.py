"""Administration's panel for the background map: the current choice, a form to change it."""

from __future__ import annotations

import streamlit as st

from geo.errors import LofteskartanError
from geo.records.models import Actor
from geo.spatial.background_map import (
    BackgroundKind,
    parse_background_map,
    save_background_map,
    stored_background_map,
)
from ui.state import get_store
from ui.text import plain

FLASH = "_admin_flash_background"
EXAMPLE = "https://karta.kommun.se/tiles/{z}/{x}/{y}.png"


def _done(title: str | None) -> None:
    """Say what was saved after the rerun that shows the new choice (None: removed)."""
    st.session_state[FLASH] = title
    st.rerun()


def background_panel(actor: Actor) -> None:
    """Show the chosen background map and let an administrator change or remove it."""
    if FLASH in st.session_state:
        title = st.session_state.pop(FLASH)
        if title is None:
            st.success("Bakgrundskartan togs bort: kartorna visar OpenStreetMap.")
        else:
            st.success(f"Bakgrundskartan ”{plain(title)}” sparades.")
    with get_store().session(actor) as s:
        current = stored_background_map(s)
    st.markdown(
        "Kartorna ritar en bakgrundskarta under kommunen, tätorterna och platserna. Utan val "
        "är det OpenStreetMap, som många kommun- och polisnät spärrar. Ange kommunens egen "
        "karttjänst eller en öppen, t.ex. Lantmäteriets topografiska webbkarta. Den visas "
        "först; OpenStreetMap finns kvar, avslaget, i kartans lagerlista. Lagren från "
        "appen ritas som förut även utan bakgrundskarta."
    )
    if current is None:
        st.info("Ingen bakgrundskarta är vald: kartorna visar OpenStreetMap.")
    else:
        st.info(
            f"Vald: **{plain(current.title)}** ({plain(current.kind.label)}), "
            f"{plain(current.url)}. Källa: {plain(current.attribution)}"
        )
    with st.form("background_map"):
        kind = st.selectbox(
            "Typ av karttjänst",
            list(BackgroundKind),
            format_func=lambda k: k.label,
            index=list(BackgroundKind).index(current.kind) if current else 0,
        )
        url = st.text_input(
            "Adress",
            current.url if current else "",
            placeholder=EXAMPLE,
            key="bakgrund_adress",
            help="XYZ och WMTS: en adress med {z}, {x} och {y} (WMTS även {TileMatrix}, "
            "{TileCol} och {TileRow}) i Web Mercator (EPSG:3857). WMS: tjänstens adress.",
        )
        layers = st.text_input(
            "Lager (bara WMS, namn med komma emellan)", current.layers if current else ""
        )
        attribution = st.text_input(
            "Källa som visas på kartan",
            current.attribution if current else "",
            placeholder="t.ex. © Lantmäteriet",
            key="bakgrund_kalla",
        )
        title = st.text_input(
            "Namn i kartans lagerlista", current.title if current else "Bakgrundskarta"
        )
        saved = st.form_submit_button("Spara bakgrundskartan", type="primary")
    if saved:
        try:
            chosen = parse_background_map(kind, url, attribution, layers, title)
            with get_store().session(actor) as s:
                save_background_map(s, chosen)
        except LofteskartanError as exc:
            st.error(plain(exc))
        else:
            _done(chosen.title)
    if current is not None and st.button("Ta bort bakgrundskartan (bara OpenStreetMap)"):
        with get_store().session(actor) as s:
            save_background_map(s, None)
        _done(None)
