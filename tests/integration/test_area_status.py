"""The police area's view (issue 13): every promise of a lokalpolisområde side by side.

Aneby and Tranås (both Lokalpolisområde Höglandet) and Umeå (Lokalpolisområde Umeå) in one
database, on SQLite and PostGIS. Each promise's figures in the area view are the figures
`status --json --document ID` gives for it in the same database: the view counts nothing
itself.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta

import pytest

from geo.cli import main
from geo.errors import NotFoundError
from geo.followup.area import (
    AREA_COLUMNS,
    area_csv,
    area_csv_name,
    area_json,
    area_status,
    area_table,
    areas_to_show,
)
from geo.followup.status import status_report, status_rows
from geo.installation.init import read_promise_upload
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor
from geo.store import Store
from tests.common import TRANAS_PROMISE_YAML, UMEA_PROMISE_YAML

ANEBY, TRANAS, UMEA = "aneby-2023-2024", "tranas-2024-2025", "umea-2024-2025"
HOGLANDET = "Lokalpolisområde Höglandet"
# A day inside the current promise year of all three promises.
TODAY = date(2024, 4, 10)
OPERATOR = Actor("admin")


def _activity(kind: CommitmentKind, day: int) -> Activity:
    start = datetime(2024, 4, day, 18, tzinfo=STOCKHOLM)
    return Activity(kind, start, start + timedelta(hours=2))


@pytest.fixture
def three_kommuner(store: Store) -> Store:
    """Aneby (from the fixture), Tranås and Umeå, with activities in Aneby and Tranås."""
    with store.session(OPERATOR) as s:
        for doc_id, text in ((TRANAS, TRANAS_PROMISE_YAML), (UMEA, UMEA_PROMISE_YAML)):
            doc, source = read_promise_upload(text.encode(), f"{doc_id}.yaml")
            s.save_promise_document(doc, f"{doc_id}.yaml", source)
        for day in (1, 2, 3):
            s.add_activity(_activity(CommitmentKind.COORDINATION_MEETING, day), ANEBY)
        for day in (4, 5):
            s.add_activity(_activity(CommitmentKind.PRESENCE, day), TRANAS)
    return store


def _by_document(rows: list[dict]) -> dict[str, dict]:
    return {promise["document"]: promise for promise in rows}


def test_the_area_view_lists_exactly_the_promises_of_that_area(three_kommuner: Store) -> None:
    status = area_status(three_kommuner, OPERATOR, "lokalpolisområde  höglandet", TODAY)

    assert status.area == HOGLANDET  # as the promise files spell it
    assert [(p["document"], p["kommun"], p["kommunkod"]) for p in area_json(status)] == [
        (ANEBY, "Aneby kommun", "0604"),
        (TRANAS, "Tranås kommun", "0687"),
    ]
    assert {row["Kommun"] for row in area_table(status)} == {"Aneby kommun", "Tranås kommun"}


def test_each_promise_in_the_area_view_has_the_figures_of_its_own_status(
    three_kommuner: Store,
) -> None:
    promises = _by_document(area_json(area_status(three_kommuner, OPERATOR, HOGLANDET, TODAY)))

    for doc_id in (ANEBY, TRANAS):
        own = status_rows(status_report(three_kommuner, OPERATOR, doc_id, None, TODAY))
        assert promises[doc_id]["commitments"] == own
    meetings = next(c for c in promises[ANEBY]["commitments"] if c["kind"] == "samverkansmöte")
    presence = next(c for c in promises[TRANAS]["commitments"] if c["kind"] == "närvaro")
    assert (meetings["done"], meetings["target_text"]) == (3, "minst 4")
    assert presence["done"] == 2


def test_the_side_by_side_table_has_kommun_commitment_target_done_and_status(
    three_kommuner: Store,
) -> None:
    table = area_table(area_status(three_kommuner, OPERATOR, HOGLANDET, TODAY))

    walks = next(
        r for r in table if r["Kommun"] == "Tranås kommun" and "tre trygg" in r["Aktivitet"]
    )
    assert list(walks) == list(AREA_COLUMNS)
    assert (walks["Löftesår"], walks["Mål"], walks["Gjort"]) == ("Löftesår 2024/2025", "3", 0)
    assert walks["Läge"] in ("I fas", "Risk", "Efter")


def test_the_area_csv_opens_in_swedish_excel_with_the_same_rows_as_the_page(
    three_kommuner: Store,
) -> None:
    status = area_status(three_kommuner, OPERATOR, HOGLANDET, TODAY)
    data = area_csv(status)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(AREA_COLUMNS)
    table = area_table(status)
    assert rows[1:] == [[str(row[c]) for c in AREA_COLUMNS] for row in table]
    assert {r[0] for r in rows[1:]} == {"Aneby kommun", "Tranås kommun"}
    assert area_csv_name(status.area, TODAY) == (
        f"lofteskartan_lokalpolisomrade_hoglandet_{TODAY:%Y-%m-%d}.csv"
    )


def test_an_area_without_promises_is_refused_naming_the_areas_there_are(
    three_kommuner: Store,
) -> None:
    with pytest.raises(NotFoundError) as refused:
        area_status(three_kommuner, OPERATOR, "Lokalpolisområde Nässjö", TODAY)

    assert str(refused.value) == (
        'Inget medborgarlöfte gäller polisområdet "Lokalpolisområde Nässjö". Polisområden i '
        "databasen: Lokalpolisområde Höglandet, Lokalpolisområde Umeå."
    )


def test_a_police_user_of_an_area_without_promises_is_told_it_works_on_none(
    three_kommuner: Store,
) -> None:
    nassjo_area = Actor(
        "per@polisen.se", role="viewer", organisation="polis:Lokalpolisområde Nässjö"
    )

    with pytest.raises(NotFoundError) as refused:
        area_status(three_kommuner, nassjo_area, "Lokalpolisområde Nässjö", TODAY)

    assert str(refused.value).endswith("Det finns inget medborgarlöfte som du arbetar med.")


def test_a_police_area_user_is_offered_its_own_area_and_an_operator_every_area(
    three_kommuner: Store,
) -> None:
    area_user = Actor("anna@polisen.se", role="viewer", organisation=f"polis:{HOGLANDET}")
    with three_kommuner.session(OPERATOR) as s:
        documents = s.promise_documents()

    assert areas_to_show(area_user, documents) == [HOGLANDET]
    assert areas_to_show(OPERATOR, documents) == [HOGLANDET, "Lokalpolisområde Umeå"]


def test_a_kommun_user_sees_only_its_own_kommun_in_the_area_view(three_kommuner: Store) -> None:
    tranas_user = Actor("lisa@tranas.se", role="viewer", organisation="kommun:0687")

    status = area_status(three_kommuner, tranas_user, HOGLANDET, TODAY)

    assert [r.document.id for r in status.reports] == [TRANAS]


# -- the command line -------------------------------------------------------------------------


def _cli(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("LOFTESKARTAN_DB", store.url)
    code = main(["status", *args])
    said = capsys.readouterr()
    return code, said.out, said.err


def test_status_area_json_holds_each_promise_with_its_status_json_as_commitments(
    three_kommuner: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(three_kommuner, monkeypatch, capsys, "--area", HOGLANDET, "--json")
    promises = json.loads(out)

    assert code == 0
    assert [sorted(p) for p in promises] == [["commitments", "document", "kommun", "kommunkod"]] * 2
    for promise in promises:
        code, own, _ = _cli(
            three_kommuner, monkeypatch, capsys, "--json", "--document", promise["document"]
        )
        assert code == 0
        assert promise["commitments"] == json.loads(own)


def test_status_area_prints_one_table_with_a_kommun_column(
    three_kommuner: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(three_kommuner, monkeypatch, capsys, "--area", HOGLANDET)
    lines = out.splitlines()

    assert code == 0
    assert lines[0].startswith(f"{HOGLANDET}: 2 medborgarlöften.")
    header = next(line for line in lines if line.startswith("Kommun"))
    assert header.split() == ["Kommun", "Löftesår", "Aktivitet", "Mål", "Gjort", "Läge"]
    assert any(line.startswith("Tranås kommun") and " 2  " in line for line in lines)
    assert "Umeå" not in out


def test_status_area_for_an_unknown_area_exits_2_listing_the_areas(
    three_kommuner: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(three_kommuner, monkeypatch, capsys, "--area", "Lokalpolisområde X")

    assert (code, out) == (2, "")
    assert "Polisområden i databasen: Lokalpolisområde Höglandet, Lokalpolisområde Umeå." in err


@pytest.mark.parametrize("other", [["--document", ANEBY], ["--year", "2024"]])
def test_status_area_refuses_a_document_or_a_year_beside_it(
    three_kommuner: Store,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    other: list[str],
) -> None:
    code, out, err = _cli(three_kommuner, monkeypatch, capsys, "--area", HOGLANDET, *other)

    assert (code, out) == (2, "")
    assert other[0] in err
