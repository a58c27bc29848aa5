"""Follow-up periods: the promise year (from the signing date) and tertials.

A medborgarlöfte is annual and "börjar gälla från och med undertecknandet": promise year 1
runs from the signing date up to the day before its first anniversary. Follow-up is also
done per tertial (januari–april, maj–augusti, september–december).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from geo.records.models import STOCKHOLM, PromiseDocument


@dataclass(frozen=True, order=True)
class Period:
    """Period: [start, end] inclusive dates with a Swedish label."""

    start: date
    end: date
    label: str

    def contains(self, day: date) -> bool:
        """True when `day` falls in the period (both ends included)."""
        return self.start <= day <= self.end

    @property
    def start_at(self) -> datetime:
        """Local midnight at the start (inclusive)."""
        return datetime.combine(self.start, time(0), tzinfo=STOCKHOLM)

    @property
    def end_at(self) -> datetime:
        """Local midnight after the last day (exclusive)."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=STOCKHOLM)

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True, order=True)
class Tertial:
    """Tertial: T1 januari–april, T2 maj–augusti, T3 september–december."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3):
            raise ValueError("en tertial är 1, 2 eller 3")

    @property
    def period(self) -> Period:
        """The tertial's dates."""
        first_month = 1 + 4 * (self.number - 1)
        start = date(self.year, first_month, 1)
        end = _add_months(start, 4) - timedelta(days=1)
        return Period(start, end, self.label)

    @property
    def label(self) -> str:
        """E.g. "T2 2024 (maj–aug)"."""
        months = {1: "jan–apr", 2: "maj–aug", 3: "sep–dec"}[self.number]
        return f"T{self.number} {self.year} ({months})"


def tertial_of(day: date) -> Tertial:
    """The tertial a date falls in."""
    return Tertial(day.year, (day.month - 1) // 4 + 1)


def _add_months(day: date, months: int) -> date:
    """The same day `months` later; 29 February falls back to 28 February."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return day.replace(year=year, month=month, day=28)


def promise_year(doc: PromiseDocument, start_year: int) -> Period:
    """The promise year that starts on the signing anniversary in `start_year`.

    Parameters
    ----------
    doc : the signed document; its signing date fixes the anniversary.
    start_year : calendar year the promise year starts in (2023 for Aneby's first year).

    Returns
    -------
    Period from the anniversary to the day before the next one, labelled "2023/2024".
    """
    years = start_year - doc.signed_on.year
    start = _add_months(doc.signed_on, 12 * years)
    # Counted from the signing date, not from `start`: after a 29 February signing, a year
    # starting on 28 February runs to the day before the next 29 February (no gap).
    end = _add_months(doc.signed_on, 12 * (years + 1)) - timedelta(days=1)
    return Period(start, end, f"Löftesår {start_year}/{start_year + 1}")


def promise_years(doc: PromiseDocument) -> list[Period]:
    """Every promise year that overlaps the document's period, in order."""
    years = []
    year = doc.signed_on.year
    while True:
        period = promise_year(doc, year)
        if period.start > doc.period_end:
            break
        years.append(period)
        year += 1
    return years


def promise_year_containing(doc: PromiseDocument, day: date) -> Period:
    """The promise year a date falls in, clamped to the document's first and last year.

    Days before the signing fall in the first year and days after the period in the last,
    so the overview always shows a year of this document rather than an empty one.
    """
    years = promise_years(doc)
    for period in years:
        if period.contains(day):
            return period
    return years[0] if day < years[0].start else years[-1]


def tertials_in(period: Period) -> list[Tertial]:
    """The tertials that overlap a period, in order."""
    out = []
    tertial = tertial_of(period.start)
    while tertial.period.start <= period.end:
        out.append(tertial)
        year, number = (
            (tertial.year, tertial.number + 1)
            if tertial.number < 3
            else (
                tertial.year + 1,
                1,
            )
        )
        tertial = Tertial(year, number)
    return out


def clock_changes(start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    """When Swedish clocks change in (start, end]: (first instant of the new time, hours).

    Spring forward gives +1 and autumn back −1. A duration measured on the wall clock, as
    Python subtracts two Stockholm times, is the elapsed time plus the changes between
    them; the store needs this to sum hours in SQL the way `Activity.hours` does.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    changes: list[tuple[datetime, float]] = []
    step = timedelta(hours=12)  # changes are half a year apart, far more than a step

    def offset(at: datetime) -> timedelta:
        return at.astimezone(STOCKHOLM).utcoffset() or timedelta(0)

    low = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    while low < stop:
        high = min(low + step, stop)
        before, after = offset(low), offset(high)
        if before != after:
            # Bisect to the second: the change is the first instant with the new offset.
            a, b = low, high
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                a, b = (a, mid) if offset(mid) == after else (mid, b)
            changes.append((b.replace(microsecond=0), (after - before).total_seconds() / 3600))
        low = high
    return changes
