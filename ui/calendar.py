"""The week/month calendar: streamlit-calendar (FullCalendar, bundled, works offline).

Swedish conventions: the week starts on Monday, ISO week numbers are shown ("v. 12"), the
clock is 24-hour and day and month names come from the browser's Swedish (`sv`) locale.
FullCalendar ships no Swedish texts in this bundle, so the locale is passed as an object
with the Swedish button texts. Event times are sent as local Stockholm wall-clock times
without an offset, so the calendar shows 13:00 as 13:00 whatever zone the browser is in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from streamlit_calendar import calendar

from geo.records.models import STOCKHOLM, Activity, Place, PlannedActivity, PlanStatus

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
    "allDayText": "Heldag",
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


def _local(value: Any) -> str:
    return str(value.astimezone(STOCKHOLM).replace(tzinfo=None).isoformat(timespec="minutes"))


def calendar_events(
    plans: Iterable[PlannedActivity],
    places: Mapping[int, Place],
    conflicts: set[int],
    activities: Iterable[Activity] = (),
) -> list[dict[str, Any]]:
    """FullCalendar events: plans coloured by status (red on conflict, purple if random)
    and logged activities that were not planned, in dark grey. The kind comes first in
    each title: the month view has room for a word or two."""
    events = []
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
    return events


def show_calendar(events: list[dict[str, Any]], initial: date, view: str, key: str) -> Any:
    """Draw the calendar at `initial` in `view` ("timeGridWeek" or "dayGridMonth")."""
    options = {
        "initialView": view,
        "initialDate": initial.isoformat(),
        "firstDay": 1,
        "weekNumbers": True,
        "weekNumberCalculation": "ISO",
        "locale": SWEDISH_LOCALE,
        "headerToolbar": {
            "left": "prev,next today",
            "center": "title",
            "right": "dayGridMonth,timeGridWeek,listWeek",
        },
        "slotMinTime": "06:00:00",
        "slotMaxTime": "24:00:00",
        "allDaySlot": False,
        "nowIndicator": True,
        "height": 720,
        "slotLabelFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "eventTimeFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
    }
    return calendar(events=events, options=options, callbacks=["eventClick"], key=key)
