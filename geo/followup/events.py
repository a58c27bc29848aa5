"""Lägesbild: police events from polisen.se, imported and counted per type and month.

Two file formats are read:

* the public API's JSON (`https://polisen.se/api/events`): a list of objects with `id`,
  `datetime` ("2023-01-29 13:07:26 +01:00"), `name`, `summary`, `url`, `type` and
  `location` {`name`, `gps`: "lat,lon"};
* the CSV in `data/events/` (columns `event_id`, `datetime`, `type`, `name`, `summary`,
  `url`, `api_location_name`, `api_lat`, `api_lon`, `municipality_code`, ...).

**Where an event is:** the API gives each event the centre point of its kommun or län, not
where it happened. The point is kept, but these events are for counts over time per kommun,
never for a street map. The kommun is the API location when that is a kommun, else the
place named at the end of the title ("…, Trafikolycka, Tranås").

Importing is all or nothing: every row is read and checked first, then the new events are
written in one transaction. Events already stored (same `id`) are skipped, so the same file
imported twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import ImportFileError
from geo.files.limits import EVENTS_LIMIT, check_parsed_date, parse_json
from geo.progress_report import Progress
from geo.records.events import PoliceEvent
from geo.records.kommuner import kommun_names
from geo.records.models import STOCKHOLM, Actor
from geo.records.periods import Period
from geo.spatial.crs import SWEREF99TM, WGS84, transform_xy
from geo.spatial.reference_layers import NEIGHBOURS, kommun_features
from geo.swedish import count, number

if TYPE_CHECKING:
    from geo.store import Session, Store

SOURCE_TEXT = "Källa: Polismyndigheten (polisen.se)"
MAX_LISTED_PROBLEMS = 20
NEIGHBOUR_DISTANCE_M = 2000.0
"""Kommuner this close count as neighbours: the shipped boundaries are generalised by up to a
few km, so generalised neighbours may not touch exactly."""

_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})$"
)
_KOMMUNKOD = re.compile(r"^\d{4}$")
CSV_REQUIRED = ("event_id", "datetime", "type", "name")


@dataclass(frozen=True)
class EventImport:
    """What an import did: rows read, events added, events skipped as already known."""

    source: str
    read: int
    added: int
    skipped: int

    def describe(self) -> str:
        """A Swedish summary line for the CLI and the page."""
        return (
            f"{self.source}: {count(self.read, 'händelse', 'händelser')} lästes, "
            f"{count(self.added, 'ny', 'nya')} lades till, "
            f"{number(self.skipped)} fanns redan och hoppades över. {SOURCE_TEXT}."
        )


# -- kommun names -----------------------------------------------------------------------


@cache
def kommun_codes() -> Mapping[str, str]:
    """Kommun name (lower case, e.g. "aneby", "upplands väsby") → kommunkod, all 290.

    From SCB's list (`geo.records.kommuner`).
    """
    return {name.strip().lower(): code for code, name in kommun_names().items()}


def kommun_of(location_name: str, title: str) -> str | None:
    """The kommunkod an event belongs to: its API location if a kommun, else the title's end.

    "Aneby" → "0604"; a län location with the title "…, Trafikolycka, Tranås" → "0687";
    a län-wide item ("…, Sammanfattning natt, Jönköpings län") → None.
    """
    codes = kommun_codes()
    code = codes.get(location_name.strip().lower())
    if code is not None:
        return code
    tail = title.rsplit(",", 1)[-1].strip().lower() if "," in title else ""
    return codes.get(tail)


# -- parsing ----------------------------------------------------------------------------


def parse_event_time(text: str) -> datetime:
    """ "2023-01-29 13:07:26 +01:00" (API) or "2023-01-29T13:07:26+01:00" (ISO) → aware.

    Raises ValueError with a Swedish message when the text is no date-time with an offset.
    """
    match = _DATETIME.match(text.strip())
    if not match:
        raise ValueError(
            f'tiden "{text}" går inte att läsa (väntade t.ex. "2023-01-29 13:07:26 +01:00")'
        )
    day, clock, offset = match.groups()
    if offset != "Z" and ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    try:
        value = datetime.fromisoformat(f"{day}T{clock}{'+00:00' if offset == 'Z' else offset}")
    except ValueError:
        raise ValueError(f'tiden "{text}" är inget giltigt datum') from None
    check_parsed_date(value.date(), f'tiden "{text}"')
    return value.astimezone(STOCKHOLM)


def _lat_lon(lat_text: str, lon_text: str) -> tuple[float, float] | None:
    """Checked WGS 84 latitude and longitude; None when both are empty."""
    if not lat_text.strip() and not lon_text.strip():
        return None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise ValueError(f'koordinaten "{lat_text},{lon_text}" är inga tal') from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f'koordinaten "{lat_text},{lon_text}" ligger utanför jorden')
    return lat, lon


def _event(
    fields: Mapping[str, Any], latlon: tuple[float, float] | None, kommunkod: str | None
) -> PoliceEvent:
    """A checked event from already extracted text fields (ValueError on a problem)."""
    event_id = str(fields.get("id") or "").strip()
    if not event_id:
        raise ValueError("id saknas")
    if len(event_id) > 40:
        raise ValueError(f'id "{event_id[:20]}…" är längre än 40 tecken')
    kind = str(fields.get("type") or "").strip()
    name = str(fields.get("name") or "").strip()
    if not kind:
        raise ValueError("type (händelsetyp) saknas")
    if not name:
        raise ValueError("name (rubrik) saknas")
    when = parse_event_time(str(fields.get("datetime") or ""))
    location = str(fields.get("location_name") or "").strip()
    if kommunkod is not None and not _KOMMUNKOD.match(kommunkod):
        raise ValueError(f'kommunkoden "{kommunkod}" är inte fyra siffror')
    return PoliceEvent(
        id=event_id,
        occurred_at=when,
        type=kind,
        name=name,
        summary=str(fields.get("summary") or "").strip(),
        url=str(fields.get("url") or "").strip(),
        location_name=location,
        kommunkod=kommunkod or kommun_of(location, name),
        # Projected in bulk after all rows are read (see `_with_points`).
        geometry=None if latlon is None else Point(latlon[1], latlon[0]),
    )


def _with_points(events: list[PoliceEvent]) -> list[PoliceEvent]:
    """Project the WGS 84 points of all events to EPSG:3006 in one call."""
    placed = [i for i, e in enumerate(events) if e.geometry is not None]
    if not placed:
        return events
    lonlat = shapely.get_coordinates([events[i].geometry for i in placed])
    e, n = transform_xy(lonlat[:, 0], lonlat[:, 1], WGS84, SWEREF99TM)
    points = shapely.points(np.column_stack([e, n]))
    out = list(events)
    for i, point in zip(placed, points, strict=True):
        out[i] = replace(events[i], geometry=point)
    return out


def _fail(source: str, problems: list[str]) -> ImportFileError:
    """One error listing every problem found (the first MAX_LISTED_PROBLEMS)."""
    listed = problems[:MAX_LISTED_PROBLEMS]
    more = len(problems) - len(listed)
    text = "\n".join(f"- {p}" for p in listed)
    if more:
        text += f"\n- … och {more} fel till"
    return ImportFileError(f"Händelsefilen {source} har fel; inget lästes in:\n{text}")


def _all_or_nothing(
    events: list[PoliceEvent], problems: list[str], source: str
) -> list[PoliceEvent]:
    """The file's events in EPSG:3006, or one error if any row was bad: nothing is read then."""
    if problems:
        raise _fail(source, problems)
    return _with_points(events)


def parse_events_json(text: str, source: str = "filen") -> list[PoliceEvent]:
    """Events from polisen.se's API JSON (a list of event objects).

    Raises ImportFileError naming each bad event (number in the list and its id).
    """
    data = parse_json(text, f"Händelsefilen {source}")
    if not isinstance(data, list):
        raise ImportFileError(
            f"Händelsefilen {source} ska vara en lista med händelser, som polisen.se:s API "
            "ger; inget lästes in."
        )
    events: list[PoliceEvent] = []
    problems: list[str] = []
    for n, item in enumerate(data, start=1):
        where = f"händelse nr {n}"
        try:
            if not isinstance(item, dict):
                raise ValueError("är inget objekt med fält")
            where += f" (id {item.get('id')})" if item.get("id") is not None else ""
            location = item.get("location") or {}
            if not isinstance(location, dict):
                raise ValueError("location ska vara ett objekt med name och gps")
            gps = str(location.get("gps") or "").strip()
            latlon = None
            if gps:
                parts = gps.split(",")
                if len(parts) != 2:
                    raise ValueError(f'location.gps "{gps}" ska vara "lat,lon"')
                latlon = _lat_lon(parts[0], parts[1])
            fields = {**item, "location_name": location.get("name") or ""}
            events.append(_event(fields, latlon, None))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    return _all_or_nothing(events, problems, source)


def parse_events_csv(text: str, source: str = "filen") -> list[PoliceEvent]:
    """Events from the CSV format of `data/events/` (see the module docstring).

    Raises ImportFileError naming each bad row by its line number in the file.
    """
    # newline="": the csv module then reads \r, \n and \r\n line ends itself, also inside
    # quoted fields (a bare \r otherwise raised csv.Error: found by the importer fuzz test).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = set(reader.fieldnames or [])
    except csv.Error as exc:
        raise _csv_error(source, reader.line_num, exc) from None
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(
            f"Händelsefilen {source} saknar kolumnerna {', '.join(missing)} (rad 1); "
            "inget lästes in."
        )
    events: list[PoliceEvent] = []
    problems: list[str] = []
    # One row at a time from the reader: a list of every row's dict used to be held next
    # to the events made from them (issue 11 saw 3.2 GB for a 215 MB file).
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_error(source, reader.line_num, exc) from None
        line = reader.line_num
        try:
            if None in row:
                raise ValueError("har fler fält än rubrikraden")
            latlon = _lat_lon(row.get("api_lat") or "", row.get("api_lon") or "")
            fields = {
                "id": row["event_id"],
                "datetime": row["datetime"],
                "type": row["type"],
                "name": row["name"],
                "summary": row.get("summary") or "",
                "url": row.get("url") or "",
                "location_name": row.get("api_location_name") or "",
            }
            code = (row.get("municipality_code") or "").strip() or None
            events.append(_event(fields, latlon, code))
        except ValueError as exc:
            problems.append(f"rad {line} (id {row.get('event_id') or '?'}): {exc}")
    return _all_or_nothing(events, problems, source)


def _csv_error(source: str, line: int, exc: csv.Error) -> ImportFileError:
    """A broken CSV line as a Swedish ImportFileError."""
    return ImportFileError(
        f"Händelsefilen {source} rad {line}: går inte att läsa som CSV ({exc}); inget lästes in."
    )


def parse_events_bytes(data: bytes, source: str) -> list[PoliceEvent]:
    """Events from a file's bytes: JSON when it starts with `[` or `{`, else CSV.

    Refused (ImportFileError) when larger than `EVENTS_LIMIT`, before anything is parsed.
    """
    EVENTS_LIMIT.check(len(data), source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"Händelsefilen {source} är inte UTF-8; spara den som UTF-8 och försök igen."
        ) from None
    if text.lstrip()[:1] in ("[", "{"):
        return parse_events_json(text, source)
    return parse_events_csv(text, source)


# -- importing --------------------------------------------------------------------------


def import_events(
    session: Session,
    events: Sequence[PoliceEvent],
    source: str,
    progress: Progress | None = None,
) -> EventImport:
    """Write the events not yet stored (by id); a repeated id within the file counts once.
    `progress` is told (written, new) as they are written."""
    known = session.event_ids_present([e.id for e in events])
    new: dict[str, PoliceEvent] = {}
    for e in events:
        if e.id not in known and e.id not in new:
            new[e.id] = e
    session.add_events(list(new.values()), source, progress)
    return EventImport(source, len(events), len(new), len(events) - len(new))


def import_events_bytes(
    store: Store,
    actor: Actor,
    data: bytes,
    source: str,
    progress: Progress | None = None,
) -> EventImport:
    """Read and check the whole file, then write it in one transaction (all or nothing);
    `progress` is told (written, new) as the events are written."""
    events = parse_events_bytes(data, source)
    with store.session(actor) as s:
        return import_events(s, events, source, progress)


def import_events_file(store: Store, actor: Actor, path: Path) -> EventImport:
    """`lofteskartan import events FILE`: see `import_events_bytes`."""
    # The size from os.stat, before a byte is read (a 215 MB file once took 3.2 GB).
    data = EVENTS_LIMIT.read(path)
    return import_events_bytes(store, actor, data, path.name)


# -- counting ---------------------------------------------------------------------------


def neighbours(
    kommunkod: str,
    kommuner: Iterable[tuple[str, str, BaseGeometry]],
    distance_m: float = NEIGHBOUR_DISTANCE_M,
) -> list[tuple[str, str]]:
    """The (kommunkod, name) of kommuner within `distance_m` of `kommunkod`'s boundary.

    `kommuner` are (code, name, geometry in EPSG:3006), e.g. the base layer of the län's
    kommuner. The kommun itself is not included; the result is sorted by name.
    """
    every = list(kommuner)
    own = [g for code, _, g in every if code == kommunkod]
    if not own:
        return []
    zone = shapely.union_all(own).buffer(distance_m)
    return sorted(
        ((code, name) for code, name, g in every if code != kommunkod and zone.intersects(g)),
        key=lambda item: item[1],
    )


def type_by_month(events: Iterable[PoliceEvent], period: Period) -> pd.DataFrame:
    """Number of events per type (rows) and month (columns "2023-06", local time).

    Every month of `period` gets a column, also months without events; rows are sorted by
    their total, largest first, and a "Totalt" column is added.
    """
    months = pd.period_range(period.start, period.end, freq="M").strftime("%Y-%m").tolist()
    rows = [
        (e.type, e.occurred_at.astimezone(STOCKHOLM).strftime("%Y-%m"))
        for e in events
        if period.contains(e.occurred_at.astimezone(STOCKHOLM).date())
    ]
    frame = pd.DataFrame(rows, columns=["Typ", "Månad"])
    table = pd.crosstab(frame["Typ"], frame["Månad"]) if rows else pd.DataFrame(index=[])
    table = table.reindex(columns=months, fill_value=0).fillna(0).astype(int)
    table["Totalt"] = table.sum(axis=1)
    table = table.sort_values("Totalt", ascending=False, kind="stable")
    table.index.name = "Typ"
    return table


def incident_times(events: Iterable[PoliceEvent]) -> list[datetime]:
    """Times of incidents for the hour-of-week matrix: published summaries are left out."""
    return [e.occurred_at for e in events if not e.is_summary]


@dataclass(frozen=True)
class Situation:
    """Lägesbild for one kommun and period: the kommun, its neighbours and their events."""

    kommunkod: str
    kommun_name: str
    neighbours: tuple[tuple[str, str], ...]
    events: tuple[PoliceEvent, ...]
    stored_events: int
    first_event: date | None
    last_event: date | None

    def of(self, kommunkoder: Iterable[str]) -> list[PoliceEvent]:
        """The events of some of these kommuner."""
        wanted = set(kommunkoder)
        return [e for e in self.events if e.kommunkod in wanted]


def load_situation(session: Session, kommunkod: str, period: Period) -> Situation:
    """Events in `period` for the kommun and its neighbours, with the stored date range."""
    features = kommun_features(session, kommunkod, NEIGHBOURS)
    kommuner = [(str(p.get("kommunkod", "")), str(p.get("kommun", "")), g) for p, g in features]
    near = tuple(neighbours(kommunkod, kommuner))
    codes = [kommunkod, *(code for code, _ in near)]
    events = session.list_events(period.start_at, period.end_at, codes)
    first, last, count = session.event_range()
    return Situation(
        kommunkod=kommunkod,
        kommun_name=kommun_names().get(kommunkod, kommunkod),
        neighbours=near,
        events=tuple(events),
        stored_events=count,
        first_event=first,
        last_event=last,
    )
