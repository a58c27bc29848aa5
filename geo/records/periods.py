"""Follow-up periods: the follow-up years of a promise, tertials and half-years.

A medborgarlöfte "börjar gälla från och med undertecknandet". Its period (`period.från` to
`period.till`, by default one year from the signing) is cut into follow-up years by the
file's `uppföljningsår` rule (`geo.records.models.FollowUpYears`): whole years counted from
the period's first day (the default), or calendar years. Either way `period.till` ends the
last year, so no year (and no tertial column) reaches past the promise. Follow-up is also
done per tertial (januari–april, maj–augusti, september–december) and per half-year (vår,
höst).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from geo.errors import ValidationError
from geo.records.models import STOCKHOLM
from geo.records.promise import FollowUpYears, PromiseDocument

# A medborgarlöfte is signed for one to four years; a longer period is a typing mistake.
MAX_FOLLOW_UP_YEARS = 4


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


def follow_up_years(rule: FollowUpYears, start: date, end: date) -> list[Period]:
    """The follow-up years that cut the period [start, end], in order, every day in one.

    Parameters
    ----------
    rule : `FollowUpYears.FROM_SIGNING` counts whole years from `start` (the day the promise
        starts to apply); `FollowUpYears.CALENDAR` follows up January–December.
    start, end : the promise's period, both days included.

    Returns
    -------
    One Period per year; the first starts on `start` and the last ends on `end`. Labels are
    "Löftesår 2023/2024" (or "Löftesår 2024" for a year from 1 January) and "2024".
    """
    if rule is FollowUpYears.CALENDAR:
        return [
            Period(max(start, date(y, 1, 1)), min(end, date(y, 12, 31)), str(y))
            for y in range(start.year, end.year + 1)
        ]
    years = []
    n = 0
    while (first := _add_months(start, 12 * n)) <= end:
        # Counted from `start`, not from `first`: after a 29 February start, a year starting
        # on 28 February runs to the day before the next 29 February (no gap).
        whole_end = _add_months(start, 12 * (n + 1)) - timedelta(days=1)
        span = f"{first.year}/{whole_end.year}" if whole_end.year != first.year else first.year
        years.append(Period(first, min(whole_end, end), f"Löftesår {span}"))
        n += 1
    return years


def promise_years(doc: PromiseDocument) -> list[Period]:
    """Every follow-up year of the document, in order (see `follow_up_years`)."""
    return follow_up_years(doc.follow_up_years, doc.period_start, doc.period_end)


def promise_year(doc: PromiseDocument, start_year: int) -> Period:
    """The document's follow-up year that starts in the calendar year `start_year`.

    Raises
    ------
    ValidationError
        When no follow-up year of the document starts that year (it names those that do).
    """
    years = promise_years(doc)
    for period in years:
        if period.start.year == start_year:
            return period
    known = ", ".join(f"{p.start.year} ({p.label})" for p in years)
    raise ValidationError(
        f"{doc.title} har inget uppföljningsår som börjar {start_year}; det har {known}."
    )


def promise_year_of(doc: PromiseDocument, day: date) -> Period | None:
    """The follow-up year a date falls in, or None outside the document's period."""
    return next((p for p in promise_years(doc) if p.contains(day)), None)


def promise_year_containing(doc: PromiseDocument, day: date) -> Period:
    """The promise year a date falls in, clamped to the document's first and last year.

    Days before the period fall in the first year and days after it in the last, so the
    overview always shows a year of this document rather than an empty one.
    """
    years = promise_years(doc)
    found = promise_year_of(doc, day)
    if found is not None:
        return found
    return years[0] if day < years[0].start else years[-1]


def promise_for_day(docs: Sequence[PromiseDocument], day: date) -> PromiseDocument:
    """The promise a user most likely means on `day`: the first whose period holds it.

    The sidebar's default, so a new user's first look is the present (the demo's example
    follow-on year rather than 2023). Without one, the first given (the newest signed).
    """
    return next((d for d in docs if d.period_start <= day <= d.period_end), docs[0])


def nearest_day(period: Period, day: date) -> date:
    """`day`, or the period's nearest day when it is outside (a date picker's default)."""
    return min(max(day, period.start), period.end)


def half_year_of(day: date) -> Period:
    """The half-year a date falls in: "vår 2024" (January–June) or "höst 2024" (July–December)."""
    if day.month <= 6:
        return Period(date(day.year, 1, 1), date(day.year, 6, 30), f"vår {day.year}")
    return Period(date(day.year, 7, 1), date(day.year, 12, 31), f"höst {day.year}")


def half_years_in(period: Period) -> list[Period]:
    """The half-years overlapping `period`, each cut to the part inside it."""
    out = []
    day = period.start
    while day <= period.end:
        whole = half_year_of(day)
        out.append(Period(day, min(whole.end, period.end), whole.label))
        day = whole.end + timedelta(days=1)
    return out


NEXT_PROMISE_HINT = (
    "Gör nästa års löfte: med Nästa års löfte under Löftesredigering, med en ny löftesfil "
    "under Administration eller med kommandot lofteskartan init --promise FIL."
)


def _span(period: Period) -> str:
    """E.g. "2024-01-01 – 2024-12-31"."""
    return f"{period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"


def _covering(
    documents: Sequence[PromiseDocument], doc: PromiseDocument, day: date
) -> list[PromiseDocument]:
    """The other loaded promises of the same kommun whose period holds `day`."""
    return [
        d
        for d in documents
        if d.id != doc.id and d.kommunkod == doc.kommunkod and d.period_start <= day <= d.period_end
    ]


def outside_year_message(
    doc: PromiseDocument,
    year: Period | None,
    day: date,
    documents: Sequence[PromiseDocument] = (),
) -> str | None:
    """Why a plan or log on `day` may not be saved under `year` of `doc`; None when it may.

    A record outside the chosen follow-up year would be saved and then shown nowhere (no
    list, calendar or figure of that year holds it), so it is refused with where it belongs:
    the document's own year that holds the date, another loaded promise of the same kommun
    (`documents`), or, after the period, the advice to make next year's promise.

    Parameters
    ----------
    doc : the promise the record is for.
    year : the chosen follow-up year; None accepts any year of `doc`.
    day : the record's local date (Europe/Stockholm).
    documents : the promises the user works on, to name the one that covers the date.
    """
    if year is None:
        year = promise_year_of(doc, day)
    if year is not None and year.contains(day):
        return None
    when = f"{day:%Y-%m-%d}"
    own = promise_year_of(doc, day)
    if own is not None and year is not None:
        return (
            f"{when} ligger utanför det valda uppföljningsåret {year.label} ({_span(year)}). "
            f"Datumet hör till {own.label} ({_span(own)}): välj det året i sidomenyn. "
            "Inget sparades."
        )
    whole = Period(doc.period_start, doc.period_end, doc.title)
    others = _covering(documents, doc, day)
    if others:
        other = others[0]
        return (
            f"{when} ligger utanför medborgarlöftet {doc.title} ({_span(whole)}). Datumet hör "
            f"till medborgarlöftet {other.title} ({other.id}): välj det i sidomenyn. "
            "Inget sparades."
        )
    side = "före" if day < doc.period_start else "efter"
    hint = f" {NEXT_PROMISE_HINT}" if side == "efter" else ""
    return (
        f"{when} ligger {side} medborgarlöftets period ({_span(whole)}) och skulle inte "
        f"räknas i någon uppföljning.{hint} Inget sparades."
    )


def period_over_message(
    doc: PromiseDocument, documents: Sequence[PromiseDocument], today: date
) -> str | None:
    """What Översikt says when `today` is after the promise's period; None while it runs.

    It names the later promise of the same kommun when one is loaded, else says how to make
    next year's, since plans after the period would be counted nowhere.
    """
    if today <= doc.period_end:
        return None
    ended = f"Medborgarlöftets period slutade {doc.period_end:%Y-%m-%d}."
    current = _covering(documents, doc, today)
    if current:
        return f"{ended} I dag gäller {current[0].title} ({current[0].id}): välj det i sidomenyn."
    later = [
        d for d in documents if d.kommunkod == doc.kommunkod and d.period_start > doc.period_end
    ]
    if later:
        first = min(later, key=lambda d: d.period_start)
        return (
            f"{ended} Nästa löfte, {first.title} ({first.id}), börjar "
            f"{first.period_start:%Y-%m-%d}."
        )
    return (
        f"{ended} Det finns inget medborgarlöfte för i dag ({today:%Y-%m-%d}), så nya planer "
        f"och loggar räknas inte i någon uppföljning. {NEXT_PROMISE_HINT}"
    )


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
