"""The database schema: one set of tables for SQLite and PostgreSQL + PostGIS.

Geometries are stored in SWEREF 99 TM (EPSG:3006). On PostGIS they are real
`geometry(...,3006)` columns with GiST indexes; on SQLite (no SpatiaLite needed) they are
WKB blobs. The same SQL works on both because the two PostGIS functions used to read and
write geometries are registered as pass-through functions on SQLite connections.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.types import TypeDecorator, UserDefinedType

from geo.records.models import STOCKHOLM

SCHEMA_VERSION = 3
SRID = 3006


class Geometry(UserDefinedType):
    """A shapely geometry stored in EPSG:3006 (PostGIS geometry, or WKB on SQLite)."""

    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY") -> None:
        self.geometry_type = geometry_type

    def get_col_spec(self, **kw: Any) -> str:
        return f"geometry({self.geometry_type},{SRID})"

    def bind_expression(self, bindvalue: Any) -> Any:
        return func.ST_GeomFromWKB(bindvalue, SRID, type_=self)

    def column_expression(self, colexpr: Any) -> Any:
        return func.ST_AsBinary(colexpr, type_=self)

    def bind_processor(self, dialect: Any) -> Any:
        def process(value: BaseGeometry | None) -> bytes | None:
            return None if value is None else shapely.to_wkb(value)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        def process(value: bytes | memoryview | None) -> BaseGeometry | None:
            return None if value is None else shapely.from_wkb(bytes(value))

        return process


@compiles(Geometry, "sqlite")
def _geometry_on_sqlite(type_: Geometry, compiler: Any, **kw: Any) -> str:
    """SQLite keeps the WKB bytes as they are."""
    return "BLOB"


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Pass-through versions of the two PostGIS functions the schema uses."""
    dbapi_connection.create_function("ST_GeomFromWKB", 2, lambda wkb, srid: wkb, deterministic=True)
    dbapi_connection.create_function("ST_AsBinary", 1, lambda wkb: wkb, deterministic=True)


class AwareDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC, returned in Europe/Stockholm.

    SQLite has no time zones, so the UTC instant is stored and the zone put back on read:
    a 13:00 slot in March and in October both come back as 13:00 local time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: a time zone is required")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(STOCKHOLM)


JSONType = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData()


def _tracking() -> list[Column]:
    """Who and when on every record; `version` is the optimistic-locking counter."""
    return [
        Column("created_at", AwareDateTime, nullable=False),
        Column("created_by", String(200), nullable=False),
        Column("updated_at", AwareDateTime, nullable=False),
        Column("updated_by", String(200), nullable=False),
        Column("version", Integer, nullable=False, default=1),
    ]


def _what_where_and_when() -> list[Column]:
    """The leading columns a done and a planned activity share (new objects per table)."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("document_id", String(100)),
        Column("kind", String(40), nullable=False, index=True),
        Column("commitment_id", String(100)),
        Column("place_id", Integer, ForeignKey("places.id")),
        Column("geom", Geometry()),
        Column("start_at", AwareDateTime, nullable=False, index=True),
        Column("end_at", AwareDateTime, nullable=False),
    ]


meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

promise_documents = Table(
    "promise_documents",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("title", Text, nullable=False),
    Column("kommunkod", String(4), nullable=False),
    Column("kommun_name", Text, nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("source_name", Text, nullable=False),
    # The file itself is the source of truth; the columns above are for queries.
    Column("source_text", Text, nullable=False),
    *_tracking(),
)

commitments = Table(
    "commitments",
    metadata,
    Column("document_id", String(100), ForeignKey("promise_documents.id"), primary_key=True),
    Column("id", String(100), primary_key=True),
    Column("promise_id", String(100)),
    Column("kind", String(40), nullable=False),
    Column("responsible", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("target_rule", String(20)),
    Column("target_count", Integer),
    Column("position", Integer, nullable=False),
)

places = Table(
    "places",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("classification", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("attributes", JSONType, nullable=False),
    Column("geom", Geometry(), nullable=False),
    Column("is_example", Boolean, nullable=False, default=False),
    Column("retired_at", AwareDateTime),
    # The kommun the place belongs to (see `Places.add_place`); NULL only while no promise
    # is stored, until the first one is (`adopt_places`).
    Column("kommunkod", String(4), index=True),
    *_tracking(),
)

recurrence_rules = Table(
    "recurrence_rules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(100)),
    Column("kind", String(40), nullable=False),
    Column("commitment_id", String(100)),
    Column("place_id", Integer, ForeignKey("places.id")),
    Column("team", Text, nullable=False, default=""),
    Column("rule", JSONType, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("classification", String(20), nullable=False),
    Column("seed", Integer),
    Column("is_example", Boolean, nullable=False, default=False),
    *_tracking(),
)

planned_activities = Table(
    "planned_activities",
    metadata,
    *_what_where_and_when(),
    Column("team", Text, nullable=False, default=""),
    Column("classification", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("rule_id", Integer, ForeignKey("recurrence_rules.id")),
    Column("seed", Integer),
    Column("is_example", Boolean, nullable=False, default=False),
    *_tracking(),
)

activities = Table(
    "activities",
    metadata,
    *_what_where_and_when(),
    Column("outcome", JSONType, nullable=False),
    Column("classification", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("planned_id", Integer, ForeignKey("planned_activities.id")),
    Column("is_example", Boolean, nullable=False, default=False),
    # Where an imported row came from, so the same file imported twice adds nothing.
    Column("source_ref", String(200), unique=True),
    *_tracking(),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("activity_id", Integer, ForeignKey("activities.id"), nullable=False),
    Column("category", String(60), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("action", Text, nullable=False, default=""),
    Column("owner", Text, nullable=False, default=""),
    Column("due", Date),
    Column("status", String(20), nullable=False),
    Column("classification", String(20), nullable=False),
    Column("geom", Geometry()),
    *_tracking(),
)

# One photo per finding, in its own table so that listing findings never reads
# the pictures. The bytes are re-encoded by geo.files.photos (no EXIF, no GPS) and are internal.
finding_photos = Table(
    "finding_photos",
    metadata,
    Column(
        "finding_id",
        Integer,
        ForeignKey("findings.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("media_type", String(20), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("thumbnail", LargeBinary, nullable=False),
    Column("created_at", AwareDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kommunkod", String(4), nullable=False),
    Column("indicator", String(60), nullable=False),
    Column("term", String(20), nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(40), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("is_example", Boolean, nullable=False, default=False),
    UniqueConstraint("kommunkod", "indicator", "term"),
    *_tracking(),
)

events = Table(
    "events",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("occurred_at", AwareDateTime, nullable=False, index=True),
    Column("type", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("location_name", Text, nullable=False, default=""),
    Column("kommunkod", String(4)),
    Column("geom", Geometry("POINT")),
    Column("imported_at", AwareDateTime, nullable=False),
    Column("imported_by", String(200), nullable=False),
)

base_layers = Table(
    "base_layers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("attribution", Text, nullable=False),
    Column("source", Text, nullable=False, default=""),
    *_tracking(),
)

base_features = Table(
    "base_features",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("layer_id", Integer, ForeignKey("base_layers.id", ondelete="CASCADE"), nullable=False),
    Column("properties", JSONType, nullable=False),
    Column("geom", Geometry(), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", AwareDateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("table_name", String(60), nullable=False),
    Column("record_id", String(100)),
    Column("before", JSONType),
    Column("after", JSONType),
)

# Spatial indexes exist on PostGIS only; SQLite filters in Python on small data.
for _table in (places, activities, planned_activities, findings, events, base_features):
    Index(f"ix_{_table.name}_geom", _table.c.geom, postgresql_using="gist").ddl_if(
        dialect="postgresql"
    )

# The heatmap reads where 100,000 activities of one promise were (Session.activity_locations).
# On SQLite a covering index answers that from the index alone: 2.5× faster than looking each
# row up through ix_activities_start_at (4× once the promise is filtered on). PostGIS plans
# this well without it.
Index(
    "ix_activities_locations",
    activities.c.document_id,
    activities.c.start_at,
    activities.c.kind,
    activities.c.commitment_id,
    activities.c.place_id,
    activities.c.geom,
).ddl_if(dialect="sqlite")

# Översikt counts one promise's activities per commitment, kind and tertial, with hours
# (Session.count_activities). Through ix_activities_locations SQLite looks each row up for
# end_at and outcome: 0.24 s for 100,000 alone and 0.35 s among ten promises of 100,000
# each (a deeper table). Covered, both take about 0.09 s (benchmarks/run.py --only scale).
Index(
    "ix_activities_counts",
    activities.c.document_id,
    activities.c.start_at,
    activities.c.kind,
    activities.c.commitment_id,
    activities.c.end_at,
    activities.c.outcome,
    activities.c.classification,
).ddl_if(dialect="sqlite")

# PostGIS has neither covering index above: without one that leads with the promise, one
# promise among ten read every promise's activities in the period (issue 13's scale
# benchmark: 1.5-2.5x the same promise alone).
Index("ix_activities_document_start", activities.c.document_id, activities.c.start_at).ddl_if(
    dialect="postgresql"
)
