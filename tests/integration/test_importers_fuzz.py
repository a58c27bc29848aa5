"""Property: any broken GeoJSON or CSV given to any importer is imported or refused cleanly.

The only acceptable outcomes are success, or a `LofteskartanError` (a Swedish message) with
nothing written to the database. Anything else (a KeyError, RecursionError, a crash deep in
a parser) is a bug that would show the user a stack trace.

`IMPORTERS` lists every importer on this branch; an importer merged later is added here as
one more line: a function `(data, store) -> None` that reads the bytes and writes through
`store.session(...)` the way the app or the command line does.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from geo.errors import LofteskartanError
from geo.files.activity_import import import_activities
from geo.files.limits import parse_geojson
from geo.files.place_import import read_places, save_places
from geo.files.siting_io import read_candidates, read_demand
from geo.files.tabular import read_table
from geo.followup.events import import_events_bytes
from geo.store import Store, schema
from tests.trust import PLANNER_POLICE, seed

Importer = Callable[[bytes, Store], object]


def _places(name: str) -> Importer:
    """The places import as the app and `lofteskartan places import` do it."""

    def run(data: bytes, store: Store) -> object:
        places = read_places(data, name).places
        with store.session(PLANNER_POLICE) as s:
            return save_places(s, places)

    return run


def _activities(name: str) -> Importer:
    """`lofteskartan import activities FILE`: it reads a path, so the bytes go to a file."""

    def run(data: bytes, store: Store) -> object:
        with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            return import_activities(store, PLANNER_POLICE, path)

    return run


def _events(name: str) -> Importer:
    return lambda data, store: import_events_bytes(store, PLANNER_POLICE, data, name)


GEOJSON_IMPORTERS: dict[str, Importer] = {
    "limits.parse_geojson": lambda data, store: parse_geojson(data, "fil.geojson"),
    "platser": _places("platser.geojson"),
    "aktiviteter": _activities("aktiviteter.geojson"),
    "händelser": _events("handelser.json"),
    "efterfrågan (placering)": lambda data, store: read_demand(data, "efterfragan.geojson"),
    "kandidater (placering)": lambda data, store: read_candidates(data, "kandidater.geojson"),
}
CSV_IMPORTERS: dict[str, Importer] = {
    "tabular.read_table": lambda data, store: read_table(data, "fil.csv"),
    "platser": _places("platser.csv"),
    "aktiviteter": _activities("aktiviteter.csv"),
    "händelser": _events("handelser.csv"),
    "efterfrågan (placering)": lambda data, store: read_demand(data, "efterfragan.csv"),
    "kandidater (placering)": lambda data, store: read_candidates(data, "kandidater.csv"),
}

# -- broken GeoJSON ------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
coordinates = st.lists(
    st.one_of(st.floats(allow_nan=True), st.integers(), st.text(max_size=3), st.none()),
    max_size=3,
)
geometries = st.one_of(
    st.none(),
    json_values,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["Point", "LineString", "Polygon", "MultiPolygon", "GeometryCollection", "Cirkel"]
            ),
            "coordinates": st.one_of(
                coordinates, st.lists(coordinates, max_size=4), st.lists(st.lists(coordinates))
            ),
        }
    ),
)
features = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Feature", "feature", "FeatureCollection"]),
            "geometry": geometries,
            "properties": st.one_of(
                st.none(), json_values, st.dictionaries(st.text(max_size=10), json_scalars)
            ),
        }
    ),
)
collections = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["FeatureCollection", "Feature", "Topology", ""]),
        "features": st.one_of(st.lists(features, max_size=5), json_values),
    }
)


@st.composite
def broken_geojson(draw: st.DrawFn) -> bytes:
    """Valid-looking GeoJSON, then perhaps cut, flipped, nested or re-encoded."""
    data = json.dumps(draw(collections), allow_nan=True).encode()
    how = draw(st.sampled_from(["as is", "cut", "flip", "nest", "latin-1", "binary", "bom"]))
    if how == "cut" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "flip" and data:
        i = draw(st.integers(0, len(data) - 1))
        data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
    elif how == "nest":
        depth = draw(st.integers(1, 5000))
        data = b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"
    elif how == "latin-1":
        data = data.replace(b'"', b'"\xe5\xe4\xf6', 1)
    elif how == "binary":
        data = draw(st.binary(max_size=200))
    elif how == "bom":
        data = b"\xef\xbb\xbf" + data
    return data


# -- broken CSV ----------------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["57,8", "1 234,5", "=SUM(A1)", '"', '"a;b"', "\r", "\x00", "ÅÄÖ"]),
)


@st.composite
def broken_csv(draw: st.DrawFn) -> bytes:
    """Rows with random widths, delimiters, quotes and encodings."""
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    header = draw(st.lists(st.text(max_size=8), min_size=0, max_size=8))
    rows = draw(st.lists(st.lists(cells, max_size=10), max_size=8))
    text = "\n".join(delimiter.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    how = draw(st.sampled_from(["as is", "binary", "wide", "cut"]))
    if how == "binary":
        data = draw(st.binary(max_size=200))
    elif how == "wide":
        data = delimiter.join("k" for _ in range(draw(st.integers(150, 12_000)))).encode()
    elif how == "cut" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    return data


# -- the property --------------------------------------------------------------------------


def _fingerprint(store: Store) -> dict[str, Any]:
    """Row counts of every table: what "nothing written" is checked against."""
    with store.engine.connect() as conn:
        return {
            table.name: conn.scalar(select(func.count()).select_from(table))
            for table in schema.metadata.sorted_tables
        }


@pytest.fixture
def store(db_url: str) -> Store:
    store = Store(db_url)
    seed(store)
    yield store
    store.dispose()


def _import_or_refuse(importer: Importer, data: bytes, store: Store) -> None:
    before = _fingerprint(store)
    try:
        importer(data, store)
    except LofteskartanError as exc:
        assert str(exc), "a refusal says why"
        assert _fingerprint(store) == before, "a refused file wrote something"


# 40 examples per importer and database keeps the file under a minute on two cores.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", list(GEOJSON_IMPORTERS))
@FUZZ
@given(data=broken_geojson())
def test_broken_geojson_is_imported_or_refused_with_nothing_written(
    store: Store, name: str, data: bytes
) -> None:
    _import_or_refuse(GEOJSON_IMPORTERS[name], data, store)


@pytest.mark.parametrize("name", list(CSV_IMPORTERS))
@FUZZ
@given(data=broken_csv())
@example(
    data=b"\xef\xbb\xbf;;;0;0\xf0\x90\x80\x80;00\xc2"
)  # found by this test: BOM, then bad UTF-8
@example(data=b"\n;")  # found by this test: a siting file of only a delimiter
@example(data=b"\r;")  # found by this test: a bare carriage return in the events CSV
def test_broken_csv_is_imported_or_refused_with_nothing_written(
    store: Store, name: str, data: bytes
) -> None:
    _import_or_refuse(CSV_IMPORTERS[name], data, store)
