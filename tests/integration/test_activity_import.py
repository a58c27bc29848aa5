"""`lofteskartan import activities`: good and bad files on SQLite and PostGIS, via the CLI too."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.cli import main
from geo.errors import ImportFileError
from geo.files import activity_checks, activity_import
from geo.files.activity_import import import_activities
from geo.followup.status import status_report
from geo.installation.init import save_promise_upload
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Actor, Place, PlaceKind
from geo.store import Store
from tests.common import (
    ANEBY_PROMISE,
    REPO_ROOT,
    TRANAS_PROMISE_YAML,
    check_activity_file,
    run_cli,
    table_counts,
)

TEMPLATE = REPO_ROOT / "data" / "templates" / "aktiviteter.csv"
ACTOR = Actor("test")
HEADER = (
    "typ;start;slut;plats;lat;lon;klassning;anteckning;kontrollerade_fordon;"
    "hastighetsovertradelser;timmar;besökare"
)


pytestmark = pytest.mark.store_starts("demo")


def write(tmp_path: Path, name: str, *lines: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def activity_count(store: Store) -> int:
    with store.session(ACTOR) as s:
        return s.count("activities")


def done(store: Store, commitment_id: str, document_id: str | None = None) -> int:
    report = status_report(store, ACTOR, document_id, 2023, today=date(2024, 1, 1))
    return next(r.done for r in report.rows if r.commitment.id == commitment_id)


# Aneby's promise with a second kind of safety walk: a walk must say which it counts toward.
TWO_WALKS = "aneby-tva-vandringar"
SCHOOL_WALK = """
  - id: vandring-skolor
    löfte: alla
    typ: trygghetsvandring
    ansvarig: kommun
    text: Kommunen ska genomföra en trygghetsvandring vid skolorna.
"""


@pytest.fixture
def two_walks(store: Store, tmp_path: Path) -> Store:
    """The demo store plus a promise with two commitments of the kind trygghetsvandring."""
    text = ANEBY_PROMISE.read_text(encoding="utf-8").replace(
        "id: aneby-2023-2024", f"id: {TWO_WALKS}"
    )
    path = tmp_path / f"{TWO_WALKS}.yaml"
    path.write_text(text + SCHOOL_WALK, encoding="utf-8")
    save_promise_upload(store, ACTOR, path.name, path.read_text(encoding="utf-8"))
    return store


def test_the_template_imports_and_counts_toward_the_promise(store: Store) -> None:
    before_rows, before_walks = activity_count(store), done(store, "trygghetsvandringar")
    before_traffic = done(store, "trafikkontroller")
    result = import_activities(store, ACTOR, TEMPLATE)
    assert (result.added, result.already_there) == (6, 0)
    assert activity_count(store) == before_rows + 6
    assert done(store, "trygghetsvandringar") == before_walks + 1
    assert done(store, "trafikkontroller") == before_traffic + 1
    with store.session(ACTOR) as s:
        imported = [a for a in s.list_activities() if not a.is_example]
    traffic = next(a for a in imported if a.kind is CommitmentKind.TRAFFIC_CONTROL)
    assert dict(traffic.outcome) == {
        "timmar": 2.0,
        "kontrollerade_fordon": 45,
        "hastighetsovertradelser": 3,
        "rattfylleri_drograttfylleri": 1,
        "ovriga_overtradelser": 0,
        "overtradelser": 4,
    }
    assert traffic.start.isoformat() == "2024-03-06T07:00:00+01:00"
    narcotics = next(a for a in imported if a.kind is CommitmentKind.NARCOTICS_INTERVENTION)
    assert narcotics.classification is Classification.SECRET
    assert (narcotics.geometry.x, narcotics.geometry.y) == (488700.0, 6411200.0)
    presence_by_coords = next(a for a in imported if a.note == "Kvällsnärvaro vid torget")
    assert presence_by_coords.place_id is None and presence_by_coords.geometry is not None


def test_importing_the_same_file_twice_adds_nothing(store: Store) -> None:
    import_activities(store, ACTOR, TEMPLATE)
    count = activity_count(store)
    again = import_activities(store, ACTOR, TEMPLATE)
    assert (again.added, again.already_there) == (0, 6)
    assert activity_count(store) == count


def test_windows_1252_with_decimal_commas_imports(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "excel.csv",
        HEADER,
        "närvaro;2024-04-02 13.00;2024-04-02 15.00;Exempel: Poliskontor;;;öppen;;;;1,5;3",
        encoding="cp1252",
    )
    assert import_activities(store, ACTOR, path).added == 1
    with store.session(ACTOR) as s:
        (a,) = [a for a in s.list_activities() if not a.is_example]
    assert dict(a.outcome) == {"timmar": 1.5, "besökare": 3}
    assert a.start.isoformat() == "2024-04-02T13:00:00+02:00"  # summer time


def test_a_bad_row_imports_nothing_and_names_row_and_column(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.csv",
        HEADER,
        "närvaro;2024-04-02 13:00;2024-04-02 15:00;Exempel: Poliskontor;;;;;;;2;3",
        "trafikkontroll;2024-04-03 07:00;2024-04-03 09:00;Exempel: Kontrollplats norr;;;;;40;-2;;",
        "närvaro;2024-04-04 13:00;2024-04-04 15:00;Finns inte;;;;;;;;",
    )
    before = activity_count(store)
    with pytest.raises(ImportFileError) as err:
        import_activities(store, ACTOR, path)
    message = str(err.value)
    assert "bad.csv, rad 3, kolumn hastighetsovertradelser: får inte vara negativt" in message
    assert 'bad.csv, rad 4, kolumn plats: ingen sparad plats heter "Finns inte"' in message
    assert "rad 2" not in message
    assert activity_count(store) == before


def test_personal_data_columns_are_refused(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pd.csv",
        "typ;start;slut;plats;Personnummer",
        "närvaro;2024-04-02 13:00;2024-04-02 15:00;Exempel: Poliskontor;",
    )
    with pytest.raises(
        ImportFileError, match="kolumnen personnummer ser ut att innehålla personuppgifter"
    ):
        import_activities(store, ACTOR, path)


def test_geojson_in_wgs84_and_in_sweref_import_at_the_same_point(
    store: Store, tmp_path: Path
) -> None:
    def fc(coords: list[float], start: str) -> str:
        return json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": coords},
                        "properties": {
                            "typ": "trafikkontroll",
                            "start": start,
                            "slut": start.replace("07:", "09:"),
                            "kontrollerade_fordon": 12,
                        },
                    }
                ],
            }
        )

    wgs = tmp_path / "wgs.geojson"
    wgs.write_text(fc([14.8085, 57.8416], "2024-04-03 07:00"), encoding="utf-8")
    sweref = tmp_path / "sweref.geojson"
    sweref.write_text(fc([488629.2, 6411094.7], "2024-04-04 07:00"), encoding="utf-8")
    assert import_activities(store, ACTOR, wgs).added == 1
    assert import_activities(store, ACTOR, sweref).added == 1
    with store.session(ACTOR) as s:
        a, b = [a for a in s.list_activities() if not a.is_example]
    assert a.geometry.distance(b.geometry) < 50  # SCB's Aneby point, both ways
    assert dict(a.outcome) == {"kontrollerade_fordon": 12}


def test_cli_bad_file_exits_2_in_swedish_and_writes_nothing(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "bad.csv",
        HEADER,
        "esst;2024-04-02 13:00;2024-04-02 15:00;Exempel: Poliskontor;;;;;;;;",
    )
    before = activity_count(store)
    proc = run_cli(db_url, "import", "activities", str(path))
    assert proc.returncode == 2, proc.stderr
    assert 'bad.csv, rad 2, kolumn typ: okänd typ "esst"' in proc.stderr
    assert proc.stdout == ""
    assert activity_count(store) == before


def test_cli_import_then_status_counts_the_imported_activities(store: Store, db_url: str) -> None:
    before = done(store, "samverkansmoten")
    proc = run_cli(db_url, "import", "activities", str(TEMPLATE))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == (
        "aktiviteter.csv: 6 aktiviteter lades till i löftet aneby-2023-2024 (Aneby kommun)."
    )
    status = run_cli(db_url, "status", "--year", "2023", "--json")
    rows = {r["id"]: r for r in json.loads(status.stdout)}
    assert rows["samverkansmoten"]["done"] == before + 1


WALK_HEADER = "typ;aktivitet;start;slut;plats;lat;lon;deltagare"


def walk(named: str, day: int = 2) -> str:
    return (
        f"trygghetsvandring;{named};2024-04-{day:02} 18:00;2024-04-{day:02} 20:00;;57,842;14,808;9"
    )


def test_a_walk_naming_its_commitment_counts_toward_that_commitment(
    two_walks: Store, tmp_path: Path
) -> None:
    school, centre = (
        done(two_walks, "vandring-skolor", TWO_WALKS),
        done(two_walks, "trygghetsvandringar", TWO_WALKS),
    )
    path = write(tmp_path, "vandring.csv", WALK_HEADER, walk("vandring-skolor"))
    result = import_activities(two_walks, ACTOR, path, TWO_WALKS)
    assert result.message("vandring.csv") == (
        f"vandring.csv: 1 aktivitet lades till i löftet {TWO_WALKS} (Aneby kommun)."
    )
    assert done(two_walks, "vandring-skolor", TWO_WALKS) == school + 1
    assert done(two_walks, "trygghetsvandringar", TWO_WALKS) == centre


@pytest.mark.parametrize(
    "named, expected",
    [
        (
            "",
            f"vandring.csv, rad 3, kolumn aktivitet: löftet {TWO_WALKS} (Aneby kommun) har 2 "
            "aktiviteter av typen trygghetsvandring, så raden räknas inte förrän kolumnen "
            "aktivitet säger vilken: trygghetsvandringar (Kommunen ska genomföra två "
            "trygghetsvandringar tillsammans …), vandring-skolor (Kommunen ska genomföra "
            "en trygghetsvandring vid skolorna.)",
        ),
        (
            "samverkansmoten",
            'vandring.csv, rad 3, kolumn aktivitet: "samverkansmoten" är ingen aktivitet av '
            f"typen trygghetsvandring i löftet {TWO_WALKS} (Aneby kommun); välj en av: "
            "trygghetsvandringar (",
        ),
        ("vandring-hamnen", '"vandring-hamnen" är ingen aktivitet av typen trygghetsvandring'),
    ],
)
def test_a_walk_that_would_count_toward_nothing_refuses_the_file_and_changes_nothing(
    two_walks: Store, db_url: str, tmp_path: Path, named: str, expected: str
) -> None:
    before = table_counts(db_url)
    path = write(tmp_path, "vandring.csv", WALK_HEADER, walk("vandring-skolor"), walk(named, 3))
    with pytest.raises(ImportFileError) as err:
        import_activities(two_walks, ACTOR, path, TWO_WALKS)
    assert str(err.value).startswith(
        f"Inget lästes in. Filen kontrollerades mot löftet {TWO_WALKS} (Aneby kommun) och har fel"
    )
    assert expected in str(err.value)
    assert "rad 2" not in str(err.value)
    assert table_counts(db_url) == before


JONKOPING = "närvaro;;2024-04-02 13:00;2024-04-02 15:00;;57,7826;14,1618;4"


def test_an_activity_in_another_kommun_is_imported_with_the_warning_a_place_gets(
    store: Store, tmp_path: Path
) -> None:
    header = "typ;aktivitet;start;slut;plats;lat;lon;besökare"
    in_aneby = "närvaro;polisnarvaro;2024-04-03 13:00;2024-04-03 15:00;;57,842;14,808;2"
    path = write(tmp_path, "narvaro.csv", header, in_aneby, JONKOPING)
    result = import_activities(store, ACTOR, path)
    assert result.added == 2
    (warning,) = result.warnings
    assert warning.startswith("narvaro.csv, rad 3: Aktiviteten ligger utanför Aneby kommun (")
    assert "så aktiviteten sparas ändå" in warning


def test_cli_prints_the_outside_kommun_warning_and_names_the_promise(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "narvaro.csv", "typ;aktivitet;start;slut;plats;lat;lon;besökare", JONKOPING
    )
    proc = run_cli(db_url, "import", "activities", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "Varning: narvaro.csv, rad 2: Aktiviteten ligger utanför Aneby kommun" in proc.stderr
    assert proc.stdout.strip() == (
        "narvaro.csv: 1 aktivitet lades till i löftet aneby-2023-2024 (Aneby kommun)."
    )


# A second kommun in the demo database: Tranås, with a square of its own.
TRANAS = "tranas-2024-2025"
ANEBY = "aneby-2023-2024"
TRANAS_SQUARE = Point(505000, 6440000)


@pytest.fixture
def with_tranas(store: Store) -> Store:
    """The demo store (Aneby) plus Tranås's promise and a place "Torget" in Tranås."""
    save_promise_upload(store, ACTOR, f"{TRANAS}.yaml", TRANAS_PROMISE_YAML)
    with store.session(ACTOR) as s:
        s.add_place(Place(PlaceKind.CENTRAL_AREA, "Torget", TRANAS_SQUARE.buffer(50)), "0687")
    return store


PRESENCE_AT_TORGET = (
    "typ;start;slut;plats;besökare",
    "närvaro;2024-04-05 19:00;2024-04-05 21:00;Torget;2",
)


def test_a_place_name_is_matched_among_the_promises_own_kommuns_places_only(
    with_tranas: Store, tmp_path: Path
) -> None:
    path = write(tmp_path, "torget.csv", *PRESENCE_AT_TORGET)
    before = activity_count(with_tranas)
    with pytest.raises(ImportFileError) as err:
        import_activities(with_tranas, ACTOR, path, ANEBY)
    assert 'torget.csv, rad 2, kolumn plats: ingen sparad plats heter "Torget"' in str(err.value)
    assert activity_count(with_tranas) == before

    result = import_activities(with_tranas, ACTOR, path, TRANAS)
    assert result.added == 1
    with with_tranas.session(ACTOR) as s:
        (imported,) = s.list_activities(document_id=TRANAS)
        torget = s.get_place(imported.place_id) if imported.place_id is not None else None
    assert torget is not None and torget.kommunkod == "0687"


# One presence in the centre of Aneby, by coordinates: a row both promises can count.
PRESENCE_BY_COORDS = (
    "typ;start;slut;plats;lat;lon;besökare",
    "närvaro;2024-04-05 19:00;2024-04-05 21:00;;57,842;14,808;2",
)


def test_the_same_file_imported_for_a_second_promise_is_added_to_that_promise(
    with_tranas: Store, tmp_path: Path
) -> None:
    path = write(tmp_path, "narvaro.csv", *PRESENCE_BY_COORDS)
    assert import_activities(with_tranas, ACTOR, path, ANEBY).added == 1
    for_tranas = import_activities(with_tranas, ACTOR, path, TRANAS)
    assert (for_tranas.added, for_tranas.already_there) == (1, 0)
    assert for_tranas.message(path.name).startswith(
        f"narvaro.csv: 1 aktivitet lades till i löftet {TRANAS} (Tranås kommun)"
    )
    again = import_activities(with_tranas, ACTOR, path, TRANAS)
    assert (again.added, again.already_there) == (0, 1)
    assert again.message(path.name).endswith(
        "0 aktiviteter lades till i löftet tranas-2024-2025 (Tranås kommun), 1 fanns redan "
        "(samma fil och rad har lästs in för det här löftet förut)."
    )
    with with_tranas.session(ACTOR) as s:
        assert len(s.list_activities(document_id=TRANAS)) == 1
        assert sum(not a.is_example for a in s.list_activities(document_id=ANEBY)) == 1


def test_a_file_imported_before_refs_named_the_promise_is_still_already_there(
    with_tranas: Store, tmp_path: Path
) -> None:
    """Rows imported before the reference named its promise ("aktiviteter:SHA:rad-N")."""
    path = write(tmp_path, "narvaro.csv", *PRESENCE_BY_COORDS)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with with_tranas.session(ACTOR) as s:
        parsed = check_activity_file(path.read_bytes(), path.name, s.promise_document(ANEBY))
        (item,) = parsed.items
        s.add_activity(item.activity, ANEBY, source_ref=f"aktiviteter:{digest[:32]}:rad-2")
    count = activity_count(with_tranas)
    again = import_activities(with_tranas, ACTOR, path, ANEBY)
    assert (again.added, again.already_there) == (0, 1)
    assert activity_count(with_tranas) == count
    assert import_activities(with_tranas, ACTOR, path, TRANAS).added == 1


def test_a_file_imported_before_is_known_by_its_hash_and_its_rows_are_not_read_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_activities(store, ACTOR, TEMPLATE)
    count = activity_count(store)

    def read_again(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the rows of a file imported before were checked again")

    monkeypatch.setattr(activity_import, "stream_table", read_again)
    again = import_activities(store, ACTOR, TEMPLATE)
    assert (again.added, again.already_there) == (0, 6)
    assert activity_count(store) == count


def test_a_long_import_says_on_stderr_how_far_it_has_come_and_stdout_stays_one_line(
    store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(activity_import, "PROGRESS_ROWS", 2)
    monkeypatch.setattr(activity_import, "CHUNK_ROWS", 2)
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    before = activity_count(store)
    assert main(["import", "activities", str(TEMPLATE)]) == 0
    out, err = capsys.readouterr()
    assert [line for line in err.splitlines() if line.startswith("aktiviteter.csv")] == [
        "aktiviteter.csv: 2 rader kontrollerade, 0 skrivna …",
        "aktiviteter.csv: 4 rader kontrollerade, 2 skrivna …",
        "aktiviteter.csv: 6 rader kontrollerade, 4 skrivna …",
        "aktiviteter.csv: alla 6 rader är rätt; sparar …",
    ]
    assert out.strip() == (
        "aktiviteter.csv: 6 aktiviteter lades till i löftet aneby-2023-2024 (Aneby kommun)."
    )
    assert activity_count(store) == before + 6


# A file larger than a chunk: chunks of two rows keep these tests fast (a real one is 10,000).
PRESENCE_HEADER = "typ;start;slut;plats;lat;lon;besökare"


def presences(n: int) -> list[str]:
    """N presences by coordinates in central Aneby, one a day from 1 April 2024 (rows 2 ...)."""
    return [
        f"närvaro;2024-04-{day:02} 19:00;2024-04-{day:02} 21:00;;57,842;14,808;{day}"
        for day in range(1, n + 1)
    ]


def test_a_file_read_in_chunks_stores_and_counts_every_row(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    path = write(tmp_path, "narvaro.csv", PRESENCE_HEADER, *presences(7))
    before_rows, before_presence = activity_count(store), done(store, "polisnarvaro")
    audit_before = table_counts(db_url)["audit_log"]
    result = import_activities(store, ACTOR, path, chunk_rows=2)
    assert (result.added, result.already_there) == (7, 0)
    assert activity_count(store) == before_rows + 7
    assert done(store, "polisnarvaro") == before_presence + 7
    assert table_counts(db_url)["audit_log"] == audit_before + 1  # one entry for the file


def test_a_bad_row_in_a_later_chunk_changes_nothing_and_is_named(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    bad = "närvaro;2024-04-09 19:00;2024-04-09 18:00;;57,842;14,808;9"
    path = write(tmp_path, "narvaro.csv", PRESENCE_HEADER, *presences(7), bad, *presences(2))
    before = table_counts(db_url)
    with pytest.raises(ImportFileError) as err:
        import_activities(store, ACTOR, path, chunk_rows=2)
    assert str(err.value).startswith("Inget lästes in.")
    assert "narvaro.csv, rad 9, kolumn slut: ligger före start" in str(err.value)
    assert table_counts(db_url) == before
    again = import_activities(
        store, ACTOR, write(tmp_path, "ratt.csv", PRESENCE_HEADER, *presences(7)), chunk_rows=2
    )
    assert again.added == 7  # the rolled-back rows left no reference behind


def test_a_file_imported_in_chunks_is_recognised_by_its_hash_the_next_time(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "narvaro.csv", PRESENCE_HEADER, *presences(5))
    assert import_activities(store, ACTOR, path, chunk_rows=2).added == 5
    count = activity_count(store)

    def read_again(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the rows of a file imported before were read again")

    monkeypatch.setattr(activity_import, "stream_table", read_again)
    again = import_activities(store, ACTOR, path, chunk_rows=2)
    assert (again.added, again.already_there) == (0, 5)
    assert activity_count(store) == count


def test_many_bad_rows_are_counted_but_only_the_first_thirty_are_listed(
    store: Store, tmp_path: Path
) -> None:
    misspelt = [row.replace("närvaro;", "narvaro;") for row in presences(28)] * 2  # 56 bad rows
    path = write(tmp_path, "narvaro.csv", PRESENCE_HEADER, *misspelt)
    with pytest.raises(ImportFileError) as err:
        import_activities(store, ACTOR, path, chunk_rows=2)
    listed = [line for line in str(err.value).splitlines() if line.startswith("- narvaro.csv")]
    assert len(listed) == activity_checks.MAX_MESSAGES
    assert str(err.value).endswith(f"- … och {56 - activity_checks.MAX_MESSAGES} fel till")
