"""Who an export is for, and the ONE data set every export is built from.

Two audiences:

* `internal` (intern): everything the user may see, exact times and places, notes.
* `public` (offentlig): what may be published on polisen.se. Built by leaving things out,
  never by hiding them in a file: the HTML map, PDF, GeoPackage and CSV of a public export
  are made from the `ExportData` below and nothing else, so nothing withheld can be found in
  a file's source.

What a public data set never contains
--------------------------------------
* records (places, activities, plans, findings) classified `intern` or `sekretess`;
* free text: notes, finding descriptions and actions, place attributes other than a police
  office's address and opening hours;
* photos of findings, or even whether a finding has one (they are internal, `geo.files.photos`);
* single activities at all: no times, no places. Where activities were is shown only as
  counts per grid cell in EPSG:3006 (`geo.spatial.aggregate`), from `öppen` activities, so the exact
  place of a narcotics intervention never leaves; insatsplatser are never published;
* any cell or count with 1 to k-1 events (k = `min_count`, default 3). Such a cell is left
  out altogether; such a count is suppressed (None, "visas inte"), never rounded. Zero is
  published: it says nothing about anyone and a promise not kept must show. Where one
  tertial of a commitment is suppressed but the period total is published, the smallest
  other tertial is suppressed too, so the hidden figure cannot be worked out by subtraction;
* planned activities other than the police office's published opening hours (öppen
  presence at an öppen police office), and those only by ISO week;
* any time finer than the ISO week (finding due dates become weeks too; "since the last
  meeting" is counted from the Monday of its week, and the meeting's date is left out).

Counts of done activities per commitment include every classification: how far a public
promise has come is itself public (the follow-up on polisen.se says "9 av minst 10 riktade
insatser"), while the activities behind the number stay unpublished.

Public files cannot be combined to learn more than each says
-------------------------------------------------------------
Suppression protects one file; an attacker holds many. So a public file is the same whoever
makes it and whenever in a tertial it is made, and its numbers come from a fixed set:

* the period is one whole promise year (`check_public_request`); no other range is accepted,
  so two files never differ by a day;
* counts stop at the end of the last tertial that has ended (`counted_until`): a file made on
  Tuesday and one made on Wednesday hold the same numbers, and comparing successive files
  tells at most in which tertial something was done, which the tertial table says anyway;
* the grid is fixed (`PUBLIC_RULES`: squares of 500 m anchored at the origin of EPSG:3006,
  smallest count 3): grids of several sizes cannot be intersected to narrow a place down;
* the data set is read as `PUBLIC_READER`, not as the person asking, so a läsare and a police
  administrator make the same file;
* a suppressed value is written as "visas inte", which is true both of a count from 1 to k-1
  and of a larger one withheld so that a small one cannot be worked out by subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from geo.errors import ValidationError
from geo.records.labelled_enum import LabelledEnum
from geo.records.models import STOCKHOLM, Actor, Outcome
from geo.records.periods import Period, promise_year_containing, promise_years, tertials_in
from geo.records.promise import PromiseDocument
from geo.spatial.aggregate import (
    DEFAULT_CELL_SIZE_M,
    DEFAULT_MIN_COUNT,
    MAX_CELL_SIZE_M,
    MIN_CELL_SIZE_M,
    GridShape,
)


class Audience(LabelledEnum):
    """Målgrupp: who an export may be given to."""

    INTERNAL = "internal", "Intern"
    PUBLIC = "public", "Offentlig"

    @property
    def notice(self) -> str:
        """The line printed on the face of every export."""
        if self is Audience.INTERNAL:
            return "INTERN – innehåller uppgifter som inte får publiceras"
        return "OFFENTLIG – sammanställd för publicering, utan känsliga uppgifter"

    @property
    def short_notice(self) -> str:
        """A short form for tight places (the badge on a map image)."""
        if self is Audience.INTERNAL:
            return "INTERN – får inte publiceras"
        return "OFFENTLIG – får publiceras"

    @property
    def file_tag(self) -> str:
        """Part of file names: "intern" or "offentlig"."""
        return "intern" if self is Audience.INTERNAL else "offentlig"


# Place attributes a public export may carry (only a police office's:
# `public_data._public_place`).
PUBLIC_OFFICE_ATTRIBUTES = ("adress", "öppettider")
OPENING_HOURS = "öppettider"
# Outcome names that are counts of events (timmar is a duration, reported as hours).
COUNT_OUTCOMES = tuple(o.value for o in Outcome if o is not Outcome.HOURS)


@dataclass(frozen=True)
class AudienceRules:
    """How public data is protected: the smallest count shown and the grid for places."""

    min_count: int = DEFAULT_MIN_COUNT
    cell_size_m: float = DEFAULT_CELL_SIZE_M
    grid: GridShape = GridShape.SQUARE

    def __post_init__(self) -> None:
        if self.min_count < 2:
            raise ValidationError(
                f"Minsta antal ska vara minst 2 (är {self.min_count}): med 1 skyddas ingenting."
            )
        if not MIN_CELL_SIZE_M <= self.cell_size_m <= MAX_CELL_SIZE_M:
            raise ValidationError(
                f"Rutstorleken ska vara mellan {MIN_CELL_SIZE_M:.0f} och {MAX_CELL_SIZE_M:.0f} m "
                f"(är {self.cell_size_m:g} m)."
            )

    @property
    def suppressed_text(self) -> str:
        """How a withheld count is written: "visas inte".

        Not "färre än 3": a value withheld so that a small one cannot be subtracted out
        (`protect_parts`) may be larger, and a public file never says what is false.
        """
        return "visas inte"

    @property
    def suppressed_meaning(self) -> str:
        """The sentence each public file prints to explain `suppressed_text`."""
        return (
            f'"{self.suppressed_text}" står för ett antal från 1 till {self.min_count - 1}, '
            "eller för ett annat antal som döljs för att ett sådant annars skulle kunna "
            "räknas fram"
        )


# The only rules a public file is made with (see "Public files cannot be combined" above).
PUBLIC_RULES = AudienceRules(DEFAULT_MIN_COUNT, DEFAULT_CELL_SIZE_M, GridShape.SQUARE)

# Who reads the store for a public file: what it may hold is decided by the rules here, not
# by who asks, so the same file comes out for everyone (the requester's right to export is
# checked before). A police planner sees every classification; only counts leave.
PUBLIC_READER = Actor("system:offentlig-export", role="planner", organisation="polis")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: audience, inclusive dates, when, and the meeting it is for.

    `meeting_date` defaults to the day the export is made, but never later than the day
    after `end`; `since` (the first day of "genomfört sedan förra mötet") defaults to the
    day after the last samverkansmöte logged before the meeting.
    """

    audience: Audience
    start: date
    end: date
    made_at: datetime
    rules: AudienceRules = field(default_factory=AudienceRules)
    document_id: str | None = None
    meeting_date: date | None = None
    since: date | None = None
    upcoming_days: int = 90

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                f"Slutdatum {self.end:%Y-%m-%d} ligger före startdatum {self.start:%Y-%m-%d}."
            )
        if self.made_at.tzinfo is None:
            raise ValueError("made_at saknar tidszon")

    @property
    def meeting_day(self) -> date:
        """The meeting date in use (see the class docstring)."""
        if self.meeting_date is not None:
            return self.meeting_date
        return min(self.made_at.astimezone(STOCKHOLM).date(), self.end + timedelta(days=1))


def default_period(doc: PromiseDocument, today: date) -> Period:
    """The promise year containing `today` (clamped to the document's years)."""
    return promise_year_containing(doc, today)


def check_public_request(doc: PromiseDocument, request: ExportRequest) -> None:
    """Refuse a public request outside the fixed set (see the module docstring).

    Raises
    ------
    ValidationError
        The period is not one whole promise year of `doc`, the rules are not `PUBLIC_RULES`,
        or a start day for "since the last meeting" was given.
    """
    years = promise_years(doc)
    if not any((y.start, y.end) == (request.start, request.end) for y in years):
        choices = "; ".join(f"{y.label} ({y.start:%Y-%m-%d} – {y.end:%Y-%m-%d})" for y in years)
        raise ValidationError(
            "En offentlig export gäller alltid ett helt löftesår, så att två filer aldrig "
            f"skiljer sig åt med några dagar. Välj ett av: {choices}."
        )
    if request.rules != PUBLIC_RULES:
        raise ValidationError(
            "En offentlig export görs alltid med rutor om "
            f"{PUBLIC_RULES.cell_size_m:g} m ({PUBLIC_RULES.grid.value}) och minsta antal "
            f"{PUBLIC_RULES.min_count}, så att filer med olika rutnät inte kan läggas på "
            "varandra för att visa mer. Ta bort de andra värdena."
        )
    if request.since is not None:
        raise ValidationError(
            'En offentlig export redovisar hela tertial, inte "sedan ett datum": '
            "ange inget startdatum för sedan förra mötet."
        )


def counted_until(period: Period, today: date) -> date | None:
    """The last day a public file counts: the end of the last tertial before `today`.

    None while no tertial of the period has ended (then nothing is counted yet).
    """
    ended = [period_part(period, t.period, t.label) for t in tertials_in(period)]
    ended = [part for part in ended if part.end < today]
    return ended[-1].end if ended else None


def period_part(period: Period, tertial: Period, label: str) -> Period:
    """The part of a tertial inside the period (a promise year rarely starts on 1 January)."""
    return Period(max(tertial.start, period.start), min(tertial.end, period.end), label)
