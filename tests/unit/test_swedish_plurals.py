"""Swedish plural forms: one helper, so no text says "1 platser"."""

from __future__ import annotations

import re

import pytest

from geo.files.activity_import import ImportResult
from geo.files.place_import import SaveResult
from geo.records.models import Place, PlaceKind
from geo.signin.sign_in_guard import wait_text
from geo.swedish import NO_BREAK_SPACE, count
from tests.common import CENTRE_OF_SQUARE, REPO_ROOT

PLACE = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Torget", CENTRE_OF_SQUARE, id=1)


@pytest.mark.parametrize(
    "n,expected",
    [
        (0, "0 platser"),  # zero takes the plural in Swedish
        (1, "1 plats"),
        (2, "2 platser"),
        (1234, "1 234 platser"),
    ],
)
def test_one_takes_the_singular_and_every_other_count_the_plural(n: int, expected: str) -> None:
    assert count(n, "plats", "platser") == expected


def test_a_count_on_screen_can_keep_its_thousands_together() -> None:
    assert count(12345, "aktivitet", "aktiviteter", NO_BREAK_SPACE) == "12\u00a0345 aktiviteter"


def test_one_imported_place_is_reported_in_the_singular() -> None:
    one = SaveResult(added=(PLACE,), already_stored=())
    assert one.summary("a.csv") == "1 plats importerades från a.csv."


def test_one_added_activity_is_reported_in_the_singular() -> None:
    assert (
        ImportResult(added=1, already_there=0).message("a.csv") == "a.csv: 1 aktivitet lades till."
    )


def test_a_wait_of_one_second_or_one_minute_is_singular() -> None:
    assert (wait_text(1), wait_text(2), wait_text(60), wait_text(61)) == (
        "1 sekund",
        "2 sekunder",
        "1 minut",
        "2 minuter",
    )


# A count written straight before a plural noun ("{n} platser") says "1 platser" for one.
_COUNT_BEFORE_PLURAL = re.compile(
    r"\{[^{}]*\}\s(platser|aktiviteter|planerade|iakttagelser|händelser|löften|rader)\b"
)


def test_no_text_puts_a_bare_count_before_a_plural_noun() -> None:
    sources = [
        p for folder in ("pages", "ui", "geo") for p in sorted((REPO_ROOT / folder).rglob("*.py"))
    ]
    found = [
        f"{p.relative_to(REPO_ROOT)}:{i}: {line.strip()}"
        for p in sources
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if _COUNT_BEFORE_PLURAL.search(line)
    ]
    assert found == []


def test_the_app_says_ladda_ned_and_never_ladda_ner() -> None:
    files = [
        REPO_ROOT / "README.md",
        *sorted((REPO_ROOT / "docs").rglob("*.md")),
        *(
            p
            for folder in ("pages", "ui", "geo", "tests")
            for p in (REPO_ROOT / folder).rglob("*.py")
        ),
    ]
    other_form = "ladda " + "ner"  # spelt apart so this file does not find itself
    said = [p.name for p in files if other_form in p.read_text(encoding="utf-8").lower()]
    assert said == []
