"""Publicera de fasta tiderna: iCalendar feeds and the opening-hours text for the website.

The promise says the kommun tells the public, on its website, when the police office is
open. That text and a public calendar feed are generated from the schedule, never typed
twice. What may be published is decided here, in one place:

* the public feed and text hold only presence (`närvaro`) that is classified `öppen`, at a
  place that is itself `öppen` (or at no place), and never a randomised visit: an
  unpredictable plan that is published is no longer unpredictable (the predicates live with
  the other public ones in `geo.disclosure.public`). Notes, teams and internal descriptions
  are left out.
* the internal feed holds every planned (and every unplanned logged) activity whose
  classification the user may see (`geo.disclosure.access` decides who sees sekretess).

Feeds use TZID=Europe/Stockholm with a VTIMEZONE, and stable UIDs (the record's id and
document), so a calendar that subscribes updates events instead of duplicating them.
"""

from __future__ import annotations

import html
import io
import itertools
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import BinaryIO, TypedDict, Unpack

from icalendar import Calendar, Event, Timezone

from geo.disclosure.access import may_see
from geo.disclosure.audience import Audience
from geo.disclosure.public import is_public, is_public_rule
from geo.records.kinds import Classification
from geo.records.models import Activity, Actor, Place, PlannedActivity, PlanStatus, ScheduleRule
from geo.records.recurrence import (
    Frequency,
    RecurrenceRule,
    describe,
    format_day,
    format_time_range,
)
from geo.swedish import WEEKDAYS

PRODID = "-//Löfteskartan//Medborgarlöften//SV"
UID_DOMAIN = "lofteskartan"
POLICE_NUMBERS = "Vid brott som pågår eller nödsituation: ring 112. Övriga ärenden: 114 14."


def visible_classifications(actor: Actor) -> frozenset[Classification]:
    """The classifications a user may see, as `geo.disclosure.access.may_see` decides."""
    return frozenset(c for c in Classification if may_see(actor, c))


def _uid(prefix: str, record_id: int | None, document_id: str | None) -> str:
    return f"{prefix}-{record_id}@{document_id or 'lofteskartan'}.{UID_DOMAIN}"


def _event(uid: str, stamp: datetime, start: datetime, end: datetime) -> Event:
    """A VEVENT with what every event has: its UID, DTSTAMP, DTSTART and DTEND."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    return event


def _place_name(place_id: int | None, places: Mapping[int, Place]) -> str:
    place = places.get(place_id) if place_id is not None else None
    return place.name if place else ""


def _public_location(place: Place | None) -> str:
    if place is None:
        return ""
    address = str(place.attributes.get("adress", "")).strip()
    return f"{place.name}, {address}" if address else place.name


class FeedOptions(TypedDict, total=False):
    """What a feed may be told beyond its plans, places and audience (see `write_calendar`)."""

    visible: frozenset[Classification]
    activities: Iterable[Activity]
    document_id: str | None
    name: str
    generated_at: datetime | None


def calendar_feed(
    plans: Iterable[PlannedActivity],
    places: Mapping[int, Place],
    audience: Audience,
    **options: Unpack[FeedOptions],
) -> bytes:
    """An iCalendar (RFC 5545) feed of the schedule, as bytes (see `write_calendar`)."""
    out = io.BytesIO()
    write_calendar(out, plans, places, audience, **options)
    return out.getvalue()


def write_calendar(
    out: BinaryIO,
    plans: Iterable[PlannedActivity],
    places: Mapping[int, Place],
    audience: Audience,
    **options: Unpack[FeedOptions],
) -> int:
    """Write an iCalendar (RFC 5545) feed of the schedule to `out`, an event at a time.

    The internal feed of a police region's year holds up to a million logged activities:
    built as one `Calendar`, its events took 8 GB. Each event is written as it is made
    (into a spooled file, since the VTIMEZONE that comes first covers the years the events
    use), so only one event is held at a time.

    Parameters
    ----------
    out : where the feed goes (UTF-8, CRLF line ends, lines folded at 75 octets).
    plans : planned activities (any period; the caller chooses which).
    places : stored places by id, for names and classifications.
    audience : PUBLIC keeps only publishable presence (see `is_public`); INTERNAL keeps every
        plan whose classification is in `visible`.
    visible : the classifications the user may see (internal feed only).
    activities : logged activities (a list, or a stream oldest first:
        `Session.iter_activities`); the internal feed adds those that were not planned.
    document_id : the promise document, part of each UID.
    name : the calendar's name (X-WR-CALNAME).
    generated_at : DTSTAMP; now when not given.

    Returns
    -------
    How many events the feed holds.
    """
    visible = options.get("visible", frozenset(Classification))
    document_id = options.get("document_id")
    stamp = (options.get("generated_at") or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", options.get("name", "Löfteskartan"))
    cal.add("x-wr-timezone", "Europe/Stockholm")
    events = _plan_events(plans, places, audience, visible, document_id, stamp)
    if audience is Audience.INTERNAL:
        activities = options.get("activities", ())
        logged = _activity_events(activities, places, visible, document_id, stamp)
        events = itertools.chain(events, logged)
    written, first, last, zones = 0, None, None, set()
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as body:
        for event, start in events:
            body.write(event.to_ical())
            zones |= {
                v.params.get("TZID")
                for _, v in event.property_items(sorted=False)
                if hasattr(v, "params")
            } - {None}
            first = start if first is None or start < first else first
            last = start if last is None or start > last else last
            written += 1
        if first is not None and last is not None:
            # A VTIMEZONE covering exactly the years used keeps the feed small.
            first_day = first.date().replace(month=1, day=1)
            last_day = last.date().replace(year=last.year + 1, month=1, day=1)
            for tzid in sorted(zones):
                try:
                    zone = Timezone.from_tzid(tzid, first_date=first_day, last_date=last_day)
                except ValueError:
                    continue
                cal.add_component(zone)
        head = cal.to_ical()
        out.write(head[: -len(_END)])
        body.seek(0)
        shutil.copyfileobj(body, out)
        out.write(_END)
    return written


# The calendar's last line; the events are written before it.
_END = b"END:VCALENDAR\r\n"
# Events kept in memory before the spooled file goes to disk (about 20,000 events).
_SPOOL_BYTES = 8 * 2**20


def _plan_events(
    plans: Iterable[PlannedActivity],
    places: Mapping[int, Place],
    audience: Audience,
    visible: frozenset[Classification],
    document_id: str | None,
    stamp: datetime,
) -> Iterator[tuple[Event, datetime]]:
    """A VEVENT for each plan the audience may see, in time order, with its start."""
    for plan in sorted(plans, key=lambda p: (p.start, p.id or 0)):
        if audience is Audience.PUBLIC:
            if not is_public(plan, places):
                continue
        elif plan.classification not in visible:
            continue
        event = _event(_uid("planerad", plan.id, document_id), stamp, plan.start, plan.end)
        event.add("sequence", max(plan.version - 1, 0))
        place = places.get(plan.place_id) if plan.place_id is not None else None
        if audience is Audience.PUBLIC:
            event.add("summary", f"Polisen finns på plats: {place.name}" if place else "Polisen")
            location = _public_location(place)
            event.add("class", "PUBLIC")
        else:
            where = f" – {place.name}" if place else ""
            event.add("summary", f"{plan.kind.label}{where}")
            location = place.name if place else ""
            details = [f"Status: {plan.status.value}", f"Klassning: {plan.classification.value}"]
            if plan.team:
                details.append(f"Ansvarig: {plan.team}")
            if plan.seed is not None:
                details.append(f"Slumpad plan, frö {plan.seed}")
            if plan.note:
                details.append(plan.note)
            event.add("description", "\n".join(details))
            is_open = plan.classification is Classification.OPEN
            event.add("class", "PUBLIC" if is_open else "PRIVATE")
        if location:
            event.add("location", location)
        event.add("status", "CANCELLED" if plan.status is PlanStatus.CANCELLED else "CONFIRMED")
        yield event, plan.start


def _activity_events(
    activities: Iterable[Activity],
    places: Mapping[int, Place],
    visible: frozenset[Classification],
    document_id: str | None,
    stamp: datetime,
) -> Iterator[tuple[Event, datetime]]:
    """A VEVENT for each logged activity that was not planned (internal feed), with its start.

    A stream (`Session.iter_activities`) comes oldest first, then by id; a list is put in
    that order here.
    """
    if isinstance(activities, Sequence):
        activities = sorted(activities, key=lambda a: (a.start, a.id or 0))
    for a in activities:
        if a.planned_id is not None or a.classification not in visible:
            continue
        event = _event(_uid("aktivitet", a.id, document_id), stamp, a.start, a.end)
        name_ = _place_name(a.place_id, places)
        event.add("summary", f"Genomförd: {a.kind.label}" + (f" – {name_}" if name_ else ""))
        if name_:
            event.add("location", name_)
        counts = ", ".join(f"{k}: {v:g}" for k, v in sorted(a.outcome.items()))
        event.add("description", f"Klassning: {a.classification.value}\n{counts}".strip())
        event.add("status", "CONFIRMED")
        yield event, a.start


# -- the opening-hours text for the kommun's website ---------------------------------------


@dataclass(frozen=True)
class PublicTimes:
    """Öppettider för en plats: its standing rules and the next dated times."""

    place: Place | None
    rules: tuple[str, ...]
    upcoming: tuple[PlannedActivity, ...]
    cancelled: tuple[PlannedActivity, ...]


@dataclass(frozen=True)
class OpeningHours:
    """The website text in two forms: plain text and plain (escaped) HTML."""

    text: str
    html: str


def _open_rule(rule: ScheduleRule, places: Mapping[int, Place]) -> RecurrenceRule | None:
    """The recurrence rule if it may be published (`is_public_rule`), else None."""
    return RecurrenceRule.from_json(rule.rule) if is_public_rule(rule, places) else None


def public_times(
    rules: Iterable[ScheduleRule],
    plans: Iterable[PlannedActivity],
    places: Mapping[int, Place],
    today: date,
    weeks_ahead: int = 4,
) -> list[PublicTimes]:
    """What the website shows, per place: rules still running and the coming times.

    The coming times run from `today` through the rest of its ISO week and `weeks_ahead`
    whole weeks after it (to a Sunday night), so files made on different days of a week
    list the same weeks and differ only in times that have passed.
    """
    horizon = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead + 1)
    by_place: dict[int | None, dict[str, list]] = {}

    def bucket(place_id: int | None) -> dict[str, list]:
        return by_place.setdefault(place_id, {"rules": [], "upcoming": [], "cancelled": []})

    for rule in rules:
        parsed = _open_rule(rule, places)
        if parsed is not None and parsed.last_day >= today:
            bucket(rule.place_id)["rules"].append(describe(parsed))
    for plan in sorted(plans, key=lambda p: p.start):
        day = plan.start.date()
        if not (today <= day < horizon) or not is_public(plan, places):
            continue
        if plan.status is PlanStatus.CANCELLED:
            bucket(plan.place_id)["cancelled"].append(plan)
        elif plan.status is PlanStatus.PLANNED:
            bucket(plan.place_id)["upcoming"].append(plan)
    out = []
    for place_id, parts in by_place.items():
        place = places.get(place_id) if place_id is not None else None
        out.append(
            PublicTimes(
                place,
                tuple(parts["rules"]),
                tuple(parts["upcoming"]),
                tuple(parts["cancelled"]),
            )
        )
    return sorted(out, key=lambda t: t.place.name if t.place else "")


def _when(plan: PlannedActivity) -> str:
    """ "tisdag 14 maj kl. 13–15"."""
    day = plan.start.date()
    return (
        f"{WEEKDAYS[day.weekday()]} {format_day(day, with_year=False)} "
        f"{format_time_range(plan.start.timetz(), plan.end.timetz())}"
    )


def opening_hours(times: Sequence[PublicTimes], title: str = "Polisens öppettider") -> OpeningHours:
    """Plain text and escaped HTML for the kommun's website.

    Parameters
    ----------
    times : from `public_times`.
    title : the heading.

    Returns
    -------
    OpeningHours with `.text` and `.html`; every name and address is HTML-escaped, so a
    place called "<script>" shows as text.
    """
    lines = [title, ""]
    parts = [f"<h2>{html.escape(title)}</h2>"]
    if not times:
        lines.append("Inga fasta tider är planerade just nu.")
        parts.append("<p>Inga fasta tider är planerade just nu.</p>")
    for t in times:
        heading = t.place.name if t.place else "Polisen"
        address = str(t.place.attributes.get("adress", "")).strip() if t.place else ""
        lines.append(heading + (f", {address}" if address else ""))
        parts.append(f"<h3>{html.escape(heading)}</h3>")
        if address:
            parts.append(f"<p>{html.escape(address)}</p>")
        for rule in t.rules:
            lines.append(rule)
            parts.append(f"<p>{html.escape(rule)}</p>")
        if t.upcoming:
            lines.append("Kommande tider:")
            lines.extend(f"- {_when(p)}" for p in t.upcoming)
            items = "".join(f"<li>{html.escape(_when(p))}</li>" for p in t.upcoming)
            parts.append(f"<p>Kommande tider:</p><ul>{items}</ul>")
        if t.cancelled:
            cancelled = ", ".join(_when(p) for p in t.cancelled)
            lines.append(f"Inställt: {cancelled}.")
            parts.append(f"<p>Inställt: {html.escape(cancelled)}.</p>")
        lines.append("")
    lines.append(POLICE_NUMBERS)
    parts.append(f"<p>{html.escape(POLICE_NUMBERS)}</p>")
    return OpeningHours("\n".join(lines) + "\n", "\n".join(parts) + "\n")


def rule_frequency_label(rule: ScheduleRule) -> str:
    """ "återkommande" or "slumpad" for lists of stored rules."""
    if rule.rule.get("typ") == "slumpad":
        return "slumpad"
    return "varje månad" if rule.rule.get("frekvens") == Frequency.MONTHLY else "återkommande"


__all__ = [
    "OpeningHours",
    "PublicTimes",
    "calendar_feed",
    "write_calendar",
    "opening_hours",
    "public_times",
    "visible_classifications",
]
