"""The week/month calendar: FullCalendar (served from `static/`, works offline) in a frame.

FullCalendar's standard bundle runs in a page of its own, written into a frame (as the maps
are, `ui.map_render`), and `_CALENDAR`, a small Streamlit component in the page (v2), puts
the frame there, gives it the days and events of each run and hands a click on an event back
to Python. streamlit-calendar did this through a frame of its own that loaded a React bundle
with FullCalendar (870 kB) and Bootstrap's stylesheet (198 kB) first; Planering was 1.23–1.28×
the trivial page with it, over the 1.2× goal (issue 16, benchmarks/README.md).

Swedish conventions: the week starts on Monday, ISO week numbers are shown ("v. 12"), the
clock is 24-hour and day and month names come from the browser's Swedish (`sv`) locale.
FullCalendar ships no Swedish texts in this bundle, so the locale is passed as an object
with the Swedish button texts. Event times are sent as local Stockholm wall-clock times
without an offset, so the calendar shows 13:00 as 13:00 whatever zone the browser is in.

The calendar holds only the days it shows (`geo.planning.calendar_days`), so it has no
buttons of its own to move to other days or views: the page's date field and its
Vecka/Månad/Lista choice move it, and each move reads the days it then shows. Another week
in the same view moves the calendar the frame has (no new frame, no new load).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import streamlit as st

from geo.planning.calendar_days import (
    CalendarSpan,
    DayCount,
    logged_on_shown_days,
    shown_days,
    starting_on,
)
from geo.planning.schedule import plan_label
from geo.records.models import STOCKHOLM, Activity, Place, PlannedActivity, PlanStatus
from geo.records.periods import Period
from geo.records.promise import PromiseDocument
from geo.swedish import count, number
from ui.map_input import FRAME_SCRIPT, read_where_drawn
from ui.state import current_actor, get_store
from ui.text import plain

SWEDISH_LOCALE: dict[str, Any] = {
    "code": "sv",
    "week": {"dow": 1, "doy": 4},  # Monday first; week 1 holds 4 January (ISO 8601)
    "buttonText": {
        "prev": "Förra",
        "next": "Nästa",
        "today": "Idag",
        "year": "År",
        "month": "Månad",
        "week": "Vecka",
        "day": "Dag",
        "list": "Lista",
    },
    "weekText": "v.",
    "weekTextLong": "Vecka",
    "allDayText": "Hela dagen",
    "moreLinkText": "till",
    "noEventsText": "Inget planerat",
}
# Event text is white: each colour keeps 4.5:1 against it (WCAG 1.4.3). The greens and
# greys of the maps (#1a9641 3.8:1, #9e9e9e 2.7:1) were too light for text.
COLOURS = {
    PlanStatus.PLANNED: "#1f78b4",
    PlanStatus.DONE: "#1b7837",
    PlanStatus.CANCELLED: "#6b6b6b",
}
RANDOM_COLOUR = "#7b3294"
CONFLICT_COLOUR = "#d7191c"
LOGGED_COLOUR = "#404040"
# A count's title wraps rather than losing "utan plan" in a narrow day.
COUNT_CLASS = "lofteskartan-count"
COUNT_CSS = f".{COUNT_CLASS}, .{COUNT_CLASS} .fc-event-title {{ white-space: normal; }}"
# FullCalendar's view for each of the page's choices.
VIEWS = {
    CalendarSpan.WEEK: "timeGridWeek",
    CalendarSpan.MONTH: "dayGridMonth",
    CalendarSpan.LIST: "listWeek",
}


def _local(value: Any) -> str:
    return str(value.astimezone(STOCKHOLM).replace(tzinfo=None).isoformat(timespec="minutes"))


def calendar_events(
    plans: Iterable[PlannedActivity],
    places: Mapping[int, Place],
    conflicts: set[int],
    activities: Iterable[Activity] = (),
    crowded: Iterable[DayCount] = (),
) -> list[dict[str, Any]]:
    """FullCalendar events: plans coloured by status (red on conflict, purple if random),
    logged activities that were not planned, in dark grey, and one event for each crowded
    day saying how many of those it holds. The kind comes first in each title: the month
    view has room for a word or two."""
    events: list[dict[str, Any]] = []
    for p in plans:
        place = places.get(p.place_id) if p.place_id is not None else None
        colour = COLOURS[p.status]
        if p.seed is not None and p.status is PlanStatus.PLANNED:
            colour = RANDOM_COLOUR
        if p.id in conflicts:
            colour = CONFLICT_COLOUR
        title = p.kind.label + (f" – {place.name}" if place else "")
        if p.status is not PlanStatus.PLANNED:
            title += f" ({p.status.value})"
        events.append(
            {
                "id": f"p{p.id}",
                "title": title,
                "start": _local(p.start),
                "end": _local(p.end),
                "backgroundColor": colour,
                "borderColor": colour,
            }
        )
    for a in activities:
        if a.planned_id is not None:
            continue
        place = places.get(a.place_id) if a.place_id is not None else None
        events.append(
            {
                "id": f"a{a.id}",
                "title": a.kind.label + (f" – {place.name}" if place else "") + " (genomförd)",
                "start": _local(a.start),
                "end": _local(a.end),
                "backgroundColor": LOGGED_COLOUR,
                "borderColor": LOGGED_COLOUR,
            }
        )
    for c in crowded:
        events.append(
            {
                "id": count_event_id(c.day),
                "title": count(c.total, "genomförd utan plan", "genomförda utan plan"),
                "start": c.day.isoformat(),
                "allDay": True,
                "classNames": [COUNT_CLASS],
                "backgroundColor": LOGGED_COLOUR,
                "borderColor": LOGGED_COLOUR,
            }
        )
    return events


def count_event_id(day: date) -> str:
    """The id of a crowded day's count event (what a click on it sends back)."""
    return f"d{day.isoformat()}"


def count_text(c: DayCount) -> str:
    """A crowded day's count with its kinds, for the note shown when it is clicked."""
    kinds = ", ".join(number(n, 0) + f" {kind.label.lower()}" for kind, n in c.by_kind)
    return f"{c.day.isoformat()}: {count(c.total, 'genomförd', 'genomförda')} utan plan ({kinds})"


# The event the calendar's page fires on its frame element when an event is clicked.
CLICK_EVENT = "lofteskartan:calendar-click"
FULLCALENDAR = "/app/static/fullcalendar/index.global.min.js"
FRAME_HEIGHT = 740  # the calendar's 720 px and a margin

# The calendar's page: FullCalendar and `showCalendar`, which draws the calendar the first
# time and then moves it and swaps its events. FullCalendar adds its own stylesheet.
_PAGE = (
    """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kalender</title>
<script src="__FULLCALENDAR__"></script>
<style>
body { margin: 0; font-family: "Source Sans Pro", system-ui, -apple-system, "Segoe UI",
       Roboto, sans-serif; font-size: 14px; color: #262730; }
.fc .fc-toolbar-title { font-size: 1.4em; }
__COUNT_CSS__
</style>
</head>
<body>
<div id="kalender"></div>
<script>
var calendar = null;
function showCalendar(options, events) {
  if (calendar === null) {
    var all = Object.assign({}, options, {
      events: events,
      eventClick: function (info) {
        info.jsEvent.preventDefault();
        if (window.frameElement) {
          window.frameElement.dispatchEvent(
            new CustomEvent(__CLICK__, {detail: {id: info.event.id}}));
        }
      }
    });
    calendar = new FullCalendar.Calendar(document.getElementById("kalender"), all);
    calendar.render();
    return;
  }
  calendar.batchRendering(function () {
    // The range first: a date outside the old range would be held at its edge.
    calendar.setOption("validRange", options.validRange);
    calendar.setOption("allDaySlot", options.allDaySlot);
    calendar.gotoDate(options.initialDate);
    calendar.removeAllEventSources();
    calendar.addEventSource(events);
  });
}
</script>
</body>
</html>
""".replace("__FULLCALENDAR__", FULLCALENDAR)
    .replace("__COUNT_CSS__", COUNT_CSS)
    .replace("__CLICK__", json.dumps(CLICK_EVENT))
)

_JS = (
    FRAME_SCRIPT
    + """
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const { frame, made } = ownFrame(
    parentElement, data, data.view, __CLICK__, (f, detail) => f.sendClick(detail.id));
  if (made) {
    frame.addEventListener("load", () => {
      frame.loaded = true;
      frame.contentWindow.showCalendar(frame.latest.options, frame.latest.events);
    });
    frame.srcdoc = data.page;
    parentElement.appendChild(frame);
  } else if (frame.loaded) {
    frame.contentWindow.showCalendar(data.options, data.events);
  }
  // The latest run's days and setter: the listeners above outlive the run that made them.
  frame.latest = data;
  frame.sendClick = (id) => setStateValue("clicked", id);
}
""".replace("__CLICK__", json.dumps(CLICK_EVENT))
)
_CALENDAR = st.components.v2.component("lofteskartan_calendar", js=_JS, isolate_styles=False)


def show_calendar(
    events: list[dict[str, Any]], initial: date, span: CalendarSpan, key: str
) -> str | None:
    """Draw the calendar at `initial` as a week, a month or the week's list; the id of the
    event last clicked in it, if any.

    The shown days are the calendar's valid range: with the same `key` for another week,
    the calendar in the frame moves to it and swaps its events, instead of the page building
    a new frame.
    """
    first, end = shown_days(initial, span)
    options = {
        "initialView": VIEWS[span],
        "initialDate": initial.isoformat(),
        "validRange": {"start": first.isoformat(), "end": end.isoformat()},
        "firstDay": 1,
        "weekNumbers": True,
        "weekNumberCalculation": "ISO",
        "locale": SWEDISH_LOCALE,
        # Only the title: the events are those of the shown days (see the module's note).
        "headerToolbar": {"left": "", "center": "title", "right": ""},
        "slotMinTime": "06:00:00",
        "slotMaxTime": "24:00:00",
        # The all-day row holds only the counts of crowded days.
        "allDaySlot": any(e.get("allDay") for e in events),
        "nowIndicator": True,
        "height": 720,
        "slotLabelFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "eventTimeFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
    }
    result = _CALENDAR(
        key=key,
        data={
            "view": key,
            "page": _PAGE,
            "name": f"Kalender: {span.value}",
            "height": FRAME_HEIGHT,
            "options": options,
            "events": events,
        },
        height=FRAME_HEIGHT,
        on_clicked_change=read_where_drawn,
    )
    clicked = getattr(result, "clicked", None)
    return clicked if isinstance(clicked, str) else None


def calendar_panel(
    doc: PromiseDocument,
    period: Period,
    day: date,
    plans: list[PlannedActivity],
    places: Mapping[int, Place],
    conflicts: set[int],
) -> None:
    """Planering's calendar: the week, month or week's list around `day`, a note for the
    clicked event, and what the colours and counts mean."""
    choice = st.radio("Visa", [s.value for s in CalendarSpan], horizontal=True, key="plan_span")
    span = CalendarSpan(choice)
    first, end = shown_days(day, span)
    with get_store().session(current_actor()) as s:
        logged = logged_on_shown_days(s, doc, period, day, span)
    events = calendar_events(
        starting_on(plans, first, end), places, conflicts, logged.activities, logged.crowded
    )
    # One frame per view (see `show_calendar`): another week moves the frame it has.
    clicked = show_calendar(events, day, span, key=f"calendar_{span.name}")
    # The frame keeps its last click when it moves to another week: not an event shown now.
    if clicked not in {e["id"] for e in events}:
        clicked = None
    by_id = {f"p{p.id}": p for p in plans}
    counts = {count_event_id(c.day): c for c in logged.crowded}
    if clicked in by_id:
        chosen = by_id[clicked]
        st.info(f"{plain(plan_label(chosen, places))} · {chosen.status.value}")
    elif clicked in counts:
        st.info(plain(count_text(counts[clicked])))
    st.caption(
        "Blå: planerad · grön: genomförd enligt plan · mörkgrå: genomförd utan plan · "
        "ljusgrå: inställd · lila: slumpad · röd: krock"
    )
    if logged.crowded:
        limit = number(span.day_limit, 0)
        where = (
            "Export har var och en."
            if span is CalendarSpan.LIST
            else "Klicka på antalet för typerna; veckolistan visar var och en."
        )
        st.caption(
            f"{count(len(logged.crowded), 'dag', 'dagar')} med fler än {limit} genomförda "
            f"utan plan visas som antal. {where}"
        )
