"""The administration page's panels for promise files and base layers (uploads)."""

from __future__ import annotations

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
from geo.swedish import count
from ui.progress import progress_bar
from ui.state import get_store
from ui.text import plain, show_table
from ui.uploads import read_upload


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
