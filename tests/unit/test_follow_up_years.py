"""Follow-up years: `uppföljningsår: kalenderår` or `från_undertecknande`, and the year is
never a trap (a date outside the chosen year is refused with where it belongs)."""

from __future__ import annotations

from datetime import date

import pytest

from geo.errors import PromiseFileError
from geo.records.periods import (
    half_year_of,
    half_years_in,
    nearest_day,
    outside_year_message,
    period_over_message,
    promise_year_containing,
    promise_year_of,
    promise_years,
    tertial_of,
    tertials_in,
)
from geo.records.progress import tertial_slices
from geo.records.promise_file import parse_promise_text
from tests.common import TRANAS_PROMISE_YAML


def _promise(
    start: date,
    end: date,
    rule: str | None = None,
    signed: date | None = None,
    doc_id: str = "tranas",
    kommun: tuple[str, str] = ("Tranås", "0687"),
):
    """Tranås's small promise with this period and `uppföljningsår` rule (absent: default)."""
    key = f"\nuppföljningsår: {rule}" if rule else ""
    text = (
        TRANAS_PROMISE_YAML.replace(
            "undertecknat: 2024-03-15",
            f"undertecknat: {signed or start}\nperiod: {{från: {start}, till: {end}}}{key}",
        )
        .replace("id: tranas-2024-2025", f"id: {doc_id}")
        .replace('kod: "0687"', f'kod: "{kommun[1]}"')
        .replace("namn: Tranås kommun", f"namn: {kommun[0]} kommun")
        .replace("titel: Medborgarlöfte i Tranås kommun 2024-2025", f"titel: Löftet {doc_id}")
    )
    return parse_promise_text(text)


CALENDAR_2024 = _promise(date(2024, 1, 1), date(2024, 12, 31), "kalenderår")
# Signed in December, in force from 1 January: the years follow the period, not the signing.
SIGNED_BEFORE = _promise(date(2024, 1, 1), date(2024, 12, 31), signed=date(2023, 12, 15))
ANEBY_LIKE = _promise(date(2023, 5, 30), date(2024, 5, 29))


def test_a_calendar_year_promise_is_labelled_by_its_year_and_has_no_tertial_after_it() -> None:
    (year,) = promise_years(CALENDAR_2024)

    assert (year.start, year.end, year.label) == (date(2024, 1, 1), date(2024, 12, 31), "2024")
    assert [t.label for t in tertials_in(year)] == [
        "T1 2024 (jan–apr)",
        "T2 2024 (maj–aug)",
        "T3 2024 (sep–dec)",
    ]


def test_a_promise_signed_before_its_period_is_followed_up_from_the_period_start() -> None:
    # Anchored on the signing date, the year ran 2023-12-15 – 2024-12-14 and a "T1 2025"
    # column appeared for a promise that ended 2024-12-31.
    (year,) = promise_years(SIGNED_BEFORE)

    assert (year.start, year.end, year.label) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
        "Löftesår 2024",
    )
    assert [s.label for s in tertial_slices(year)][-1] == "T3 2024 (sep–dec)"


def test_the_period_end_ends_the_last_follow_up_year() -> None:
    doc = _promise(date(2023, 5, 30), date(2024, 12, 31))

    assert [(y.start, y.end, y.label) for y in promise_years(doc)] == [
        (date(2023, 5, 30), date(2024, 5, 29), "Löftesår 2023/2024"),
        (date(2024, 5, 30), date(2024, 12, 31), "Löftesår 2024/2025"),
    ]


def test_calendar_years_start_on_the_period_start_and_then_on_the_first_of_january() -> None:
    doc = _promise(date(2024, 3, 1), date(2025, 12, 31), "kalenderår")

    assert [(y.start, y.end, y.label) for y in promise_years(doc)] == [
        (date(2024, 3, 1), date(2024, 12, 31), "2024"),
        (date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ]


def test_a_calendar_year_runs_from_local_midnight_to_local_midnight_in_winter_time() -> None:
    (year,) = promise_years(CALENDAR_2024)

    assert (year.start_at.isoformat(), year.end_at.isoformat()) == (
        "2024-01-01T00:00:00+01:00",
        "2025-01-01T00:00:00+01:00",
    )


# Before, on the first day, the leap day, the DST weeks (31 March and 27 October 2024), the
# last day and after the period.
DAYS = [
    date(2023, 12, 31),
    date(2024, 1, 1),
    date(2024, 2, 29),
    date(2024, 3, 31),
    date(2024, 10, 27),
    date(2024, 12, 31),
    date(2025, 1, 1),
]


@pytest.mark.parametrize(
    "doc,expected",
    [
        (CALENDAR_2024, [None, "2024", "2024", "2024", "2024", "2024", None]),
        (
            ANEBY_LIKE,
            [
                "Löftesår 2023/2024",
                "Löftesår 2023/2024",
                "Löftesår 2023/2024",
                "Löftesår 2023/2024",
                None,
                None,
                None,
            ],
        ),
    ],
    ids=["kalenderår", "från_undertecknande"],
)
def test_a_date_falls_in_a_follow_up_year_only_inside_the_period(doc, expected) -> None:
    found = [promise_year_of(doc, day) for day in DAYS]

    assert [p.label if p else None for p in found] == expected


@pytest.mark.parametrize("doc", [CALENDAR_2024, ANEBY_LIKE], ids=["kalenderår", "undert."])
def test_dates_outside_the_period_are_shown_in_the_nearest_year_of_the_promise(doc) -> None:
    years = promise_years(doc)

    assert promise_year_containing(doc, date(2020, 1, 1)) == years[0]
    assert promise_year_containing(doc, date(2030, 1, 1)) == years[-1]


@pytest.mark.parametrize(
    "day,tertial,half",
    [
        (date(2023, 12, 31), "T3 2023 (sep–dec)", "höst 2023"),
        (date(2024, 2, 29), "T1 2024 (jan–apr)", "vår 2024"),
        (date(2024, 3, 31), "T1 2024 (jan–apr)", "vår 2024"),
        (date(2024, 6, 30), "T2 2024 (maj–aug)", "vår 2024"),
        (date(2024, 7, 1), "T2 2024 (maj–aug)", "höst 2024"),
        (date(2024, 10, 27), "T3 2024 (sep–dec)", "höst 2024"),
        (date(2025, 1, 1), "T1 2025 (jan–apr)", "vår 2025"),
    ],
)
def test_tertial_and_half_year_of_a_date(day, tertial, half) -> None:
    assert (tertial_of(day).label, half_year_of(day).label) == (tertial, half)


def test_the_half_years_of_a_signed_year_are_cut_to_it() -> None:
    (year,) = promise_years(ANEBY_LIKE)

    assert [(h.start, h.end, h.label) for h in half_years_in(year)] == [
        (date(2023, 5, 30), date(2023, 6, 30), "vår 2023"),
        (date(2023, 7, 1), date(2023, 12, 31), "höst 2023"),
        (date(2024, 1, 1), date(2024, 5, 29), "vår 2024"),
    ]


def test_a_date_picker_defaults_to_the_nearest_day_of_the_chosen_year() -> None:
    (year,) = promise_years(CALENDAR_2024)

    assert [nearest_day(year, d) for d in (date(2023, 6, 1), date(2024, 2, 29))] == [
        date(2024, 1, 1),
        date(2024, 2, 29),
    ]
    assert nearest_day(year, date(2026, 12, 6)) == date(2024, 12, 31)


def test_a_period_of_four_years_is_accepted_and_one_of_five_refused_in_swedish() -> None:
    assert len(promise_years(_promise(date(2024, 6, 1), date(2028, 5, 31)))) == 4

    with pytest.raises(PromiseFileError, match="ger 5 uppföljningsår; ett medborgarlöfte gäller"):
        _promise(date(2024, 6, 1), date(2028, 1, 31), "kalenderår")


def test_an_unknown_follow_up_year_rule_is_refused_naming_both() -> None:
    with pytest.raises(PromiseFileError, match='kalenderår.*"halvår"'):
        _promise(date(2024, 1, 1), date(2024, 12, 31), "halvår")


def test_a_date_inside_the_chosen_year_may_be_saved() -> None:
    (year,) = promise_years(CALENDAR_2024)

    assert outside_year_message(CALENDAR_2024, year, date(2024, 2, 29)) is None


def test_a_date_in_another_year_of_the_promise_names_that_year() -> None:
    doc = _promise(date(2024, 1, 1), date(2025, 12, 31), "kalenderår")
    first, _ = promise_years(doc)

    message = outside_year_message(doc, first, date(2025, 3, 3))

    assert message == (
        "2025-03-03 ligger utanför det valda uppföljningsåret 2024 (2024-01-01 – 2024-12-31). "
        "Datumet hör till 2025 (2025-01-01 – 2025-12-31): välj det året i sidomenyn. "
        "Inget sparades."
    )


def test_a_date_after_the_period_says_how_to_make_next_years_promise() -> None:
    (year,) = promise_years(CALENDAR_2024)

    message = outside_year_message(CALENDAR_2024, year, date(2025, 1, 8))

    assert message is not None
    assert message.startswith(
        "2025-01-08 ligger efter medborgarlöftets period (2024-01-01 – 2024-12-31) och skulle "
        "inte räknas i någon uppföljning. Gör nästa års löfte"
    )
    assert "init --promise" in message and "Administration" in message


def test_a_date_covered_by_a_later_promise_of_the_same_kommun_names_it() -> None:
    later = _promise(date(2025, 1, 1), date(2025, 12, 31), "kalenderår", doc_id="tranas-2025")
    elsewhere = _promise(
        date(2025, 1, 1), date(2025, 12, 31), doc_id="aneby-2025", kommun=("Aneby", "0604")
    )
    (year,) = promise_years(CALENDAR_2024)

    message = outside_year_message(CALENDAR_2024, year, date(2025, 1, 8), [elsewhere, later])

    assert message is not None
    assert "hör till medborgarlöftet Löftet tranas-2025 (tranas-2025)" in message
    assert "aneby" not in message


def test_without_a_chosen_year_any_year_of_the_promise_may_be_saved() -> None:
    doc = _promise(date(2024, 1, 1), date(2025, 12, 31), "kalenderår")

    assert outside_year_message(doc, None, date(2025, 12, 31)) is None
    assert outside_year_message(doc, None, date(2023, 12, 31)) is not None


def test_the_overview_says_when_the_period_is_over_and_what_to_do() -> None:
    assert period_over_message(CALENDAR_2024, [CALENDAR_2024], date(2024, 12, 31)) is None

    message = period_over_message(CALENDAR_2024, [CALENDAR_2024], date(2026, 12, 6))

    assert message is not None
    assert message.startswith(
        "Medborgarlöftets period slutade 2024-12-31. Det finns inget medborgarlöfte för i dag "
        "(2026-12-06)"
    )
    assert "Gör nästa års löfte" in message


def test_the_overview_names_the_promise_in_force_today_when_one_is_loaded() -> None:
    later = _promise(date(2025, 1, 1), date(2025, 12, 31), "kalenderår", doc_id="tranas-2025")

    message = period_over_message(CALENDAR_2024, [CALENDAR_2024, later], date(2025, 6, 1))

    assert message == (
        "Medborgarlöftets period slutade 2024-12-31. I dag gäller Löftet tranas-2025 "
        "(tranas-2025): välj det i sidomenyn."
    )
