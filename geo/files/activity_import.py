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

This module reads the file and writes it; each row's checks are `geo.files.activity_checks`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError
from geo.files.activity_checks import (
    MAX_MESSAGES,
    CheckedRow,
    Checker,
    PromiseRules,
    Record,
    check_columns,
    check_record,
    promise_label,
    row_points,
)
from geo.files.limits import ACTIVITIES_LIMIT, parse_geojson
from geo.files.tabular import READ_BYTES, stream_table
from geo.records.models import Activity, Actor, Place
from geo.records.places import PlaceContext, load_place_context, place_warnings
from geo.records.promise import PromiseDocument
from geo.spatial.coords import CoordinateSystem, one_system
from geo.spatial.crs import to_sweref
from geo.store import Store
from geo.swedish import count, number

# Rows checked, then written, at a time: what an import holds in memory (a million-row file
# held as checked activities reached 2.4 GB).
CHUNK_ROWS = 10_000
# A long import says how far it has come this often (a million rows: every few seconds).
PROGRESS_ROWS = 50_000


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


def _file_records(stream: BinaryIO, name: str) -> tuple[list[str], Iterator[Record]]:
    """The file's columns and its rows or features, read from `stream` as they are asked for
    (a CSV file; GeoJSON is parsed whole, within its size limit)."""
    if Path(name).suffix.lower() in (".geojson", ".json"):
        return _geojson_records(stream.read(ACTIVITIES_LIMIT.max_bytes() + 1), name)
    table = stream_table(stream, name)
    return list(table.columns), (Record(f"rad {r.number}", r.cells, None) for r in table.rows)


def _geojson_records(data: bytes, name: str) -> tuple[list[str], Iterator[Record]]:
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
        records.append(Record(f"objekt {i}", cells, geom))
    system = _geojson_system(geometries, name)
    if system is CoordinateSystem.WGS84:
        records = [
            Record(r.label, r.cells, to_sweref(r.geometry) if r.geometry is not None else None)
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
    name : the file name: `.geojson`/`.json` is read as GeoJSON, anything else as CSV.
    digest : the file's SHA-256 (hex), for each row's `source_ref`.
    doc : the promise document the activities count toward (its kinds are allowed).
    places : the stored places of `doc`'s kommun, for the `plats` column (matched by name,
        case-insensitively).
    context : the promise's kommun boundary, to warn about activities outside it (as a
        place is warned about); default: no kommun check.
    progress : told every `PROGRESS_ROWS` rows how many are checked (Swedish text).

    Raises
    ------
    ImportFileError
        From `chunks`: listing every bad row and column (a row that would count toward no
        commitment of `doc` among them), or a personal-data column.
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
        self.check = Checker(name, promise_label(doc))
        self.rules = PromiseRules(doc)
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
        check_columns(columns, self.name, self.doc)
        chunk: list[CheckedRow] = []
        for record in records:
            self.checked += 1
            if self.progress is not None and self.checked % PROGRESS_ROWS == 0:
                self.progress(
                    f"{self.name}: {count(self.checked, 'rad', 'rader')} kontrollerade, "
                    f"{number(self.handed_over)} skrivna …"
                )
            checked = check_record(record, self.check, self.by_name, self.rules)
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

    def _handed_over(self, checked: list[CheckedRow]) -> list[ImportedActivity]:
        """The chunk's activities, counted, and warned about when outside the kommun."""
        chunk = [
            ImportedActivity(
                c.make(point),
                source_ref(self.doc.id, self.digest, c.label.replace(" ", "-")),
                c.label,
            )
            for c, point in zip(checked, row_points(checked), strict=True)
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
