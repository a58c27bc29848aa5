"""Rows to records and records to rows, by record kind.

Each kind has one list of `_Column`s (the table column, the record attribute, the conversion
each way) and one `RecordMapping` (`PLACE_ROWS`, `ACTIVITY_ROWS`, ...) that drives both
directions with it: `PLACE_ROWS.values(place)`, `PLACE_ROWS.from_row(row)`. The order of a
list is the order of the values in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from shapely.geometry.base import BaseGeometry
from sqlalchemy import exists

from geo.files.photos import Photo
from geo.records.events import PoliceEvent
from geo.records.kinds import Classification, kind_from_code
from geo.records.models import (
    Activity,
    Finding,
    FindingStatus,
    Indicator,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
    ScheduleRule,
)
from geo.store import schema as t


def jsonable(value: Any) -> Any:
    """Values for the audit log and JSON columns: geometries as WKT, times as ISO text."""
    if value is None:
        return None
    if isinstance(value, BaseGeometry):
        return value.wkt
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, float | int | str | bool):
        return value
    return json.loads(json.dumps(value, default=str))


def mentions_secret(entry: Mapping[str, Any]) -> bool:
    """True when an audit entry's values before or after were classified sekretess."""
    return any(
        isinstance(values, Mapping) and values.get("classification") == Classification.SECRET.value
        for values in (entry.get("before"), entry.get("after"))
    )


def as_datetime(value: Any) -> datetime:
    """An aggregate's time: SQLite returns ISO text, PostgreSQL a datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _same(value: Any) -> Any:
    return value


def _enum_value(member: Any) -> Any:
    return member.value


def _json_object(value: Any) -> Any:
    return jsonable(dict(value))


@dataclass(frozen=True)
class _Column:
    """A table column and the record attribute it holds, with the conversion each way."""

    name: str
    attribute: str
    to_row: Callable[[Any], Any] = _same
    from_row: Callable[[Any], Any] = _same
    written: bool = True  # False: set by the store (id, version, who/when), only read back


R = TypeVar("R")


@dataclass(frozen=True)
class RecordMapping(Generic[R]):
    """One record kind and its columns: the same list turns records into rows and back."""

    record: Callable[..., R]
    columns: Sequence[_Column]

    def values(self, record: R) -> dict[str, Any]:
        """The values to write for a record (the columns the store does not set itself)."""
        return {c.name: c.to_row(getattr(record, c.attribute)) for c in self.columns if c.written}

    def from_row(self, r: Any) -> R:
        """The record a row holds."""
        return self.record(**{c.attribute: c.from_row(getattr(r, c.name)) for c in self.columns})


# Columns most record kinds share.
# A promise file's own kind comes back known by its code (PromiseDocument.kind gives its label).
_KIND = _Column("kind", "kind", _enum_value, kind_from_code)
_COMMITMENT = _Column("commitment_id", "commitment_id")
_PLACE = _Column("place_id", "place_id")
_GEOMETRY = _Column("geom", "geometry")
_WHERE_AND_WHEN = (
    _COMMITMENT,
    _PLACE,
    _GEOMETRY,
    _Column("start_at", "start"),
    _Column("end_at", "end"),
)
_CLASSIFICATION = _Column("classification", "classification", _enum_value, Classification)
_NOTE = _Column("note", "note")
_TEAM = _Column("team", "team")
_SEED = _Column("seed", "seed")
_IS_EXAMPLE = _Column("is_example", "is_example", from_row=bool)
_ID = _Column("id", "id", written=False)
_VERSION = _Column("version", "version", written=False)

# -- places --------------------------------------------------------------------------------

_PLACE_COLUMNS = (
    _Column("kind", "kind", _enum_value, PlaceKind),
    _Column("name", "name"),
    _CLASSIFICATION,
    _NOTE,
    _Column("attributes", "attributes", _json_object, dict),
    _GEOMETRY,
    _IS_EXAMPLE,
    _Column("retired_at", "retired_at"),
    _Column("kommunkod", "kommunkod"),
    _ID,
    _VERSION,
)

PLACE_ROWS = RecordMapping(Place, _PLACE_COLUMNS)


# -- activities ----------------------------------------------------------------------------

_ACTIVITY_COLUMNS = (
    _KIND,
    *_WHERE_AND_WHEN,
    _Column("outcome", "outcome", dict, dict),
    _CLASSIFICATION,
    _NOTE,
    _Column("planned_id", "planned_id"),
    _IS_EXAMPLE,
    _ID,
    _Column("created_by", "recorded_by", written=False),
    _Column("created_at", "recorded_at", written=False),
    _VERSION,
)

ACTIVITY_ROWS = RecordMapping(Activity, _ACTIVITY_COLUMNS)


# -- plans: planned activities and schedule rules ------------------------------------------

_PLANNED_COLUMNS = (
    _KIND,
    *_WHERE_AND_WHEN,
    _TEAM,
    _CLASSIFICATION,
    _NOTE,
    _Column("status", "status", _enum_value, PlanStatus),
    _Column("rule_id", "rule_id"),
    _SEED,
    _IS_EXAMPLE,
    _ID,
    _VERSION,
)
_SCHEDULE_RULE_COLUMNS = (
    _KIND,
    _COMMITMENT,
    _PLACE,
    _TEAM,
    _Column("rule", "rule", _json_object, dict),
    _Column("description", "description"),
    _CLASSIFICATION,
    _SEED,
    _IS_EXAMPLE,
    _ID,
    _VERSION,
)

PLANNED_ROWS = RecordMapping(PlannedActivity, _PLANNED_COLUMNS)

SCHEDULE_RULE_ROWS = RecordMapping(ScheduleRule, _SCHEDULE_RULE_COLUMNS)


# -- findings and their photos -------------------------------------------------------------

# Whether a finding has a photo, read with the finding (the bytes stay in their table).
HAS_PHOTO = (
    exists()
    .where(t.finding_photos.c.finding_id == t.findings.c.id)
    .correlate(t.findings)
    .label("has_photo")
)

_FINDING_COLUMNS = (
    _Column("activity_id", "activity_id"),
    _Column("category", "category"),
    _Column("description", "description"),
    _Column("action", "action"),
    _Column("owner", "owner"),
    _Column("due", "due"),
    _Column("status", "status", _enum_value, FindingStatus),
    _CLASSIFICATION,
    _GEOMETRY,
    _ID,
    _VERSION,
    _Column("has_photo", "has_photo", from_row=bool, written=False),
)

FINDING_ROWS = RecordMapping(Finding, _FINDING_COLUMNS)


def photo_from_row(r: Any) -> Photo:
    return Photo(bytes(r.data), r.media_type, r.width, r.height, bytes(r.thumbnail))


# -- indicators ----------------------------------------------------------------------------

_INDICATOR_COLUMNS = (
    _Column("kommunkod", "kommunkod"),
    _Column("indicator", "indicator"),
    _Column("term", "term"),
    _Column("value", "value"),
    _Column("unit", "unit"),
    _Column("note", "note"),
    _IS_EXAMPLE,
    _ID,
    _VERSION,
)

INDICATOR_ROWS = RecordMapping(Indicator, _INDICATOR_COLUMNS)


# -- police events -------------------------------------------------------------------------

_EVENT_COLUMNS = tuple(
    _Column(name, name)
    for name in ("id", "occurred_at", "type", "name", "summary", "url", "location_name")
) + (_Column("kommunkod", "kommunkod"), _GEOMETRY)

EVENT_ROWS = RecordMapping(PoliceEvent, _EVENT_COLUMNS)
