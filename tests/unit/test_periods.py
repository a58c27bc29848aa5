"""Follow-up periods: the follow-up years cut the promise's period (whole years from its start,
or calendar years), `period.till` ends the last one; tertials are four months, half-years six."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from geo.errors import ValidationError
from geo.records.periods import (
    Period,
    Tertial,
    clock_changes,
    promise_for_day,
    promise_year,
    promise_year_containing,
    promise_years,
    tertial_of,
    tertials_in,
)
from geo.records.promise_file import load_promise_file, parse_promise_text
from tests.common import ANEBY_PROMISE, TRANAS_PROMISE_YAML, local


@pytest.fixture(scope="module")
def aneby():
    return load_promise_file(ANEBY_PROMISE)


def _signed(on: date, until: date, rule: str | None = None, starts: date | None = None):
    """A small promise signed on `on` whose period runs from `starts` (default `on`) to `until`,
    followed up by `rule` (the file's `uppföljningsår`, absent by default)."""
    key = f"\nuppföljningsår: {rule}" if rule else ""
    text = TRANAS_PROMISE_YAML.replace(
        "undertecknat: 2024-03-15",
        f"undertecknat: {on.isoformat()}\nperiod: {{från: {starts or on}, till: {until}}}{key}",
    )
    return parse_promise_text(text)


def test_anebys_first_promise_year_runs_from_the_signing_to_the_day_before_its_anniversary(
    aneby,
) -> None:
    year = promise_year(aneby, 2023)

    assert (year.start, year.end) == (date(2023, 5, 30), date(2024, 5, 29))
    assert year.label == "Löftesår 2023/2024"
    assert year.days == 366  # 29 February 2024 is inside


@pytest.mark.parametrize(
    "day,inside",
    [
        (date(2023, 5, 29), False),
        (date(2023, 5, 30), True),
        (date(2024, 5, 29), True),
        (date(2024, 5, 30), False),
    ],
)
def test_the_signing_day_and_the_day_before_the_anniversary_belong_to_the_promise_year(
    aneby, day, inside
) -> None:
    assert promise_year(aneby, 2023).contains(day) is inside


def test_the_promise_year_starts_and_ends_at_local_midnight(aneby) -> None:
    year = promise_year(aneby, 2023)

    assert year.start_at.isoformat() == "2023-05-30T00:00:00+02:00"
    assert year.end_at.isoformat() == "2024-05-30T00:00:00+02:00"


def test_the_next_promise_year_starts_on_the_anniversary() -> None:
    second = promise_year(_signed(date(2023, 5, 30), until=date(2025, 5, 29)), 2024)

    assert (second.start, second.end) == (date(2024, 5, 30), date(2025, 5, 29))


def test_a_year_the_document_does_not_follow_up_is_refused_naming_those_it_does(aneby) -> None:
    with pytest.raises(ValidationError, match=r"inget uppföljningsår som börjar 2024.*2023"):
        promise_year(aneby, 2024)


def test_a_promise_signed_on_29_february_has_its_anniversary_on_28_february() -> None:
    doc = _signed(date(2024, 2, 29), until=date(2026, 2, 27))

    first = promise_year(doc, 2024)

    assert (first.start, first.end) == (date(2024, 2, 29), date(2025, 2, 27))
    assert (promise_year(doc, 2025).start, promise_year(doc, 2025).end) == (
        date(2025, 2, 28),
        date(2026, 2, 27),
    )


def test_promise_years_after_a_29_february_signing_leave_no_day_out() -> None:
    # 2027/2028 must run to 28 February 2028, the day before the next 29 February.
    doc = _signed(date(2024, 2, 29), until=date(2028, 2, 28))

    years = promise_years(doc)

    assert [(y.start, y.end) for y in years] == [
        (date(2024, 2, 29), date(2025, 2, 27)),
        (date(2025, 2, 28), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2028, 2, 28)),
    ]
    assert promise_year_containing(doc, date(2028, 2, 28)).label == "Löftesår 2027/2028"


def test_a_one_year_document_has_one_promise_year(aneby) -> None:
    assert promise_years(aneby) == [promise_year(aneby, 2023)]


@pytest.mark.parametrize(
    "day",
    [date(2023, 5, 30), date(2023, 12, 31), date(2024, 5, 29)],
)
def test_a_day_inside_the_period_gets_its_own_promise_year(aneby, day) -> None:
    assert promise_year_containing(aneby, day) == Period(
        date(2023, 5, 30), date(2024, 5, 29), "Löftesår 2023/2024"
    )


@pytest.mark.parametrize("day", [date(2020, 1, 1), date(2023, 5, 29)])
def test_days_before_the_signing_fall_in_the_first_promise_year(day) -> None:
    doc = _signed(date(2023, 5, 30), until=date(2025, 5, 29))

    assert promise_year_containing(doc, day).label == "Löftesår 2023/2024"


@pytest.mark.parametrize("day", [date(2025, 5, 30), date(2030, 1, 1)])
def test_days_after_the_period_fall_in_the_last_promise_year(day) -> None:
    doc = _signed(date(2023, 5, 30), until=date(2025, 5, 29))

    assert promise_year_containing(doc, day).label == "Löftesår 2024/2025"


@pytest.mark.parametrize(
    "day,tertial",
    [
        (date(2024, 1, 1), Tertial(2024, 1)),
        (date(2024, 4, 30), Tertial(2024, 1)),
        (date(2024, 5, 1), Tertial(2024, 2)),
        (date(2024, 8, 31), Tertial(2024, 2)),
        (date(2024, 9, 1), Tertial(2024, 3)),
        (date(2024, 12, 31), Tertial(2024, 3)),
    ],
)
def test_tertials_are_january_to_april_may_to_august_and_september_to_december(
    day, tertial
) -> None:
    assert tertial_of(day) == tertial


@pytest.mark.parametrize(
    "tertial,start,end,label",
    [
        (Tertial(2024, 1), date(2024, 1, 1), date(2024, 4, 30), "T1 2024 (jan–apr)"),
        (Tertial(2024, 2), date(2024, 5, 1), date(2024, 8, 31), "T2 2024 (maj–aug)"),
        (Tertial(2024, 3), date(2024, 9, 1), date(2024, 12, 31), "T3 2024 (sep–dec)"),
    ],
)
def test_each_tertial_covers_four_whole_months(tertial, start, end, label) -> None:
    assert tertial.period == Period(start, end, label)


def test_the_three_tertials_of_a_year_cover_every_day_once() -> None:
    periods = [Tertial(2024, n).period for n in (1, 2, 3)]

    assert sum(p.days for p in periods) == 366
    assert [p.start for p in periods[1:]] == [p.end + timedelta(days=1) for p in periods[:-1]]


def test_there_is_no_fourth_tertial() -> None:
    with pytest.raises(ValueError, match="1, 2 eller 3"):
        Tertial(2024, 4)


def test_anebys_promise_year_is_followed_up_in_four_tertials(aneby) -> None:
    assert tertials_in(promise_year(aneby, 2023)) == [
        Tertial(2023, 2),
        Tertial(2023, 3),
        Tertial(2024, 1),
        Tertial(2024, 2),
    ]


def test_swedish_clock_changes_in_a_promise_year_are_found_to_the_second() -> None:
    changes = clock_changes(local(2023, 5, 30), local(2024, 5, 30))
    assert changes == [
        (datetime(2023, 10, 29, 1, tzinfo=UTC), -1.0),  # 03:00 summer time back to 02:00
        (datetime(2024, 3, 31, 1, tzinfo=UTC), 1.0),  # 02:00 forward to 03:00
    ]
    assert clock_changes(local(2023, 11, 1), local(2024, 3, 1)) == []


def test_the_sidebar_opens_on_the_promise_whose_period_holds_today(aneby) -> None:
    next_one = _signed(date(2024, 5, 30), date(2025, 5, 29))
    newest_first = [next_one, aneby]

    assert promise_for_day(newest_first, date(2024, 1, 9)) is aneby
    assert promise_for_day(newest_first, date(2024, 5, 30)) is next_one
    # After every period, the newest signed: the one "Nästa års löfte" is made from.
    assert promise_for_day(newest_first, date(2026, 12, 6)) is next_one
