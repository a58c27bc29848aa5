"""A planner exports places, edits them in Excel and imports the file again.

Every export that holds places (the data export's CSV and GeoPackage, `export places` as
GeoPackage and GeoJSON) imports again, on SQLite and on PostGIS:

* into the database it came from, it changes nothing;
* into an empty database, it gives the same places: kind, name, klassning, note,
  attributes, and the geometry to the centimetre; retired places are not brought back;
* a row edited by hand (a new name, a new speed, ur_bruk = ja) changes that stored place,
  found by its `id`, and only that;
* rows that cannot be applied are named and nothing is written.

The places sit at centimetre offsets from SCB's Aneby point, so rounding to the centimetre
(the CSV's WKT) is exercised, and their texts carry `;`, `"`, å/ä/ö and a formula character.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import LineString, Point, Polygon

from geo.disclosure.audience import Audience, ExportRequest
from geo.errors import ImportFileError
from geo.exports.make import ExportFormat, ExportOptions, load_export_data, render
from geo.exports.places import export_places
from geo.files.place_import import Change, plan_import, read_places, save_places
from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.installation.init import initialise
from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.store import Store
from tests.common import REPO_ROOT, run_cli
from tests.export_fixtures import ACTOR, MADE_AT, MEETING, PERIOD

CENTIMETRE = 0.01
E, N = ANEBY_E + 0.23, ANEBY_N + 0.41  # not on a round metre: the CSV rounds to the cm

PLACES = (
    Place(
        PlaceKind.TRAFFIC_CONTROL_SITE,
        "Infarten från väg 32",
        Point(E + 1000.004, N + 2000.006),  # beyond the centimetre: kept as stored
        Classification.SECRET,
        '=1+2 enligt mätning; "snabbt"',
        {"väg": "väg 32", "hastighet": 70, "riktning": "norrut", "motivering": "olyckor; klagomål"},
    ),
    Place(
        PlaceKind.INTERVENTION_PLACE,
        "Skolgården",
        Point(E + 150.55, N - 120.45),
        Classification.INTERNAL,
        "",
        {"platstyp": "skolgård"},
    ),
    Place(
        PlaceKind.POLICE_OFFICE,
        "Polisens kontor i kommunhuset",
        Point(E - 50.1, N + 80.2),
        Classification.OPEN,
        "Nyckel i receptionen",
        {"adress": "Storgatan 1", "öppettider": "tisdagar 13–15"},
    ),
    Place(
        PlaceKind.CENTRAL_AREA,
        "Centrum",
        Polygon([(E, N), (E + 400.25, N), (E + 400.25, N + 300.75), (E, N + 300.75)]),
        Classification.OPEN,
        "kvällar",
        {"syfte": "närvaro vid fasta tider", "vikt": 1.5},
    ),
    Place(
        PlaceKind.WALK_ROUTE,
        "Trygghetsvandring centrum",
        LineString([(E + 10.01, N + 10.02), (E + 500.5, N + 10.02), (E + 500.5, N + 250.99)]),
        Classification.OPEN,
        "",
        {"hållplatser": ["Torget", "Skolan", "Stationen"]},
    ),
)
RETIRED = Place(
    PlaceKind.TRAFFIC_CONTROL_SITE,
    "Gamla infarten",
    Point(E - 800.0, N - 900.0),
    Classification.INTERNAL,
    "",
    {"hastighet": 50},
)


def planted(url: str) -> Store:
    """A store with Aneby's promise, the five places and one retired place."""
    store = Store(url)
    initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"])
    with store.session(ACTOR) as s:
        for place in PLACES:
            s.add_place(place)
        old = s.add_place(RETIRED)
        s.retire_place(old.id or 0, old.version)
    return store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = planted(db_url)
    yield s
    s.dispose()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A separate SQLite database the exports for the empty database are made from."""
    s = planted(f"sqlite:///{tmp_path_factory.mktemp('source') / 'source.sqlite'}")
    yield s
    s.dispose()


# -- the exports, and Excel --------------------------------------------------------------


def _data_export(store: Store, fmt: ExportFormat, audience: Audience) -> bytes:
    request = ExportRequest(audience, PERIOD[0], PERIOD[1], MADE_AT, meeting_date=MEETING)
    return render(load_export_data(store, ACTOR, request), fmt, ExportOptions())


def _from_zip(payload: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return archive.read(name)


def as_excel_saves_it(data: bytes) -> bytes:
    """The CSV opened in a Swedish Excel and saved as "CSV (semikolonavgränsad)":
    Windows-1252 without BOM, `;`, decimal commas as they were, quotes only where needed."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("cp1252")


def _places_file(store: Store, suffix: str, folder: Path) -> bytes:
    with store.session(ACTOR) as s:
        places = s.list_places()
    path = folder / f"platser{suffix}"
    export_places(places, path)
    return path.read_bytes()


Exporter = Callable[[Store, Path], tuple[bytes, str]]
EXPORTS: dict[str, Exporter] = {
    "export csv": lambda st, _: (
        _from_zip(_data_export(st, ExportFormat.CSV, Audience.INTERNAL), "intern_platser.csv"),
        "intern_platser.csv",
    ),
    "export csv, sparad i Excel": lambda st, _: (
        as_excel_saves_it(
            _from_zip(_data_export(st, ExportFormat.CSV, Audience.INTERNAL), "intern_platser.csv")
        ),
        "intern_platser.csv",
    ),
    "export gpkg": lambda st, _: (
        _data_export(st, ExportFormat.GPKG, Audience.INTERNAL),
        "export.gpkg",
    ),
    "export places .gpkg": lambda st, folder: (_places_file(st, ".gpkg", folder), "platser.gpkg"),
    "export places .geojson": lambda st, folder: (
        _places_file(st, ".geojson", folder),
        "platser.geojson",
    ),
}


def _import(store: Store, data: bytes, name: str) -> Any:
    result = read_places(data, name)
    with store.session(ACTOR) as s:
        return save_places(s, result.places, result.name)


def _all(store: Store) -> list[Place]:
    with store.session(ACTOR) as s:
        return s.list_places(include_retired=True)


def _comparable(place: Place) -> tuple[Any, ...]:
    attributes = {
        k: tuple(v) if isinstance(v, list | tuple) else v for k, v in place.attributes.items()
    }
    return (place.kind, place.name, place.classification, place.note, attributes)


# -- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("export", list(EXPORTS))
def test_an_export_imported_into_its_own_database_changes_nothing(
    store: Store, export: str, tmp_path: Path
) -> None:
    before = _all(store)
    data, name = EXPORTS[export](store, tmp_path)
    saved = _import(store, data, name)
    assert (saved.added, saved.updated, saved.retired) == ((), (), ())
    assert len(saved.already_stored) + len(saved.retired_in_file) == len(
        read_places(data, name).places
    )
    assert _all(store) == before  # same values, same versions: nothing was written
    assert saved.summary(name).startswith(f"0 platser importerades från {name}; ")


@pytest.mark.parametrize("export", list(EXPORTS))
def test_an_export_imported_into_an_empty_database_gives_the_same_places(
    source: Store, db_url: str, export: str, tmp_path: Path
) -> None:
    data, name = EXPORTS[export](source, tmp_path)
    target = Store(db_url)
    try:
        initialise(target, ACTOR, [REPO_ROOT / "data" / "promises"])
        saved = _import(target, data, name)
        again = {p.name: p for p in _all(target)}
    finally:
        target.dispose()
    assert len(saved.added) == len(PLACES)
    assert "Gamla infarten" not in again  # a retired place is history, not a new place
    for original in PLACES:
        copy = again[original.name]
        assert _comparable(copy) == _comparable(original)
        assert copy.geometry.geom_type == original.geometry.geom_type
        assert copy.geometry.equals_exact(original.geometry, tolerance=CENTIMETRE)


def test_the_public_csv_imports_into_its_own_database_as_places_already_there(
    store: Store,
) -> None:
    payload = _data_export(store, ExportFormat.CSV, Audience.PUBLIC)
    data = as_excel_saves_it(_from_zip(payload, "offentlig_platser.csv"))
    before = _all(store)
    saved = _import(store, data, "offentlig_platser.csv")
    # Öppna places in use, no insatsplatser; no id, so they are matched by kind, name, place.
    assert (len(saved.added), len(saved.already_stored)) == (0, 3)
    assert _all(store) == before


def test_a_data_export_geopackage_is_read_from_its_places_layer_only(store: Store) -> None:
    result = read_places(_data_export(store, ExportFormat.GPKG, Audience.INTERNAL), "x.gpkg")
    assert result.skipped_layers == (
        "aktiviteter",
        "planerade",
        "iakttagelser",
        "aktiviteter_per_ruta",
    )
    assert result.notes[0].startswith("Dataexport från Löfteskartan: bara lagret platser läses")
    assert sorted(p.place.name for p in result.places) == sorted(
        [p.name for p in PLACES] + [RETIRED.name]
    )


# -- a file edited by hand ---------------------------------------------------------------

IMPORT_COLUMNS = [
    *("typ", "namn", "klassning", "anteckning", "väg", "hastighet", "riktning", "motivering"),
    *("platstyp", "adress", "öppettider", "syfte", "vikt", "hållplatser", "exempeldata"),
]
GEOMETRY_COLUMNS = ["e_sweref99tm", "n_sweref99tm", "wkt_sweref99tm"]


def _exported_rows(store: Store) -> tuple[list[str], list[dict[str, str]]]:
    data = _from_zip(_data_export(store, ExportFormat.CSV, Audience.INTERNAL), "intern_platser.csv")
    header, *body = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    return header, [dict(zip(header, row, strict=True)) for row in body]


def _excel_file(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[row.get(c, "") for c in header] for row in rows])
    return out.getvalue().encode("cp1252")


def _row(rows: list[dict[str, str]], name: str) -> dict[str, str]:
    return next(r for r in rows if r["namn"] == name)


def test_the_places_csv_has_the_place_imports_columns(store: Store) -> None:
    header, rows = _exported_rows(store)
    assert header == ["id", "version", *IMPORT_COLUMNS, "ur_bruk", *GEOMETRY_COLUMNS]
    assert _row(rows, "Trygghetsvandring centrum")["hållplatser"] == "Torget | Skolan | Stationen"
    assert (_row(rows, "Centrum")["vikt"], _row(rows, "Infarten från väg 32")["hastighet"]) == (
        "1,5",
        "70",
    )
    public = _from_zip(
        _data_export(store, ExportFormat.CSV, Audience.PUBLIC), "offentlig_platser.csv"
    )
    assert public.decode("utf-8-sig").splitlines()[0].split(";") == [
        *("typ", "namn", "klassning", "adress", "öppettider", "exempeldata"),
        *GEOMETRY_COLUMNS,
    ]


def test_a_name_and_a_speed_changed_in_excel_change_that_place_and_nothing_else(
    store: Store,
) -> None:
    header, rows = _exported_rows(store)
    site = _row(rows, "Infarten från väg 32")
    site["namn"] = "Norra infarten"
    site["hastighet"] = "60"
    data = _excel_file(header, rows)
    before = {p.id: p for p in _all(store)}

    saved = _import(store, data, "platser.csv")

    site_id = int(site["id"])
    assert [p.id for p in saved.updated] == [site_id]
    assert saved.summary("platser.csv") == (
        f"0 platser importerades från platser.csv; 1 ändrades (id {site_id}); 5 fanns redan."
    )
    after = {p.id: p for p in _all(store)}
    changed = after[site_id]
    assert (changed.name, changed.attributes["hastighet"], changed.version) == (
        "Norra infarten",
        60,
        2,
    )
    # Everything else is as it was, the geometry to the last digit (not the CSV's rounding).
    assert changed.geometry.equals(before[site_id].geometry)
    assert _comparable(changed)[2:4] == _comparable(before[site_id])[2:4]
    assert {k: v for k, v in after.items() if k != site_id} == {
        k: v for k, v in before.items() if k != site_id
    }
    # The same file again: the place already has the new name (its version is newer than
    # the file's, but nothing would change, so nothing is refused).
    assert _import(store, data, "platser.csv").updated == ()


def test_ur_bruk_ja_retires_a_place_and_a_row_without_id_is_a_new_place(store: Store) -> None:
    header, rows = _exported_rows(store)
    _row(rows, "Skolgården")["ur_bruk"] = "ja"
    new = dict(_row(rows, "Polisens kontor i kommunhuset"))
    new.update(
        id="",
        version="",
        namn="Mottagningen",
        wkt_sweref99tm="",
        e_sweref99tm="488700",
        n_sweref99tm="6411200",
    )
    saved = _import(store, _excel_file(header, [*rows, new]), "platser.csv")
    assert [p.name for p in saved.retired] == ["Skolgården"]
    assert [(p.name, p.geometry.x, p.geometry.y) for p in saved.added] == [
        ("Mottagningen", 488700.0, 6411200.0)
    ]
    with store.session(ACTOR) as s:
        assert "Skolgården" not in {p.name for p in s.list_places()}


def test_a_column_the_file_lacks_keeps_the_stored_value(store: Store) -> None:
    header, rows = _exported_rows(store)
    site = _row(rows, "Infarten från väg 32")
    site["riktning"] = "söderut"
    kept = [c for c in header if c not in ("klassning", "anteckning", "väg")]
    saved = _import(store, _excel_file(kept, rows), "platser.csv")
    [changed] = saved.updated
    assert changed.classification is Classification.SECRET  # not the default intern
    assert (changed.note, changed.attributes["väg"], changed.attributes["riktning"]) == (
        PLACES[0].note,
        "väg 32",
        "söderut",
    )


def _edit(rows: list[dict[str, str]], name: str, **cells: str) -> list[dict[str, str]]:
    edited = [dict(r) for r in rows]
    _row(edited, name).update(cells)
    return edited


REFUSED: list[tuple[str, Callable[[list[dict[str, str]]], list[dict[str, str]]], str]] = [
    (
        "another kind under the same id",
        lambda rows: _edit(rows, "Skolgården", typ="poliskontor", platstyp=""),
        r'rad \d: id \d+ är insatsplats "Skolgården" i Löfteskartan, men raden är poliskontor',
    ),
    (
        "new name and new geometry: a file from another database",
        lambda rows: _edit(
            rows,
            "Skolgården",
            namn="Parken",
            wkt_sweref99tm="POINT (488000 6410000)",
            e_sweref99tm="",
            n_sweref99tm="",
        ),
        r'rad \d: id \d+ är "Skolgården" på ett annat ställe i Löfteskartan; raden har både '
        r"nytt namn och ny geometri",
    ),
    (
        "a version that is not one",
        lambda rows: _edit(rows, "Skolgården", namn="Parken", version="0"),
        r'rad \d, version: "0" är ingen version',
    ),
    (
        "a change to a retired place",
        lambda rows: _edit(rows, "Gamla infarten", hastighet="60"),
        r'rad \d: platsen id \d+ \("Gamla infarten"\) är avvecklad och kan inte ändras',
    ),
    (
        "the same id twice",
        lambda rows: [*rows, {**_row(rows, "Centrum"), "namn": "Centrum 2"}],
        r"rad 8, id: id \d+ finns också på rad \d",
    ),
    (
        "E/N that disagree with the WKT",
        lambda rows: _edit(rows, "Skolgården", e_sweref99tm="488000"),
        r"rad \d: e_sweref99tm och n_sweref99tm \(488000; [\d,]+\) ligger [\d,]+ m från "
        r"geometrin i wkt_sweref99tm",
    ),
    (
        "a speed that is not a Swedish limit",
        lambda rows: _edit(rows, "Infarten från väg 32", hastighet="75"),
        r"rad \d, hastighet: 75 km/h är ingen hastighetsgräns i Sverige",
    ),
]


@pytest.mark.parametrize(
    ("edit", "message"), [(e, m) for _, e, m in REFUSED], ids=[i for i, _, _ in REFUSED]
)
def test_an_edit_that_cannot_be_applied_is_named_and_nothing_is_written(
    store: Store, edit: Callable[[list[dict[str, str]]], list[dict[str, str]]], message: str
) -> None:
    header, rows = _exported_rows(store)
    before = _all(store)
    with pytest.raises(ImportFileError, match=message) as caught:
        _import(store, _excel_file(header, edit(rows)), "platser.csv")
    assert str(caught.value).startswith("platser.csv har fel, så ingenting importerades:")
    assert _all(store) == before


def test_a_version_older_than_the_stored_place_refuses_the_change(store: Store) -> None:
    header, rows = _exported_rows(store)
    with store.session(ACTOR) as s:  # someone renames the place after the export
        site = next(p for p in s.list_places() if p.name == "Skolgården")
        s.update_place(replace(site, note="ändrad på sidan"))
    before = _all(store)
    edited = _edit(rows, "Skolgården", namn="Skolgården norra")
    with pytest.raises(
        ImportFileError,
        match=r"har ändrats i Löfteskartan efter exporten "
        r"\(version 1 i filen, 2 nu\)",
    ):
        _import(store, _excel_file(header, edited), "platser.csv")
    assert _all(store) == before


def test_the_plan_says_what_each_row_will_do_before_anything_is_written(store: Store) -> None:
    header, rows = _exported_rows(store)
    edited = _edit(rows, "Centrum", vikt="2,5")
    result = read_places(_excel_file(header, edited), "platser.csv")
    with store.session(ACTOR) as s:
        plan = plan_import(s, result.places, result.name)
    changes = {r.item.place.name: (r.change, r.fields) for r in plan.rows}
    assert changes["Centrum"] == (Change.CHANGED, ("vikt",))
    assert changes["Gamla infarten"] == (Change.SAME, ())
    assert plan.describe().startswith("1 ändras (id ")
    assert plan.describe().endswith(": vikt), 5 finns redan")


# -- the command line --------------------------------------------------------------------


def test_the_command_line_imports_an_edited_export_and_refuses_a_bad_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    store = planted(url)
    try:
        header, rows = _exported_rows(store)
        site_id = _row(rows, "Infarten från väg 32")["id"]
        good = tmp_path / "intern_platser.csv"
        good.write_bytes(
            _excel_file(header, _edit(rows, "Infarten från väg 32", namn="Norra infarten"))
        )
        bad = tmp_path / "trasig.csv"
        bad.write_bytes(_excel_file(header, _edit(rows, "Centrum", vikt="mycket", namn="Torget")))

        ok = run_cli(url, "import", "places", good)
        assert ok.returncode == 0, ok.stderr
        assert (
            "Koordinatsystem: SWEREF 99 TM (N/E, meter) (angivet i kolumnnamnet wkt_sweref99tm)."
            in ok.stdout
        )
        assert "Kolumner som inte läses: exempeldata." in ok.stdout
        assert ok.stdout.rstrip().endswith(
            f"0 platser importerades från intern_platser.csv; 1 ändrades (id {site_id}); "
            "5 fanns redan."
        )
        before = _all(store)
        refused = run_cli(url, "import", "places", bad)
        assert refused.returncode == 2
        assert 'trasig.csv, rad 2, vikt: "mycket" är ingen vikt' in refused.stderr
        assert "Traceback" not in refused.stderr
        assert _all(store) == before
    finally:
        store.dispose()
