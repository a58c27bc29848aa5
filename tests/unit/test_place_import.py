"""Reading places from CSV (as Swedish Excel writes it), GeoJSON and GeoPackage."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geo.errors import ImportFileError, ValidationError
from geo.exports.places import export_places
from geo.files.crs import normalise_crs
from geo.files.place_import import read_places
from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.records.places import PlaceContext
from tests.common import REPO_ROOT

TEMPLATE = REPO_ROOT / "data" / "templates" / "platser.csv"
ANEBY_LAT, ANEBY_LON = "57,841630", "14,808475"
SIX_DECIMALS_M = 0.15  # a sixth decimal of latitude is about 0.11 m
CENTIMETRE = 0.01
ANEBY = Point(ANEBY_E, ANEBY_N)


def excel(text: str, encoding: str = "utf-8-sig") -> bytes:
    """A CSV file the way Swedish Excel saves it: `;`, CRLF, UTF-8 with BOM by default."""
    return text.replace("\n", "\r\n").encode(encoding)


def feature_collection(*features: dict, crs: str | None = None) -> bytes:
    document: dict = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


def feature(geometry: dict, **props: object) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def site(x: float, y: float, name: str = "Kontroll") -> dict:
    return feature(
        {"type": "Point", "coordinates": [x, y]},
        namn=name,
        typ="trafikkontrollplats",
        hastighet=70,
    )


def gpkg(tmp_path: Path, frame: gpd.GeoDataFrame, layer: str = "platser") -> bytes:
    path = tmp_path / "platser.gpkg"
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path.read_bytes()


# -- good files ---------------------------------------------------------------------------


def test_csv_with_wgs84_lat_lon_and_decimal_commas_lands_on_scbs_point() -> None:
    data = excel(f"namn;typ;lat;lon\nTorget;insatsplats;{ANEBY_LAT};{ANEBY_LON}\n")
    result = read_places(data, "platser.csv")
    assert result.crs == "EPSG:4326"
    assert result.crs_reason == "upptäckt från talen"
    (item,) = result.places
    assert item.where == "platser.csv, rad 2"
    assert item.place.geometry.distance(ANEBY) < SIX_DECIMALS_M


def test_csv_with_sweref_n_e_is_exact_to_the_centimetre() -> None:
    data = excel("namn;typ;N;E\nTorget;insatsplats;6 411 094,7;488 629,2\n")
    result = read_places(data, "platser.csv")
    assert result.crs == "EPSG:3006"
    assert result.crs_label == "SWEREF 99 TM (N/E, meter)"
    assert result.places[0].place.geometry.distance(ANEBY) < CENTIMETRE


def test_windows_1252_csv_keeps_swedish_letters() -> None:
    data = excel(
        f"namn;typ;lat;lon;öppettider\nÖstra torget;poliskontor;{ANEBY_LAT};{ANEBY_LON};"
        "tisdagar 13–15\n".replace("–", "-"),
        "cp1252",
    )
    place = read_places(data, "platser.csv").places[0].place
    assert place.name == "Östra torget"
    assert place.attributes["öppettider"] == "tisdagar 13-15"


def test_csv_areas_and_routes_come_as_wkt_in_the_geometri_column() -> None:
    e, n = ANEBY_E, ANEBY_N
    data = excel(
        "namn;typ;geometri;syfte;hållplatser;klassning\n"
        f"Centrum;centrumområde;POLYGON (({e} {n}, {e + 100} {n}, {e + 100} {n + 100}, "
        f"{e} {n + 100}, {e} {n}));närvaro;;öppen\n"
        f"Rutt;vandringsrutt;LINESTRING ({e} {n}, {e + 600} {n}, {e + 600} {n + 400});;"
        "Torget | Skolan;\n"
    )
    area, route = (p.place for p in read_places(data, "platser.csv").places)
    assert area.geometry.area == pytest.approx(10_000.0)
    assert area.attributes["syfte"] == "närvaro"
    assert area.classification is Classification.OPEN
    assert route.geometry.length == pytest.approx(1000.0)
    assert route.attributes["hållplatser"] == ["Torget", "Skolan"]
    assert route.classification is Classification.INTERNAL


def test_the_shipped_template_reads_as_one_place_of_every_kind() -> None:
    result = read_places(TEMPLATE.read_bytes(), TEMPLATE.name)
    assert sorted(p.place.kind.value for p in result.places) == sorted(k.value for k in PlaceKind)
    assert all(p.place.name.startswith("Exempel") for p in result.places)
    assert result.crs == "EPSG:3006"


def test_the_template_is_written_the_way_swedish_excel_saves_csv() -> None:
    data = TEMPLATE.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].split(b"\r\n")[0].decode("utf-8")
    assert header.startswith("namn;typ;lat;lon;N;E;geometri;klassning;anteckning;")


def test_geojson_without_crs_is_wgs84() -> None:
    data = feature_collection(site(14.808475, 57.841630))
    result = read_places(data, "platser.geojson")
    assert (result.crs, result.format) == ("EPSG:4326", "GeoJSON")
    place = result.places[0].place
    assert place.geometry.distance(ANEBY) < SIX_DECIMALS_M
    assert place.attributes["hastighet"] == 70


def test_geojson_naming_sweref_in_its_crs_member_is_read_in_metres() -> None:
    data = feature_collection(site(ANEBY_E, ANEBY_N), crs="urn:ogc:def:crs:EPSG::3006")
    result = read_places(data, "platser.geojson")
    assert (result.crs, result.crs_reason) == ("EPSG:3006", "angivet i filen")
    assert result.places[0].place.geometry.distance(ANEBY) < CENTIMETRE


def test_the_crs_option_overrides_the_geojson_default() -> None:
    data = feature_collection(site(ANEBY_E, ANEBY_N))
    result = read_places(data, "platser.geojson", crs="3006")
    assert (result.crs, result.crs_reason) == ("EPSG:3006", "valt av användaren")
    assert result.places[0].place.geometry.distance(ANEBY) < CENTIMETRE


@pytest.mark.parametrize("crs", ["EPSG:3006", "EPSG:4326"])
def test_geopackage_in_either_crs_lands_on_the_same_point(tmp_path: Path, crs: str) -> None:
    frame = gpd.GeoDataFrame(
        {"namn": ["Torget"], "typ": ["insatsplats"], "platstyp": ["torg"]},
        geometry=[ANEBY],
        crs="EPSG:3006",
    ).to_crs(crs)
    result = read_places(gpkg(tmp_path, frame), "platser.gpkg")
    assert result.crs == crs
    assert result.places[0].place.geometry.distance(ANEBY) < CENTIMETRE
    assert result.places[0].where == "platser.gpkg, lager platser, objekt 1"


def test_a_geopackage_layer_named_after_a_kind_needs_no_typ_column(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"namn": ["Kontor"]}, geometry=[ANEBY], crs="EPSG:3006")
    result = read_places(gpkg(tmp_path, frame, layer="poliskontor"), "platser.gpkg")
    assert result.places[0].place.kind is PlaceKind.POLICE_OFFICE


def test_columns_the_import_does_not_know_are_reported_not_refused() -> None:
    data = excel(f"namn;typ;lat;lon;objectid\nTorget;insatsplats;{ANEBY_LAT};{ANEBY_LON};17\n")
    assert read_places(data, "platser.csv").ignored_columns == ("objectid",)


def test_a_place_outside_the_kommun_is_imported_with_a_warning() -> None:
    context = PlaceContext(kommuner=(("Aneby kommun", box(0, 0, 1000, 1000)),))
    data = excel(f"namn;typ;lat;lon\nTorget;insatsplats;{ANEBY_LAT};{ANEBY_LON}\n")
    result = read_places(data, "platser.csv", context=context)
    assert len(result.places) == 1
    (warning,) = result.warnings
    assert warning.startswith("platser.csv, rad 2: Platsen ligger utanför Aneby kommun")


# -- export and back ------------------------------------------------------------------


PLACES = [
    Place(
        PlaceKind.TRAFFIC_CONTROL_SITE,
        "SCB:s tätortspunkt",
        ANEBY,
        Classification.SECRET,
        "intern anteckning",
        {"väg": "väg 32", "hastighet": 70},
        id=1,
    ),
    Place(
        PlaceKind.WALK_ROUTE,
        "Rutt",
        LineString([(ANEBY_E, ANEBY_N), (ANEBY_E + 1000, ANEBY_N)]),
        attributes={"hållplatser": ["Torget", "Skolan"]},
        id=2,
    ),
    Place(
        PlaceKind.CENTRAL_AREA,
        "Centrum",
        box(ANEBY_E, ANEBY_N, ANEBY_E + 100, ANEBY_N + 100),
        attributes={"syfte": "närvaro", "vikt": 1.5},
    ),
]


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_export_then_import_gives_the_same_places_to_the_centimetre(
    tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"platser{suffix}"
    assert export_places(PLACES, out) == 3
    back = {p.place.name: p.place for p in read_places(out.read_bytes(), out.name).places}
    for original in PLACES:
        again = back[original.name]
        assert again.kind is original.kind
        assert again.classification is original.classification
        assert again.note == original.note
        assert dict(again.attributes) == dict(original.attributes)
        assert again.geometry.equals_exact(original.geometry, tolerance=CENTIMETRE)


def test_export_refuses_csv_and_nothing_to_write(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"\.gpkg eller \.geojson"):
        export_places(PLACES, tmp_path / "platser.csv")
    with pytest.raises(ValidationError, match="inga platser"):
        export_places([], tmp_path / "platser.gpkg")


# -- bad files ------------------------------------------------------------------------

POINT_IN_SEA = "57,5;20,0"  # the Baltic east of Gotland, inside the WGS 84 range for Sweden

BAD_FILES = [
    (
        "broken.geojson",
        b'{"type": "FeatureCollection", "features": [',
        "rad 1, kolumn 44: ogiltig JSON",
    ),
    ("empty.geojson", b"", "filen är tom"),
    ("empty.csv", b"", "filen är tom"),
    ("header-only.csv", excel("namn;typ;lat;lon\n"), "rubriker men inga rader"),
    ("missing.csv", excel("namn;lat;lon\nA;57,8;14,8\n"), "kolumnen typ saknas"),
    ("no-coordinates.csv", excel("namn;typ\nA;insatsplats\n"), "koordinatkolumner saknas"),
    ("half.csv", excel("namn;typ;lat\nA;insatsplats;57,8\n"), "kolumnen lon saknas"),
    (
        "text.csv",
        excel("namn;typ;lat;lon\nA;insatsplats;femtiosju;14,8\n"),
        'rad 2, kolumn lat: "femtiosju" är inget tal',
    ),
    (
        "sea.csv",
        excel(f"namn;typ;lat;lon\nA;insatsplats;{POINT_IN_SEA}\n"),
        "rad 2: platsen ligger i havet eller utanför Sverige",
    ),
    (
        "mixed.csv",
        excel(
            "namn;typ;lat;lon;N;E\nA;insatsplats;57,84;14,80;;\nB;insatsplats;;;6411094;488629\n"
        ),
        "blandar koordinatsystem",
    ),
    (
        "swapped.csv",
        excel("namn;typ;lat;lon\nA;insatsplats;14,8;57,84\n"),
        "verkar ha bytt plats",
    ),
    (
        "wrong-type.csv",
        excel(f"namn;typ;lat;lon\nA;vandringsrutt;{ANEBY_LAT};{ANEBY_LON}\n"),
        "rad 2: en vandringsrutt ska vara en linje, men geometrin är en punkt",
    ),
    (
        "wrong-type.geojson",
        feature_collection(
            feature(
                {"type": "LineString", "coordinates": [[14.80, 57.84], [14.81, 57.84]]},
                namn="A",
                typ="poliskontor",
            )
        ),
        "objekt 1: en poliskontor ska vara en punkt, men geometrin är en linje",
    ),
    (
        "sweref-as-wgs84.geojson",
        feature_collection(site(ANEBY_E, ANEBY_N)),
        "ser ut som SWEREF 99 TM",
    ),
    ("not-geojson.json", b'{"hello": 1}', "inte en GeoJSON FeatureCollection"),
    ("no-features.geojson", feature_collection(), "inga objekt"),
    ("not-a-package.gpkg", b"just text", "går inte att läsa som GeoPackage"),
    ("empty.gpkg", b"", "filen är tom"),
    ("places.xlsx", b"PK\x03\x04", "okänt filformat"),
    (
        "bowtie.csv",
        excel(
            "namn;typ;geometri\n"
            "A;centrumområde;POLYGON ((488000 6411000, 489000 6412000, 489000 6411000, "
            "488000 6412000, 488000 6411000))\n"
        ),
        "kanter korsar varandra",
    ),
    (
        "one-point.csv",
        excel("namn;typ;geometri\nA;vandringsrutt;LINESTRING (488000 6411000, 488000 6411000)\n"),
        "minst två olika punkter",
    ),
    ("bad-wkt.csv", excel("namn;typ;geometri\nA;centrumområde;POLYGON ((1 2\n"), "som WKT"),
]


@pytest.mark.parametrize("name, data, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_with_the_problem_named(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_places(data, name)


def test_every_bad_row_is_listed_in_file_order() -> None:
    data = excel(
        "namn;typ;lat;lon;hastighet\n"
        f"A;trafikkontrollplats;{ANEBY_LAT};{ANEBY_LON};45\n"
        f";insatsplats;{ANEBY_LAT};{ANEBY_LON};\n"
        f"C;kiosk;{ANEBY_LAT};{ANEBY_LON};\n"
    )
    with pytest.raises(ImportFileError) as caught:
        read_places(data, "platser.csv")
    lines = str(caught.value).splitlines()
    assert lines[0] == "platser.csv har fel, så ingenting importerades:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "- platser.csv, rad 2, hastighet",
        "- platser.csv, rad 3",
        "- platser.csv, rad 4",
    ]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_gpkg_without_crs_asks_for_one(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"namn": ["A"], "typ": ["insatsplats"]}, geometry=[ANEBY])
    with pytest.raises(ImportFileError, match="koordinatsystem saknas.*--crs"):
        read_places(gpkg(tmp_path, frame), "platser.gpkg")


def test_an_unknown_crs_is_refused() -> None:
    with pytest.raises(ImportFileError, match='Okänt koordinatsystem "EPSG:99999"'):
        normalise_crs("EPSG:99999")


# -- the data export's columns ------------------------------------------------------------

# A row as `export csv` writes it (intern_platser.csv), minus the kinds' other attributes.
EXPORTED_HEADER = "id;version;typ;namn;klassning;anteckning;hastighet;ur_bruk;exempeldata;"
EXPORTED_GEOMETRY = "e_sweref99tm;n_sweref99tm;wkt_sweref99tm\n"


def exported(*rows: str) -> bytes:
    return excel(EXPORTED_HEADER + EXPORTED_GEOMETRY + "".join(f"{r}\n" for r in rows))


def test_wkt_sweref99tm_is_read_as_sweref_99_tm_because_its_name_says_so() -> None:
    result = read_places(
        exported(
            "7;2;trafikkontrollplats;Infarten;intern;;70;nej;nej;"
            "488629,2;6411094,7;POINT (488629.2 6411094.7)"
        ),
        "intern_platser.csv",
    )
    [item] = result.places
    assert (result.crs, result.crs_reason) == ("EPSG:3006", "angivet i kolumnnamnet wkt_sweref99tm")
    assert item.place.geometry.equals(ANEBY)
    assert (item.file_id, item.file_version, item.retired) == (7, 2, False)
    assert result.ignored_columns == ("exempeldata",)


def test_a_point_moved_with_e_and_n_after_emptying_the_wkt_is_read_from_e_and_n() -> None:
    [item] = read_places(
        exported("7;2;insatsplats;Parken;intern;;;nej;nej;488700;6411200,5;"),
        "intern_platser.csv",
    ).places
    assert (item.place.geometry.x, item.place.geometry.y) == (488700.0, 6411200.5)


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "7;2;insatsplats;Parken;intern;;;nej;nej;488700;6411094,7;POINT (488629.2 6411094.7)",
            r"rad 2: e_sweref99tm och n_sweref99tm \(488700; 6411094,7\) ligger 70,8 m från "
            r"geometrin i wkt_sweref99tm, så det går inte att veta vilken du har ändrat",
        ),
        (
            "7;2;insatsplats;Parken;intern;;;nej;nej;;;POINT (14.808475 57.84163)",
            r"rad 2: kolumnerna e_sweref99tm, n_sweref99tm och wkt_sweref99tm har tal som ser ut "
            r"som WGS 84 \(lat/lon, grader\)\. Skriv dem i kolumnen geometri",
        ),
        (
            "sju;2;insatsplats;Parken;intern;;;nej;nej;;;POINT (488629.2 6411094.7)",
            r'rad 2, id: "sju" är inget id \(ett heltal från en export; töm cellen för en '
            r"ny plats\)",
        ),
        (
            "7;2;insatsplats;Parken;intern;;;kanske;nej;;;POINT (488629.2 6411094.7)",
            r'rad 2, ur_bruk: "kanske" ska vara ja eller nej',
        ),
        (
            "7;2;insatsplats;Parken;intern;;;nej;nej;488629,2;;POINT (488629.2 6411094.7)",
            r"rad 2, kolumn n_sweref99tm: värde saknas",
        ),
    ],
    ids=["e-n-moved-and-wkt-not", "degrees-in-wkt-sweref99tm", "id-text", "ur-bruk", "half-e-n"],
)
def test_a_bad_exported_row_is_named(row: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_places(exported(row), "intern_platser.csv")


def test_another_crs_cannot_be_chosen_for_the_sweref99tm_columns() -> None:
    data = exported("7;2;insatsplats;Parken;intern;;;nej;nej;;;POINT (488629.2 6411094.7)")
    with pytest.raises(
        ImportFileError, match=r"är alltid SWEREF 99 TM \(EPSG:3006\), men EPSG:4326"
    ):
        read_places(data, "intern_platser.csv", crs="EPSG:4326")
    assert len(read_places(data, "intern_platser.csv", crs="EPSG:3006").places) == 1
