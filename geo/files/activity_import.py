"""`lofteskartan import activities FILE`: logged activities from CSV (Swedish Excel) or GeoJSON.

Columns (CSV) or properties (GeoJSON), see data/templates/aktiviteter.csv:

* `typ` – a kind the promise has (`närvaro`, `trafikkontroll`, `narkotikainsats`, ...);
* optional `aktivitet` – the id of the commitment in the promise file the row counts toward
  (`trygghetsvandringar`); needed where the promise has several commitments of the row's kind;
* `start`, `slut` – local Swedish time, `2024-03-05 13:00` (also `13.00` or `T13:00`);
* where: `plats` (the name of a stored place), or `lat` + `lon` (WGS 84), or `N` + `E`
  (SWEREF 99 TM), or a GeoJSON geometry; meetings may have none;
* optional `klassning` (öppen, intern, sekretess) and `anteckning` (internal free text);
* outcome counts of the row's kind (`geo.records.outcomes`): `kontrollerade_fordon`,
  `overtradelser`, `kontrollerade_personer`, `misstankta_narkotikabrott`, `varav_unga`,
  `deltagare`, `timmar`, ...

Every row is checked before anything is kept; one bad row and nothing is imported, and the
message names every bad row and column and the promise it was checked against. A CSV file is
read and written in chunks of `CHUNK_ROWS` inside one transaction that a bad row rolls back,
so a million rows never sit in memory together (issue 17).

A row that would count toward no commitment (its kind has several in the promise and
`aktivitet` is empty, or `aktivitet` names none of its kind) is a bad row, and so is a
row that starts outside every follow-up year of the promise: nothing is accepted and then not
counted. An activity whose coordinates lie outside the promise's
kommun is stored with the warning a place gets there. Columns that look like personal
data (namn, personnummer, telefon, registreringsnummer...) refuse the file: the tool holds
counts, never people. Each row is stored with a reference made of the file's SHA-256 and
its row number, so importing the same file again adds nothing.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError
from geo.files.limits import ACTIVITIES_LIMIT, check_parsed_date, parse_geojson
from geo.files.tabular import READ_BYTES, parse_number, stream_table
from geo.records.kinds import Classification, Kind
from geo.records.models import STOCKHOLM, Activity, Actor, Place
from geo.records.outcomes import (
    ALL_OUTCOME_NAMES,
    OutcomeProblem,
    completed_outcome,
    fields_for,
    outcome_names,
    outcome_problems,
)
from geo.records.periods import promise_years
from geo.records.places import PlaceContext, load_place_context, place_warnings
from geo.records.progress import commitment_chooser
from geo.records.promise import Commitment, PromiseDocument
from geo.spatial.coords import CoordinateSystem, classify, one_system
from geo.spatial.crs import SWEREF99TM, WGS84, to_sweref, transform_xy
from geo.store import Store
from geo.swedish import count, number

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
# Rows checked, then written, at a time: what an import holds in memory (a million-row file
# held as checked activities reached 2.4 GB).
CHUNK_ROWS = 10_000
# A long import says how far it has come this often (a million rows: every few seconds).
PROGRESS_ROWS = 50_000
# How much of a commitment's text names it in a message, beside its id.
SHORT_TEXT = 60


@dataclass(frozen=True)
class ImportedActivity:
    """One checked row, ready to store: the activity and where it came from.

    `source_ref` names the promise, the file's hash and the row (see `source_ref`): a file
    is imported once per promise (`file_ref_prefixes`).
    """

    activity: Activity
    source_ref: str
    row: str


@dataclass(frozen=True)
class ParsedFile:
    """A checked file: its hash, its activities and warnings about them (never refusals)."""

    name: str
    sha256: str
    items: tuple[ImportedActivity, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    """What an import did, to which promise, and what it warned about."""

    added: int
    already_there: int
    promise: str = ""
    warnings: tuple[str, ...] = ()

    def message(self, name: str) -> str:
        """Swedish summary line."""
        text = f"{name}: {count(self.added, 'aktivitet', 'aktiviteter')} lades till"
        if self.promise:
            text += f" i {self.promise}"
        if self.already_there:
            text += (
                f", {number(self.already_there)} fanns redan "
                "(samma fil och rad har lästs in för det här löftet förut)"
            )
        return text + "."


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
class _Record:
    """A row or feature, made uniform: label for messages, cells as text, geometry."""

    label: str
    cells: dict[str, str]
    geometry: BaseGeometry | None


def _file_records(stream: BinaryIO, name: str) -> tuple[list[str], Iterator[_Record]]:
    """The file's columns and its rows or features, read from `stream` as they are asked for
    (a CSV file; GeoJSON is parsed whole, within its size limit)."""
    if Path(name).suffix.lower() in (".geojson", ".json"):
        return _geojson_records(stream.read(ACTIVITIES_LIMIT.max_bytes() + 1), name)
    table = stream_table(stream, name)
    return list(table.columns), (_Record(f"rad {r.number}", r.cells, None) for r in table.rows)


def _geojson_records(data: bytes, name: str) -> tuple[list[str], Iterator[_Record]]:
    # The shared checks (size, nesting depth, every feature an object with object
    # properties): without them `[null]` or deep nesting crashed this reader (found by
    # tests/integration/test_importers_fuzz.py).
    doc = parse_geojson(data, name, limit=ACTIVITIES_LIMIT)
    if doc.get("type") != "FeatureCollection":
        raise ImportFileError(f"{name}: GeoJSON-filen ska vara en FeatureCollection.")
    features = doc.get("features") or []
    columns: list[str] = []
    records = []
    geometries: list[tuple[int, BaseGeometry]] = []
    for i, feature in enumerate(features, start=1):
        props = {str(k).strip().lower(): v for k, v in (feature.get("properties") or {}).items()}
        for key in props:
            if key not in columns:
                columns.append(key)
        cells = {k: "" if v is None else str(v) for k, v in props.items()}
        geom = None
        if feature.get("geometry"):
            try:
                geom = shape(feature["geometry"])
            except Exception as exc:  # shapely's errors vary by geometry type
                raise ImportFileError(
                    f"{name}, objekt {i}: geometrin går inte att läsa ({exc})."
                ) from None
            geometries.append((i, geom))
        records.append(_Record(f"objekt {i}", cells, geom))
    system = _geojson_system(geometries, name)
    if system is CoordinateSystem.WGS84:
        records = [
            _Record(r.label, r.cells, to_sweref(r.geometry) if r.geometry is not None else None)
            for r in records
        ]
    return columns, iter(records)


def _geojson_system(
    geometries: Sequence[tuple[int, BaseGeometry]], name: str
) -> CoordinateSystem | None:
    """WGS 84 (as RFC 7946 says) or SWEREF 99 TM (as Swedish GIS often writes), by numbers."""
    # GeoJSON writes (x, y), i.e. (lon, lat) or (E, N); `one_system` takes (lat, lon) or (N, E).
    points = (
        (i, float(y), float(x)) for i, geom in geometries for x, y in shapely.get_coordinates(geom)
    )
    return one_system(
        points,
        lambda i, y, x: (
            f"{name}, objekt {i}: koordinaten ({x}, {y}) ligger inte i Sverige i vare "
            "sig WGS 84 eller SWEREF 99 TM."
        ),
        f"{name}: filen blandar WGS 84 och SWEREF 99 TM.",
    )


class _Checker:
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


def parse_activity_file(
    data: bytes,
    name: str,
    doc: PromiseDocument,
    places: Sequence[Place],
    context: PlaceContext | None = None,
    progress: Callable[[str], None] | None = None,
) -> ParsedFile:
    """Read and check a whole activity file; nothing is written.

    Parameters
    ----------
    data : the file's bytes.
    name : the file name: `.geojson`/`.json` is read as GeoJSON, anything else as CSV.
    doc : the promise document the activities count toward (its kinds are allowed).
    places : the stored places of `doc`'s kommun, for the `plats` column (matched by name,
        case-insensitively).
    context : the promise's kommun boundary, to warn about activities outside it (as a
        place is warned about); default: no kommun check.
    progress : told every `PROGRESS_ROWS` rows how many are checked (Swedish text).

    Raises
    ------
    ImportFileError
        Listing every bad row and column (a row that would count toward no commitment of
        `doc` among them), or a personal-data column; or the file is larger than
        `ACTIVITIES_LIMIT` (checked before it is parsed).
    """
    ACTIVITIES_LIMIT.check(len(data), name)
    digest = hashlib.sha256(data).hexdigest()
    reading = FileReading(name, digest, doc, places, context=context, progress=progress)
    items = [item for chunk in reading.chunks(io.BytesIO(data)) for item in chunk]
    return ParsedFile(name, digest, tuple(items), reading.warnings())


def source_ref(document_id: str, digest: str, row: str) -> str:
    """The import reference of one row of a file imported for a promise (unique per row)."""
    return f"aktiviteter:{document_id}:{digest[:32]}:{row}"


class FileReading:
    """One activity file read and checked chunk by chunk against a promise.

    `chunks` hands over the checked rows `chunk_rows` at a time while every row so far is
    right, then goes on checking without keeping any, and raises ImportFileError naming every
    bad row at the end: a caller writing each chunk as it comes (`import_activities`) does
    so in one transaction, which that error rolls back. The warnings about activities outside
    the kommun are gathered along the way (`warnings`).

    Parameters
    ----------
    name, doc, places, context, progress : as for `parse_activity_file`.
    digest : the file's SHA-256 (hex), for each row's `source_ref`.
    """

    def __init__(
        self,
        name: str,
        digest: str,
        doc: PromiseDocument,
        places: Sequence[Place],
        *,
        context: PlaceContext | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self.digest = digest
        self.doc = doc
        self.progress = progress
        self.check = _Checker(name, promise_label(doc))
        self.rules = _PromiseRules(doc)
        self.by_name: dict[str, Place] = {}
        for p in places:
            if not p.is_retired:
                self.by_name.setdefault(p.name.strip().casefold(), p)
        self.context = context if context is not None and context.kommuner else None
        for _, boundary in self.context.kommuner if self.context else ():
            shapely.prepare(boundary)  # one polygon against every row of the file
        self.outside: list[str] = []  # the first MAX_MESSAGES of them
        self.outside_total = 0
        self.checked = 0
        self.handed_over = 0

    def chunks(
        self, stream: BinaryIO, chunk_rows: int | None = None
    ) -> Iterator[list[ImportedActivity]]:
        """The file's checked rows, `chunk_rows` (default `CHUNK_ROWS`) at a time."""
        chunk_rows = chunk_rows or CHUNK_ROWS
        columns, records = _file_records(stream, self.name)
        _check_columns(columns, self.name, self.doc)
        chunk: list[_Checked] = []
        for record in records:
            self.checked += 1
            if self.progress is not None and self.checked % PROGRESS_ROWS == 0:
                self.progress(
                    f"{self.name}: {count(self.checked, 'rad', 'rader')} kontrollerade, "
                    f"{number(self.handed_over)} skrivna …"
                )
            checked = _parse_record(record, self.check, self.by_name, self.rules)
            if self.check.total:
                chunk.clear()  # nothing will be stored: check the rest without keeping it
                continue
            if checked is not None:
                chunk.append(checked)
            if len(chunk) >= chunk_rows:
                yield self._handed_over(chunk)
                chunk = []
        if self.checked == 0:
            self.check.add("rad 2", None, "filen har inga aktiviteter")
        self.check.raise_if_any()
        if self.progress is not None and self.checked >= PROGRESS_ROWS:  # a long import only
            rows = count(self.checked, "rad", "rader")
            self.progress(f"{self.name}: alla {rows} är rätt; sparar …")
        if chunk:
            yield self._handed_over(chunk)

    def _handed_over(self, checked: list[_Checked]) -> list[ImportedActivity]:
        """The chunk's activities, counted, and warned about when outside the kommun."""
        chunk = [
            ImportedActivity(
                c.make(point),
                source_ref(self.doc.id, self.digest, c.label.replace(" ", "-")),
                c.label,
            )
            for c, point in zip(checked, _points(checked), strict=True)
        ]
        self.handed_over += len(chunk)
        if self.context is not None:
            self._warn_outside(self.context, chunk)
        return chunk

    def _warn_outside(self, context: PlaceContext, chunk: Sequence[ImportedActivity]) -> None:
        """Count the chunk's activities outside every kommun boundary and word the first."""
        located = [item for item in chunk if item.activity.geometry is not None]
        geometries = np.array([item.activity.geometry for item in located], dtype=object)
        covered = np.zeros(len(located), dtype=bool)
        for _, boundary in context.kommuner:  # the whole chunk against a boundary at once
            covered |= shapely.covers(boundary, geometries)
        for item, inside in zip(located, covered, strict=True):
            if inside:
                continue
            # Outside every boundary is what `place_warnings` warns about; its wording (the
            # distance to the boundary) is worked out only for the warnings shown.
            self.outside_total += 1
            if len(self.outside) < MAX_MESSAGES:
                geometry = item.activity.geometry
                assert geometry is not None  # located
                for warning in place_warnings(geometry, context, "Aktiviteten"):
                    self.outside.append(f"{self.name}, {item.row}: {warning}")

    def warnings(self) -> tuple[str, ...]:
        """The place warning for the first activities outside the kommun, and how many more."""
        more = self.outside_total - len(self.outside)
        if more <= 0:
            return tuple(self.outside)
        tail = f"{self.name}: … och {count(more, 'aktivitet', 'aktiviteter')} till utanför kommunen"
        return (*self.outside, tail)


def _check_columns(columns: Sequence[str], name: str, doc: PromiseDocument) -> None:
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


class _PromiseRules:
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

    def commitment_id(self, kind: Kind, named: str, where: str, check: _Checker) -> str | None:
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


def _parse_record(
    record: _Record,
    check: _Checker,
    places: Mapping[str, Place],
    rules: _PromiseRules,
) -> _Checked | None:
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
    return _Checked(where, make, record.geometry, position)


def _activity(
    kind: Kind, start: datetime, end: datetime, point: BaseGeometry | None, **fields: Any
) -> Activity:
    """The Activity of a checked row, given its point (`_Checked.make`)."""
    return Activity(kind, start, end, geometry=point, **fields)


class _Position(NamedTuple):
    """A row's checked lat+lon or N+E, made a point together with its chunk's (`_points`)."""

    first: float
    second: float
    system: CoordinateSystem


class _Checked(NamedTuple):
    """A checked row: its label, its activity but for the point, and where it is."""

    label: str
    make: Callable[[BaseGeometry | None], Activity]
    geometry: BaseGeometry | None  # a GeoJSON feature's, already in SWEREF 99 TM
    position: _Position | None  # a CSV row's coordinates


def _points(rows: Sequence[_Checked]) -> list[BaseGeometry | None]:
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


def _check_in_promise(start: datetime, rules: _PromiseRules, where: str, check: _Checker) -> None:
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


def _position(cells: Mapping[str, str], where: str, check: _Checker) -> _Position | None:
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


def file_ref_prefixes(document_id: str, digest: str) -> tuple[str, str]:
    """The start of every row's reference of a file imported for a promise: as `source_ref`
    writes it, and as imports wrote it before references named the promise."""
    return source_ref(document_id, digest, ""), f"aktiviteter:{digest[:32]}:"


def import_activities(
    store: Store,
    actor: Actor,
    path: Path,
    document_id: str | None = None,
    progress: Callable[[str], None] | None = None,
    chunk_rows: int | None = None,
) -> ImportResult:
    """Read, check and store an activity file in one transaction (all rows or none).

    Rows already imported for this promise (same file content, same row) are skipped, so
    importing a file twice for a promise adds nothing the second time; the same file for
    another promise is added to that one. The result names the promise the file was checked
    against and warns about activities outside its kommun. `progress` is told, in Swedish,
    how far a long import has come (the command line writes it to stderr).

    The file is read `chunk_rows` rows at a time: each chunk is checked and written, and a
    bad row anywhere rolls the whole transaction back (`FileReading`), so memory stays flat
    at any size (a million rows) and bad input still changes nothing.
    """
    # The size from os.stat, before a byte is read (issue 11: a 1 M-row file held the
    # write lock for ten minutes).
    ACTIVITIES_LIMIT.check_path(path)
    digest = _sha256(path)
    store.require_schema()
    with store.session(actor) as s:
        doc = s.promise_document(document_id)
        # A file is stored all at once or not at all, so one stored row of it for this
        # promise means all of it was checked and stored then: known by its hash, nothing is
        # read again (checking every row again took 7.8 s at 100,000 rows).
        before = s.imported_rows(file_ref_prefixes(doc.id, digest), doc.id)
        if before:
            return ImportResult(0, before, promise_label(doc))
        context = load_place_context(s, doc.kommunkod)
        # Only the promise's kommun's places: a name another kommun uses is an unknown place.
        places = s.list_places(include_retired=True, kommunkod=doc.kommunkod)
        reading = FileReading(path.name, digest, doc, places, context=context, progress=progress)
        with path.open("rb") as stream:
            chunks = (
                [(item.activity, item.source_ref) for item in chunk]
                for chunk in reading.chunks(stream, chunk_rows)
            )
            added = s.add_activity_chunks(chunks, doc.id, {"fil": path.name, "sha256": digest})
    return ImportResult(added, 0, promise_label(doc), reading.warnings())


def _sha256(path: Path) -> str:
    """A file's SHA-256, read in pieces (a 75 MB file is not held to hash it)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while piece := f.read(READ_BYTES):
                digest.update(piece)
    except OSError as exc:
        raise ImportFileError(f"Filen {path} går inte att läsa ({exc.strerror}).") from None
    return digest.hexdigest()
