"""Hostile and broken uploads are refused before they are read, with a Swedish message."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from geo.errors import ImportFileError
from geo.files.limits import (
    MB,
    Limits,
    check_json_depth,
    check_magic,
    parse_geojson,
    read_path,
    read_stream,
    unzip,
)
from geo.files.tabular import read_table

GIB = 1024**3


class _Unreadable(io.RawIOBase):
    """A stream that knows its length but must never be read."""

    def __init__(self, size: int) -> None:
        self.size = size

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return 0

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.size if whence == io.SEEK_END else 0

    def read(self, n: int = -1) -> bytes:
        raise AssertionError("the upload was read although its size was too large")


class _Endless(io.RawIOBase):
    """A stream of unknown length that counts what was read from it."""

    def __init__(self) -> None:
        self.served = 0

    def seekable(self) -> bool:
        return False

    def read(self, n: int = -1) -> bytes:
        assert n >= 0, "an unbounded read() would fill the memory"
        self.served += n
        return b"a" * n


def test_a_2_gb_file_is_refused_from_its_size_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "platser.csv"
    with big.open("wb") as f:
        f.truncate(2 * GIB)  # sparse: takes no disk and no time
    started = time.monotonic()
    with pytest.raises(ImportFileError) as refused:
        read_path(big)
    assert time.monotonic() - started < 1
    assert str(refused.value).startswith(
        "platser.csv är 2048 MB; största tillåtna fil är 50 MB (ändras med "
        "LOFTESKARTAN_MAX_UPLOAD_MB)."
    )
    with pytest.raises(ImportFileError, match="2048 MB"):
        read_stream(_Unreadable(2 * GIB), "platser.csv")  # type: ignore[arg-type]


def test_a_stream_without_a_length_is_cut_one_byte_after_the_limit() -> None:
    stream = _Endless()
    with pytest.raises(ImportFileError, match="största tillåtna fil är 1 MB"):
        read_stream(stream, "data.csv", limits=Limits(max_bytes=MB))  # type: ignore[arg-type]
    assert stream.served == MB + 1


def test_the_upload_limit_comes_from_the_environment() -> None:
    assert Limits.from_env({"LOFTESKARTAN_MAX_UPLOAD_MB": "2,5"}).max_bytes == int(2.5 * MB)
    assert Limits.from_env({}).max_bytes == 50 * MB
    with pytest.raises(ImportFileError, match='LOFTESKARTAN_MAX_UPLOAD_MB="femtio"'):
        Limits.from_env({"LOFTESKARTAN_MAX_UPLOAD_MB": "femtio"})


def test_read_table_refuses_an_upload_over_the_configured_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOFTESKARTAN_MAX_UPLOAD_MB", "1")
    data = b"namn;antal\n" + b"Torget;1\n" * (MB // 8)
    with pytest.raises(ImportFileError, match="största tillåtna fil är 1 MB"):
        read_table(data, "platser.csv")


@pytest.mark.parametrize(
    "name, head, message",
    [
        ("platser.gpkg", b"namn;lat;lon\n", "platser.gpkg är ingen GeoPackage"),
        (
            "platser.csv",
            b"PK\x03\x04\x14\x00\x06\x00",
            "platser.csv är ingen CSV-fil; den ser "
            "ut som en zip-fil (till exempel en Excel-fil .xlsx)",
        ),
        ("platser.csv", b"\xd0\xcf\x11\xe0\xa1\xb1", "gammal Office-fil"),
        ("platser.geojson", b"<html><script>", "platser.geojson är ingen GeoJSON"),
        ("platser.geojson", b"SQLite format 3\x00", "ser ut som en SQLite-databas"),
        ("platser.zip", b"%PDF-1.7", "platser.zip är ingen zip-fil; den ser ut som en PDF"),
        ("platser.exe", b"MZ", "filtypen .exe stöds inte"),
    ],
)
def test_a_file_that_is_not_what_its_extension_says_is_refused(
    name: str, head: bytes, message: str
) -> None:
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_magic(head, name)


@pytest.mark.parametrize(
    "name, head",
    [
        ("platser.gpkg", b"SQLite format 3\x00\x10\x00"),
        ("platser.geojson", b'\xef\xbb\xbf \n {"type"'),
        ("platser.csv", "namn;lat\nTorget;57,8\n".encode("cp1252")),
        ("platser.zip", b"PK\x03\x04"),
    ],
)
def test_files_that_are_what_they_say_pass(name: str, head: bytes) -> None:
    check_magic(head, name)


def test_deeply_nested_json_is_refused_before_json_loads_sees_it() -> None:
    bomb = b'{"type": "FeatureCollection", "features": ' + b"[" * 1_000_000
    with pytest.raises(ImportFileError, match="djupare än 64 nivåer"):
        parse_geojson(bomb, "bomb.geojson")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    check_json_depth('{"namn": "[[[[{{{{\\"[[[[" }' * 1, "ok.geojson", max_depth=2)


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"type": "Topology"}', 'ska ha "type": "FeatureCollection" eller "Feature"'),
        ('[{"type": "Feature"}]', r"ingen GeoJSON \(den ska börja med {\)"),
        ('{"type": "FeatureCollection", "features": {}}', 'ska ha en lista "features"'),
        ('{"type": "FeatureCollection", "features": [1]}', "objekt 1: ska vara ett objekt"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": 5}]}',
            'objekt 1: "geometry" ska vara en geometri eller null',
        ),
        ('{"type": "FeatureCollection",\n "features": [}', r"rad 2, kolumn 15: ogiltig JSON"),
    ],
)
def test_geojson_that_is_json_but_not_geojson_is_refused(text: str, message: str) -> None:
    with pytest.raises(ImportFileError, match=message):
        parse_geojson(text.encode(), "platser.geojson")


def test_a_feature_collection_passes() -> None:
    data = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        b'{"namn": "Torget"}, "geometry": {"type": "Point", "coordinates": [14.8, 57.8]}}]}'
    )
    assert parse_geojson(data, "ok.geojson")["features"][0]["properties"] == {"namn": "Torget"}


def _zip(members: dict[str, int | bytes]) -> bytes:
    """A zip in memory; an int member is that many zero bytes, written in chunks."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            with archive.open(name, "w", force_zip64=True) as f:
                if isinstance(content, bytes):
                    f.write(content)
                else:
                    for _ in range(content // MB):
                        f.write(bytes(MB))
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking() -> None:
    bomb = _zip({"platser.csv": 300 * MB})
    assert len(bomb) < MB  # 300 MB of zeros packs to a few hundred kB
    with pytest.raises(ImportFileError, match="packas upp till 300 MB; högst 200 MB"):
        unzip(bomb, "platser.zip")


def test_a_member_packed_more_than_a_hundred_times_is_refused() -> None:
    bomb = _zip({"platser.csv": 20 * MB})
    with pytest.raises(ImportFileError, match='"platser.csv" är packad mer än 100 gånger'):
        unzip(bomb, "platser.zip")


def test_a_member_that_lies_about_its_size_is_refused_while_unpacking() -> None:
    data = bytearray(_zip({"platser.csv": b"namn;antal\n" * 1000}))
    # Shrink the declared size in the local header and the central directory to 100 bytes.
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    for offset in (local + 22, central + 24):
        data[offset : offset + 4] = (100).to_bytes(4, "little")
    with pytest.raises(ImportFileError, match="platser.csv"):
        unzip(bytes(data), "platser.zip")


def test_a_zip_member_outside_the_folder_is_refused() -> None:
    with pytest.raises(ImportFileError, match='"../../etc/cron.d/x" i zip-filen pekar utanför'):
        unzip(_zip({"../../etc/cron.d/x": b"* * * * * root sh"}), "platser.zip")


def test_a_normal_zipped_shapefile_unpacks() -> None:
    parts = {"platser.shp": b"\x00\x00\x27\x0a" + bytes(96), "platser.dbf": b"\x03" + bytes(31)}
    assert unzip(_zip(parts), "platser.zip") == parts


def test_csv_with_ten_thousand_columns_is_refused() -> None:
    header = ";".join(f"k{i}" for i in range(10_000)).encode()
    with pytest.raises(ImportFileError, match="10000 kolumner; högst 200 tillåts"):
        read_table(header + b"\n" + b";" * 9_999 + b"\n", "bred.csv")


def test_an_excel_file_saved_as_csv_is_refused_with_what_to_do() -> None:
    with pytest.raises(ImportFileError, match='Spara filen som "CSV UTF-8'):
        read_table(b"PK\x03\x04" + bytes(100), "aktiviteter.csv")


class _Uploaded(io.BytesIO):
    """What st.file_uploader hands a page: a BytesIO with a name and a size."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name
        self.size = len(data)


def test_an_upload_widget_file_is_checked_for_size_and_kind_before_an_importer_sees_it() -> None:
    from ui.uploads import read_upload

    assert read_upload(_Uploaded(b"namn;antal\nTorget;1\n", "platser.csv")) == (
        b"namn;antal\nTorget;1\n"
    )
    with pytest.raises(ImportFileError, match="största tillåtna fil är 1 MB"):
        read_upload(_Uploaded(b"a" * (MB + 1), "platser.csv"), Limits(max_bytes=MB))
    with pytest.raises(ImportFileError, match="platser.gpkg är ingen GeoPackage"):
        read_upload(_Uploaded(b"namn;antal\n", "platser.gpkg"))


# -- issue 11: per-import limits, the date range and the busy timeout -----------------------


def test_each_import_has_its_own_environment_variable() -> None:
    from geo.files.limits import IMPORT_LIMITS

    names = [limit.env for limit in IMPORT_LIMITS]
    assert len(set(names)) == len(names) == 5
    assert all(name.startswith("LOFTESKARTAN_MAX_") for name in names)


@pytest.mark.parametrize(
    "setting,expected", [("", 10 * MB), ("12", 12 * MB), ("0,5", MB // 2), ("2.5", int(2.5 * MB))]
)
def test_a_file_limit_reads_megabytes_from_its_variable(setting: str, expected: int) -> None:
    from geo.files.limits import ACTIVITIES_LIMIT

    assert ACTIVITIES_LIMIT.max_bytes({ACTIVITIES_LIMIT.env: setting}) == expected


@pytest.mark.parametrize("setting", ["0", "-1", "mycket", "1e9"])
def test_a_nonsense_file_limit_is_a_swedish_error(setting: str) -> None:
    from geo.files.limits import ACTIVITIES_LIMIT

    with pytest.raises(ImportFileError, match="ska vara ett antal megabyte större än noll"):
        ACTIVITIES_LIMIT.max_bytes({ACTIVITIES_LIMIT.env: setting})


def test_a_file_limit_refuses_a_sparse_file_from_its_size_without_opening_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.files.limits import EVENTS_LIMIT

    big = tmp_path / "handelser.csv"
    with big.open("wb") as f:
        f.truncate(3 * GIB)

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was opened although its size was too large")

    monkeypatch.setattr(Path, "open", never)
    with pytest.raises(ImportFileError) as refused:
        EVENTS_LIMIT.read(big)
    assert str(refused.value) == (
        "handelser.csv är 3072 MB; största tillåtna händelsefil är 20 MB. Dela upp filen, "
        "eller be en administratör höja gränsen med miljövariabeln LOFTESKARTAN_MAX_EVENTS_MB "
        "(i megabyte)."
    )


@pytest.mark.parametrize(
    "day,ok",
    [
        ("1989-12-31", False),
        ("1990-01-01", True),
        ("2024-03-05", True),
        ("2100-12-31", True),
        ("2101-01-01", False),
        ("0001-01-01", False),
        ("9999-12-31", False),
    ],
)
def test_the_supported_date_range_is_1990_to_2100(day: str, ok: bool) -> None:
    from datetime import date

    from geo.errors import ValidationError
    from geo.files.limits import check_date

    value = date.fromisoformat(day)
    if ok:
        assert check_date(value) == value
    else:
        with pytest.raises(ValidationError, match=f"{day} ligger utanför de datum"):
            check_date(value)


@pytest.mark.parametrize("setting,expected", [("", 30.0), ("1", 1.0), ("0,5", 0.5)])
def test_the_busy_timeout_is_30_seconds_unless_set(setting: str, expected: float) -> None:
    from geo.files.limits import BUSY_ENV, busy_timeout_seconds

    assert busy_timeout_seconds({BUSY_ENV: setting}) == expected
