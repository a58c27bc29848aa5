"""Import places from CSV (as Swedish Excel writes it), GeoJSON and GeoPackage; export them.

One vocabulary for every format (see README, "Importing places"): `namn`, `typ`,
`klassning`, `anteckning` and the kind's own attributes (`väg`, `hastighet`, ...). CSV rows
give coordinates as `lat` + `lon` (WGS 84) or `N` + `E` (SWEREF 99 TM), or a `geometri`
column in WKT; GeoJSON and GeoPackage carry their own geometry and CRS.

Every export that holds places imports again: `export places` (GeoPackage, GeoJSON) writes
these names, and so does the data export's `platser` table (`export csv`, `export gpkg`),
whose CSV adds `wkt_sweref99tm` (WKT in SWEREF 99 TM, read as such: its name says so) and
`e_sweref99tm`/`n_sweref99tm` (a point on the place, checked against the WKT). A row with
the `id` of a stored place changes that place instead of adding one (`plan_import` says
what a file will do before `save_places` does it); `version` refuses a change to a place
someone saved after the export, and `ur_bruk` = ja retires a place.

Everything is read and checked before anything is written (`read_places`), and the writing
is one transaction (`save_places`): a bad file imports nothing, and the message names each
row or feature and what is wrong with it. The CRS of a CSV file is detected from the
numbers and shown to the user before importing; `crs=` overrides it (the command line's
`--crs EPSG:NNNN`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.files.crs import normalise_crs
from geo.files.limits import PLACES_LIMIT
from geo.files.place_csv import _read_csv
from geo.files.place_geo import _read_geojson, _read_gpkg
from geo.files.place_rows import (
    CENTIMETRE,
    ImportedPlace,
    PlaceFile,
    Problems,
    file_format,
)
from geo.progress_report import Progress
from geo.records.models import Place
from geo.records.places import (
    ATTRIBUTES,
    PlaceContext,
    parse_stops,
)
from geo.store import Session
from geo.swedish import count


@dataclass(frozen=True)
class SaveResult:
    """What `save_places` wrote: new, changed and retired places, and the rows left alone.

    `already_stored` names the rows whose place was stored as it is; `retired_in_file` the
    rows marked `ur_bruk` = ja that match no place in use (retired places are not added).
    """

    added: tuple[Place, ...]
    already_stored: tuple[str, ...]
    updated: tuple[Place, ...] = ()
    retired: tuple[Place, ...] = ()
    retired_in_file: tuple[str, ...] = ()

    def summary(self, name: str) -> str:
        """One Swedish sentence: "2 platser importerades från x.csv; 1 ändrades (id 4); …"."""
        parts = [f"{count(len(self.added), 'plats', 'platser')} importerades från {name}"]
        if self.updated:
            parts.append(f"{len(self.updated)} ändrades ({_ids(self.updated)})")
        if self.retired:
            parts.append(f"{len(self.retired)} avvecklades ({_ids(self.retired)})")
        if self.already_stored:
            parts.append(f"{len(self.already_stored)} fanns redan")
        if self.retired_in_file:
            parts.append(f"{len(self.retired_in_file)} avvecklade (ur_bruk = ja) lades inte till")
        return "; ".join(parts) + "."


def _ids(places: Sequence[Place]) -> str:
    shown = ", ".join(str(p.id) for p in places[:10])
    return "id " + shown + (" …" if len(places) > 10 else "")


# -- public: read -----------------------------------------------------------------------


def read_places(
    data: bytes, name: str, crs: str | None = None, context: PlaceContext | None = None
) -> PlaceFile:
    """Read and check every place in a file; nothing is written.

    Parameters
    ----------
    data : the file's bytes.
    name : the file name (its suffix picks the format; it names the file in messages).
    crs : "EPSG:NNNN" to use instead of the detected or stated CRS.
    context : kommun boundaries and tätorter for warnings; default: no kommun check.

    Returns
    -------
    PlaceFile
        The places in EPSG:3006, the CRS used and why, warnings per row.

    Raises
    ------
    ImportFileError
        The file is larger than `PLACES_LIMIT` (checked first, for every format: GeoJSON
        and GeoPackage too), cannot be read, or any row is wrong (all such rows are named).
    """
    fmt = file_format(name)
    PLACES_LIMIT.check(len(data), name)
    context = context or PlaceContext()
    chosen = normalise_crs(crs) if crs else None
    reader = {"CSV": _read_csv, "GeoJSON": _read_geojson, "GeoPackage": _read_gpkg}[fmt]
    result, problems = reader(data, name, chosen, context)
    problems.raise_if_any()
    return result


# -- saving: new places, and stored ones found by an export's id ------------------------


def _same_geometry(a: BaseGeometry, b: BaseGeometry) -> bool:
    """The same shape to the centimetre (what a round trip through any export keeps)."""
    return a.geom_type == b.geom_type and bool(shapely.equals_exact(a, b, tolerance=CENTIMETRE))


def _same_place(a: Place, b: Place) -> bool:
    return (
        a.kind is b.kind
        and a.name.strip().casefold() == b.name.strip().casefold()
        and _same_geometry(a.geometry, b.geometry)
    )


class Change(enum.StrEnum):
    """What importing one row does to the store."""

    NEW = "ny"
    CHANGED = "ändras"
    RETIRE = "avvecklas"
    SAME = "finns redan"
    RETIRED_IN_FILE = "avvecklad i filen, läggs inte till"


@dataclass(frozen=True)
class PlannedPlace:
    """One row and what importing it does: `place` is what will be stored (NEW, CHANGED,
    RETIRE) or what already is (SAME); `fields` names what changes ("namn", "geometri",
    "hastighet", ...)."""

    item: ImportedPlace
    change: Change
    place: Place
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportPlan:
    """What importing a checked file will do, row by row, before anything is written."""

    rows: tuple[PlannedPlace, ...] = field(default_factory=tuple)

    def of(self, change: Change) -> list[PlannedPlace]:
        """The rows with this change."""
        return [r for r in self.rows if r.change is change]

    def describe(self) -> str:
        """In one Swedish line: "2 nya, 1 ändras (id 4: namn), 3 finns redan"."""
        parts = []
        for change in Change:
            rows = self.of(change)
            if not rows:
                continue
            text = f"{len(rows)} {change.value}"
            if change in (Change.CHANGED, Change.RETIRE):
                shown = [
                    f"id {r.place.id}" + (f": {', '.join(r.fields)}" if r.fields else "")
                    for r in rows[:5]
                ]
                text += f" ({'; '.join(shown)}{' …' if len(rows) > 5 else ''})"
            parts.append(text)
        return ", ".join(parts) if parts else "ingenting"


def _comparable(value: Any) -> Any:
    """An attribute value in a form that compares equal across formats (lists vs tuples)."""
    if isinstance(value, list | tuple):
        return tuple(parse_stops(value))
    return value


def _merge(stored: Place, item: ImportedPlace) -> tuple[Place, tuple[str, ...]]:
    """The stored place with the row's values, and the names of the fields that changed.

    A column the file does not have keeps the stored value (a hand-made file without
    `klassning` must not make a sekretess place intern); an empty cell empties the field.
    A geometry within a centimetre of the stored one keeps the stored one, so a round trip
    through a file that rounds to the centimetre changes nothing.
    """
    new, given = item.place, item.given
    classification = new.classification if "klassning" in given else stored.classification
    note = new.note if "anteckning" in given else stored.note
    attributes = dict(stored.attributes)
    for spec in ATTRIBUTES[stored.kind]:
        if spec.key not in given:
            continue
        if spec.key in new.attributes:
            attributes[spec.key] = new.attributes[spec.key]
        else:
            attributes.pop(spec.key, None)
    same_shape = _same_geometry(stored.geometry, new.geometry)
    merged = replace(
        stored,
        name=new.name,
        classification=classification,
        note=note,
        attributes=attributes,
        geometry=stored.geometry if same_shape else new.geometry,
    )
    fields = [
        label
        for label, before, after in (
            ("namn", stored.name, merged.name),
            ("klassning", stored.classification, merged.classification),
            ("anteckning", stored.note, merged.note),
        )
        if before != after
    ]
    for spec in ATTRIBUTES[stored.kind]:
        before = _comparable(stored.attributes.get(spec.key))
        if before != _comparable(merged.attributes.get(spec.key)):
            fields.append(spec.key)
    if not same_shape:
        fields.append("geometri")
    return merged, tuple(fields)


def _plan_stored(item: ImportedPlace, stored: Place, problems: Problems) -> PlannedPlace | None:
    """What a row with the `id` of a stored place does to it; None (a problem) if refused."""
    where, file_id = item.where, item.file_id
    if stored.kind is not item.place.kind:
        problems.add(
            f'{where}: id {file_id} är {stored.kind.value} "{stored.name}" i Löfteskartan, '
            f"men raden är {item.place.kind.value}. En plats kan inte byta typ; töm id för "
            "att lägga till en ny plats."
        )
        return None
    merged, fields = _merge(stored, item)
    retire = item.retired if "ur_bruk" in item.given else stored.is_retired
    if stored.is_retired:
        if fields or not retire:
            problems.add(
                f'{where}: platsen id {file_id} ("{stored.name}") är avvecklad och kan inte '
                "ändras eller tas i bruk igen genom import. Ta bort raden, eller töm id för "
                "att lägga till en ny plats."
            )
            return None
        return PlannedPlace(item, Change.SAME, stored)
    if not fields and not retire:
        return PlannedPlace(item, Change.SAME, stored)
    if "namn" in fields and "geometri" in fields:
        # An id from another database would match an unrelated place: refuse rather than
        # overwrite it. One import can rename or move a place, not both.
        problems.add(
            f'{where}: id {file_id} är "{stored.name}" på ett annat ställe i Löfteskartan; '
            "raden har både nytt namn och ny geometri. Kommer filen från en annan databas? "
            "Töm id-kolumnen för att lägga till platserna som nya, eller ändra namn och "
            "geometri i två omgångar."
        )
        return None
    if item.file_version is not None and item.file_version != stored.version:
        problems.add(
            f'{where}: platsen id {file_id} ("{stored.name}") har ändrats i Löfteskartan '
            f"efter exporten (version {item.file_version} i filen, {stored.version} nu). "
            "Exportera platserna på nytt och gör ändringen där."
        )
        return None
    return PlannedPlace(item, Change.RETIRE if retire else Change.CHANGED, merged, fields)


def plan_import(
    session: Session, places: Sequence[ImportedPlace], name: str, kommunkod: str | None = None
) -> ImportPlan:
    """What importing the checked places will do; nothing is written.

    The file is matched against the places of `kommunkod` (the kommun of the promise it is
    imported for; every place when None), so an `id` or a place of another kommun is never
    changed from here.

    A row whose `id` is a stored place changes that place (only the fields that differ;
    `ur_bruk` = ja retires it); a row without `id`, or whose `id` is not in this database,
    is a new place unless the same place (kind, name and geometry to the centimetre) is
    already stored. Rows marked `ur_bruk` = ja are never added.

    Raises
    ------
    ImportFileError
        Rows that cannot be applied (another kind under the same id, a retired place
        changed, a new name and a new geometry at once, a place saved after the export),
        all named at once.
    """
    problems = Problems(name)
    stored = session.places_by_id(kommunkod)
    planned: dict[int, PlannedPlace] = {}
    for index, item in enumerate(places):
        match = stored.get(item.file_id) if item.file_id is not None else None
        if match is not None:
            row = _plan_stored(item, match, problems)
            if row is not None:
                planned[index] = row
    # New places are compared with what the store will hold, renamed places included.
    after = {p.id: p for p in stored.values() if not p.is_retired}
    for row in planned.values():
        if row.change is Change.CHANGED:
            after[row.place.id] = row.place
        elif row.change is Change.RETIRE:
            after.pop(row.place.id, None)
    added: list[Place] = []
    for index, item in enumerate(places):
        if index in planned or (item.file_id is not None and item.file_id in stored):
            continue
        if item.retired:
            planned[index] = PlannedPlace(item, Change.RETIRED_IN_FILE, item.place)
            continue
        same = next((p for p in [*after.values(), *added] if _same_place(item.place, p)), None)
        if same is not None:
            planned[index] = PlannedPlace(item, Change.SAME, same)
            continue
        added.append(item.place)
        planned[index] = PlannedPlace(item, Change.NEW, item.place)
    problems.raise_if_any()
    return ImportPlan(tuple(planned[i] for i in sorted(planned)))


def save_places(
    session: Session,
    places: Sequence[ImportedPlace],
    name: str = "Filen",
    kommunkod: str | None = None,
    progress: Progress | None = None,
) -> SaveResult:
    """Apply `plan_import` in the session's one unit of work: add the new places, change
    and retire the stored ones the file names by `id`, and leave the rest. New places belong
    to the kommun they lie in, else to `kommunkod` (see `Session.add_place`). `progress` is
    told (rows done, all rows) after each row.

    Importing the same file twice changes nothing the second time. `name` names the file
    in messages. Raises ImportFileError (nothing written) when any row cannot be applied.
    """
    plan = plan_import(session, places, name, kommunkod)
    added: list[Place] = []
    updated: list[Place] = []
    retired: list[Place] = []
    for done, row in enumerate(plan.rows, start=1):
        if row.change is Change.NEW:
            added.append(session.add_place(row.place, kommunkod))
        elif row.change is Change.CHANGED:
            updated.append(session.update_place(row.place))
        elif row.change is Change.RETIRE:
            place = session.update_place(row.place) if row.fields else row.place
            retired.append(session.retire_place(place.id or 0, place.version))
        if progress is not None:
            progress(done, len(plan.rows))
    return SaveResult(
        tuple(added),
        tuple(r.item.where for r in plan.of(Change.SAME)),
        tuple(updated),
        tuple(retired),
        tuple(r.item.where for r in plan.of(Change.RETIRED_IN_FILE)),
    )
