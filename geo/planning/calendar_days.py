"""Which days Planering's calendar shows, and which of them hold too many activities to draw.

The calendar used to receive every activity of the promise year logged without a plan: at a
police region's 100,000 a year that was seconds of reading and a megabyte of events on every
run (issue 16). It now reads only the days it shows, and a day with more logged activities
than anyone can read in one column becomes one event that says how many (a `DayCount`).
Nothing disappears without a word: the count names its total and kinds, and the list view
lists each activity up to a far higher limit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Protocol, TypeVar

from geo.records.kinds import Kind
from geo.records.models import STOCKHOLM, Activity, with_promise_kinds
from geo.records.periods import Period
from geo.records.progress import Tally
from geo.records.promise import PromiseDocument

if TYPE_CHECKING:
    from geo.store import Session


class _Starts(Protocol):
    @property
    def start(self) -> datetime: ...


_Dated = TypeVar("_Dated", bound=_Starts)


class CalendarSpan(Enum):
    """Visning: what the calendar shows around the chosen day."""

    WEEK = "Vecka"
    MONTH = "Månad"
    LIST = "Veckolista"

    @property
    def day_limit(self) -> int:
        """Logged activities a day may hold before it is shown as a count.

        A week's day column or a month's cell shows a handful side by side; a couple of
        hundred is already past reading, and each one costs the server a record and the
        browser an element. The list shows one row each, so it goes much further before it
        counts (a day of an import, not of work).
        """
        return 2_000 if self is CalendarSpan.LIST else 200


@dataclass(frozen=True)
class DayCount:
    """Antal för en dag: the logged activities of one day shown as one number."""

    day: date
    total: int
    by_kind: tuple[tuple[Kind, int], ...]


@dataclass(frozen=True)
class CalendarDays:
    """The logged activities without a plan on the days the calendar shows."""

    activities: list[Activity]
    crowded: list[DayCount]


def logged_on_shown_days(
    session: Session, doc: PromiseDocument, period: Period, day: date, span: CalendarSpan
) -> CalendarDays:
    """The activities of `doc` logged without a plan on the days the calendar shows around
    `day` inside `period`: one by one, or as a count on a day with more than the span's
    `day_limit` (counted in the store before any is read).

    Parameters
    ----------
    session : the store's unit of work (its actor decides whether sekretess is counted).
    doc : the promise whose activities are read; another promise's never are.
    period : the follow-up year; days outside it are not read.
    day, span : the chosen day and what the calendar shows around it.
    """
    bounds = day_bounds(*shown_days(day, span), period)
    if not bounds:
        return CalendarDays([], [])
    tallies = session.count_unplanned_activities(bounds, document_id=doc.id)
    crowded = crowded_days(tallies, bounds, span.day_limit)
    logged = [
        a
        for start, end in uncrowded_ranges(bounds, crowded)
        for a in session.list_activities(start, end, document_id=doc.id, unplanned=True)
    ]
    # Own kinds by their `namn`, as everywhere a stored record is shown.
    named = [replace(c, by_kind=tuple((doc.kind(k), n) for k, n in c.by_kind)) for c in crowded]
    return CalendarDays(with_promise_kinds(logged, doc), named)


def shown_days(day: date, span: CalendarSpan) -> tuple[date, date]:
    """The first day the calendar shows around `day` and the day after its last.

    A week (and its list) is Monday to Sunday (ISO). A month is drawn as FullCalendar's six
    full weeks from the Monday on or before the 1st: the days of the months around it show
    too, so they are read too.
    """
    if span is CalendarSpan.MONTH:
        first_of_month = day.replace(day=1)
        first = first_of_month - timedelta(days=first_of_month.weekday())
        return first, first + timedelta(weeks=6)
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(weeks=1)


def day_bounds(first: date, end: date, period: Period) -> list[datetime]:
    """Local midnights from `first` to `end` (the day after the last), kept inside `period`.

    The instants between the calendar's days, for counting per day; empty when the shown
    days and the promise year do not meet. Days outside the year are left out, as they
    were when the calendar read the whole year.
    """
    first, end = max(first, period.start), min(end, period.end + timedelta(days=1))
    if first >= end:
        return []
    days = (end - first).days
    return [
        datetime.combine(first + timedelta(days=i), time(0), tzinfo=STOCKHOLM)
        for i in range(days + 1)
    ]


def crowded_days(tallies: Iterable[Tally], bounds: list[datetime], limit: int) -> list[DayCount]:
    """The days with more than `limit` activities, from counts per day (slice i is the day
    starting at `bounds[i]`), each with its kinds, most first; in date order."""
    totals: Counter[int] = Counter()
    kinds: dict[int, Counter[Kind]] = defaultdict(Counter)
    for t in tallies:
        totals[t.slice] += t.count
        kinds[t.slice][t.kind] += t.count
    return [
        DayCount(bounds[i].date(), n, tuple(kinds[i].most_common()))
        for i, n in sorted(totals.items())
        if n > limit
    ]


def uncrowded_ranges(
    bounds: list[datetime], crowded: Iterable[DayCount]
) -> list[tuple[datetime, datetime]]:
    """The runs of days in `bounds` that are not crowded, as [start, end) instants: the
    ranges whose activities are read and drawn one by one."""
    skip = {c.day for c in crowded}
    ranges: list[tuple[datetime, datetime]] = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        if start.date() in skip:
            continue
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges


def starting_on(records: Iterable[_Dated], first: date, end: date) -> list[_Dated]:
    """The records (plans, activities) starting, Stockholm time, on a day in [first, end)."""
    return [r for r in records if first <= r.start.astimezone(STOCKHOLM).date() < end]
