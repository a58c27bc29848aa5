"""The activity import chooses the commitment each row counts toward, or refuses the file."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from geo.errors import ImportFileError
from geo.records.places import PlaceContext
from geo.records.promise_file import parse_promise_text
from tests.common import E0, N0, check_activity_file

PROMISE = """\
format: 1
id: vandringar-2024
titel: Medborgarlöfte med två sorters trygghetsvandringar
undertecknat: 2024-03-15
kommun: {namn: Aneby kommun, kod: "0604"}
polis: {område: Lokalpolisområde Höglandet}
löften:
  - id: trygghet
    titel: Öka tryggheten.
aktiviteter:
  - id: vandring-centrum
    löfte: trygghet
    typ: trygghetsvandring
    ansvarig: båda
    text: Två trygghetsvandringar i centrum tillsammans med föreningslivet och skolorna.
  - id: vandring-skolor
    löfte: trygghet
    typ: trygghetsvandring
    ansvarig: kommun
    text: En trygghetsvandring vid skolorna.
  - id: samverkan
    löfte: trygghet
    typ: samverkansmöte
    ansvarig: båda
    text: Fyra samverkansmöten.
"""
DOC = parse_promise_text(PROMISE)
HEADER = "typ;aktivitet;start;slut;N;E"
KOMMUN = PlaceContext(kommuner=(("Aneby kommun", box(E0, N0, E0 + 1000, N0 + 1000)),))


def _walk(named: str, east: float = E0 + 500) -> str:
    return f"trygghetsvandring;{named};2024-04-02 18:00;2024-04-02 20:00;{N0 + 500};{east}"


def _parse(*rows: str, context: PlaceContext | None = None):
    data = "\r\n".join((HEADER, *rows)).encode()
    return check_activity_file(data, "aktiviteter.csv", DOC, context=context)


def test_a_row_naming_its_commitment_is_given_that_commitment() -> None:
    (item,) = _parse(_walk("vandring-skolor")).items
    assert item.activity.commitment_id == "vandring-skolor"


def test_the_commitment_id_is_read_whatever_its_case() -> None:
    (item,) = _parse(_walk("Vandring-Skolor")).items
    assert item.activity.commitment_id == "vandring-skolor"


def test_a_row_of_a_kind_with_one_commitment_needs_no_aktivitet() -> None:
    meeting = "samverkansmöte;;2024-04-03 09:00;2024-04-03 11:00;;"
    (item,) = _parse(meeting).items
    assert item.activity.commitment_id is None  # counts toward the only one, as a quick log


def test_a_kind_with_two_commitments_and_no_aktivitet_refuses_the_file() -> None:
    with pytest.raises(ImportFileError) as err:
        _parse(_walk("vandring-centrum"), _walk(""))
    message = str(err.value)
    assert message.startswith(
        "Inget lästes in. Filen kontrollerades mot löftet vandringar-2024 (Aneby kommun)"
    )
    assert (
        "aktiviteter.csv, rad 3, kolumn aktivitet: löftet vandringar-2024 (Aneby kommun) har 2 "
        "aktiviteter av typen trygghetsvandring, så raden räknas inte förrän kolumnen "
        "aktivitet säger vilken: vandring-centrum (Två trygghetsvandringar i centrum "
        "tillsammans med …), vandring-skolor (En trygghetsvandring vid "
        "skolorna.)"
    ) in message
    assert "rad 2" not in message


@pytest.mark.parametrize("named", ["samverkan", "vandring-hamnen"])
def test_an_aktivitet_that_is_not_a_commitment_of_the_rows_kind_refuses_the_file(
    named: str,
) -> None:
    with pytest.raises(ImportFileError) as err:
        _parse(_walk(named))
    assert (
        f'rad 2, kolumn aktivitet: "{named}" är ingen aktivitet av typen trygghetsvandring i '
        "löftet vandringar-2024 (Aneby kommun); välj en av: vandring-centrum (Två"
    ) in str(err.value)


def test_an_activity_outside_the_kommun_is_warned_about_and_kept() -> None:
    parsed = _parse(
        _walk("vandring-centrum"), _walk("vandring-skolor", east=E0 + 1250), context=KOMMUN
    )
    assert len(parsed.items) == 2
    (warning,) = parsed.warnings
    assert warning.startswith(
        "aktiviteter.csv, rad 3: Aktiviteten ligger utanför Aneby kommun (250\u00a0m från "
        "gränsen). Kommungränsen i appen är SCB:s generaliserade gräns"
    )
    assert "så aktiviteten sparas ändå" in warning


def test_without_a_kommun_boundary_there_is_nothing_to_warn_about() -> None:
    assert _parse(_walk("vandring-centrum", east=E0 + 1250)).warnings == ()


def test_a_row_after_the_promise_period_refuses_the_file_naming_its_row() -> None:
    # The promise runs 2024-03-15 – 2025-03-14: a row of 2025-06-02 would count toward nothing.
    late = "samverkansmöte;;2025-06-02 09:00;2025-06-02 11:00;;"
    with pytest.raises(ImportFileError) as err:
        _parse("samverkansmöte;;2024-04-03 09:00;2024-04-03 11:00;;", late)

    message = str(err.value)
    assert message.startswith("Inget lästes in.")
    assert (
        "aktiviteter.csv, rad 3, kolumn start: 2025-06-02 ligger efter perioden för löftet "
        "vandringar-2024 (Aneby kommun) (2024-03-15 – 2025-03-14) och skulle inte räknas"
    ) in message
    assert "rad 2" not in message


def test_a_row_on_the_first_day_of_the_period_just_after_midnight_is_imported() -> None:
    (item,) = _parse("samverkansmöte;;2024-03-15 00:00;2024-03-15 01:00;;").items
    assert item.activity.start.date().isoformat() == "2024-03-15"
