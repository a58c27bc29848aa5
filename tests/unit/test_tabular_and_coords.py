"""Reading CSV as Swedish Excel writes it, and telling WGS 84 from SWEREF 99 TM."""

from __future__ import annotations

import pytest

from geo.errors import ImportFileError
from geo.files.tabular import parse_count, parse_number, read_table
from geo.spatial.coords import CoordinateSystem, classify, detect_system, to_point

EXCEL = "namn;typ;lat;lon\r\nTorget;trafikkontrollplats;57,84163;14,808475\r\n;;;\r\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (EXCEL.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + EXCEL.encode("utf-8"), "utf-8-sig"),
        (EXCEL.replace("Torget", "Östra torget").encode("cp1252"), "cp1252"),
    ],
)
def test_excel_csv_reads_in_every_encoding_excel_writes(data: bytes, encoding: str) -> None:
    table = read_table(data, "platser.csv")
    assert table.encoding == encoding
    assert table.delimiter == ";"
    assert table.columns == ("namn", "typ", "lat", "lon")
    assert len(table.rows) == 1  # the empty Excel line is dropped
    assert table.rows[0].number == 2
    assert table.rows[0].get("lat") == "57,84163"


def test_swedish_characters_survive_windows_1252() -> None:
    data = "namn;typ\nÅsa-vägen;x\n".encode("cp1252")
    assert read_table(data, "f.csv").rows[0].get("namn") == "Åsa-vägen"


def test_comma_separated_files_are_read_too() -> None:
    table = read_table(b"namn,lat,lon\nA,57.8,14.8\n", "f.csv")
    assert table.delimiter == ","
    assert table.rows[0].get("lon") == "14.8"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "filen är tom"),
        (b"   \n\n", "filen är tom"),
        (b"\x00\x01\x02PK", "inte en textfil"),
        (b"namn;namn\n1;2\n", "finns två gånger"),
        (b"namn;;lat\n1;2;3\n", "saknar namn"),
        (b"namn;lat\nA;1;2\n", "rad 2"),
        (";".join(f"k{i}" for i in range(10_000)).encode(), "högst 200"),
    ],
)
def test_broken_csv_files_are_refused_with_a_swedish_reason(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        read_table(data, "f.csv")


@pytest.mark.parametrize(
    "text, value",
    [("12,5", 12.5), ("12.5", 12.5), ("1 234,5", 1234.5), ("-3", -3.0), ("6410437", 6410437.0)],
)
def test_numbers_are_read_as_swedes_write_them(text: str, value: float) -> None:
    assert parse_number(text, "f.csv, rad 2, kolumn lat") == value


@pytest.mark.parametrize("text", ["tolv", "12,5,1", "", "1.2.3", "57°50'"])
def test_text_in_a_number_column_names_row_and_column(text: str) -> None:
    with pytest.raises(ImportFileError, match="rad 2, kolumn lat"):
        parse_number(text, "f.csv, rad 2, kolumn lat")


def test_counts_must_be_whole_and_not_negative() -> None:
    assert parse_count("12", "x") == 12
    with pytest.raises(ImportFileError):
        parse_count("-1", "x")
    with pytest.raises(ImportFileError):
        parse_count("1,5", "x")


@pytest.mark.parametrize(
    "first, second, expected",
    [
        (57.84163, 14.808475, CoordinateSystem.WGS84),
        (6411094.7, 488629.2, CoordinateSystem.SWEREF99TM),
        (14.808475, 57.84163, None),  # lon/lat swapped: not in Sweden as lat/lon
        (488629.2, 6411094.7, None),  # E/N swapped
        (0.0, 0.0, None),
    ],
)
def test_the_numbers_tell_which_coordinate_system(
    first: float, second: float, expected: CoordinateSystem | None
) -> None:
    assert classify(first, second) is expected


def test_a_file_mixing_wgs84_and_sweref_is_refused() -> None:
    with pytest.raises(ImportFileError, match="blandar"):
        detect_system([(57.8, 14.8), (6411094.7, 488629.2)], "f.csv")


def test_a_point_in_the_sea_is_refused() -> None:
    with pytest.raises(ImportFileError, match="inte i Sverige"):
        detect_system([(56.0, 5.0)], "f.csv")


def test_wgs84_and_sweref_give_the_same_point_to_the_centimetre() -> None:
    # SCB's tätort point for Aneby, given in both systems in the shipped tätort file.
    from_gps = to_point(57.841630, 14.808475, CoordinateSystem.WGS84)
    from_gis = to_point(6411094.7, 488629.2, CoordinateSystem.SWEREF99TM)
    assert from_gis.x == 488629.2 and from_gis.y == 6411094.7
    assert from_gps.distance(from_gis) < 0.2  # the WGS 84 copy is rounded to 6 decimals
