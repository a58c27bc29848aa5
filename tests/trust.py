"""Named actors and a small seeded store for the trust tests (roles, backup, concurrency).

Every record sits on round coordinates near Aneby (EPSG:3006) so expected values are exact.
Each kind of classified record exists once as öppen and once as sekretess, so a test can
tell exactly what an actor sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shapely.geometry import LineString, Point, box

from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Actor,
    Finding,
    Place,
    PlaceKind,
    PlannedActivity,
)
from geo.records.promise_file import load_promise_file
from geo.store import Store
from tests.common import REPO_ROOT

PROMISE_FILE = REPO_ROOT / "data" / "promises" / "aneby-2023-2024.yaml"

# Aneby's SCB point, rounded: everything below is at whole-metre offsets from it.
X0, Y0 = 500_000.0, 6_410_000.0

VIEWER_KOMMUN = Actor("läsare@kommun", role="viewer", organisation="kommun")
VIEWER_POLICE = Actor("läsare@polis", role="viewer", organisation="polis")
PLANNER_KOMMUN = Actor("planerare@kommun", role="planner", organisation="kommun")
PLANNER_POLICE = Actor("planerare@polis", role="planner", organisation="polis")
ADMIN_KOMMUN = Actor("admin@kommun", role="admin", organisation="kommun")
ADMIN_POLICE = Actor("admin@polis", role="admin", organisation="polis")
ALL_ACTORS = (
    VIEWER_KOMMUN,
    VIEWER_POLICE,
    PLANNER_KOMMUN,
    PLANNER_POLICE,
    ADMIN_KOMMUN,
    ADMIN_POLICE,
)


def at(day: int, hour: int) -> datetime:
    """A time in September 2023 (inside Aneby's first promise year), Stockholm time."""
    return datetime(2023, 9, day, hour, tzinfo=STOCKHOLM)


@dataclass(frozen=True)
class Seeded:
    """Ids of what `seed` stored: (open, secret) pairs."""

    places: tuple[int, int]
    activities: tuple[int, int]
    planned: tuple[int, int]
    findings: tuple[int, int]


def seed(store: Store) -> Seeded:
    """Create the schema, load Aneby's promise and one öppen + one sekretess of each record."""
    store.create_or_upgrade()
    with store.session(ADMIN_POLICE) as s:
        s.save_promise_document(
            load_promise_file(PROMISE_FILE),
            PROMISE_FILE.name,
            PROMISE_FILE.read_text(encoding="utf-8"),
        )
        open_place = s.add_place(
            Place(
                PlaceKind.CENTRAL_AREA,
                "Torget",
                box(X0, Y0, X0 + 100, Y0 + 100),
                Classification.OPEN,
                note="Hela torget",
                attributes={"yta": "100 x 100 m"},
            )
        )
        secret_place = s.add_place(
            Place(
                PlaceKind.INTERVENTION_PLACE,
                "Insatsplats hemlig",
                Point(X0 + 200, Y0),
                Classification.SECRET,
            )
        )
        walk = s.add_activity(
            Activity(
                CommitmentKind.SAFETY_WALK,
                at(19, 18),
                at(19, 20),
                place_id=open_place.id,
                geometry=LineString([(X0, Y0), (X0 + 1000, Y0)]),
                outcome={"deltagare": 12},
                classification=Classification.OPEN,
                note="Kvällsvandring",
            )
        )
        secret_activity = s.add_activity(
            Activity(
                CommitmentKind.NARCOTICS_INTERVENTION,
                at(20, 21),
                at(20, 23),
                place_id=secret_place.id,
                outcome={"kontrollerade_personer": 5},
                classification=Classification.SECRET,
            )
        )
        open_plan = s.add_planned(
            PlannedActivity(
                CommitmentKind.PRESENCE,
                at(25, 14),
                at(25, 16),
                place_id=open_place.id,
                classification=Classification.OPEN,
            )
        )
        secret_plan = s.add_planned(
            PlannedActivity(
                CommitmentKind.NARCOTICS_INTERVENTION,
                at(26, 21),
                at(26, 23),
                place_id=secret_place.id,
                classification=Classification.SECRET,
            )
        )
        assert walk.id is not None
        open_finding = s.add_finding(
            Finding(
                walk.id,
                "belysning",
                Point(X0 + 500, Y0),
                description="Trasig lampa",
                due=date(2023, 10, 1),
                classification=Classification.OPEN,
            )
        )
        secret_finding = s.add_finding(
            Finding(
                walk.id,
                "narkotika",
                Point(X0 + 600, Y0),
                description="Misstänkt langning",
                classification=Classification.SECRET,
            )
        )
    ids = [
        (open_place.id, secret_place.id),
        (walk.id, secret_activity.id),
        (open_plan.id, secret_plan.id),
        (open_finding.id, secret_finding.id),
    ]
    pairs = [(int(a or 0), int(b or 0)) for a, b in ids]
    return Seeded(*pairs)


def new_postgis_database(server: object) -> tuple[str, str]:
    """A fresh PostGIS database from the session's template: (SQLAlchemy URL, name).

    For module-scoped fixtures (``postgis_url`` is per test); drop it with `drop_database`.
    """
    import uuid

    from psycopg import sql

    dbname = f"t_{uuid.uuid4().hex}"
    with server.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(dbname),
                sql.Identifier(server.template),  # type: ignore[attr-defined]
            )
        )
    return server.url(dbname), dbname  # type: ignore[attr-defined]


def drop_database(server: object, dbname: str) -> None:
    """Drop a database made by `new_postgis_database`, closing what still holds it."""
    from psycopg import sql

    with server.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )


def example_value(column: Any, n: int) -> Any:
    """A value for any column type that is hard to keep exactly (µs, zone, unicode, floats)."""
    from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, String

    from geo.store import schema

    kind = column.type
    if isinstance(kind, schema.Geometry):
        if kind.geometry_type.upper() == "POINT":
            return Point(X0 + 0.125 * n, Y0 - 0.5)
        return LineString([(X0, Y0), (X0 + 10.5, Y0 + n)])
    if isinstance(kind, schema.AwareDateTime | DateTime):
        return datetime(2024, 3, 31, 1, 59, 59, 123456 + n, tzinfo=STOCKHOLM)
    if isinstance(kind, Date):
        return date(2024, 2, 29)
    if isinstance(kind, JSON):
        return {"å": [1, 2.5, None, '"citat" <b>'], "n": n}
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        return 2_000_000_000 + n  # near the top of a 32-bit integer
    if isinstance(kind, Float):
        return 0.1 + 0.2
    if isinstance(kind, LargeBinary):
        return bytes(range(256)) * 4 + bytes([n])  # every byte value, NUL included
    if isinstance(kind, String):
        length = getattr(kind, "length", None) or 40
        return f"Ärende {n} ÅÄÖ ';--"[:length]
    raise AssertionError(f"no example value for {column.table.name}.{column.name} ({kind!r})")


def fill_empty_tables(store: Store) -> list[str]:
    """Give every table that is still empty one row of hard values; returns their names.

    Generic over `geo.store.schema.metadata`, so a table added later is covered without a change
    here. Foreign keys point at the first row of the table they reference.
    """
    from sqlalchemy import Integer, func, insert, select

    from geo.store import schema

    filled = []
    with store.engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            if conn.scalar(select(func.count()).select_from(table)):
                continue
            row: dict[str, Any] = {}
            for n, column in enumerate(table.columns):
                foreign = next(iter(column.foreign_keys), None)
                if foreign is not None:
                    target = foreign.column
                    row[column.name] = conn.scalar(select(target).order_by(target).limit(1))
                elif column.primary_key and isinstance(column.type, Integer):
                    continue  # let the database number it
                else:
                    row[column.name] = example_value(column, n)
            conn.execute(insert(table).values(**row))
            filled.append(table.name)
    return filled


def dump(store: Store, actor: Actor = ADMIN_POLICE) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, with geometries as WKB so they compare exactly."""
    import shapely

    from geo.store import schema

    out: dict[str, list[dict[str, Any]]] = {}
    with store.snapshot(actor) as s:
        for table in schema.metadata.sorted_tables:
            rows = []
            for row in s.table_rows(table.name):
                rows.append(
                    {
                        k: shapely.to_wkb(v, hex=True) if hasattr(v, "geom_type") else v
                        for k, v in row.items()
                    }
                )
            out[table.name] = rows
    return out
