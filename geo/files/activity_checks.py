"""One row of an activity file checked against a promise (`geo.files.activity_import` reads
the file and writes what passes).

A row's columns, kind, commitment, times, place or position, classification and outcome are
checked here, and every problem is collected (`Checker`) so that the message names every bad
row and column; a column that looks like personal data refuses the whole file. The rules a row
is held to come from the promise (`PromiseRules`): its kinds, its commitments and its
follow-up years, so a row that would count toward nothing is refused rather than stored.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError
from geo.files.limits import check_parsed_date
from geo.files.tabular import parse_number
from geo.records.kinds import Classification, Kind
from geo.records.models import STOCKHOLM, Activity, Place
from geo.records.outcomes import (
    ALL_OUTCOME_NAMES,
    OutcomeProblem,
    completed_outcome,
    fields_for,
    outcome_names,
    outcome_problems,
)
from geo.records.periods import promise_years
from geo.records.progress import commitment_chooser
from geo.records.promise import Commitment, PromiseDocument
from geo.spatial.coords import CoordinateSystem, classify
from geo.spatial.crs import SWEREF99TM, WGS84, transform_xy
from geo.swedish import count

BASE_COLUMNS = (
    "typ",
    "aktivitet",
    "start",
    "slut",
    "plats",
    "lat",
    "lon",
    "n",
    "e",
    "klassning",
    "anteckning",
)
KNOWN_COLUMNS = frozenset(BASE_COLUMNS) | ALL_OUTCOME_NAMES
PERSONAL_DATA_WORDS = frozenset(
    {
        "namn",
        "förnamn",
        "fornamn",
        "efternamn",
        "personnummer",
        "personnr",
        "pnr",
        "samordningsnummer",
        "födelsedatum",
        "fodelsedatum",
        "födelsedag",
        "född",
        "ålder",
        "alder",
        "kön",
        "telefon",
        "telefonnummer",
        "mobil",
        "mobilnummer",
        "epost",
        "e-post",
        "email",
        "mejl",
        "hemadress",
        "regnr",
        "registreringsnummer",
        "name",
        "ssn",
        "phone",
    }
)
_PERSONNUMMER = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")
MAX_MESSAGES = 30

# How much of a commitment's text names it in a message, beside its id.
SHORT_TEXT = 60


def promise_label(doc: PromiseDocument) -> str:
    """The promise a file was checked against, as messages name it: "löftet ID (kommun)"."""
    return f"löftet {doc.id} ({doc.kommun_name})"


def _candidates(commitments: Sequence[Commitment]) -> str:
    """ "id (short text), ..." for a message that asks the user to choose one."""

    def short(text: str) -> str:
        text = " ".join(text.split())
        if len(text) <= SHORT_TEXT:
            return text
        return text[:SHORT_TEXT].rsplit(" ", 1)[0].rstrip(",.;:") + " …"  # at a word

    return ", ".join(f"{c.id} ({short(c.text)})" for c in commitments)


def _looks_personal(column: str) -> bool:
    """True for column names such as "namn", "personnummer", "förare_namn", "Tel.nr"."""
    words = [w for w in re.split(r"[\s_.\-/]+", column.casefold()) if w]
    return any(w in PERSONAL_DATA_WORDS for w in words) or column.casefold() in PERSONAL_DATA_WORDS


def parse_local_datetime(text: str) -> datetime:
    """ "2024-03-05 13:00" as local Swedish time; ValueError with a Swedish message if wrong.

    A time skipped when summer time starts (02:30 on the last Sunday of March) is refused;
    a time that occurs twice when it ends (02:30 in late October) is read as the first.
    """
    match = _DATETIME.match(text.strip())
    if match is None:
        raise ValueError(f'"{text}" är ingen tid; skriv t.ex. 2024-03-05 13:00')
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValueError(f'"{text}" är inget giltigt datum eller klockslag') from None
    # A far date (0001-01-01, 9999-12-31 23:00) was stored and then broke `export ics`
    # for the whole database: refuse it here, with the range every date parser uses.
    check_parsed_date(naive.date(), f'"{text}"')
    local = naive.replace(tzinfo=STOCKHOLM)
    if local.astimezone(UTC).astimezone(STOCKHOLM).replace(tzinfo=None) != naive:
        raise ValueError(f'"{text}" finns inte: klockan ställs fram en timme den natten')
    return local


# A file repeats its times (shifts start on the hour): each distinct text is parsed once.
_local_datetime = functools.lru_cache(maxsize=65_536)(parse_local_datetime)


@dataclass(frozen=True)
class Record:
    """A row or feature, made uniform: label for messages, cells as text, geometry."""

    label: str
    cells: dict[str, str]
    geometry: BaseGeometry | None


class Checker:
    """Collects every problem in a file before giving up."""

    def __init__(self, name: str, promise: str) -> None:
        self.name = name
        self.promise = promise
        # Only the messages shown are kept: a million bad rows must not fill the memory.
        self.messages: list[str] = []
        self.total = 0

    def add(self, where: str, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.messages) < MAX_MESSAGES:
            prefix = f"{self.name}, {where}" + (f", kolumn {column}" if column else "")
            self.messages.append(f"{prefix}: {message}")

    def raise_if_any(self) -> None:
        if not self.total:
            return
        shown = self.messages
        more = self.total - len(shown)
        text = f"Inget lästes in. Filen kontrollerades mot {self.promise} och har fel:\n"
        text += "\n".join(f"- {m}" for m in shown)
        if more:
            text += f"\n- … och {more} fel till"
        raise ImportFileError(text)


def check_columns(columns: Sequence[str], name: str, doc: PromiseDocument) -> None:
    """Refuse a file with a personal-data column, an unknown one, or (CSV) a missing one."""
    personal = [c for c in columns if _looks_personal(c)]
    if personal:
        raise ImportFileError(
            f"{name}: kolumnen {', '.join(personal)} ser ut att innehålla personuppgifter. "
            "Löfteskartan sparar aktiviteter, platser och antal, aldrig vem. Ta bort kolumnen "
            "och försök igen."
        )
    # A promise's own kinds (format 2, `typer:`) add their own counts as columns.
    outcomes = outcome_names(doc.kinds)
    unknown = [c for c in columns if c not in KNOWN_COLUMNS | outcomes]
    if unknown:
        raise ImportFileError(
            f"{name}, rad 1: okänd kolumn {', '.join(unknown)}. Kända kolumner: "
            f"{', '.join(BASE_COLUMNS)} och utfallen {', '.join(sorted(outcomes))}."
        )
    if Path(name).suffix.lower() not in (".geojson", ".json"):
        for required in ("typ", "start", "slut"):
            if required not in columns:
                raise ImportFileError(f"{name}, rad 1: kolumnen {required} saknas.")


class PromiseRules:
    """What a row is checked against in the promise: its kinds and its commitments."""

    def __init__(self, doc: PromiseDocument) -> None:
        self.doc = doc
        self.kinds = {c.kind for c in doc.commitments}
        self.all_kinds = doc.all_kinds
        self.outcomes = outcome_names(doc.kinds)
        self.choose = commitment_chooser(doc)
        self.ids = {c.id.casefold(): c.id for c in doc.commitments}
        self.years = promise_years(doc)
        # Asked once per distinct value, not once per row: a file repeats its kinds and
        # commitments on every row (a quarter of the time per row went to asking again).
        self.kind = functools.lru_cache(maxsize=256)(doc.kind)
        self.chosen = functools.lru_cache(maxsize=256)(self.choose)
        self.in_promise = functools.lru_cache(maxsize=65_536)(self._in_promise)
        self.outcome = functools.lru_cache(maxsize=65_536)(self._outcome)

    def _in_promise(self, start: datetime) -> bool:
        """True when `start` falls in a follow-up year of the promise (`promise_year_of`)."""
        day = start.astimezone(STOCKHOLM).date()
        return any(year.contains(day) for year in self.years)

    def _outcome(
        self, kind: Kind, items: tuple[tuple[str, float], ...]
    ) -> tuple[tuple[OutcomeProblem, ...], Mapping[str, float]]:
        """A row's outcome checked (`outcome_problems`) and, when right, completed; small
        counts repeat from row to row, so each distinct outcome is checked once."""
        values = dict(items)
        problems = tuple(outcome_problems(kind, values))
        return problems, {} if problems else completed_outcome(kind, values)

    def commitment_id(self, kind: Kind, named: str, where: str, check: Checker) -> str | None:
        """The row's `aktivitet` as a commitment id (or None); a row counting toward none
        is added to `check`, naming the promise's commitments of its kind."""
        commitment_id = self.ids.get(named.casefold(), named) if named else None
        if self.chosen(kind, commitment_id) is not None:
            return commitment_id
        candidates = self.doc.commitments_of_kind(kind)
        promise = promise_label(self.doc)
        if commitment_id is not None:
            check.add(
                where,
                "aktivitet",
                f'"{named}" är ingen aktivitet av typen {kind.value} i {promise}; '
                f"välj en av: {_candidates(candidates)}",
            )
        else:
            check.add(
                where,
                "aktivitet",
                f"{promise} har {count(len(candidates), 'aktivitet', 'aktiviteter')} av typen "
                f"{kind.value}, så raden "
                f"räknas inte förrän kolumnen aktivitet säger vilken: {_candidates(candidates)}",
            )
        return None


def check_record(
    record: Record,
    check: Checker,
    places: Mapping[str, Place],
    rules: PromiseRules,
) -> CheckedRow | None:
    """One row checked (its activity to be made), or None after adding its problems to
    `check`."""
    promised = rules.kinds
    where = record.label
    before = check.total
    cells = {k: v.strip() for k, v in record.cells.items()}
    for column, value in cells.items():
        if value and _PERSONNUMMER.search(value) and column in ("anteckning", "plats"):
            check.add(where, column, "texten innehåller något som liknar ett personnummer")

    # The promise's own kinds (`typer:`) are as valid a `typ` as the built-in ones.
    kind: Kind | None = rules.kind(cells.get("typ", ""))
    if kind not in rules.all_kinds:
        known = ", ".join(k.value for k in rules.all_kinds if k in promised)
        check.add(where, "typ", f'okänd typ "{cells.get("typ", "")}" (kända: {known})')
        kind = None
    if kind is not None and kind not in promised:
        # Name the promise checked: with several stored, the wrong one is the likely cause.
        check.add(
            where, "typ", f'{promise_label(rules.doc)} har ingen aktivitet av typen "{kind.value}"'
        )

    commitment_id: str | None = None
    if kind is not None and kind in promised:
        commitment_id = rules.commitment_id(kind, cells.get("aktivitet", ""), where, check)

    times: dict[str, datetime] = {}
    for column in ("start", "slut"):
        try:
            times[column] = _local_datetime(cells.get(column, ""))
        except ValueError as exc:
            check.add(where, column, str(exc) if cells.get(column) else "saknas")
    if len(times) == 2 and times["slut"] < times["start"]:
        check.add(where, "slut", "ligger före start")
    if "start" in times:
        _check_in_promise(times["start"], rules, where, check)

    place: Place | None = None
    before_where = check.total
    if cells.get("plats"):
        place = places.get(cells["plats"].casefold())
        if place is None:
            check.add(where, "plats", f'ingen sparad plats heter "{cells["plats"]}"')
    position = None if record.geometry else _position(cells, where, check)
    where_failed = check.total > before_where
    if (
        kind is not None
        and kind.needs_place
        and place is None
        and record.geometry is None
        and position is None
        and not where_failed
    ):
        check.add(where, "plats", f"{kind.label.lower()} behöver plats, lat+lon eller N+E")

    classification = kind.default_classification if kind else None
    if cells.get("klassning"):
        try:
            classification = Classification(cells["klassning"].lower())
        except ValueError:
            text = f'"{cells["klassning"]}" ska vara öppen, intern eller sekretess'
            check.add(where, "klassning", text)

    outcome: dict[str, float] = {}
    for column, value in cells.items():
        if column in rules.outcomes and value:
            try:
                outcome[column] = parse_number(value, "x")
            except ImportFileError:
                check.add(where, column, f'"{value}" är inget tal')
    completed: Mapping[str, float] = {}
    if kind is not None:
        problems, completed = rules.outcome(kind, tuple(outcome.items()))
        allowed = [f.name for f in fields_for(kind)] if problems else []
        for problem in problems:
            message = problem.message
            if problem.field not in allowed:
                message = f"hör inte till typen {kind.value} (tillåtna: {', '.join(allowed)})"
            check.add(where, problem.field, message)

    if check.total > before or kind is None or classification is None:
        return None
    make = functools.partial(
        _activity,
        kind,
        times["start"],
        times["slut"],
        commitment_id=commitment_id,
        place_id=place.id if place else None,
        outcome=completed,  # the Activity keeps its own copy
        classification=classification,
        note=cells.get("anteckning", ""),
    )
    return CheckedRow(where, make, record.geometry, position)


def _activity(
    kind: Kind, start: datetime, end: datetime, point: BaseGeometry | None, **fields: Any
) -> Activity:
    """The Activity of a checked row, given its point (`CheckedRow.make`)."""
    return Activity(kind, start, end, geometry=point, **fields)


class _Position(NamedTuple):
    """A row's checked lat+lon or N+E, made a point together with its chunk's (`row_points`)."""

    first: float
    second: float
    system: CoordinateSystem


class CheckedRow(NamedTuple):
    """A checked row: its label, its activity but for the point, and where it is."""

    label: str
    make: Callable[[BaseGeometry | None], Activity]
    geometry: BaseGeometry | None  # a GeoJSON feature's, already in SWEREF 99 TM
    position: _Position | None  # a CSV row's coordinates


def row_points(rows: Sequence[CheckedRow]) -> list[BaseGeometry | None]:
    """Each row's point in SWEREF 99 TM, transformed together (one pyproj call and one
    shapely call per chunk instead of one each per row: a tenth of the time per row)."""
    points: list[BaseGeometry | None] = [r.geometry for r in rows]
    for system in CoordinateSystem:
        at = [
            i for i, r in enumerate(rows) if r.position is not None and r.position.system is system
        ]
        if not at:
            continue
        first = np.array([rows[i].position.first for i in at])  # type: ignore[union-attr]
        second = np.array([rows[i].position.second for i in at])  # type: ignore[union-attr]
        if system is CoordinateSystem.WGS84:  # (lat, lon) → (E, N)
            east, north = transform_xy(second, first, WGS84, SWEREF99TM)
        else:  # (N, E)
            east, north = second, first
        for i, point in zip(at, shapely.points(east, north), strict=True):
            points[i] = point
    return points


def _check_in_promise(start: datetime, rules: PromiseRules, where: str, check: Checker) -> None:
    """A row outside every follow-up year of its promise would be stored and counted nowhere."""
    if not rules.in_promise(start):
        day = start.astimezone(STOCKHOLM).date()
        doc = rules.doc
        side = "före" if day < doc.period_start else "efter"
        check.add(
            where,
            "start",
            f"{day:%Y-%m-%d} ligger {side} perioden för {promise_label(doc)} "
            f"({doc.period_start:%Y-%m-%d} – {doc.period_end:%Y-%m-%d}) och skulle inte räknas "
            "i någon uppföljning; läs in raden för det löfte som gäller då",
        )


def _position(cells: Mapping[str, str], where: str, check: Checker) -> _Position | None:
    """Lat+lon (WGS 84) or N+E (SWEREF 99 TM), checked against the numbers."""
    for first, second, expected in (
        ("lat", "lon", CoordinateSystem.WGS84),
        ("n", "e", CoordinateSystem.SWEREF99TM),
    ):
        a, b = cells.get(first, ""), cells.get(second, "")
        if not a and not b:
            continue
        if not (a and b):
            check.add(where, second if a else first, f"{first} och {second} anges tillsammans")
            return None
        try:
            x, y = parse_number(a, "x"), parse_number(b, "x")
        except ImportFileError:
            check.add(where, first, f'"{a}" / "{b}" är inga koordinater')
            return None
        system = classify(x, y)
        if system is None:
            check.add(where, first, f"({a}, {b}) ligger inte i Sverige")
            return None
        if system is not expected:
            check.add(
                where,
                first,
                f"({a}, {b}) ser ut som {system.label}; använd kolumnerna "
                + ("N och E" if system is CoordinateSystem.SWEREF99TM else "lat och lon"),
            )
            return None
        return _Position(x, y, system)
    return None
