"""The database fixtures in tests/conftest.py give working SQLite and PostGIS databases."""

from __future__ import annotations

import sqlalchemy as sa


def test_postgis_database_has_postgis_and_stores_sweref99tm_points(postgis_url: str) -> None:
    engine = sa.create_engine(postgis_url)
    try:
        with engine.begin() as conn:
            version = conn.execute(sa.text("SELECT postgis_version()")).scalar_one()
            conn.execute(
                sa.text("CREATE TABLE place (id serial PRIMARY KEY, geom geometry(Point, 3006))")
            )
            conn.execute(
                sa.text(
                    "INSERT INTO place (geom) "
                    "VALUES (ST_GeomFromText('POINT(500000 6400000)', 3006))"
                )
            )
            x, y, srid = conn.execute(
                sa.text("SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM place")
            ).one()
    finally:
        engine.dispose()

    assert version.startswith("3")
    assert (x, y, srid) == (500000.0, 6400000.0, 3006)


def test_each_postgis_test_gets_its_own_empty_database(postgis_url: str) -> None:
    engine = sa.create_engine(postgis_url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar_one()
    finally:
        engine.dispose()

    # Only PostGIS's own spatial_ref_sys: nothing left behind by the test above.
    assert tables == 1


def test_a_row_round_trips_on_both_backends(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    metadata = sa.MetaData()
    note = sa.Table(
        "note",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.String(100), nullable=False),
    )
    try:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(note.insert().values(id=1, text="Trygghetsvandring på Storgatan"))
        with engine.connect() as conn:
            rows = conn.execute(sa.select(note.c.id, note.c.text)).all()
    finally:
        engine.dispose()

    assert [tuple(r) for r in rows] == [(1, "Trygghetsvandring på Storgatan")]
