"""SCB's list of kommuner: a promise file's kommun name and code must name the same kommun."""

from __future__ import annotations

import pytest

from geo.records.kommuner import kommun_names, kommun_problem, lan_code, lan_names


@pytest.mark.parametrize(
    "name,kod",
    [
        ("Malå", "2418"),
        ("Malå kommun", "2418"),
        ("malå  KOMMUN", "2418"),
        ("Ale kommun", "1440"),
        ("Jönköpings kommun", "0680"),
        ("Stockholms stad", "0180"),
        ("Region Gotland", "0980"),
        ("Gotland", "0980"),
        ("Falu kommun", "2080"),
        ("Upplands-Bro kommun", "0139"),
        ("Umeå kommun", "2480"),
    ],
)
def test_a_kommun_written_as_people_write_it_agrees_with_its_code(name, kod) -> None:
    assert kommun_problem(name, kod) is None


def test_every_kommun_on_scbs_list_agrees_with_its_code_with_and_without_kommun() -> None:
    names = kommun_names()

    disagree = [
        (kod, name)
        for kod, name in names.items()
        if kommun_problem(name, kod) or kommun_problem(f"{name} kommun", kod)
    ]

    assert (len(names), disagree) == (290, [])


@pytest.mark.parametrize(
    "name,kod,expected",
    [
        (
            "Malå kommun",
            "0604",
            'namnet "Malå kommun" och kommunkoden "0604" hör inte ihop: 0604 är Aneby enligt '
            "SCB (Malå har kommunkoden 2418). Rätta namnet eller koden",
        ),
        (
            "Ale kommun",
            "1441",
            'namnet "Ale kommun" och kommunkoden "1441" hör inte ihop: 1441 är Lerum enligt '
            "SCB (Ale har kommunkoden 1440). Rätta namnet eller koden",
        ),
        (
            "Påhittad kommun",
            "0604",
            'namnet "Påhittad kommun" och kommunkoden "0604" hör inte ihop: 0604 är Aneby '
            "enligt SCB. Rätta namnet eller koden",
        ),
        (
            "Påhittad kommun",
            "0000",
            'kommunkoden "0000" finns inte i SCB:s lista över Sveriges 290 kommuner',
        ),
    ],
)
def test_a_name_and_code_that_disagree_are_named_both(name, kod, expected) -> None:
    assert kommun_problem(name, kod) == expected


def test_umea_lies_in_vasterbottens_lan() -> None:
    assert lan_names()[lan_code("2480")] == "Västerbottens län"
