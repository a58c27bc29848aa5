"""Streamlit glue for the places page: the drawing map, the forms, the table, the import.

The rules (what a valid place is, the facts in metres, reading files) live in
`geo.records.places` and `geo.files.place_import`; this module reads widgets, calls them and
shows the result. User text goes into widgets, tables (`ui.text.show_table`) and escaped map
tooltips, or through `ui.text.plain()` before anything Streamlit renders as Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import folium
import pandas as pd
import streamlit as st

from geo.errors import LofteskartanError
from geo.files.place_import import (
    ImportPlan,
    PlaceFile,
    PlannedPlace,
    plan_import,
    read_places,
    save_places,
)
from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.records.place_attributes import ATTRIBUTES, SPEED_LIMITS, ValueType, attribute_text
from geo.records.place_facts import WALKING_SPEED_KMH, describe_facts, place_facts, place_row
from geo.records.places import (
    PlaceContext,
    PlaceInput,
    build_place,
    check_geometry,
    check_in_sweden,
    place_warnings,
    validate_place,
)
from geo.spatial.crs import SWEREF99TM, WGS84
from geo.spatial.layers import bounds_of, opening_bounds, place_collections
from geo.spatial.place_search import Hit
from geo.swedish import count
from ui.base_layers import base_layers
from ui.kept_fields import KeptFields
from ui.map_input import input_value, show_input_map
from ui.map_render import show_map
from ui.place_keyboard import chosen_marker
from ui.place_map import drawing_map, places_group, preview_map
from ui.place_payloads import Drawing, clicked_place, drawn_shape
from ui.progress import progress_bar
from ui.state import current_actor, get_store
from ui.text import plain, plain_label, show_table

NONCE = "platser_nonce"
DRAWINGS = "platser_drawings"
FLASH = "platser_flash"
# The id of the place being edited, chosen on the map or in the table (None: a new place).
SELECTED = "platser_vald"
# Bumped when the choice comes from elsewhere than the table: a fresh table drops its old tick.
TABLE_ROUND = "platser_tabellomgang"
HOW_TO_DRAW = {
    "Point": "Klicka på **Sätt ut en punkt** (markören) till vänster på kartan och sedan där "
    "platsen ska vara, eller skriv koordinater eller ett namn i fältet för platsens läge.",
    "Polygon": "Klicka på **Rita en yta** och klicka ut hörnen; stäng ytan genom att klicka på "
    "första punkten.",
    "LineString": "Klicka på **Rita en vandringsrutt**, klicka ut rutten i ordning och avsluta "
    "med **Klar** (eller ett klick på sista punkten).",
}
CLASSIFICATIONS = [c.value for c in Classification]


def nonce() -> int:
    """A counter bumped after every save: new widget keys give fresh forms and maps."""
    return int(st.session_state.setdefault(NONCE, 0))


def _saved(message: str, warnings: list[str] | None = None, place_id: int | None = None) -> None:
    """Remember a message (and the place just saved) for the next run, reset forms and map,
    and rerun."""
    st.session_state[FLASH] = (message, warnings or [], place_id)
    st.session_state[NONCE] = nonce() + 1
    st.session_state.pop(DRAWINGS, None)
    st.session_state.pop(SELECTED, None)
    st.rerun()


def choose(place_id: int | None, *, from_table: bool = False) -> None:
    """Edit the place with this id (None: back to a new place); a callback, before the run."""
    st.session_state[SELECTED] = place_id
    if not from_table:
        st.session_state[TABLE_ROUND] = int(st.session_state.get(TABLE_ROUND, 0)) + 1


# The list of all places sits in a panel that runs only while open; whether it shows retired
# places is kept while it is closed (a retired place chosen there stays open for editing).
LIST = KeptFields("platslista_")


def selected_place(places: list[Place]) -> Place | None:
    """The place chosen on the map or in the table, if it is still stored.

    A retired place (chosen in the table) stays chosen only while the table shows them.
    """
    chosen = st.session_state.get(SELECTED)
    show_retired = bool(LIST.value("avvecklade", False))
    return next(
        (
            p
            for p in places
            if chosen is not None and p.id == chosen and (show_retired or not p.is_retired)
        ),
        None,
    )


def stop_editing_button() -> None:
    """Leave the place being edited and go back to adding a new one."""
    st.button(
        "Lägg till en ny plats i stället", on_click=choose, args=(None,), icon=":material/add:"
    )


def show_flash() -> int | None:
    """The message from the last save, once; the id of the place just saved, if any."""
    if FLASH not in st.session_state:
        return None
    message, warnings, place_id = st.session_state.pop(FLASH)
    st.success(plain(message))  # escaped here, once: it names the place
    for warning in warnings:
        st.warning(plain(warning))
    return place_id


# -- the map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapView:
    """What the drawing map shows: the kommun's base layers and its stored places."""

    base: dict[str, Any]
    attributions: list[str]
    places: list[Place]
    boundary: list[Any]
    kommunkod: str
    # The database and its base layers' stamp: the drawing map is kept while both stay.
    drawn_from: tuple[object, ...] = ()


def load_view(kommunkod: str) -> MapView:
    """Base layers (prepared once, capped for size) and the kommun's places, retired ones too."""
    prepared = base_layers(kommunkod)
    store = get_store()
    with store.session(current_actor()) as s:
        places = s.list_places(include_retired=True, kommunkod=kommunkod)
        stamp = s.base_layer_stamp()
    for note in prepared.notes:
        st.caption(plain(note))
    return MapView(
        prepared.layers,
        prepared.attributions,
        places,
        prepared.boundary,
        kommunkod,
        (store.url, kommunkod, stamp),
    )


def draw_on_map(
    view: MapView, geometry_type: str, focus: Place | None, chosen: Hit | None = None
) -> Drawing:
    """The drawing map; returns what is drawn on it now (from the on_change callback).

    A position `chosen` by keyboard centres the map (a new map, so an older drawing goes) and,
    for a point kind, is the point until something is drawn on the map.
    """
    key = f"platskarta_{geometry_type}_{focus.id if focus else 'ny'}_{nonce()}"
    if chosen is not None:
        key += f"_{chosen.point.x:.1f}_{chosen.point.y:.1f}"
    active = [p for p in view.places if not p.is_retired]
    target = chosen.point if chosen else (focus.geometry if focus else None)
    bounds = bounds_of([target], margin_m=400) if target else opening_bounds(active, view.boundary)

    def build() -> folium.Map:
        group = places_group(place_collections(active))
        if chosen is not None:
            chosen_marker(group, chosen)
        return drawing_map(bounds, view.base, view.attributions, geometry_type, group)

    def remember() -> None:
        # The component has put its value under `key` before calling this.
        value = input_value(key)
        st.session_state.setdefault(DRAWINGS, {})[key] = value.get("all_drawings")
        # A click on a stored place (not on a shape being drawn) opens it for editing.
        clicked = clicked_place(value.get("last_active_drawing"), active)
        if clicked is not None and (focus is None or clicked.id != focus.id):
            choose(clicked.id)

    # The same map as long as the stored places are (a colleague's change redraws it).
    places_now = tuple((p.id, p.version) for p in active)
    show_input_map(
        (key, places_now, view.drawn_from),
        build,
        key=key,
        name="Karta: Platser",
        height=620,
        on_change=remember,
    )
    drawn = drawn_shape(st.session_state.get(DRAWINGS, {}).get(key))
    if drawn.count == 0 and chosen is not None and geometry_type == "Point":
        return Drawing(chosen.point, 1, source=chosen.text)
    return drawn


def drawing_status(
    kind: PlaceKind, drawing: Drawing, context: PlaceContext, current: Place | None = None
) -> bool:
    """Show what is drawn (facts, warnings, problems); True when it can be saved.

    With nothing drawn it says how to draw, or (editing) shows the stored place's facts.
    """
    if drawing.problem:
        st.error(plain(drawing.problem))
        return False
    if drawing.geometry is None:
        if current is not None:
            lines = describe_facts(place_facts(kind, current.geometry, context.tatorter))
            if lines:
                st.info(" · ".join(plain(line) for line in lines))
        else:
            st.info(HOW_TO_DRAW[kind.geometry_type])
        return False
    if drawing.count > 1:
        st.warning(
            f"Det finns {drawing.count:d} ritade former; den senaste används. Ta bort de andra "
            "med papperskorgen på kartan."
        )
    try:
        geom = check_geometry(kind, drawing.geometry)
        check_in_sweden(geom)
    except LofteskartanError as exc:
        st.error(plain(exc))
        return False
    lines = describe_facts(place_facts(kind, geom, context.tatorter))
    facts = " · ".join(plain(line) for line in lines)
    where = f"Läget: {plain(drawing.source)}." if drawing.source else "Ritat på kartan."
    st.success(f"{where} {facts}" if lines else where)
    for warning in place_warnings(geom, context):
        st.warning(plain(warning))
    return True


# -- forms -----------------------------------------------------------------------------


def _attribute_inputs(kind: PlaceKind, place: Place | None, key: str) -> dict[str, Any]:
    """One input per attribute of the kind, prefilled from `place`."""
    values: dict[str, Any] = {}
    for spec in ATTRIBUTES[kind]:
        current = place.attributes.get(spec.key) if place else None
        widget_key = f"{key}_{spec.key}"
        if spec.type is ValueType.SPEED:
            options: list[int | None] = [None, *SPEED_LIMITS]
            values[spec.key] = st.selectbox(
                spec.label,
                options,
                index=options.index(current) if current in options else 0,
                format_func=lambda v: "–" if v is None else f"{v} km/h",
                key=widget_key,
                help=plain(spec.help) if spec.help else None,
            )
        elif spec.type is ValueType.WEIGHT:
            values[spec.key] = st.number_input(
                spec.label,
                min_value=0.0,
                value=float(current) if current is not None else None,
                step=0.5,
                key=widget_key,
                help=plain(spec.help) if spec.help else None,
                placeholder="1",
            )
        elif spec.type is ValueType.STOPS:
            text = st.text_area(
                spec.label,
                "\n".join(current or []) if place else "",
                key=widget_key,
                help=plain(spec.help) if spec.help else None,
                placeholder="Torget\nSkolan\nStationen",
            )
            values[spec.key] = text
        else:
            values[spec.key] = st.text_input(
                spec.label,
                attribute_text(spec, current),
                key=widget_key,
                help=plain(spec.help) if spec.help else None,
                placeholder=f"t.ex. {spec.example}" if spec.example else "",
            )
    return values


def place_form(
    kind: PlaceKind,
    drawing: Drawing,
    context: PlaceContext,
    kommunkod: str,
    place: Place | None = None,
) -> None:
    """The attribute form: a new place (place=None, made for `kommunkod`'s promise) or changes
    to a stored one."""
    key = f"{'andra_' + str(place.id) if place else 'ny_' + kind.value}_{nonce()}"
    with st.form(key, border=True):
        name = st.text_input("Namn", place.name if place else "", key=f"{key}_namn", max_chars=200)
        attributes = _attribute_inputs(kind, place, key)
        current = place.classification.value if place else Classification.INTERNAL.value
        classification = st.selectbox(
            "Klassning",
            CLASSIFICATIONS,
            index=CLASSIFICATIONS.index(current),
            key=f"{key}_klassning",
            help="öppen får visas för allmänheten; intern och sekretess aldrig.",
        )
        note = st.text_area(
            "Anteckning (intern)", place.note if place else "", key=f"{key}_anteckning"
        )
        use_drawing = place is None or drawing.geometry is not None
        if place is not None:
            st.caption(
                "Rita en ny form på kartan (en punkt kan också flyttas med fältet för "
                "platsens läge) för att flytta platsen eller ändra dess form; annars behålls "
                "den nuvarande."
            )
        submitted = st.form_submit_button(
            "Spara ändringar" if place else "Spara plats", type="primary"
        )
    if not submitted:
        return
    geometry = drawing.geometry if use_drawing else (place.geometry if place else None)
    values = PlaceInput(kind, name, classification, note, attributes)
    try:
        built = build_place(values, geometry, base=place)
        warnings = validate_place(built, context)
        with get_store().session(current_actor()) as s:
            stored = s.add_place(built, kommunkod) if place is None else s.update_place(built)
    except LofteskartanError as exc:
        st.error(plain(exc))
        return
    verb = "sparades" if place is None else "ändrades"
    _saved(f"{kind.label} ”{built.name}” {verb}.", warnings, stored.id)


def retire_panel(place: Place) -> None:
    """Take a place out of use (its history stays), behind a confirmation."""
    with st.expander("Avveckla platsen"):
        st.write(
            "En avvecklad plats visas inte längre på kartan, men allt som loggats mot den "
            "finns kvar."
        )
        sure = st.checkbox("Ja, avveckla platsen", key=f"avveckla_ok_{place.id}_{nonce()}")
        if st.button("Avveckla", disabled=not sure, key=f"avveckla_{place.id}_{nonce()}"):
            try:
                assert place.id is not None
                with get_store().session(current_actor()) as s:
                    s.retire_place(place.id, place.version)
            except LofteskartanError as exc:
                st.error(plain(exc))
                return
            _saved(f"”{place.name}” avvecklades. Historiken finns kvar.")


# -- the table ------------------------------------------------------------------------


def places_table(places: list[Place], context: PlaceContext) -> None:
    """Every place with its facts; selecting a row opens the place for editing."""
    st.caption(
        "Fakta räknas i meter (SWEREF 99 TM). Gångtiden gäller "
        f"{WALKING_SPEED_KMH:g} km/h; avståndet är till SCB:s tätortspunkt."
    )
    show_retired = st.toggle(
        "Visa avvecklade platser",
        LIST.value("avvecklade", False),
        **LIST.field("avvecklade"),
    )
    LIST.keep()
    shown = [p for p in places if show_retired or not p.is_retired]
    if not shown:
        st.caption("Inga platser än. Rita den första på kartan ovan.")
        return
    rows = [place_row(p, context.tatorter) for p in shown]
    key = f"platstabell_{show_retired}_{nonce()}_{st.session_state.get(TABLE_ROUND, 0)}"

    def chosen_row() -> None:
        picked = st.session_state[key].selection.rows
        choose(shown[picked[0]].id if picked else None, from_table=True)

    show_table(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        on_select=chosen_row,
        selection_mode="single-row",
        key=key,
        column_config={"Fakta": st.column_config.TextColumn(width="large")},
    )


# -- import ------------------------------------------------------------------------------

CRS_CHOICES = {
    "": "Som filen anger (CSV: som talen visar)",
    WGS84: "WGS 84",
    SWEREF99TM: "SWEREF 99 TM",
}


def import_panel(context: PlaceContext, view: MapView) -> None:
    """Upload a file, see where its places land and what was detected, then import."""
    upload = st.file_uploader(
        "Fil med platser (CSV som Excel sparar den, GeoJSON eller GeoPackage)",
        type=["csv", "txt", "geojson", "json", "gpkg"],
        key=f"platsfil_{nonce()}",
        help="Kolumnerna beskrivs i README och i mallen data/templates/platser.csv.",
    )
    if upload is None:
        return
    crs = st.selectbox(
        "Koordinatsystem",
        list(CRS_CHOICES),
        format_func=CRS_CHOICES.__getitem__,
        key=f"platsfil_crs_{nonce()}",
    )
    try:
        result = read_places(upload.getvalue(), upload.name, crs or None, context)
        # Which rows are new and which change a stored place (an export's `id`), before
        # the user confirms; rows that cannot be applied show here, not after the click.
        with get_store().session(current_actor()) as s:
            plan = plan_import(s, result.places, result.name, view.kommunkod)
    except LofteskartanError as exc:
        st.error(plain(exc))
        return
    _preview(result, plan, context, view)
    confirmed = st.checkbox(
        f"Koordinatsystemet ({plain_label(result.crs_label)}) stämmer och platserna ligger rätt på "
        "kartan",
        key=f"platsfil_ok_{nonce()}",
    )
    if st.button(
        f"Importera {count(len(result.places), 'plats', 'platser')}",
        type="primary",
        disabled=not confirmed,
        key=f"platsfil_importera_{nonce()}",
    ):
        try:
            with get_store().session(current_actor()) as s:
                saved = save_places(
                    s,
                    result.places,
                    result.name,
                    view.kommunkod,
                    progress_bar("Sparar platserna …"),
                )
        except LofteskartanError as exc:
            st.error(plain(exc))
            return
        _saved(saved.summary(result.name))


def _change_text(row: PlannedPlace) -> str:
    """What importing the row does, for the preview table: ändras (namn, hastighet)."""
    return row.change.value + (f" ({', '.join(row.fields)})" if row.fields else "")


def _preview(result: PlaceFile, plan: ImportPlan, context: PlaceContext, view: MapView) -> None:
    st.markdown(
        f"**{count(len(result.places), 'plats', 'platser')}** i {plain(result.name)} "
        f"({plain(result.format)}). "
        f"Koordinatsystem: **{plain(result.crs_label)}** – {plain(result.crs_reason)}."
    )
    st.markdown(f"Vid import: {plain(plan.describe())}.")
    for note in result.notes:
        st.caption(plain(note))
    for warning in result.warnings:
        st.warning(plain(warning))
    places = [p.place for p in result.places]
    rows = [
        {"Rad": r.item.where, "Vid import": _change_text(r)}
        | place_row(r.item.place, context.tatorter)
        for r in plan.rows
    ]
    show_table(pd.DataFrame(rows).drop(columns="Status"), hide_index=True, width="stretch")
    show_map(
        # A wide margin, so a single point is seen against the kommun and tätorter.
        preview_map(
            bounds_of([p.geometry for p in places], margin_m=2000),
            place_collections(places),
            view.base,
        ),
        name="Karta: Platser i filen",
        height=350,
    )
