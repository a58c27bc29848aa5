"""Rows to records and records to rows, by record kind."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import exists

from geo.files.photos import Photo
from geo.records.models import (
    Activity,
    Classification,
    CommitmentKind,
    Finding,
    FindingStatus,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
    ScheduleRule,
)
from geo.store import schema as t

# Whether a finding has a photo, read with the finding (the bytes stay in their table).
HAS_PHOTO = (
    exists()
    .where(t.finding_photos.c.finding_id == t.findings.c.id)
    .correlate(t.findings)
    .label("has_photo")
)


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


def place_values(p: Place) -> dict[str, Any]:
    return {
        "kind": p.kind.value,
        "name": p.name,
        "classification": p.classification.value,
        "note": p.note,
        "attributes": jsonable(dict(p.attributes)),
        "geom": p.geometry,
        "is_example": p.is_example,
        "retired_at": p.retired_at,
    }


def place_from_row(r: Any) -> Place:
    return Place(
        kind=PlaceKind(r.kind),
        name=r.name,
        geometry=r.geom,
        classification=Classification(r.classification),
        note=r.note,
        attributes=dict(r.attributes),
        id=r.id,
        retired_at=r.retired_at,
        version=r.version,
        is_example=bool(r.is_example),
    )


def _same(value: Any) -> Any:
    return value


def _enum_value(member: Any) -> Any:
    return member.value


@dataclass(frozen=True)
class _Column:
    """A table column and the record attribute it holds, with the conversion each way."""

    name: str
    attribute: str
    to_row: Callable[[Any], Any] = _same
    from_row: Callable[[Any], Any] = _same
    written: bool = True  # False: set by the store (id, version, who/when), only read back


# Activities and planned activities share most columns: one list per record type drives
# both directions. The order is the order of the values in the audit log.
_KIND = _Column("kind", "kind", _enum_value, CommitmentKind)
_WHERE_AND_WHEN = (
    _Column("commitment_id", "commitment_id"),
    _Column("place_id", "place_id"),
    _Column("geom", "geometry"),
    _Column("start_at", "start"),
    _Column("end_at", "end"),
)
_CLASSIFICATION = _Column("classification", "classification", _enum_value, Classification)
_NOTE = _Column("note", "note")
_IS_EXAMPLE = _Column("is_example", "is_example", from_row=bool)
_ID = _Column("id", "id", written=False)
_VERSION = _Column("version", "version", written=False)

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
_PLANNED_COLUMNS = (
    _KIND,
    *_WHERE_AND_WHEN,
    _Column("team", "team"),
    _CLASSIFICATION,
    _NOTE,
    _Column("status", "status", _enum_value, PlanStatus),
    _Column("rule_id", "rule_id"),
    _Column("seed", "seed"),
    _IS_EXAMPLE,
    _ID,
    _VERSION,
)


def _row_values(record: Any, columns: Sequence[_Column]) -> dict[str, Any]:
    """The values to write for a record (the columns the store does not set itself)."""
    return {c.name: c.to_row(getattr(record, c.attribute)) for c in columns if c.written}


def _record_fields(r: Any, columns: Sequence[_Column]) -> dict[str, Any]:
    """A row's values as the record's keyword arguments."""
    return {c.attribute: c.from_row(getattr(r, c.name)) for c in columns}


def activity_values(a: Activity) -> dict[str, Any]:
    return _row_values(a, _ACTIVITY_COLUMNS)


def activity_from_row(r: Any) -> Activity:
    return Activity(**_record_fields(r, _ACTIVITY_COLUMNS))


def planned_values(p: PlannedActivity) -> dict[str, Any]:
    return _row_values(p, _PLANNED_COLUMNS)


def planned_from_row(r: Any) -> PlannedActivity:
    return PlannedActivity(**_record_fields(r, _PLANNED_COLUMNS))


def finding_values(f: Finding) -> dict[str, Any]:
    return {
        "activity_id": f.activity_id,
        "category": f.category,
        "description": f.description,
        "action": f.action,
        "owner": f.owner,
        "due": f.due,
        "status": f.status.value,
        "classification": f.classification.value,
        "geom": f.geometry,
    }


def finding_from_row(r: Any) -> Finding:
    return Finding(
        activity_id=r.activity_id,
        category=r.category,
        geometry=r.geom,
        description=r.description,
        action=r.action,
        owner=r.owner,
        due=r.due,
        status=FindingStatus(r.status),
        classification=Classification(r.classification),
        id=r.id,
        version=r.version,
        has_photo=bool(r.has_photo),
    )


def photo_from_row(r: Any) -> Photo:
    return Photo(bytes(r.data), r.media_type, r.width, r.height, bytes(r.thumbnail))


def schedule_rule_values(r: ScheduleRule) -> dict[str, Any]:
    return {
        "kind": r.kind.value,
        "commitment_id": r.commitment_id,
        "place_id": r.place_id,
        "team": r.team,
        "rule": jsonable(dict(r.rule)),
        "description": r.description,
        "classification": r.classification.value,
        "seed": r.seed,
        "is_example": r.is_example,
    }


def schedule_rule_from_row(r: Any) -> ScheduleRule:
    return ScheduleRule(
        kind=CommitmentKind(r.kind),
        rule=dict(r.rule),
        description=r.description,
        commitment_id=r.commitment_id,
        place_id=r.place_id,
        team=r.team,
        classification=Classification(r.classification),
        seed=r.seed,
        id=r.id,
        version=r.version,
        is_example=bool(r.is_example),
    )
