"""`lofteskartan import places`, `export places` and `import base-layer`, run as a planner would.

Every command runs in a subprocess (`python -m geo`) against a real database, so exit codes,
stderr and "nothing written" are checked the way a script sees them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geo.files.place_import import read_places, save_places
from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.installation.init import initialise
from geo.records.models import Actor
from geo.records.periods import promise_year
from geo.spatial.layers import load_map_data
from geo.store import Store
from tests.common import REPO_ROOT, run_cli

TEMPLATE = REPO_ROOT / "data" / "templates" / "platser.csv"
ACTOR = Actor("test")
CENTIMETRE = 0.01
ANEBY = Point(ANEBY_E, ANEBY_N)
# SCB's point written as a GIS user has it in SWEREF 99 TM, and as lat/lon from a GPS app.
SCB_POINT_CSV = (
    "namn;typ;N;E;väg;hastighet;klassning\r\n"
    "SCB:s tätortspunkt;trafikkontrollplats;6411094,7;488629,2;väg 32;70;sekretess\r\n"
)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def initialised_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database after `lofteskartan init` (promise, kommun boundary, tätorter)."""
    path = tmp_path_factory.mktemp("cli") / "init.sqlite"
    store = Store(f"sqlite:///{path}")
    initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"])
    store.dispose()
    return path


@pytest.fixture(scope="module")
def seeded_db(initialised_db: Path) -> Path:
    """The initialised database with the template's five places, imported in-process."""
    path = initialised_db.with_name("seeded.sqlite")
    shutil.copy(initialised_db, path)
    store = Store(f"sqlite:///{path}")
    with store.session(ACTOR) as s:
        save_places(s, read_places(TEMPLATE.read_bytes(), TEMPLATE.name).places)
    store.dispose()
    return path


def copy_of(path: Path, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.copy(path, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db(initialised_db: Path, tmp_path: Path) -> str:
    """A fresh copy of the initialised database (no places) for one test."""
    return copy_of(initialised_db, tmp_path)


@pytest.fixture
def seeded(seeded_db: Path, tmp_path: Path) -> str:
    """A fresh copy of the database holding the template's places."""
    return copy_of(seeded_db, tmp_path)


def cli(url: str, *args: str | Path) -> Run:
    proc = run_cli(url, *args)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def snapshot(url: str) -> tuple[int, int, int]:
    """What a failed import must leave as it was: places, base layers, audit entries."""
    store = Store(url)
    try:
        with store.session(ACTOR) as s:
            return s.count("places"), s.count("base_features"), s.count("audit_log")
    finally:
        store.dispose()


def places(url: str) -> dict:
    store = Store(url)
    try:
        with store.session(ACTOR) as s:
            return {p.name: p for p in s.list_places()}
    finally:
        store.dispose()


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def geojson(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


# -- bad files: exit 2, the problem named, the database unchanged -----------------------

BAD = [
    ("broken.geojson", '{"type": "FeatureCollection", "features": [{"type": ', "ogiltig JSON"),
    (
        "wrong-type.geojson",
        geojson(
            {
                "type": "Feature",
                "properties": {"namn": "Rutt", "typ": "vandringsrutt"},
                "geometry": {"type": "Point", "coordinates": [14.808475, 57.84163]},
            }
        ),
        "objekt 1: en vandringsrutt ska vara en linje, men geometrin är en punkt",
    ),
    ("missing-columns.csv", "namn;lat;lon\r\nA;57,84;14,8\r\n", "kolumnen typ saknas"),
    (
        "text-in-coordinates.csv",
        "namn;typ;N;E\r\nA;insatsplats;sex miljoner;488629\r\n",
        'rad 2, kolumn N: "sex miljoner" är inget tal',
    ),
    (
        "points-in-the-sea.csv",
        "namn;typ;lat;lon\r\nA;insatsplats;57,84;14,81\r\nB;insatsplats;57,5;20,0\r\n",
        "rad 3: platsen ligger i havet eller utanför Sverige",
    ),
    (
        "mixed-crs.csv",
        "namn;typ;lat;lon;N;E\r\nA;insatsplats;57,84;14,81;;\r\nB;insatsplats;;;6411094;488629\r\n",
        "filen blandar koordinatsystem (WGS 84 (lat/lon, grader) på rad 2; SWEREF 99 TM",
    ),
    ("empty.csv", "", "filen är tom"),
    ("empty.geojson", "", "filen är tom"),
]


@pytest.mark.parametrize("name, content, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_exits_2_names_the_problem_and_writes_nothing(
    seeded: str, tmp_path: Path, name: str, content: str, message: str
) -> None:
    before = snapshot(seeded)
    assert before[0] == 5  # places already there, so "unchanged" means more than "empty"
    run = cli(seeded, "import", "places", write(tmp_path, name, content))
    assert run.code == 2, run.err
    assert run.err.startswith("Fel: ")
    assert message in run.err
    assert snapshot(seeded) == before


def test_a_file_that_is_not_there_or_a_bad_crs_is_a_usage_error(db: str, tmp_path: Path) -> None:
    assert "finns inte" in cli(db, "import", "places", tmp_path / "saknas.csv").err
    run = cli(db, "import", "places", TEMPLATE, "--crs", "EPSG:99999")
    assert run.code == 2 and 'Okänt koordinatsystem "EPSG:99999"' in run.err


def test_importing_before_init_says_to_run_init(tmp_path: Path) -> None:
    run = cli(f"sqlite:///{tmp_path / 'tom.sqlite'}", "import", "places", TEMPLATE)
    assert run.code == 2 and "lofteskartan init" in run.err


# -- good files ---------------------------------------------------------------------------


def test_the_template_imports_once_and_a_second_run_adds_nothing(db: str) -> None:
    first = cli(db, "import", "places", TEMPLATE)
    assert first.code == 0, first.err
    assert "Koordinatsystem: SWEREF 99 TM (N/E, meter) (upptäckt från talen)." in first.out
    assert "5 platser importerades från platser.csv." in first.out
    second = cli(db, "import", "places", TEMPLATE)
    assert second.code == 0
    assert "0 platser importerades från platser.csv; 5 fanns redan." in second.out
    assert len(places(db)) == 5


def test_a_place_outside_the_kommun_is_imported_with_a_warning_on_stderr(
    db: str, tmp_path: Path
) -> None:
    # Jönköping's tätort point: in Sweden, but far outside Aneby kommun.
    path = write(tmp_path, "jonkoping.csv", "namn;typ;lat;lon\r\nA;insatsplats;57,7815;14,1562\r\n")
    run = cli(db, "import", "places", path)
    assert run.code == 0, run.err
    assert "Varning: jonkoping.csv, rad 2: Platsen ligger utanför Aneby kommun" in run.err
    assert "generaliserade gräns" in run.err
    assert "1 plats importerades" in run.out


@pytest.mark.parametrize("crs", ["EPSG:3006", "EPSG:4326"])
def test_a_geopackage_in_either_crs_puts_scbs_point_in_place(
    db: str, tmp_path: Path, crs: str
) -> None:
    path = tmp_path / "platser.gpkg"
    gpd.GeoDataFrame(
        {"namn": ["Punkt"], "typ": ["poliskontor"], "adress": ["Storgatan 1"]},
        geometry=[ANEBY],
        crs="EPSG:3006",
    ).to_crs(crs).to_file(path, layer="platser", engine="pyogrio")
    run = cli(db, "import", "places", path)
    assert run.code == 0, run.err
    place = places(db)["Punkt"]
    assert place.geometry.distance(ANEBY) < CENTIMETRE
    assert place.attributes["adress"] == "Storgatan 1"


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_export_then_import_in_another_database_round_trips_scbs_point_to_the_centimetre(
    seeded: str, initialised_db: Path, tmp_path: Path, suffix: str
) -> None:
    db = seeded
    assert cli(db, "import", "places", write(tmp_path, "scb.csv", SCB_POINT_CSV)).code == 0
    out = tmp_path / f"export{suffix}"
    run = cli(db, "export", "places", out)
    assert run.code == 0, run.err
    assert "6 platser skrevs till" in run.out
    assert "2 av dem har klassning sekretess" in run.err

    other_url = copy_of(initialised_db, tmp_path / "other")
    back = cli(other_url, "import", "places", out)
    assert back.code == 0, back.err
    assert "6 platser importerades" in back.out
    original, again = places(db), places(other_url)
    assert set(original) == set(again)
    for name, place in original.items():
        copy = again[name]
        assert (copy.kind, copy.classification, copy.note) == (
            place.kind,
            place.classification,
            place.note,
        )
        assert dict(copy.attributes) == dict(place.attributes)
        assert copy.geometry.equals_exact(place.geometry, tolerance=CENTIMETRE)
    scb = again["SCB:s tätortspunkt"].geometry
    assert abs(scb.x - 488629.2) < CENTIMETRE and abs(scb.y - 6411094.7) < CENTIMETRE


def test_gdal_ogrinfo_reads_the_exported_geopackage(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "platser.gpkg"
    assert cli(seeded, "export", "places", out).code == 0
    proc = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr  # GeoPackage 1.2: no version warning from older GDAL
    layers = {
        line.split(": ")[1]: None
        for line in proc.stdout.splitlines()
        if line.startswith("Layer name")
    }
    assert list(layers) == [
        "trafikkontrollplatser",
        "insatsplatser",
        "poliskontor",
        "centrumomraden",
        "vandringsrutter",
    ]
    assert proc.stdout.count("Feature Count: 1") == 5
    assert proc.stdout.count('ID["EPSG",3006]') == 5
    assert "väg: String" in proc.stdout and "hastighet: Integer64" in proc.stdout


def test_export_of_an_empty_database_says_there_is_nothing(db: str, tmp_path: Path) -> None:
    run = cli(db, "export", "places", tmp_path / "platser.gpkg")
    assert run.code == 2 and "inga platser" in run.err
    assert not (tmp_path / "platser.gpkg").exists()


# -- base layers ----------------------------------------------------------------------------


def roads(tmp_path: Path, name: str = "vagar.geojson", crs: str = "EPSG:4326") -> Path:
    path = tmp_path / name
    gpd.GeoDataFrame(
        {"namn": ["Storgatan", "Järnvägsgatan"], "typ": ["gata", "gata"]},
        geometry=[
            LineString([(ANEBY_E, ANEBY_N), (ANEBY_E + 500, ANEBY_N)]),
            LineString([(ANEBY_E, ANEBY_N), (ANEBY_E, ANEBY_N + 500)]),
        ],
        crs="EPSG:3006",
    ).to_crs(crs).to_file(path, engine="pyogrio")
    return path


def test_a_road_layer_is_imported_and_drawn_with_its_attribution(db: str, tmp_path: Path) -> None:
    run = cli(
        db,
        "import",
        "base-layer",
        roads(tmp_path),
        "--name",
        "vagar",
        "--title",
        "Vägar (OSM)",
        "--attribution",
        "© OpenStreetMap-bidragsgivare (ODbL)",
    )
    assert run.code == 0, run.err
    assert 'Baslagret "Vägar (OSM)" (vagar) lästes in: 2 objekt' in run.out
    store = Store(db)
    try:
        with store.session(ACTOR) as s:
            (props, geom), _ = s.base_features("vagar")
            doc = s.promise_document()
            period = promise_year(doc, 2023)
            data = load_map_data(s, doc, period.start_at, period.end_at)
    finally:
        store.dispose()
    assert props == {"namn": "Storgatan", "typ": "gata"}
    assert geom.length == pytest.approx(500.0, abs=CENTIMETRE)
    title, fc = data.base["vagar"]
    assert title == "Vägar (OSM)"
    assert [f["properties"]["label"] for f in fc["features"]] == ["Storgatan", "Järnvägsgatan"]
    assert "© OpenStreetMap-bidragsgivare (ODbL)" in data.attributions


def test_importing_a_base_layer_again_replaces_it(db: str, tmp_path: Path) -> None:
    path = roads(tmp_path)
    assert cli(db, "import", "base-layer", path, "--name", "vagar").code == 0
    again = cli(db, "import", "base-layer", path, "--name", "vagar")
    assert "ersattes: 2 objekt" in again.out
    assert "--attribution" in again.err  # the hint to name the source
    store = Store(db)
    try:
        with store.session(ACTOR) as s:
            assert len(s.base_features("vagar")) == 2
    finally:
        store.dispose()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "tatorter"], "appens egna baslager"),
        (["--name", "kommun_0604"], "appens egna baslager"),
        (["--name", "Vägar"], "går inte att använda"),
    ],
)
def test_a_bad_base_layer_name_exits_2_and_writes_nothing(
    db: str, tmp_path: Path, args: list[str], message: str
) -> None:
    before = snapshot(db)
    run = cli(db, "import", "base-layer", roads(tmp_path), *args)
    assert run.code == 2 and message in run.err
    assert snapshot(db) == before


def test_a_geopackage_with_several_layers_asks_which(db: str, tmp_path: Path) -> None:
    path = tmp_path / "osm.gpkg"
    frame = gpd.GeoDataFrame({"namn": ["A"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:3006")
    frame.to_file(path, layer="byggnader", engine="pyogrio")
    frame.to_file(path, layer="vagar", engine="pyogrio")
    run = cli(db, "import", "base-layer", path, "--name", "hus")
    assert run.code == 2 and "flera lager (byggnader, vagar); välj ett med --layer" in run.err
    assert cli(db, "import", "base-layer", path, "--name", "hus", "--layer", "byggnader").code == 0


def test_a_broken_base_layer_file_exits_2(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "trasig.geojson", '{"type": "FeatureCollection", "feat')
    run = cli(db, "import", "base-layer", path, "--name", "vagar")
    assert run.code == 2 and "går inte att läsa" in run.err
