"""Streamlit glue for the planning and log pages: loading, forms, previews, downloads.

The rules live in `geo` (recurrence, schedule, random_plan, outcomes, publish, planning);
this module only reads widgets, calls them and shows the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import streamlit as st

from geo.disclosure.audience import Audience
from geo.disclosure.publish import (
    calendar_feed,
    opening_hours,
    public_times,
    visible_classifications,
)
from geo.errors import LofteskartanError
from geo.planning.random_plan import RESEARCH_NOTE, RandomPlanSpec, TimeWindow, generate, new_seed
from geo.planning.schedule import describe_rule, find_conflicts, planned_from_rule, short_when
from geo.planning.use_cases import save_random_plan, save_recurring, save_single
from geo.records.kinds import Classification, CommitmentKind, Kind
from geo.records.models import (
    Activity,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
    ScheduleRule,
    with_promise_kinds,
)
from geo.records.periods import Period, nearest_day
from geo.records.promise import PromiseDocument
from geo.records.recurrence import ORDINALS_SV, WEEKDAYS_SV, Frequency, RecurrenceRule, local_time
from geo.spatial.layers import bounds_of
from geo.store import Session
from geo.swedish import count, today
from ui.state import current_actor, get_store
from ui.text import plain, plain_label, show_table

FLASH = "lofteskartan_flash"
PLANNING_PAGE = Path(__file__).resolve().parents[1] / "pages" / "3_Planering.py"
# Forms that start afresh after a save (`write(..., fresh=...)`): Planering's plan form and
# Logga's new finding. Their fields' keys start with the form's name and its round.
PLAN_FORM = "pf"
FINDING_FORM = "fd"


def round_key(form: str) -> str:
    """Where `form`'s round is kept."""
    return f"{form}_omgang"


def form_key(form: str, field: str, round_: int | None = None) -> str:
    """The key of `form`'s `field` in the form's round now, or in `round_` (`pf0_kind`, after
    a save `pf1_kind`).

    New keys are new fields in the browser too. Deleting the old keys' values reset the
    fields in Python only: the browser kept a radio's old choice on screen, and the plan form
    showed "Varje vecka" over the fields of a one-off plan.
    """
    if round_ is None:
        round_ = int(st.session_state.get(round_key(form), 0))
    return f"{form}{round_}_{field}"


def _plan(field: str) -> str:
    """The key of the plan form's `field` now."""
    return form_key(PLAN_FORM, field)


@dataclass(frozen=True)
class Schedule:
    """What the planning page shows for one promise year."""

    places: dict[int, Place]
    plans: list[PlannedActivity]
    activities: list[Activity]
    rules: list[ScheduleRule]


def load_schedule(
    doc: PromiseDocument, period: Period, activities: bool = True, kind: Kind | None = None
) -> Schedule:
    """Places, plans, logged activities and rules for the promise year.

    `activities=False` reads no logged activity, `kind` only those of one kind. At a police
    region's 100,000 activities, reading them all cost a view that shows none of them
    (Logga's quick log, Planering's form and list) several seconds (issue 16).
    """
    with get_store().session(current_actor()) as s:
        places = s.places_by_id(doc.kommunkod)
        plans = s.list_planned(period.start_at, period.end_at, document_id=doc.id)
        logged = (
            s.list_activities(period.start_at, period.end_at, kind=kind, document_id=doc.id)
            if activities
            else []
        )
        rules = s.list_schedule_rules(doc.id)
    # Own kinds by their `namn` in Logga's lists and the calendar, not by their code.
    return Schedule(places, with_promise_kinds(plans, doc), with_promise_kinds(logged, doc), rules)


def with_activities(schedule: Schedule, doc: PromiseDocument, period: Period) -> Schedule:
    """The schedule with the year's logged activities, for the views that show them."""
    with get_store().session(current_actor()) as s:
        logged = s.list_activities(period.start_at, period.end_at, document_id=doc.id)
    return replace(schedule, activities=with_promise_kinds(logged, doc))


def reference_day(period: Period) -> date:
    """Today (Stockholm), or the nearest day of the chosen follow-up year outside it."""
    return nearest_day(period, today())


def write(action: Callable[[Session], str], fresh: str | None = None) -> None:
    """Run `action` in one unit of work; show its message after the rerun, or the error.

    After a save, the form `fresh` starts its next round (see `form_key`) with every field
    at its default: a form that kept its values invited a second click that saved a copy.
    """
    try:
        with get_store().session(current_actor()) as s:
            message = action(s)
    except LofteskartanError as exc:
        st.error(plain(exc))
        return
    st.session_state[FLASH] = message
    if fresh:
        st.session_state[round_key(fresh)] = int(st.session_state.get(round_key(fresh), 0)) + 1
    st.rerun()


def plan_here_button(place: Place, doc: PromiseDocument, key: str) -> None:
    """ "Planera här": Planering's form, opened with this place and the kind planned there.

    The core loop (a place → a plan there) took a detour through a view among six and a
    kind that defaulted to Närvaro.
    """
    if not st.button("Planera här", key=key, icon=":material/event:"):
        return
    st.session_state["plan_view"] = "Planera"
    st.session_state[_plan("place")] = place.id
    kind = place.kind.planned_kind
    if any(c.kind == kind for c in doc.commitments):
        st.session_state[_plan("kind")] = kind
    st.switch_page(PLANNING_PAGE)


def show_flash() -> None:
    """The message of the last save, once (escaped here: it may name a place or a team)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(plain(message))


def place_picker(
    places: dict[int, Place], label: str, key: str, kinds: tuple[PlaceKind, ...] = ()
) -> Place | None:
    """A select box of active places (optionally of some kinds), with "Ingen plats" first."""
    options: list[int | None] = [None] + [
        pid
        for pid, p in sorted(places.items(), key=lambda kv: kv[1].name)
        if not p.is_retired and (not kinds or p.kind in kinds)
    ]
    chosen = st.selectbox(
        plain_label(label),
        options,
        format_func=lambda pid: "Ingen plats" if pid is None else places[pid].name,
        key=key,
    )
    return None if chosen is None else places[chosen]


def kind_picker(doc: PromiseDocument, key: str) -> Kind:
    """The kinds the promise has, in its order, with Swedish labels."""
    kinds = list(dict.fromkeys(c.kind for c in doc.commitments))
    return st.selectbox("Typ", kinds, format_func=lambda k: k.label, key=key)


def commitment_picker(doc: PromiseDocument, kind: Kind, key: str) -> str | None:
    """The commitment an activity serves: chosen only when the promise has several of a kind."""
    commitments = doc.commitments_of_kind(kind)
    if len(commitments) <= 1:
        return commitments[0].id if commitments else None
    by_id = {c.id: c for c in commitments}
    return st.selectbox(
        "Aktivitet i löftet", list(by_id), format_func=lambda i: by_id[i].text, key=key
    )


def _dates(text: str) -> tuple[date, ...]:
    """Comma- or space-separated ISO dates; ValueError with the bad one."""
    out = []
    for part in text.replace(",", " ").split():
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            raise ValueError(f'"{part}" är inget datum (ÅÅÅÅ-MM-DD)') from None
    return tuple(out)


# -- plan one or many -----------------------------------------------------------------------


def plan_form(doc: PromiseDocument, schedule: Schedule, day: date, year: Period) -> None:
    """Plan one activity or a recurring one in `year`, preview its dates and conflicts, save."""
    kind = kind_picker(doc, _plan("kind"))
    commitment_id = commitment_picker(doc, kind, _plan(f"commitment_{kind.value}"))
    place = place_picker(schedule.places, "Plats", _plan("place"))
    left, right = st.columns(2)
    team = left.text_input("Ansvarig grupp", key=_plan("team"), placeholder="t.ex. Närpolis")
    classification = right.selectbox(
        "Klassning",
        list(Classification),
        index=list(Classification).index(kind.default_plan_classification),
        format_func=lambda c: c.value,
        key=_plan(f"cls_{kind.value}"),
        help="Bara öppen närvaro publiceras på webbplatsen och i den publika kalendern.",
    )
    repeat = st.radio(
        "Upprepa",
        ["En gång", "Varje vecka", "Varje månad"],
        horizontal=True,
        key=_plan("repeat"),
    )
    c1, c2, c3 = st.columns(3)
    first = c1.date_input(
        "Datum" if repeat == "En gång" else "Första dag",
        value=day,
        key=_plan("day"),
        format="YYYY-MM-DD",
    )
    start = c2.time_input("Från kl.", value=time(13), step=900, key=_plan("start"))
    end = c3.time_input("Till kl.", value=time(15), step=900, key=_plan("end"))
    note = st.text_input("Anteckning (intern, inga namn)", key=_plan("note"))
    try:
        if repeat == "En gång":
            occ_start = local_time(first, start)
            occ_end = local_time(first + timedelta(days=1) if end <= start else first, end)
            plans = [
                PlannedActivity(
                    kind,
                    occ_start,
                    occ_end,
                    commitment_id,
                    place.id if place else None,
                    team=team,
                    classification=classification,
                    note=note,
                )
            ]
            rule = None
        else:
            rule = _rule_widgets(repeat, first, start, end, year)
            plans, expansion = planned_from_rule(
                rule,
                kind,
                place_id=place.id if place else None,
                commitment_id=commitment_id,
                team=team,
                classification=classification,
                note=note,
            )
            st.info(plain(describe_rule(rule, place)) + f" **{len(plans)} tillfällen.**")
            if expansion.skipped:
                st.caption(
                    "Hoppar över: "
                    + ", ".join(f"{s.day:%Y-%m-%d} ({plain(s.reason)})" for s in expansion.skipped)
                )
    except (LofteskartanError, ValueError) as exc:
        st.error(plain(exc))
        return
    new = {id(p) for p in plans}
    clashes = [
        c
        for c in find_conflicts([*schedule.plans, *plans])
        if id(c.first) in new or id(c.second) in new
    ]
    for c in clashes[:10]:
        st.warning(f"Krock: {plain(c.text)}")
    if st.button("Spara planering", type="primary", key=_plan("save")):

        def save(s: Session) -> str:
            if rule is None:
                save_single(s, plans[0], doc.id, year)
                return f"Planerat: {kind.label} {short_when(plans[0].start, plans[0].end)}."
            saved = save_recurring(
                s,
                rule,
                kind,
                doc.id,
                place=place,
                commitment_id=commitment_id,
                team=team,
                classification=classification,
                note=note,
                year=year,
            )
            return f"Sparat: {saved.rule.description} {len(saved.planned)} tillfällen planerade."

        write(save, fresh=PLAN_FORM)


def _rule_widgets(repeat: str, first: date, start: time, end: time, year: Period) -> RecurrenceRule:
    """The weekly or monthly part of the form, as a rule."""
    c1, c2 = st.columns(2)
    last = c1.date_input(
        "Sista dag",
        value=nearest_day(year, first + timedelta(weeks=12)),
        key=_plan("last"),
        format="YYYY-MM-DD",
    )
    if repeat == "Varje vecka":
        weekdays = c2.multiselect(
            "Veckodagar",
            list(range(7)),
            default=[first.weekday()],
            format_func=lambda d: WEEKDAYS_SV[d],
            key=_plan("weekdays"),
            placeholder="Välj",
        )
        interval = st.number_input("Var n:te vecka", 1, 8, 1, key=_plan("interval"))
        extra: dict[str, Any] = {"weekdays": tuple(weekdays), "interval": int(interval)}
        frequency = Frequency.WEEKLY
    else:
        nth = c2.selectbox(
            "Vilken i månaden",
            list(ORDINALS_SV),
            format_func=lambda n: ORDINALS_SV[n],
            key=_plan("nth"),
        )
        weekday = st.selectbox(
            "Veckodag",
            list(range(7)),
            index=first.weekday(),
            format_func=lambda d: WEEKDAYS_SV[d],
            key=_plan("weekday"),
        )
        extra = {"nth": int(nth), "weekday": int(weekday)}
        frequency = Frequency.MONTHLY
    skip = st.checkbox(
        "Inte på helgdagar (och jul-, nyårs- och midsommarafton)", True, key=_plan("skip")
    )
    cancelled = _dates(
        st.text_input("Inställda datum (ÅÅÅÅ-MM-DD, flera med komma)", key=_plan("cancelled"))
    )
    return RecurrenceRule(
        frequency, first, last, start, end, cancelled=cancelled, skip_holidays=skip, **extra
    )


# -- randomised presence --------------------------------------------------------------------

DEFAULT_WINDOWS = (
    (4, time(20), time(23, 30)),
    (5, time(20), time(23, 30)),
    (2, time(15), time(18)),
)


def random_form(doc: PromiseDocument, schedule: Schedule, day: date, year: Period) -> None:
    """Choose places, windows and numbers; preview the drawn plan; save it with its seed."""
    st.caption(RESEARCH_NOTE)
    spots = [
        pid
        for pid, p in schedule.places.items()
        if not p.is_retired and p.kind in (PlaceKind.INTERVENTION_PLACE, PlaceKind.CENTRAL_AREA)
    ]
    place_ids = st.multiselect(
        "Platser",
        [pid for pid, p in schedule.places.items() if not p.is_retired],
        default=spots,
        format_func=lambda pid: schedule.places[pid].name,
        key="rp_places",
        placeholder="Välj",
    )
    windows = []
    for i, (wd, start, end) in enumerate(DEFAULT_WINDOWS):
        c0, c1, c2, c3 = st.columns([1, 2, 2, 2])
        use = c0.checkbox("Använd", value=i < 2, key=f"rp_use{i}")
        weekday = c1.selectbox(
            "Veckodag",
            list(range(7)),
            index=wd,
            format_func=lambda d: WEEKDAYS_SV[d],
            key=f"rp_wd{i}",
        )
        w_start = c2.time_input("Från kl.", start, step=900, key=f"rp_from{i}")
        w_end = c3.time_input("Till kl.", end, step=900, key=f"rp_to{i}")
        if use:
            windows.append((int(weekday), w_start, w_end))
    c1, c2, c3 = st.columns(3)
    first = c1.date_input("Första veckan", value=day, key="rp_first", format="YYYY-MM-DD")
    weeks = c2.number_input("Antal veckor", 1, 53, 4, key="rp_weeks")
    per_week = c3.number_input("Besök per vecka", 1, 50, 3, key="rp_per_week")
    c1, c2, c3 = st.columns(3)
    shortest = c1.number_input("Kortaste besök (min)", 1, 240, 10, key="rp_min")
    longest = c2.number_input("Längsta besök (min)", 1, 240, 15, key="rp_max")
    spacing = c3.number_input("Minst minuter mellan besök", 0, 24 * 60, 60, key="rp_spacing")
    if "rp_seed" not in st.session_state:
        st.session_state["rp_seed"] = new_seed()
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    seed = c1.number_input(
        "Frö (sparas med planen så att den kan granskas)", 0, 2**31 - 1, key="rp_seed"
    )
    c2.button(
        "Nytt frö", key="rp_reseed", on_click=lambda: st.session_state.update(rp_seed=new_seed())
    )
    team = st.text_input("Ansvarig grupp", key="rp_team", placeholder="t.ex. Närpolis")
    try:
        spec = RandomPlanSpec(
            tuple(place_ids),
            tuple(TimeWindow(*w) for w in windows),
            first,
            int(weeks),
            int(per_week),
            int(seed),
            int(shortest),
            int(longest),
            int(spacing),
        )
        visits = generate(spec)
    except LofteskartanError as exc:
        st.error(plain(exc))
        return
    st.info(plain(spec.describe()))
    show_table(
        [
            {
                "Vecka": v.start.isocalendar()[1],
                "När": short_when(v.start, v.end),
                "Plats": schedule.places[v.place_id].name,
            }
            for v in visits
        ],
        hide_index=True,
        width="stretch",
    )
    commitments = doc.commitments_of_kind(CommitmentKind.PRESENCE)
    commitment_id = commitments[0].id if len(commitments) == 1 else None
    if st.button("Spara slumpad plan", type="primary", key="rp_save"):

        def save(s: Session) -> str:
            saved = save_random_plan(
                s, spec, doc.id, team=team, commitment_id=commitment_id, year=year
            )
            return f"Sparat: {len(saved.planned)} slumpade besök (frö {spec.seed})."

        write(save)


# -- publish --------------------------------------------------------------------------------


def publish_panel(doc: PromiseDocument, schedule: Schedule, period: Period, day: date) -> None:
    """The website text (plain and HTML) and the two calendar feeds, with download buttons."""
    times = public_times(schedule.rules, schedule.plans, schedule.places, day)
    hours = opening_hours(times)
    st.markdown("**Text för kommunens webbplats** (från de öppna, fasta närvarotiderna)")
    st.code(hours.text, language=None)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Ladda ned text", hours.text.encode("utf-8"), "oppettider.txt", "text/plain", key="dl_text"
    )
    c2.download_button(
        "Ladda ned HTML", hours.html.encode("utf-8"), "oppettider.html", "text/html", key="dl_html"
    )
    st.markdown(f"**Kalenderfiler (.ics)** för {period.label}")
    stamp = datetime.now().astimezone()
    public = calendar_feed(
        schedule.plans,
        schedule.places,
        Audience.PUBLIC,
        document_id=doc.id,
        name=f"{doc.kommun_name}: polisens öppettider",
        generated_at=stamp,
    )
    internal = calendar_feed(
        schedule.plans,
        schedule.places,
        Audience.INTERNAL,
        visible=visible_classifications(current_actor()),
        activities=schedule.activities,
        document_id=doc.id,
        name=f"{doc.kommun_name}: planering",
        generated_at=stamp,
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        "Publik kalender (.ics)",
        public,
        f"{doc.id}-publik.ics",
        "text/calendar",
        key="dl_public",
        help="Bara öppna närvarotider; aldrig slumpade besök eller interna.",
    )
    c2.download_button(
        "Intern kalender (.ics)",
        internal,
        f"{doc.id}-intern.ics",
        "text/calendar",
        key="dl_internal",
    )
    status_counts = {s: sum(p.status is s for p in schedule.plans) for s in PlanStatus}
    st.caption(
        f"Publik: {public.count(b'BEGIN:VEVENT'):d} tider · intern: "
        f"{count(internal.count(b'BEGIN:VEVENT'), 'händelse', 'händelser')} · "
        + ", ".join(f"{n:d} {s.value}" for s, n in status_counts.items())
    )


def week_bounds(schedule: Schedule) -> Any:
    """Map bounds around every active place (None without places)."""
    return bounds_of(p.geometry for p in schedule.places.values() if not p.is_retired)
