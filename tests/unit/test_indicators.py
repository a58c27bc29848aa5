"""Kommun indicators: terms, the editor's rows, and the trend."""

from __future__ import annotations

import math

import pytest

from geo.errors import ValidationError
from geo.records.indicators import (
    Indicator,
    indicators_from_table,
    normalise_term,
    term_order,
    trends,
)


@pytest.mark.parametrize(
    "text,term", [("VT2024", "VT2024"), ("ht 2023", "HT2023"), ("HT-2023", "HT2023")]
)
def test_terms_are_written_one_way(text: str, term: str) -> None:
    assert normalise_term(text) == term


def test_spring_comes_before_autumn_and_the_next_spring() -> None:
    assert sorted(["VT2025", "HT2024", "VT2024"], key=term_order) == ["VT2024", "HT2024", "VT2025"]


def test_editor_rows_become_indicators_and_empty_rows_are_skipped() -> None:
    rows = [
        {"Indikator": "Skolnärvaro", "Termin": "vt2024", "Värde": "93,1", "Enhet": "%"},
        {"Indikator": None, "Termin": None, "Värde": math.nan},
        {"Indikator": "Skolnärvaro", "Termin": "HT2023", "Värde": 92.5, "Kommentar": None},
    ]
    assert indicators_from_table(rows, "0604") == [
        Indicator("0604", "Skolnärvaro", "VT2024", 93.1, "%"),
        Indicator("0604", "Skolnärvaro", "HT2023", 92.5, ""),
    ]


def test_every_bad_row_is_named_and_nothing_is_returned() -> None:
    rows = [
        {"Indikator": "Skolnärvaro", "Termin": "våren 2024", "Värde": 93},
        {"Indikator": "", "Termin": "VT2024", "Värde": 5},
        {"Indikator": "ANDT", "Termin": "VT2024", "Värde": "mycket"},
        {"Indikator": "ANDT", "Termin": "VT2023", "Värde": 4},
        {"Indikator": "andt", "Termin": "vt2023", "Värde": 6},
    ]
    with pytest.raises(ValidationError) as error:
        indicators_from_table(rows, "0604")
    message = str(error.value)
    assert 'rad 1: terminen "våren 2024" ska skrivas som VT2024 eller HT2023' in message
    assert "rad 2: indikatorns namn saknas" in message
    assert 'rad 3: värdet "mycket" är inget tal' in message
    assert "rad 5: andt VT2023 finns redan på rad 4" in message


def test_the_trend_is_in_term_order_with_the_latest_change() -> None:
    items = [
        Indicator("0604", "Skolnärvaro", "VT2024", 93.1, "%"),
        Indicator("0604", "Skolnärvaro", "VT2023", 91.8, "%"),
        Indicator("0604", "Skolnärvaro", "HT2023", 92.6, "%"),
        Indicator("0604", "ANDT", "VT2024", 5.0, "%"),
    ]
    school, andt = trends(items)
    assert school.terms == ("VT2023", "HT2023", "VT2024")
    assert school.change == pytest.approx(0.5)
    assert school.describe() == "93,1 % i VT2024 (+0,5 sedan HT2023)"
    assert andt.change is None
    assert andt.describe() == "5 % i VT2024 (första mätningen)"
