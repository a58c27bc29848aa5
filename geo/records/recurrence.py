"""Återkommande tider: rules such as "varje tisdag 13–15" or "första torsdagen i månaden 18–20".

A rule is a date range, a local time slot and either weekdays (every n weeks) or the n:th
weekday of each month, with exceptions: dates cancelled by hand and, unless switched off,
Swedish holidays (`geo.records.holidays`). Expanding a rule gives timezone-aware Europe/Stockholm
occurrences: each slot is built from the local date and the local clock time, so a weekly
13–15 slot stays 13–15 local time on both sides of a daylight-saving change (its UTC time
moves instead).

A rule is stored as JSON (`to_json`/`from_json`) in the recurrence_rules table; its
occurrences are stored as planned activities pointing back to it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from geo.errors import ValidationError
from geo.records.holidays import holiday_name
from geo.records.models import STOCKHOLM
from geo.swedish import MONTHS, WEEKDAYS

WEEKDAYS_SV = WEEKDAYS  # the one list, in geo.swedish
WEEKDAYS_PLURAL_SV = (
    "måndagar",
    "tisdagar",
    "onsdagar",
    "torsdagar",
    "fredagar",
    "lördagar",
    "söndagar",
)
MONTHS_SV = MONTHS
ORDINALS_SV = {1: "första", 2: "andra", 3: "tredje", 4: "fjärde", 5: "femte", -1: "sista"}
# "Var tredje vecka", "var fjärde vecka"; 2 reads "varannan".
_EVERY_NTH_SV = {3: "tredje", 4: "fjärde", 5: "femte", 6: "sjätte", 7: "sjunde", 8: "åttonde"}
# A rule longer than this is almost certainly a typo in a year (2204 for 2024).
MAX_DAYS = 3 * 366
RULE_FORMAT = 1


class Frequency(enum.StrEnum):
    """Hur ofta: weekly (given weekdays, every n weeks) or monthly (n:th weekday)."""

    WEEKLY = "veckovis"
    MONTHLY = "månadsvis"


@dataclass(frozen=True)
class RecurrenceRule:
    """Återkommande regel: when a recurring activity takes place.

    `weekdays` (0 = måndag) and `interval` (every n weeks, counted from the week of
    `first_day`) are read for weekly rules; `nth` (1–5, or -1 for the last) and `weekday`
    for monthly ones. `end_time` at or before `start_time` means the slot ends the next
    day (a night from 22 to 02).
    """

    frequency: Frequency
    first_day: date
    last_day: date
    start_time: time
    end_time: time
    weekdays: tuple[int, ...] = ()
    interval: int = 1
    nth: int = 1
    weekday: int = 0
    cancelled: tuple[date, ...] = field(default=())
    skip_holidays: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", tuple(sorted(set(self.weekdays))))
        object.__setattr__(self, "cancelled", tuple(sorted(set(self.cancelled))))
        problems = self.problems()
        if problems:
            raise ValidationError("Regeln för återkommande tider: " + "; ".join(problems) + ".")

    def problems(self) -> list[str]:
        """What is wrong with the rule, in Swedish (empty when it is valid)."""
        out = []
        if self.last_day < self.first_day:
            out.append("slutdatum ligger före startdatum")
        elif (self.last_day - self.first_day).days > MAX_DAYS:
            out.append("regeln får gälla högst tre år")
        if self.start_time == self.end_time:
            out.append("start- och sluttid är samma")
        if self.frequency is Frequency.WEEKLY:
            if not self.weekdays:
                out.append("välj minst en veckodag")
            if any(not 0 <= d <= 6 for d in self.weekdays):
                out.append("veckodag ska vara 0 (måndag) till 6 (söndag)")
            if not 1 <= self.interval <= 8:
                out.append("intervallet ska vara 1 till 8 veckor")
        else:
            if self.nth not in ORDINALS_SV:
                out.append("ordningstalet ska vara 1 till 5, eller -1 för den sista")
            if not 0 <= self.weekday <= 6:
                out.append("veckodag ska vara 0 (måndag) till 6 (söndag)")
        return out

    @property
    def duration(self) -> timedelta:
        """Length of one slot in local clock time."""
        start = datetime.combine(date(2000, 1, 1), self.start_time)
        end = datetime.combine(date(2000, 1, 1), self.end_time)
        if end <= start:
            end += timedelta(days=1)
        return end - start

    def to_json(self) -> dict[str, Any]:
        """The rule as plain JSON for the recurrence_rules.rule column."""
        return {
            "format": RULE_FORMAT,
            "frekvens": self.frequency.value,
            "från": self.first_day.isoformat(),
            "till": self.last_day.isoformat(),
            "starttid": self.start_time.strftime("%H:%M"),
            "sluttid": self.end_time.strftime("%H:%M"),
            "veckodagar": list(self.weekdays),
            "intervall": self.interval,
            "ordning": self.nth,
            "veckodag": self.weekday,
            "inställda": [d.isoformat() for d in self.cancelled],
            "utom_helgdagar": self.skip_holidays,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecurrenceRule:
        """Read a rule written by `to_json`."""
        return cls(
            frequency=Frequency(data["frekvens"]),
            first_day=date.fromisoformat(data["från"]),
            last_day=date.fromisoformat(data["till"]),
            start_time=time.fromisoformat(data["starttid"]),
            end_time=time.fromisoformat(data["sluttid"]),
            weekdays=tuple(int(d) for d in data.get("veckodagar", ())),
            interval=int(data.get("intervall", 1)),
            nth=int(data.get("ordning", 1)),
            weekday=int(data.get("veckodag", 0)),
            cancelled=tuple(date.fromisoformat(d) for d in data.get("inställda", ())),
            skip_holidays=bool(data.get("utom_helgdagar", True)),
        )


@dataclass(frozen=True)
class Occurrence:
    """Tillfälle: one slot of a rule, timezone-aware in Europe/Stockholm."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class SkippedDate:
    """A date the rule would have had, left out because of a holiday or a cancellation."""

    day: date
    reason: str


@dataclass(frozen=True)
class Expansion:
    """What a rule gives: the occurrences, and the dates left out with the reason."""

    occurrences: tuple[Occurrence, ...]
    skipped: tuple[SkippedDate, ...]


def local_time(day: date, clock: time) -> datetime:
    """`day` at local clock time `clock` in Europe/Stockholm.

    A clock time that does not exist (02:30 on the last Sunday of March) becomes the same
    instant read after the change (03:30), rather than a time no clock shows.
    """
    naive_local = datetime.combine(day, clock, tzinfo=STOCKHOLM)
    return naive_local.astimezone(UTC).astimezone(STOCKHOLM)


def slot(day: date, start: time, end: time) -> Occurrence:
    """The local slot on `day` from `start` to `end` (into the next day if `end` <= `start`)."""
    end_day = day + timedelta(days=1) if end <= start else day
    return Occurrence(local_time(day, start), local_time(end_day, end))


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The n:th (or, for -1, the last) `weekday` of a month; None if the month has none."""
    if nth == -1:
        next_month = date(year + month // 12, month % 12 + 1, 1)
        last = next_month - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def candidate_days(rule: RecurrenceRule) -> Iterator[date]:
    """Every date the rule's pattern hits between its first and last day, before exceptions."""
    if rule.frequency is Frequency.WEEKLY:
        week_zero = rule.first_day - timedelta(days=rule.first_day.weekday())
        day = rule.first_day
        while day <= rule.last_day:
            weeks = (day - week_zero).days // 7
            if weeks % rule.interval == 0 and day.weekday() in rule.weekdays:
                yield day
            day += timedelta(days=1)
        return
    year, month = rule.first_day.year, rule.first_day.month
    while date(year, month, 1) <= rule.last_day:
        day_or_none = _nth_weekday(year, month, rule.weekday, rule.nth)
        if day_or_none is not None and rule.first_day <= day_or_none <= rule.last_day:
            yield day_or_none
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def expand(rule: RecurrenceRule) -> Expansion:
    """The rule's occurrences and the dates it leaves out.

    Parameters
    ----------
    rule : the recurrence rule.

    Returns
    -------
    Occurrences in time order (timezone-aware, Europe/Stockholm), and the skipped dates with
    a Swedish reason ("inställt", or the holiday's name).
    """
    cancelled = set(rule.cancelled)
    occurrences: list[Occurrence] = []
    skipped: list[SkippedDate] = []
    for day in candidate_days(rule):
        holiday = holiday_name(day) if rule.skip_holidays else None
        if day in cancelled:
            skipped.append(SkippedDate(day, "inställt"))
        elif holiday is not None:
            skipped.append(SkippedDate(day, holiday))
        else:
            occurrences.append(slot(day, rule.start_time, rule.end_time))
    return Expansion(tuple(occurrences), tuple(skipped))


def format_day(day: date, with_year: bool = True) -> str:
    """A date as Swedes write it in running text: "9 januari 2024"."""
    text = f"{day.day} {MONTHS_SV[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def format_clock(clock: time) -> str:
    """ "13" for a whole hour, "13.30" otherwise (Swedish style)."""
    return f"{clock.hour}" if clock.minute == 0 else f"{clock.hour}.{clock.minute:02d}"


def format_time_range(start: time, end: time) -> str:
    """ "kl. 13–15" or "kl. 13.30–15" with an en dash."""
    return f"kl. {format_clock(start)}–{format_clock(end)}"


def _join_sv(words: list[str]) -> str:
    """ "a", "a och b", "a, b och c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]


def pattern_text(rule: RecurrenceRule) -> str:
    """The pattern alone: "varje tisdag", "varannan måndag och torsdag",
    "första torsdagen i månaden"."""
    if rule.frequency is Frequency.MONTHLY:
        return f"{ORDINALS_SV[rule.nth]} {WEEKDAYS_SV[rule.weekday]}en i månaden"
    days = _join_sv([WEEKDAYS_SV[d] for d in rule.weekdays])
    if rule.interval == 1:
        return f"varje {days}"
    if rule.interval == 2:
        return f"varannan {days}"
    return f"var {_EVERY_NTH_SV[rule.interval]} vecka på " + _join_sv(
        [WEEKDAYS_PLURAL_SV[d] for d in rule.weekdays]
    )


def describe(rule: RecurrenceRule, where: str = "") -> str:
    """A Swedish sentence for the rule, for lists and the audit trail.

    Parameters
    ----------
    rule : the rule.
    where : how the place reads after the time, e.g. "vid poliskontoret" or
        "i Aneby centrum" (empty for none).

    Returns
    -------
    E.g. "Varje tisdag kl. 13–15 vid poliskontoret, 9 januari – 28 maj 2024, utom helgdagar;
    inställt 12 mars 2024."
    """
    text = f"{pattern_text(rule)} {format_time_range(rule.start_time, rule.end_time)}"
    if where:
        text += f" {where}"
    same_year = rule.first_day.year == rule.last_day.year
    text += f", {format_day(rule.first_day, with_year=not same_year)} – {format_day(rule.last_day)}"
    if rule.skip_holidays:
        text += ", utom helgdagar"
    if rule.cancelled:
        text += "; inställt " + _join_sv([format_day(d) for d in rule.cancelled])
    text += "."
    return text[0].upper() + text[1:]
