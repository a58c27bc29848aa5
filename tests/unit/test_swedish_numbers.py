"""One Swedish number formatter: decimal comma, and a thousands separator chosen per use."""

from __future__ import annotations

import pytest

from geo.planning.siting import format_number as siting_number
from geo.planning.siting import format_share
from geo.records.place_facts import format_number as place_number
from geo.swedish import NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE, WEEKDAYS, number


@pytest.mark.parametrize(
    "value,decimals,space,expected",
    [
        (1234.5, 1, " ", "1 234,5"),  # files: a plain space
        (1234567, 0, NO_BREAK_SPACE, "1\u00a0234\u00a0567"),  # screens: never wraps
        (12345, 0, NARROW_NO_BREAK_SPACE, "12\u202f345"),  # a map's count marker
        (1234.25, 2, "", "1234,25"),  # no separator
        (999, 0, " ", "999"),
        (-1500.0, 0, " ", "-1 500"),
    ],
)
def test_number_writes_a_decimal_comma_and_the_chosen_thousands_separator(
    value: float, decimals: int, space: str, expected: str
) -> None:
    assert number(value, decimals, space) == expected


def test_files_get_a_plain_space_by_default() -> None:
    assert number(240000) == "240 000"


def test_the_other_formatters_are_number_with_their_separator() -> None:
    assert place_number(240000) == "240\u00a0000"
    assert place_number(24.04, 1) == "24,0"
    assert siting_number(1234.0) == "1234"
    assert siting_number(12.46) == "12,5"
    assert format_share(0.8423) == "84,2 %"


def test_one_list_of_weekday_names_starting_on_monday() -> None:
    from geo.followup.hours import WEEKDAYS as hours_weekdays
    from geo.records.recurrence import WEEKDAYS_SV

    assert WEEKDAYS[0] == "måndag" and WEEKDAYS[6] == "söndag"
    assert WEEKDAYS_SV is WEEKDAYS and hours_weekdays is WEEKDAYS
