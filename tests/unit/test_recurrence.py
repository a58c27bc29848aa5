"""Recurring presence: Swedish holidays, weekly and monthly rules, DST, exceptions, text."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from geo.errors import ValidationError
from geo.records.holidays import easter_sunday, holiday_name, swedish_holidays
from geo.records.models import STOCKHOLM
from geo.records.recurrence import (
    Frequency,
    RecurrenceRule,
    candidate_days,
    describe,
    expand,
    local_time,
)

TUESDAY, THURSDAY = 1, 3


def weekly(first: date, last: date, *days: int, **kw: object) -> RecurrenceRule:
    return RecurrenceRule(
        Frequency.WEEKLY,
        first,
        last,
        time(13),
        time(15),
        weekdays=days,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "year,easter",
    [
        (2023, date(2023, 4, 9)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday_matches_the_almanac(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_2024_holidays_are_the_swedish_ones() -> None:
    assert swedish_holidays(2024) == {
        date(2024, 1, 1): "nyårsdagen",
        date(2024, 1, 6): "trettondedag jul",
        date(2024, 3, 29): "långfredagen",
        date(2024, 3, 31): "påskdagen",
        date(2024, 4, 1): "annandag påsk",
        date(2024, 5, 1): "första maj",
        date(2024, 5, 9): "Kristi himmelfärdsdag",
        date(2024, 5, 19): "pingstdagen",
        date(2024, 6, 6): "Sveriges nationaldag",
        date(2024, 6, 21): "midsommarafton",
        date(2024, 6, 22): "midsommardagen",
        date(2024, 11, 2): "alla helgons dag",
        date(2024, 12, 24): "julafton",
        date(2024, 12, 25): "juldagen",
        date(2024, 12, 26): "annandag jul",
        date(2024, 12, 31): "nyårsafton",
    }


@pytest.mark.parametrize("year", range(2020, 2040))
def test_midsummer_eve_is_a_friday_19_to_25_june_and_all_saints_a_saturday(year: int) -> None:
    days = {name: day for day, name in swedish_holidays(year).items()}
    assert days["midsommarafton"].weekday() == 4 and 19 <= days["midsommarafton"].day <= 25
    assert days["alla helgons dag"].weekday() == 5
    assert date(year, 10, 31) <= days["alla helgons dag"] <= date(year, 11, 6)


def test_an_ordinary_tuesday_is_no_holiday() -> None:
    assert holiday_name(date(2024, 3, 5)) is None


def test_weekly_slot_stays_13_to_15_local_time_across_both_dst_changes() -> None:
    # Summer time starts 31 March 2024 and ends 27 October 2024.
    rule = weekly(date(2024, 3, 19), date(2024, 11, 5), TUESDAY, skip_holidays=False)
    occ = expand(rule).occurrences
    around = [
        o
        for o in occ
        if o.start.date()
        in (date(2024, 3, 26), date(2024, 4, 2), date(2024, 10, 22), date(2024, 10, 29))
    ]
    assert [(o.start.hour, o.end.hour) for o in around] == [(13, 15)] * 4
    assert [o.start.utcoffset() for o in around] == [
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=2),
        timedelta(hours=1),
    ]
    assert all(o.start.tzinfo is STOCKHOLM for o in occ)
    # The UTC time moves instead: 12:00 UTC in winter, 11:00 UTC in summer.
    assert [o.start.astimezone(STOCKHOLM).utctimetuple().tm_hour for o in around] == [
        12,
        11,
        11,
        12,
    ]


def test_every_tuesday_skips_holidays_and_cancelled_dates_and_says_why() -> None:
    # Tuesdays in December 2024: 3, 10, 17, 24 (julafton), 31 (nyårsafton).
    rule = weekly(date(2024, 12, 1), date(2024, 12, 31), TUESDAY, cancelled=(date(2024, 12, 10),))
    expansion = expand(rule)
    assert [o.start.date() for o in expansion.occurrences] == [
        date(2024, 12, 3),
        date(2024, 12, 17),
    ]
    assert [(s.day, s.reason) for s in expansion.skipped] == [
        (date(2024, 12, 10), "inställt"),
        (date(2024, 12, 24), "julafton"),
        (date(2024, 12, 31), "nyårsafton"),
    ]


def test_holidays_can_be_kept_when_the_rule_says_so() -> None:
    rule = weekly(date(2024, 12, 24), date(2024, 12, 24), TUESDAY, skip_holidays=False)
    assert len(expand(rule).occurrences) == 1


def test_every_other_week_counts_from_the_week_of_the_first_day() -> None:
    # Starts on a Wednesday: that ISO week's Tuesday is before the start and not included.
    rule = weekly(date(2024, 1, 10), date(2024, 2, 29), TUESDAY, THURSDAY, interval=2)
    days = [d.isoformat() for d in candidate_days(rule)]
    assert days == [
        "2024-01-11",
        "2024-01-23",
        "2024-01-25",
        "2024-02-06",
        "2024-02-08",
        "2024-02-20",
        "2024-02-22",
    ]


@pytest.mark.parametrize(
    "nth,expected",
    [
        (1, ["2024-01-04", "2024-02-01", "2024-03-07"]),
        (5, ["2024-02-29"]),  # only February 2024 has a fifth Thursday in Jan–Mar
        (-1, ["2024-01-25", "2024-02-29", "2024-03-28"]),
    ],
)
def test_monthly_rule_takes_the_nth_weekday_of_each_month(nth: int, expected: list[str]) -> None:
    rule = RecurrenceRule(
        Frequency.MONTHLY,
        date(2024, 1, 1),
        date(2024, 3, 31),
        time(18),
        time(20),
        nth=nth,
        weekday=THURSDAY,
    )
    assert [d.isoformat() for d in candidate_days(rule)] == expected


def test_a_night_slot_ends_the_next_day() -> None:
    rule = RecurrenceRule(
        Frequency.WEEKLY, date(2024, 3, 1), date(2024, 3, 1), time(22), time(2), weekdays=(4,)
    )
    (o,) = expand(rule).occurrences
    assert (o.start.isoformat(), o.end.isoformat()) == (
        "2024-03-01T22:00:00+01:00",
        "2024-03-02T02:00:00+01:00",
    )


def test_a_clock_time_skipped_by_summer_time_becomes_the_same_instant_after_it() -> None:
    assert local_time(date(2024, 3, 31), time(2, 30)).isoformat() == "2024-03-31T03:30:00+02:00"


def test_rule_round_trips_through_json() -> None:
    rule = weekly(
        date(2024, 1, 1),
        date(2024, 6, 30),
        TUESDAY,
        THURSDAY,
        interval=2,
        cancelled=(date(2024, 2, 6),),
    )
    assert RecurrenceRule.from_json(rule.to_json()) == rule


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"last_day": date(2023, 12, 31)}, "slutdatum ligger före startdatum"),
        ({"last_day": date(2030, 1, 1)}, "högst tre år"),
        ({"weekdays": ()}, "minst en veckodag"),
        ({"interval": 0}, "intervallet"),
        ({"end_time": time(13)}, "start- och sluttid är samma"),
    ],
)
def test_a_bad_rule_is_refused_in_swedish(kwargs: dict, message: str) -> None:
    args = {
        "frequency": Frequency.WEEKLY,
        "first_day": date(2024, 1, 1),
        "last_day": date(2024, 6, 30),
        "start_time": time(13),
        "end_time": time(15),
        "weekdays": (1,),
    } | kwargs
    with pytest.raises(ValidationError, match=message):
        RecurrenceRule(**args)


def test_descriptions_read_as_swedish_sentences() -> None:
    tuesdays = weekly(date(2024, 1, 9), date(2024, 5, 28), TUESDAY, cancelled=(date(2024, 3, 12),))
    assert describe(tuesdays, "vid poliskontoret") == (
        "Varje tisdag kl. 13–15 vid poliskontoret, 9 januari – 28 maj 2024, utom helgdagar; "
        "inställt 12 mars 2024."
    )
    first_thursday = RecurrenceRule(
        Frequency.MONTHLY,
        date(2023, 9, 1),
        date(2024, 5, 31),
        time(18),
        time(20),
        nth=1,
        weekday=THURSDAY,
        skip_holidays=False,
    )
    assert describe(first_thursday, "i Aneby centrum") == (
        "Första torsdagen i månaden kl. 18–20 i Aneby centrum, 1 september 2023 – 31 maj 2024."
    )
    other = weekly(date(2024, 1, 1), date(2024, 1, 31), 0, 3, interval=2)
    assert describe(other) == (
        "Varannan måndag och torsdag kl. 13–15, 1 januari – 31 januari 2024, utom helgdagar."
    )
    third = RecurrenceRule(
        Frequency.WEEKLY,
        date(2024, 1, 1),
        date(2024, 1, 31),
        time(9, 30),
        time(11),
        weekdays=(2,),
        interval=3,
    )
    assert describe(third).startswith("Var tredje vecka på onsdagar kl. 9.30–11")
