"""Streamlit glue for the log page: the quick-log form, findings follow-up, the kommun's figures.

The quick-log form is built for a phone in the field: one column, a picker for what was
planned, the three or four counts that matter for the kind, and everything else folded away.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import folium
import streamlit as st
from shapely.geometry import Point

from geo.files.photos import Photo
from geo.planning.schedule import plan_label, plans_to_log, short_when
from geo.planning.use_cases import (
    add_finding,
    cancel_planned,
    change_finding,
    log_activity,
    save_indicator,
)
from geo.records.kinds import CommitmentKind, Kind
from geo.records.models import STOCKHOLM, Activity, Finding, FindingStatus, Indicator, PlaceKind
from geo.records.outcomes import (
    FINDING_CATEGORIES,
    FINDING_OWNERS,
    FINDING_STATUS_SV,
    INDICATORS,
    ORGANISATION_TYPES,
    fields_for,
    is_overdue,
    quick_fields,
    term_of,
)
from geo.records.periods import Period
from geo.records.promise import PromiseDocument
from geo.records.recurrence import local_time
from geo.spatial.crs import lonlat_to_sweref
from geo.spatial.layers import bounds_of, place_collections
from geo.store import Session
from geo.swedish import count, today
from ui.background import stored_background
from ui.finding_photos import forget_photo, photo_picker, stored_photo
from ui.map_input import ReportClicks, input_value, show_input_map
from ui.maps import add_place_layer, new_map
from ui.place_keyboard import FINDING_SEARCH, forget_hits, keyboard_position
from ui.planning import (
    FINDING_FORM,
    Schedule,
    commitment_picker,
    form_key,
    kind_picker,
    place_picker,
    week_bounds,
    write,
)
from ui.state import current_actor, get_store
from ui.text import plain, plain_label, show_table

K = CommitmentKind


def _count_inputs(kind: Kind) -> dict[str, float]:
    """Number fields for the kind: the quick ones first, the rest under "Fler fält"."""
    quick = quick_fields(kind)
    fields = [f for f in fields_for(kind) if not f.name.startswith("org_")]
    values: dict[str, float] = {}

    def field(f: Any, where: Any) -> None:
        value = where.number_input(
            f.label,
            min_value=0.0 if not f.integer else 0,
            value=None,
            step=0.25 if not f.integer else 1,
            key=f"ql_{kind.value}_{f.name}",
            help=plain(f.help) if f.help else None,
            placeholder="–",
        )
        if value is not None:
            values[f.name] = value

    for f in fields:
        if f.name in quick:
            field(f, st)
    rest = [f for f in fields if f.name not in quick]
    if rest:
        with st.expander("Fler fält"):
            for f in rest:
                field(f, st)
    return values


def quick_log(doc: PromiseDocument, schedule: Schedule, day: date, year: Period) -> None:
    """Mark a planned activity done with its outcome, or log one that was not planned, in
    the follow-up year `year`."""
    mode = st.radio("Vad vill du logga?", ["Planerad", "Oplanerad"], horizontal=True, key="ql_mode")
    plan = None
    commitment_id: str | None = None
    if mode == "Planerad":
        due = plans_to_log(schedule.plans, datetime.now(STOCKHOLM))
        if not due:
            st.info("Inget planerat att logga under det valda uppföljningsåret.")
            return
        group_of = {p.id: group for group, p in due}
        by_id = {p.id: p for _, p in due}
        chosen = st.selectbox(
            "Planerad aktivitet",
            list(by_id),
            format_func=lambda i: f"{group_of[i]}: {plan_label(by_id[i], schedule.places)}",
            key="ql_plan",
        )
        plan = by_id[chosen]
        kind, start, end, place_id = plan.kind, plan.start, plan.end, plan.place_id
        classification = plan.classification
    else:
        kind = kind_picker(doc, "ql_kind")
        commitment_id = commitment_picker(doc, kind, f"ql_commitment_{kind.value}")
        walk = kind is K.SAFETY_WALK
        place = place_picker(
            schedule.places,
            "Rutt som gicks" if walk else "Plats",
            f"ql_place_{kind.value}",
            (PlaceKind.WALK_ROUTE,) if walk else (),
        )
        place_id = place.id if place else None
        when = st.date_input("Datum", value=day, key="ql_day", format="YYYY-MM-DD")
        c1, c2 = st.columns(2)
        t0 = c1.time_input("Från kl.", value=time(13), step=900, key="ql_from")
        t1 = c2.time_input("Till kl.", value=time(15), step=900, key="ql_to")
        start = local_time(when, t0)
        end = local_time(when + timedelta(days=1) if t1 <= t0 else when, t1)
        classification = kind.default_classification
    st.caption(f"{plain(kind.label)} · {short_when(start, end)}")  # a promise names its own kinds
    values = _count_inputs(kind)
    if kind in (K.COORDINATION_MEETING, K.EST):
        present = st.multiselect(
            "Organisationer närvarande",
            list(ORGANISATION_TYPES),
            format_func=lambda c: ORGANISATION_TYPES[c],
            key=f"ql_orgs_{kind.value}",
            placeholder="Välj",
        )
        values |= {f"org_{c}": 1 for c in present}
    label = (
        "Beslut och anteckning (internt)"
        if kind in (K.COORDINATION_MEETING, K.EST)
        else ("Anteckning (intern, inga namn)")
    )
    note = st.text_area(label, key="ql_note", height=80)
    c1, c2 = st.columns(2)
    if c1.button("Spara", type="primary", key="ql_save", width="stretch"):
        activity = Activity(
            kind,
            start,
            end,
            place_id=place_id,
            outcome=values,
            classification=classification,
            note=note,
            commitment_id=plan.commitment_id if plan else commitment_id,
        )

        def save(s: Session) -> str:
            stored = log_activity(s, activity, doc.id, planned=plan, year=year)
            return f"Loggat: {kind.label} {short_when(stored.start, stored.end)}."

        write(save)
    if plan is not None and c2.button("Ställ in", key="ql_cancel", width="stretch"):
        write(lambda s: f"Inställt: {plan_label(cancel_planned(s, plan), schedule.places)}.")


# -- findings -------------------------------------------------------------------------------


def findings_panel(doc: PromiseDocument, schedule: Schedule, day: date) -> None:
    """Findings from safety walks, followed until closed; new findings placed on the map."""
    with get_store().session(current_actor()) as s:
        findings = s.list_findings(document_id=doc.id)
        thumbnails = s.finding_thumbnails(f.id for f in findings if f.has_photo and f.id)
    statuses = st.multiselect(
        "Status",
        list(FindingStatus),
        default=[FindingStatus.OPEN, FindingStatus.IN_PROGRESS],
        format_func=lambda x: FINDING_STATUS_SV[x],
        key="fd_status",
        placeholder="Välj",
    )
    shown = [f for f in findings if f.status in statuses]
    overdue = sum(is_overdue(f, today()) for f in shown)
    st.caption(
        f"{count(len(shown), 'iakttagelse', 'iakttagelser')} visas, "
        f"{overdue:d} har passerat sitt datum."
    )
    for f in shown:
        late = " · :red[försenad]" if is_overdue(f, today()) else ""
        # Category and owner may be a file's own words (imported findings), not only ours.
        title = (
            f"{plain(FINDING_CATEGORIES.get(f.category, f.category))}: "
            f"{plain(f.action or f.description)} "
            f"· {plain(FINDING_OWNERS.get(f.owner, f.owner or '–'))} · "
            f"{plain(f.due or 'inget datum')} · "
            f"{FINDING_STATUS_SV[f.status]}{' · :material/photo_camera:' if f.has_photo else ''}"
            f"{late}"
        )
        with st.expander(title):
            st.text(f.description or "–")  # a note of several lines, shown as typed
            if f.id in thumbnails:
                stored_photo(f, thumbnails[f.id])
            photo_key = f"fd_photo_{f.id}"
            choice = photo_picker(photo_key, "Byt foto" if f.has_photo else "Lägg till foto")
            new_status = st.selectbox(
                "Ny status",
                list(FindingStatus),
                index=list(FindingStatus).index(f.status),
                format_func=lambda x: FINDING_STATUS_SV[x],
                key=f"fd_new_{f.id}",
            )
            action = st.text_input("Åtgärd", value=f.action, key=f"fd_action_{f.id}")
            if st.button("Spara ändring", key=f"fd_save_{f.id}", disabled=choice.error is not None):
                write(_change(f, new_status, action, choice.photo, photo_key))
    st.divider()
    _new_finding(schedule)


def _change(
    finding: Finding, status: FindingStatus, action: str, photo: Photo | None, photo_key: str
) -> Any:
    """The save action for one finding's follow-up (and its new photo, if one was picked)."""

    def save(s: Session) -> str:
        changed = finding
        said = []
        if photo is None or (status, action) != (finding.status, finding.action):
            changed = change_finding(s, finding, status=status, action=action)
            said.append(f"Iakttagelsen är nu {FINDING_STATUS_SV[changed.status].lower()}.")
        if photo is not None:
            s.set_finding_photo(changed, photo)
            forget_photo(photo_key)
            said.append("Fotot är bytt." if finding.has_photo else "Fotot är sparat.")
        return " ".join(said)

    return save


def _new_finding(schedule: Schedule) -> None:
    """Record a finding from a logged safety walk, placed by a click on the map or by
    keyboard."""
    st.markdown("**Ny iakttagelse**")
    walks = {a.id: a for a in schedule.activities if a.kind is K.SAFETY_WALK}
    if not walks:
        st.caption("Logga en trygghetsvandring först.")
        return
    # The walk stays chosen after a save (the next finding is often from the same walk);
    # the rest of the form starts afresh (`write(..., fresh=FINDING_FORM)`).
    walk_id = st.selectbox(
        "Trygghetsvandring",
        list(walks),
        format_func=lambda i: short_when(walks[i].start, walks[i].end),
        key="fd_walk",
    )
    position_key, map_key = _finding("lage"), _finding("map")
    active = [p for p in schedule.places.values() if not p.is_retired]
    routes = [p for p in active if p.kind is PlaceKind.WALK_ROUTE]
    bounds = bounds_of([r.geometry for r in routes], margin_m=250) or week_bounds(schedule)
    # The keyboard's way to the map's click (WCAG 2.1.1): coordinates or a stored place's
    # name. Whichever came last is used: a click forgets what was typed.
    typed = keyboard_position(position_key, FINDING_SEARCH, active)

    background = stored_background()

    def build() -> folium.Map:
        m = new_map(bounds, background=background)
        if routes:
            add_place_layer(
                m,
                place_collections(routes)[PlaceKind.WALK_ROUTE],
                "Vandringsrutt",
                PlaceKind.WALK_ROUTE,
            )
        ReportClicks().add_to(m)
        return m

    clicked = input_value(map_key).get("last_clicked")
    where = typed.lat_lon if typed else (clicked["lat"], clicked["lng"]) if clicked else None
    # The same map (its view, the ring moved in it) while the routes and the database stay.
    routes_now = tuple((r.id, r.version) for r in routes)
    show_input_map(
        (get_store().url, routes_now, bounds, background),
        build,
        key=map_key,
        name="Karta: Ny iakttagelse",
        height=350,
        on_change=lambda: forget_hits(position_key),
        ring=where,
    )
    point = None
    if where is not None:
        point = typed.point if typed else Point(*lonlat_to_sweref(where[1], where[0]))
        st.caption(f"Vald punkt: {where[0]:.5f}, {where[1]:.5f}")
    else:
        st.caption("Klicka i kartan där iakttagelsen gjordes, eller skriv läget ovanför.")
    c1, c2 = st.columns(2)
    category = c1.selectbox(
        "Kategori",
        list(FINDING_CATEGORIES),
        format_func=lambda c: FINDING_CATEGORIES[c],
        key=_finding("cat"),
    )
    owner = c2.selectbox(
        "Ägare",
        list(FINDING_OWNERS),
        format_func=lambda c: FINDING_OWNERS[c],
        key=_finding("owner"),
    )
    description = st.text_input("Vad sågs (inga namn)", key=_finding("desc"))
    action = st.text_input("Åtgärd", key=_finding("action"))
    due = st.date_input(
        "Klart senast", value=today() + timedelta(days=60), key=_finding("due"), format="YYYY-MM-DD"
    )
    choice = photo_picker("fd_new_photo", "Foto (valfritt)")
    if st.button("Spara iakttagelse", key=_finding("add"), disabled=choice.error is not None):
        finding = Finding(walk_id, category, point, description, action, owner, due)

        def save(s: Session) -> str:
            stored = add_finding(s, finding, choice.photo)
            if choice.photo is not None:
                forget_photo("fd_new_photo")
            with_photo = " med foto" if stored.has_photo else ""
            category = FINDING_CATEGORIES[stored.category].lower()
            return f"Iakttagelse sparad{with_photo} ({category})."

        write(save, fresh=FINDING_FORM)


def _finding(field: str) -> str:
    """The key of the new finding's `field` now."""
    return form_key(FINDING_FORM, field)


# -- the kommun's figures -------------------------------------------------------------------


def indicators_panel(doc: PromiseDocument, day: date) -> None:
    """ANDT and school attendance: the kommun's figures per term."""
    st.caption("Kommunens nyckeltal per termin (VT = vår, HT = höst). Bara sammanräknade tal.")
    c1, c2, c3 = st.columns([3, 1, 1])
    name = c1.selectbox(
        "Nyckeltal", list(INDICATORS), format_func=lambda n: INDICATORS[n].label, key="ind_name"
    )
    term = c2.text_input("Termin", value=term_of(day), key="ind_term")
    value = c3.number_input(
        f"Värde ({plain_label(INDICATORS[name].unit)})",
        min_value=0.0,
        value=None,
        key="ind_value",
        placeholder="–",
    )
    if st.button("Spara nyckeltal", key="ind_save"):
        if value is None:
            st.error("Skriv ett värde.")
        else:
            figure = Indicator(doc.kommunkod, name, term, float(value))
            write(lambda s: f"Sparat: {INDICATORS[name].label} {save_indicator(s, figure).term}.")
    with get_store().session(current_actor()) as s:
        figures = s.list_indicators(doc.kommunkod)
    if figures:
        show_table(
            [
                {
                    "Nyckeltal": INDICATORS[i.indicator].label
                    if i.indicator in INDICATORS
                    else i.indicator,
                    "Termin": i.term,
                    "Värde": i.value,
                    "Enhet": i.unit,
                }
                for i in figures
            ],
            hide_index=True,
            width="stretch",
        )
