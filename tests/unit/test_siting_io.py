"""Demand and candidate files for site suggestions: Swedish CSV, GeoJSON and GeoPackage."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from geo.errors import ImportFileError
from geo.files.siting_io import read_candidates, read_demand, read_features
from geo.spatial.crs import lonlat_to_sweref

# Round SWEREF 99 TM numbers near Aneby.
E0, N0 = 483000.0, 6410000.0
NE_CSV = "namn;n;e;vikt\r\nTorget;6410000;483000;2,5\r\nSkolan;6410100;483000;\r\n;;;\r\n"


@pytest.mark.parametrize(
    "data",
    [
        NE_CSV.encode("utf-8"),
        b"\xef\xbb\xbf" + NE_CSV.encode("utf-8"),
        NE_CSV.replace("Torget", "Östra torget").encode("cp1252"),
        NE_CSV.replace(";", ",").replace("2,5", '"2,5"').encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "comma-separated"],
)
def test_a_swedish_excel_csv_gives_points_with_their_weights(data: bytes) -> None:
    layer = read_demand(data, "olyckor.csv")
    assert layer.name == "olyckor.csv"
    assert layer.xy.tolist() == [[E0, N0], [E0, N0 + 100]]
    assert layer.weights.tolist() == [2.5, 1.0]  # an empty vikt is 1


def test_lat_lon_columns_are_wgs84_degrees_with_decimal_commas() -> None:
    data = b"Latitud;Longitud\n57,84;14,81\n"
    [feature] = read_features(data, "skolor.csv")
    e, n = lonlat_to_sweref(14.81, 57.84)
    assert (feature.geometry.x, feature.geometry.y) == pytest.approx((e, n))


@pytest.mark.parametrize(
    "text, message",
    [
        ("namn;vikt\nA;1\n", "rad 1: kolumner för koordinater saknas"),
        ("lat;lon\n57,84;\n", "rad 2, kolumn lon: värde saknas"),
        ("lat;lon\n57,84;14,8x\n", 'rad 2, kolumn lon: "14,8x" är inget tal'),
        ("lat;lon\n14,81;57,84\n", "rad 2: latituden 14.81 ligger inte i Sverige"),
        ("n;e\n483000;6410000\n", "rad 2: N 483000 ligger inte i Sverige"),
        ("n;e;vikt\n6410000;483000;tre\n", 'rad 2, vikt: "tre" är inget tal'),
        ("n;e;vikt\n6410000;483000;-1\n", "rad 2, vikt: -1 ska vara noll eller större"),
        ("n;e\n6410000;483000;1\n", "rad 2: 3 värden men bara 2 kolumner"),
        ("", "filen är tom"),
    ],
)
def test_a_bad_csv_row_is_named_with_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_demand(text.encode(), "olyckor.csv")


def test_an_unknown_file_type_is_refused() -> None:
    with pytest.raises(ImportFileError, match="okänd filtyp"):
        read_demand(b"x", "olyckor.xlsx")


def test_a_missing_file_is_named() -> None:
    with pytest.raises(ImportFileError, match="finns inte"):
        read_demand(Path("/finns/inte.csv"))


def test_geojson_points_areas_and_lines_keep_their_weights(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"vikt": [3.0, 2.0, None]},
        geometry=[
            Point(E0, N0),
            box(E0, N0, E0 + 100, N0 + 100),  # four 50 m cells share vikt 2
            LineString([(E0, N0), (E0 + 100, N0)]),  # three points share vikt 1
        ],
        crs="EPSG:3006",
    )
    path = tmp_path / "efterfrågan.geojson"
    frame.to_file(path, driver="GeoJSON")
    layer = read_demand(path)
    assert len(layer) == 1 + 4 + 3
    assert layer.weights.sum() == pytest.approx(6.0)
    assert layer.weights[:5].tolist() == pytest.approx([3.0, 0.5, 0.5, 0.5, 0.5])
    assert layer.xy[1].tolist() == pytest.approx([E0 + 25, N0 + 25], abs=0.01)


def test_a_geopackage_in_wgs84_is_read_in_metres(tmp_path: Path) -> None:
    lon, lat = 14.81, 57.84
    frame = gpd.GeoDataFrame({"vikt": [2]}, geometry=[Point(lon, lat)], crs="EPSG:4326")
    path = tmp_path / "skolor.gpkg"
    frame.to_file(path, driver="GPKG")
    layer = read_demand(path.read_bytes(), "skolor.gpkg", layer_weight=3)
    assert layer.xy[0].tolist() == pytest.approx(list(lonlat_to_sweref(lon, lat)), abs=0.01)
    assert layer.effective_weights.tolist() == [6.0]


def test_a_geojson_feature_with_a_text_weight_is_named() -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"vikt": "1,5"}, "geometry": _pt()},
            {"type": "Feature", "properties": {"vikt": "mycket"}, "geometry": _pt()},
        ],
    }
    with pytest.raises(ImportFileError, match='objekt 2, vikt: "mycket" är inget tal'):
        read_demand(json.dumps(data).encode(), "önskemål.geojson")
    data["features"].pop()
    assert read_demand(json.dumps(data).encode(), "önskemål.geojson").weights.tolist() == [1.5]


def _pt() -> dict[str, object]:
    return {"type": "Point", "coordinates": [14.81, 57.84]}


def test_broken_geojson_is_refused_with_the_file_name() -> None:
    with pytest.raises(ImportFileError, match="önskemål.geojson: filen går inte att läsa"):
        read_demand(b"{not json", "önskemål.geojson")


def test_candidate_points_keep_their_names_and_roads_become_points_every_n_metres(
    tmp_path: Path,
) -> None:
    frame = gpd.GeoDataFrame(
        {"namn": ["Infarten", "Väg 32"]},
        geometry=[Point(E0, N0), LineString([(E0, N0 + 500), (E0 + 1000, N0 + 500)])],
        crs="EPSG:3006",
    )
    path = tmp_path / "kandidater.gpkg"
    frame.to_file(path, driver="GPKG")
    cands = read_candidates(path, spacing=300)
    assert [c.name for c in cands] == [
        "Infarten",
        "Väg 32, 0 m",
        "Väg 32, 300 m",
        "Väg 32, 600 m",
        "Väg 32, 900 m",
    ]
    assert [c.x - E0 for c in cands[1:]] == [0, 300, 600, 900]
    assert len({c.key for c in cands}) == 5
    assert all(c.place_id is None for c in cands)


def test_an_area_cannot_be_a_candidate_site() -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[14.8, 57.8], [14.81, 57.8], [14.81, 57.81], [14.8, 57.8]]],
                },
            }
        ],
    }
    with pytest.raises(ImportFileError, match="objekt 1: Polygon kan inte vara en kontrollplats"):
        read_candidates(json.dumps(data).encode(), "platser.geojson")


def test_csv_candidates_are_named_by_their_row_when_they_have_no_name() -> None:
    cands = read_candidates(b"n;e\n6410000;483000\n", "platser.csv")
    assert [(c.name, c.x, c.y) for c in cands] == [("platser.csv, rad 2", E0, N0)]
    assert np.isfinite([c.x for c in cands]).all()


# -- the shared Swedish CSV reader (geo/files/tabular.py) ------------------------------------------

# "Spara som CSV (semikolonavgränsad)" on a Swedish Windows: Windows-1252, no BOM, decimal
# commas in the coordinates and the weights, å/ä/ö in names and column names.
CP1252_DEMAND = (
    "Namn;Latitud;Longitud;Vikt\r\n"
    "Östra infarten;57,84;14,81;2,5\r\n"
    "Skolgården vid Ängen;57,845;14,815;0,75\r\n"
    "Torget;57,85;14,82;\r\n"
).encode("cp1252")


def test_a_windows_1252_demand_csv_with_decimal_commas_keeps_its_weights_and_names() -> None:
    assert CP1252_DEMAND.decode("cp1252").encode("cp1252") == CP1252_DEMAND
    with pytest.raises(UnicodeDecodeError):
        CP1252_DEMAND.decode("utf-8")  # so the reader really falls back to Windows-1252
    layer = read_demand(CP1252_DEMAND, "önskemål.csv", layer_weight=2)
    assert layer.weights.tolist() == [2.5, 0.75, 1.0]
    assert layer.effective_weights.tolist() == [5.0, 1.5, 2.0]
    expected = [*lonlat_to_sweref(14.81, 57.84), *lonlat_to_sweref(14.815, 57.845)]
    assert layer.xy[:2].ravel().tolist() == pytest.approx(expected, abs=0.01)
    names = [c.name for c in read_candidates(CP1252_DEMAND, "önskemål.csv")]
    assert names == ["Östra infarten", "Skolgården vid Ängen", "Torget"]


def test_the_data_exports_e_and_n_sweref99tm_columns_are_demand_points() -> None:
    data = (
        "\ufeffid;typ;vikt;e_sweref99tm;n_sweref99tm;wkt_sweref99tm\r\n"
        "4;trafikkontroll;1,5;483000;6410000;POINT (483000 6410000)\r\n"
    ).encode()
    layer = read_demand(data, "intern_aktiviteter.csv")
    assert (layer.xy.tolist(), layer.weights.tolist()) == ([[E0, N0]], [1.5])


@pytest.mark.parametrize(
    "data, message",
    [
        (b"PK\x03\x04excel", "olyckor.csv är ingen CSV-fil; den ser ut som en zip-fil"),
        (b"\xef\xbb\xbfn;e\n6410000;\xff483000\n", "filen säger att den är UTF-8, men byte"),
        (b"n;e;n\n6410000;483000;1\n", "rad 1: kolumnen n finns två gånger"),
        (b"n;e\n6410000;483000\x81\n", "varken UTF-8 eller Windows-1252"),
    ],
    ids=["excel-file", "broken-utf-8-after-bom", "duplicate-column", "not-text"],
)
def test_what_is_wrong_with_the_file_itself_is_said_as_the_place_import_says_it(
    data: bytes, message: str
) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_demand(data, "olyckor.csv")
