"""The rules that decide what a public export may say, and how it is written for Excel."""

from __future__ import annotations

from datetime import date

import pytest

from geo.disclosure.audience import AudienceRules
from geo.disclosure.rows import PeriodSummary, SummaryRow
from geo.disclosure.summaries import _protect, protect_parts
from geo.errors import ValidationError
from geo.files.tabular import neutralise
from geo.records.kinds import CommitmentKind
from geo.records.periods import Period
from geo.records.promise import Commitment, Responsible
from geo.swedish import iso_week, long_date, plain_number, week_text

INSATS = Commitment(
    "riktade-insatser",
    "Minst tio insatser",
    CommitmentKind.NARCOTICS_INTERVENTION,
    Responsible.POLICE,
)


@pytest.mark.parametrize("value, shown", [(0, 0), (1, None), (2, None), (3, 3), (40, 40)])
def test_counts_from_one_to_k_minus_one_are_suppressed_and_zero_is_shown(
    value: int, shown: int | None
) -> None:
    assert _protect(value, 3) == shown


def _period(label: str, done: int | None) -> PeriodSummary:
    row = SummaryRow(INSATS, done, None if done is None else 2.0, None, {})
    return PeriodSummary(Period(date(2024, 1, 1), date(2024, 1, 1), label), (row,))


def test_one_hidden_tertial_next_to_a_shown_total_hides_the_smallest_other_one() -> None:
    total = _period("år", 9)
    parts = [_period("T2", None), _period("T3", 4), _period("T1", 3)]
    protected = protect_parts(total, parts)
    assert [p.rows[0].done for p in protected] == [None, 4, None]
    assert protected[2].rows[0].suppressed == ("genomfort",)


def test_two_hidden_tertials_need_no_more_suppression() -> None:
    total = _period("år", 9)
    parts = [_period("T2", None), _period("T3", 7), _period("T1", None)]
    assert [p.rows[0].done for p in protect_parts(total, parts)] == [None, 7, None]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"min_count": 1}, "Minsta antal ska vara minst 2"),
        ({"cell_size_m": 50}, "Rutstorleken ska vara mellan 200 och 10000 m"),
    ],
)
def test_rules_that_would_protect_nothing_are_refused_in_swedish(
    kwargs: dict[str, float], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        AudienceRules(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text, safe",
    [
        ("=1+2", "'=1+2"),
        ("+46701234567", "'+46701234567"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("＝1+2", "'＝1+2"),
        ("Torget", "Torget"),
        ("Storgatan 1-3", "Storgatan 1-3"),
        ("", ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_as_a_formula_are_neutralised(
    text: str, safe: str
) -> None:
    assert neutralise(text) == safe


def test_swedish_dates_weeks_and_numbers() -> None:
    assert long_date(date(2023, 5, 30)) == "30 maj 2023"
    assert iso_week(date(2023, 9, 12)) == "2023-W37"
    assert iso_week(date(2024, 12, 30)) == "2025-W01"  # ISO weeks cross the new year
    assert week_text(date(2023, 9, 12)) == "vecka 37, 2023"
    assert plain_number(12.5) == "12,5"
    assert plain_number(488777.7) == "488777,7"
    assert plain_number(3.0) == "3"
