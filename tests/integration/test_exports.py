"""Exports read back with real readers, and a public export that leaks nothing planted.

Every format is made once per audience from the planted store (tests/export_fixtures.py)
and read with the tools a user (or an attacker) would use: GDAL's ogrinfo for the
GeoPackage, poppler's pdftotext/pdftoppm for the PDF, zip + csv for the CSV files, the raw
bytes for everything. PNG and PDF pages are saved under test-artifacts/ to look at.
"""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import Point, shape

from geo.disclosure.audience import Audience, AudienceRules, ExportRequest
from geo.errors import ValidationError
from geo.exports.make import ExportFormat, ExportOptions, load_export_data, make_export, render
from geo.exports.map_style import PLACE_SYMBOLS, symbol_svg
from geo.installation.init import initialise
from geo.spatial.aggregate import GridShape, cell_of
from geo.spatial.crs import sweref_to_lonlat
from geo.store import Store
from tests.common import REPO_ROOT, SEED_YEAR_CLOCK
from tests.export_fixtures import (
    ACTOR,
    DAY,
    INJECTIONS,
    INTERNAL,
    KNOWN,
    MADE_AT,
    MEETING,
    OFFICE,
    PAIR,
    PERIOD,
    PHOTO,
    SECRET,
    SECRET_TEXTS,
    coordinate_texts,
    plant,
)

ARTIFACTS = REPO_ROOT / "test-artifacts"
FORMATS = list(ExportFormat)


def formats_for(audience: Audience) -> list[ExportFormat]:
    """Every format an audience can have: the meeting's activity list is internal only."""
    if audience is Audience.PUBLIC:
        return [f for f in FORMATS if f is not ExportFormat.MEETING_CSV]
    return FORMATS


Exports = dict[tuple[Audience, str], bytes]


def request(audience: Audience, **kwargs: object) -> ExportRequest:
    return ExportRequest(
        audience,
        PERIOD[0],
        PERIOD[1],
        MADE_AT,
        meeting_date=MEETING,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('exports')}/planted.sqlite")
    plant(store)
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def exports(store: Store) -> Exports:
    """Every format for both audiences, plus the density PNG, rendered once."""
    out: Exports = {}
    for audience in Audience:
        data = load_export_data(store, ACTOR, request(audience))
        for fmt in formats_for(audience):
            out[(audience, fmt.value)] = render(data, fmt, ExportOptions())
        out[(audience, "density-png")] = render(
            data, ExportFormat.MAP_PNG, ExportOptions(density_png=True)
        )
    return out


def readable(fmt: str, payload: bytes, tmp_path: Path) -> str:
    """All the text a reader of the file can get at, the way a user's tools show it."""
    if fmt == "meeting-pdf":
        path = tmp_path / "pack.pdf"
        path.write_bytes(payload)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    if fmt == "gpkg":
        path = tmp_path / "data.gpkg"
        path.write_bytes(payload)
        return subprocess.run(
            ["ogrinfo", "-al", "-ro", str(path)], capture_output=True, text=True, check=True
        ).stdout
    if fmt in ("csv", "followup"):
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            return (
                "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
                + archive.comment.decode()
            )
    return payload.decode("utf-8", errors="replace")


def doubles(point: tuple[float, float]) -> list[bytes]:
    """The coordinates as the 8-byte floats a GeoPackage (WKB) stores, both byte orders."""
    e, n = point
    lon, lat = sweref_to_lonlat(e, n)
    return [struct.pack(order, v) for v in (e, n, lon, lat) for order in ("<d", ">d")]


TEXT_FORMATS = ["map-html", "meeting-pdf", "meeting-html", "gpkg", "csv", "followup"]


# -- the public export leaks nothing ------------------------------------------------------


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_public_export_contains_no_planted_secret_text_or_exact_coordinate(
    fmt: str, exports: Exports, tmp_path: Path
) -> None:
    payload = exports[(Audience.PUBLIC, fmt)]
    text = readable(fmt, payload, tmp_path)
    raw = payload.decode("latin-1")
    forbidden = [*SECRET_TEXTS, f"{DAY:%Y-%m-%d}"]
    for point in (KNOWN, PAIR, SECRET, INTERNAL):
        forbidden += coordinate_texts(point)
    for needle in forbidden:
        assert needle not in text, f"{needle!r} is readable in the public {fmt}"
        assert needle not in raw, f"{needle!r} is in the bytes of the public {fmt}"
    for packed in [d for p in (KNOWN, PAIR, SECRET, INTERNAL) for d in doubles(p)]:
        assert packed not in payload
    assert "OFFENTLIG" in text


def pieces(data: bytes) -> list[bytes]:
    """Three 64-byte slices of a JPEG's compressed noise: in a payload only if the file is.

    Not the start: every JPEG of the same quality begins with the same tables.
    """
    return [data[n * len(data) // 4 :][:64] for n in (1, 2, 3)]


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "map-png", "density-png"])
def test_no_public_export_holds_the_photo_of_a_published_finding(
    fmt: str, exports: Exports, tmp_path: Path
) -> None:
    payload = exports[(Audience.PUBLIC, fmt)]
    for piece in pieces(PHOTO.data) + pieces(PHOTO.thumbnail):
        assert piece not in payload, f"the photo is in the public {fmt}"
    if fmt in ("gpkg", "csv"):
        assert "foto" not in readable(fmt, payload, tmp_path)  # not even whether there is one


def pdf_images(payload: bytes, tmp_path: Path) -> list[tuple[str, str, str]]:
    """(width, height, encoding) of every picture in a PDF, as poppler's pdfimages lists them."""
    path = tmp_path / "pack.pdf"
    path.write_bytes(payload)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [(f[3], f[4], f[8]) for f in (line.split() for line in listing.splitlines()[2:])]


def test_only_the_internal_meeting_pack_shows_the_photo_as_a_small_thumbnail(
    exports: Exports, tmp_path: Path
) -> None:
    thumbnail = ("320", "240", "jpeg")
    assert thumbnail in pdf_images(exports[(Audience.INTERNAL, "meeting-pdf")], tmp_path)
    assert PHOTO.thumbnail in exports[(Audience.INTERNAL, "meeting-pdf")]
    assert PHOTO.data not in exports[(Audience.INTERNAL, "meeting-pdf")]  # never the full one
    assert thumbnail not in pdf_images(exports[(Audience.PUBLIC, "meeting-pdf")], tmp_path)


@pytest.mark.parametrize("fmt", ["gpkg", "csv", "map-html"])
def test_internal_data_exports_say_there_is_a_photo_but_never_embed_it(
    fmt: str, exports: Exports, tmp_path: Path
) -> None:
    payload = exports[(Audience.INTERNAL, fmt)]
    for piece in pieces(PHOTO.data) + pieces(PHOTO.thumbnail):
        assert piece not in payload, f"the photo is in the internal {fmt}"
    if fmt == "gpkg":
        path = tmp_path / "internal.gpkg"
        path.write_bytes(payload)
        findings = pyogrio.read_dataframe(path, layer="iakttagelser")
        assert sorted(zip(findings["kategori"], findings["foto"], strict=True)) == [
            ("INTERN-KATEGORI", "nej"),
            ("belysning", "ja"),
        ]
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            text = archive.read("intern_iakttagelser.csv").decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        assert sorted((r["kategori"], r["foto"]) for r in rows) == [
            ("INTERN-KATEGORI", "nej"),
            ("belysning", "ja"),
        ]


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("map-html", ["HEMLIG-PLATS-123", "INTERN-PLATS-456", *coordinate_texts(KNOWN)[2:3]]),
        ("meeting-pdf", ["HEMLIG-PLATS-123", "INTERN-PLATS-456", "ANTECKNING-XYZ", "2023-09-12"]),
        ("meeting-html", ["HEMLIG-PLATS-123", "INTERN-PLATS-456", "ANTECKNING-XYZ", "2023-09-12"]),
        ("gpkg", [*SECRET_TEXTS, str(int(KNOWN[0])), str(int(PAIR[1])), "2023-09-12 13:00"]),
        ("csv", [*SECRET_TEXTS, "488777,7", "6409222,2", "2023-09-12 13:00"]),
    ],
)
def test_internal_export_does_contain_what_the_public_one_leaves_out(
    fmt: str, expected: list[str], exports: Exports, tmp_path: Path
) -> None:
    text = readable(fmt, exports[(Audience.INTERNAL, fmt)], tmp_path)
    for needle in expected:
        assert needle in text, f"{needle!r} missing from the internal {fmt}"
    assert "INTERN" in text


def test_internal_geopackage_stores_the_exact_point_that_the_public_one_lacks(
    exports: Exports,
) -> None:
    assert struct.pack("<d", KNOWN[0]) in exports[(Audience.INTERNAL, "gpkg")]
    assert struct.pack("<d", KNOWN[0]) not in exports[(Audience.PUBLIC, "gpkg")]


def map_config(page: bytes) -> dict:
    """The layers an exported map file carries, as its script reads them."""
    found = re.search(r'id="lofteskartan-data">(.*?)</script>', page.decode("utf-8"), re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_public_map_shows_the_cell_of_three_interventions_but_not_the_cell_of_two(
    exports: Exports,
) -> None:
    config = map_config(exports[(Audience.PUBLIC, "map-html")])
    density = next(layer for layer in config["layers"] if layer["name"].endswith("per ruta"))
    cells = [shape(f["geometry"]) for f in density["data"]["features"]]
    known = Point(sweref_to_lonlat(*KNOWN))
    pair = Point(sweref_to_lonlat(*PAIR))
    assert sum(c.contains(known) for c in cells) == 1
    assert not any(c.contains(pair) for c in cells)
    # Two cells in all: the three interventions, and the office's presence and walk (5).
    assert len(cells) == 2
    names = [layer["name"] for layer in config["layers"]]
    assert "Platser: Insatsplats" not in names
    assert "Platser: Trafikkontrollplats" not in names
    assert not any(name.startswith("Genomfört:") for name in names)


def test_internal_map_counts_activities_per_place_and_kind_and_own_positions_per_square(
    exports: Exports,
) -> None:
    config = map_config(exports[(Audience.INTERNAL, "map-html")])
    markers = {
        layer["name"]: sorted(
            (f["properties"]["label"].split(":")[0], f["properties"]["count"])
            for f in layer["data"]["features"]
        )
        for layer in config["layers"]
        if layer["name"].startswith("Genomfört:")
    }
    # One marker per place and kind, one per 100 m square for own positions: the three
    # interventions at KNOWN are one marker that says 3, not three points.
    assert markers == {
        "Genomfört: Närvaro": [("Polisstationen – Närvaro", 4)],
        "Genomfört: Trafikkontroll": [
            ("Egen position (ruta 100 m) – Trafikkontroll", 2),
            ("INTERN-PLATS-456 – Trafikkontroll", 3),
        ],
        "Genomfört: Narkotikainsats": [
            ("Egen position (ruta 100 m) – Narkotikainsats", 3),
            ("HEMLIG-PLATS-123 – Narkotikainsats", 1),
        ],
        "Genomfört: Trygghetsvandring": [("Kvällsrundan – Trygghetsvandring", 1)],
    }


def test_public_follow_up_covers_ended_tertials_and_does_not_show_small_counts(
    exports: Exports,
) -> None:
    with zipfile.ZipFile(io.BytesIO(exports[(Audience.PUBLIC, "followup")])) as archive:
        names = archive.namelist()
        t3 = archive.read("uppfoljning_T3_2023.txt").decode("utf-8")
    # Made on 1 March 2024: T1 2024 has not ended, so it is not followed up yet.
    assert names == ["uppfoljning_T2_2023.txt", "uppfoljning_T3_2023.txt", "karta.html"]
    # 4 interventions (3 öppen + 1 sekretess) count; 1 safety walk does not show.
    assert "Genomfört under tertialen: 4 gånger (8 timmar)." in t3
    assert (
        "Resultat: 12 kontrollerade personer, antalet misstänkta narkotikabrott visas inte." in t3
    )
    assert (
        "trygghetsvandringar tillsammans med polisen. Genomfört under tertialen: antalet visas "
        "inte." in t3
    )
    assert "färre än 3" not in t3
    assert "Polisen ska genomföra trafikkontroller" in t3 and "5 gånger" in t3


# -- real readers ---------------------------------------------------------------------------


def test_geopackage_opens_in_gdal_with_every_layer_count_and_crs(
    exports: Exports, tmp_path: Path
) -> None:
    expected = {
        Audience.INTERNAL: {
            "om_exporten": 1,
            "platser": 5,
            "aktiviteter": 14,
            "planerade": 2,
            "iakttagelser": 2,
            "aktiviteter_per_ruta": 5,
            "sammanstallning": 10,
            "sammanstallning_tertial": 30,
        },
        Audience.PUBLIC: {
            "om_exporten": 1,
            "platser": 3,
            "planerade": 1,
            "iakttagelser": 1,
            "aktiviteter_per_ruta": 2,
            "sammanstallning": 10,
            "sammanstallning_tertial": 20,  # T2 and T3 2023: T1 2024 has not ended
        },
    }
    spatial = {"platser", "aktiviteter", "planerade", "iakttagelser", "aktiviteter_per_ruta"}
    for audience, layers in expected.items():
        path = tmp_path / f"{audience.value}.gpkg"
        path.write_bytes(exports[(audience, "gpkg")])
        listing = subprocess.run(
            ["ogrinfo", "-ro", "-q", str(path)], capture_output=True, text=True, check=True
        ).stdout
        found = re.findall(r"^\d+: (\w+)", listing, re.M)
        assert sorted(found) == sorted(layers), listing
        for layer, count in layers.items():
            info = subprocess.run(
                ["ogrinfo", "-ro", "-so", str(path), layer],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert f"Feature Count: {count}\n" in info, (audience, layer, info)
            if layer in spatial:
                assert 'ID["EPSG",3006]]' in info, (layer, info)
        description = subprocess.run(
            ["ogrinfo", "-ro", "-so", str(path), "om_exporten"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f"DESCRIPTION=Om exporten. {audience.notice}. Skapad 2024-03-01 kl. 09.30." in (
            description
        )


def test_geopackage_cells_are_500_m_squares_aligned_on_the_grid(
    exports: Exports, tmp_path: Path
) -> None:
    path = tmp_path / "public.gpkg"
    path.write_bytes(exports[(Audience.PUBLIC, "gpkg")])
    cells = pyogrio.read_dataframe(path, layer="aktiviteter_per_ruta")
    assert cells.crs.to_epsg() == 3006
    assert sorted(cells["ruta"]) == sorted(
        [cell_of(Point(*KNOWN), 500, GridShape.SQUARE).id, "R976_12820"]
    )
    assert sorted(cells["antal"]) == [3, 5]
    assert sorted(cells.geometry.area) == [250_000.0, 250_000.0]
    known = cells[cells["antal"] == 3].geometry.iloc[0]
    assert known.bounds == (488500.0, 6411000.0, 489000.0, 6411500.0)


def test_pdf_renders_and_its_text_has_the_progress_figures(
    exports: Exports, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for audience in Audience:
        path = tmp_path / f"{audience.value}.pdf"
        path.write_bytes(exports[(audience, "meeting-pdf")])
        prefix = ARTIFACTS / f"export-motesunderlag-{audience.file_tag}"
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", str(path), str(prefix)], check=True, timeout=120
        )
        pages = sorted(ARTIFACTS.glob(f"{prefix.name}-*.png"))
        assert len(pages) >= 8
        text = readable("meeting-pdf", path.read_bytes(), tmp_path)
        assert "Samverkansmöte" in text and "Underlag till mötet 1 mars 2024" in text
        assert "Skapad 2024-03-01 kl. 09.30" in text
        assert "4 av minst 10" in text  # riktade insatser: 3 öppna + 1 sekretess
        assert "5 genomförda" in text  # trafikkontroller: 2 öppna + 3 interna
        assert "4 genomförda" in text  # närvaro
        assert "Beslut vid samverkansmötet 1 mars 2024" in text
        if audience is Audience.INTERNAL:
            assert "1 av 2" in text  # one of two safety walks
            assert "Närpolis" in text  # the upcoming opening hours may be shared
            assert "PLANERAD-HEMLIG-789" not in text  # a sekretess plan is never handed round
            assert "Byt lampa" in text and "kommun" in text  # open finding: action and owner
        else:
            assert "visas inte (mål:" in text and "färre än 3 av" not in text
            assert "vecka 10, 2024" in text and "tisdagar 13–15" in text
            assert "belysning" in text and "öppen" in text


def test_png_maps_are_print_sized_and_saved_to_look_at(exports: Exports) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for audience in Audience:
        for key, name in (("map-png", "karta"), ("density-png", "tathetskarta")):
            payload = exports[(audience, key)]
            assert payload.startswith(b"\x89PNG\r\n\x1a\n")
            width, height = struct.unpack(">II", payload[16:24])
            assert (width, height) == (2338, 1654)  # A4 landscape at 200 dpi
            (ARTIFACTS / f"export-{name}-{audience.file_tag}.png").write_bytes(payload)


def test_csv_is_swedish_excel_and_neutralises_formulas(exports: Exports) -> None:
    with zipfile.ZipFile(io.BytesIO(exports[(Audience.INTERNAL, "csv")])) as archive:
        names = archive.namelist()
        files = {name: archive.read(name) for name in names}
    assert names[0] == "LASMIG.txt"
    assert "intern_aktiviteter.csv" in names and "intern_om_exporten.csv" in names
    cells: list[str] = []
    for name, data in files.items():
        assert data.startswith(b"\xef\xbb\xbf"), name
        if not name.endswith(".csv"):
            continue
        assert b"\r\n" in data
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert all(len(row) == len(rows[0]) for row in rows), name
        cells += [cell for row in rows for cell in row]
    for attack in INJECTIONS:
        assert attack not in cells, attack
        assert "'" + attack in cells, attack
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    activities = list(
        csv.DictReader(
            io.StringIO(files["intern_aktiviteter.csv"].decode("utf-8-sig")), delimiter=";"
        )
    )
    intervention = next(a for a in activities if a["e_sweref99tm"] == "488777,7")
    assert intervention["n_sweref99tm"] == "6411333,3"
    assert intervention["timmar"] == "2"
    assert intervention["start"] == "2023-09-12 09:00"


def test_public_csv_has_no_activities_file_and_spells_out_suppressed_counts(
    exports: Exports,
) -> None:
    with zipfile.ZipFile(io.BytesIO(exports[(Audience.PUBLIC, "csv")])) as archive:
        names = archive.namelist()
        summary = archive.read("offentlig_sammanstallning.csv").decode("utf-8-sig")
    assert "offentlig_aktiviteter.csv" not in names
    assert all(n == "LASMIG.txt" or n.startswith("offentlig_") for n in names)
    rows = {r["aktivitet_i_loftet"]: r for r in csv.DictReader(io.StringIO(summary), delimiter=";")}
    assert rows["riktade-insatser"]["genomfort"] == "4"
    assert rows["riktade-insatser"]["kvar"] == "6"
    assert rows["riktade-insatser"]["misstankta_narkotikabrott"] == "visas inte"
    assert rows["riktade-insatser"]["kontrollerade_personer"] == "12"
    assert rows["trygghetsvandringar"]["genomfort"] == "visas inte"
    assert rows["trygghetsvandringar"]["kvar"] == "visas inte"
    assert rows["trygghetsvandringar"]["undertryckta"] == "genomfort (visas inte)"
    assert rows["samverkansmoten"]["genomfort"] == "0"  # zero says nothing about anyone


# -- the same on both backends -----------------------------------------------------------


def test_public_data_set_is_the_same_on_sqlite_and_postgis(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    try:
        plant(store)
        data = load_export_data(store, ACTOR, request(Audience.PUBLIC))
        internal = load_export_data(store, ACTOR, request(Audience.INTERNAL))
    finally:
        store.dispose()
    for fmt in (ExportFormat.GPKG, ExportFormat.CSV):
        text = readable(fmt.value, render(data, fmt, ExportOptions()), tmp_path)
        leaks = [s for s in (*SECRET_TEXTS, *coordinate_texts(KNOWN)) if s in text]
        assert leaks == [], fmt
    assert sorted(p.name for p in data.places) == ["=1+2", "Kvällsrundan", "Polisstationen"]
    assert all(p.note == "" and p.id is None for p in data.places)
    assert data.activities == () and data.recent_activities == ()
    assert [(c.key.id, c.count) for c in data.cells] == [("R976_12820", 5), ("R977_12822", 3)]
    assert [(p.week, p.start, p.opening_hours) for p in data.upcoming] == [
        ("2024-W10", None, "tisdagar 13–15")
    ]
    assert [(f.category, f.description, f.due_week) for f in data.findings] == [
        ("belysning", "", "2024-W13")
    ]
    assert data.summary.row("riktade-insatser").done == 4
    assert data.summary.row("trygghetsvandringar").done is None
    assert len(internal.activities) == 14
    assert [c.count for c in internal.cells] == [2, 5, 3, 1, 3]
    assert [p.note for p in internal.upcoming] == [""]  # the sekretess plan is not shared


def test_an_internal_export_honours_a_hexagon_grid_of_another_size(store: Store) -> None:
    rules = AudienceRules(min_count=4, cell_size_m=1000, grid=GridShape.HEXAGON)
    data = load_export_data(store, ACTOR, request(Audience.INTERNAL, rules=rules))
    office = [c for c in data.cells if c.geometry.contains(Point(*OFFICE))]
    assert [c.count for c in office] == [5]
    assert office[0].key.id.startswith("H")
    assert round(office[0].geometry.area) == round(1000**2 * 3**0.5 / 2)


@pytest.mark.parametrize(
    "rules",
    [
        AudienceRules(min_count=4),
        AudienceRules(cell_size_m=1000),
        AudienceRules(grid=GridShape.HEXAGON),
        AudienceRules(min_count=2, cell_size_m=207.3),
    ],
)
def test_a_public_export_with_any_grid_or_k_but_the_fixed_one_is_refused(
    store: Store, rules: AudienceRules
) -> None:
    with pytest.raises(ValidationError, match="alltid med rutor om 500 m"):
        load_export_data(store, ACTOR, request(Audience.PUBLIC, rules=rules))


def test_make_export_names_the_file_after_kommun_audience_and_day(store: Store) -> None:
    result = make_export(store, ACTOR, ExportFormat.CSV, request(Audience.PUBLIC))
    assert result.file_name == "lofteskartan_aneby_kommun_offentlig_data_csv_2024-03-01.zip"
    assert result.mime == "application/zip"


def test_public_pack_shows_the_last_ended_tertial_not_the_days_since_the_last_meeting(
    tmp_path: Path,
) -> None:
    store = Store(f"sqlite:///{tmp_path}/demo.sqlite")
    try:
        initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"], demo=True, now=SEED_YEAR_CLOCK)
        texts = {}
        for audience in Audience:
            data = load_export_data(
                store,
                ACTOR,
                ExportRequest(audience, *PERIOD, MADE_AT, meeting_date=date(2024, 3, 20)),
            )
            texts[audience] = readable(
                "meeting-pdf", render(data, ExportFormat.MEETING_PDF, ExportOptions()), tmp_path
            )
            if audience is Audience.PUBLIC:
                assert data.last_meeting is None
                assert data.recent.period.start == date(2023, 9, 1)  # T3 2023, the last ended
                assert data.counted_until == date(2023, 12, 31)
    finally:
        store.dispose()
    # The demo's intern samverkansmöte on 14 March 2024 (a Thursday).
    assert "Förra samverkansmötet hölls 14 mars 2024." in texts[Audience.INTERNAL]
    public = " ".join(texts[Audience.PUBLIC].split())
    assert "14 mars" not in public and "15 mars" not in public and "vecka 11" not in public
    assert "2. Senast avslutade tertialen" in public
    assert "Här räknas det som gjorts 1 september 2023 – 31 december 2023." in public


def test_map_html_writes_user_text_as_text_never_as_markup(store: Store) -> None:
    data = load_export_data(store, ACTOR, request(Audience.PUBLIC))
    evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    places = (replace(data.places[0], name=evil),)
    page = render(replace(data, places=places), ExportFormat.MAP_HTML, ExportOptions()).decode()
    assert "<img" not in page
    assert "</script><script>alert" not in page
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page  # as data, in the JSON


def test_an_empty_log_still_gives_every_export(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/empty.sqlite")
    try:
        initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"])
        for audience in Audience:
            data = load_export_data(store, ACTOR, request(audience))
            assert data.cells == () and data.places == ()
            for fmt in formats_for(audience):
                assert render(data, fmt, ExportOptions())
            text = readable(
                "meeting-pdf", render(data, ExportFormat.MEETING_PDF, ExportOptions()), tmp_path
            )
            assert "0 av minst 10" in text and "Inga öppna iakttagelser." in text
    finally:
        store.dispose()


def test_a_meeting_pack_of_thousands_of_activities_stays_short_and_the_csv_beside_holds_all(
    store: Store, tmp_path: Path
) -> None:
    data = load_export_data(store, ACTOR, request(Audience.INTERNAL))
    first = data.activities[0]
    # 3,000 activities since the last meeting (a police region's month), hours 1 to 5;
    # the 2,500th is the longest of its kind and the last is the latest.
    many = tuple(
        replace(
            first,
            id=n,
            start=first.start - timedelta(minutes=n),
            hours=9.5 if n == 2_500 else 1 + n % 5,
            note=f"rad {n}",
        )
        for n in range(3_000)
    )
    plans = tuple(replace(data.upcoming[0], team=f"lag {n}") for n in range(200))
    big = replace(data, recent_activities=many, upcoming=plans)

    path = tmp_path / "pack.pdf"
    path.write_bytes(render(big, ExportFormat.MEETING_PDF, ExportOptions()))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages <= 40
    text = readable("meeting-pdf", path.read_bytes(), tmp_path)
    assert "3 000 aktiviteter är loggade under tiden" in text
    # One kind, one commitment: the latest and the largest, not the 2,998 others.
    assert set(re.findall(r"rad \d+", text)) == {"rad 0", "rad 2500"}
    assert "de första 60 av de 200 planerade aktiviteterna" in text

    listing = render(big, ExportFormat.MEETING_CSV, ExportOptions()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(listing), delimiter=";"))
    assert len(rows) == 3_000
    assert {row["anteckning"] for row in rows} == {f"rad {n}" for n in range(3_000)}


def test_the_meeting_activity_list_is_refused_for_a_public_export(store: Store) -> None:
    data = load_export_data(store, ACTOR, request(Audience.PUBLIC))
    with pytest.raises(ValidationError, match="bara i den interna versionen"):
        render(data, ExportFormat.MEETING_CSV, ExportOptions())


def test_map_html_draws_each_kind_of_place_in_its_own_symbol_as_the_app_does(
    exports: Exports,
) -> None:
    page = exports[(Audience.INTERNAL, ExportFormat.MAP_HTML.value)].decode()
    config = json.loads(
        page.split('id="lofteskartan-data">')[1].split("</script>")[0].replace("\\u0026", "&")
    )
    drawn = {spec["name"]: spec for spec in config["layers"]}
    kinds = [k for k in PLACE_SYMBOLS if f"Platser: {k.label}" in drawn]
    assert any(k.geometry_type == "Point" for k in kinds)
    for kind in kinds:
        symbol, spec = PLACE_SYMBOLS[kind], drawn[f"Platser: {kind.label}"]
        assert spec["legend"]["svg"] == symbol_svg(symbol.colour, symbol.shape, symbol.dash)
        if kind.geometry_type == "Point":
            assert spec["point"]["className"] == symbol.css_class
    assert "_lofteskartanShapes" in page  # Leaflet learns the shapes in the file itself


class _Outline(HTMLParser):
    """What a screen reader walks in a page: its language, headings, pictures, table heads."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.headings: list[tuple[str, str]] = []
        self.alts: list[str | None] = []
        self.header_scopes: list[str | None] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        elif tag in ("h1", "h2", "h3"):
            self._in = tag
            self.headings.append((tag, ""))
        elif tag == "img":
            self.alts.append(found.get("alt"))
        elif tag == "th":
            self.header_scopes.append(found.get("scope"))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


@pytest.mark.parametrize("audience", list(Audience))
def test_the_meeting_pack_as_a_web_page_has_the_pdfs_sections_for_a_screen_reader(
    audience: Audience, exports: Exports, tmp_path: Path
) -> None:
    outline = _Outline()
    outline.feed(exports[(audience, "meeting-html")].decode("utf-8"))
    pdf_text = readable("meeting-pdf", exports[(audience, "meeting-pdf")], tmp_path)

    assert outline.lang == "sv"
    assert outline.headings[0] == ("h1", "Samverkansmöte")
    sections = [text for tag, text in outline.headings if tag == "h2"]
    assert [s.split(" ", 1)[0] for s in sections] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    # The same sections as the PDF, under the same headings.
    assert all(s.split(" – ")[0] in " ".join(pdf_text.split()) for s in sections)
    assert outline.alts and all(alt and alt.strip() for alt in outline.alts)
    assert outline.header_scopes and set(outline.header_scopes) == {"col"}
