"""Which medborgarlöfte is meant when nobody names one (geo/records/promise_choice.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from geo.errors import AmbiguousChoiceError, NotFoundError
from geo.records.promise import PromiseDocument
from geo.records.promise_choice import choose_document, document_label
from geo.records.promise_file import load_promise_file
from tests.common import ANEBY_PROMISE

ANEBY = load_promise_file(ANEBY_PROMISE)  # 2023-05-30 – 2024-05-29


def _promise(promise_id: str, kommun: str, start: date, end: date) -> PromiseDocument:
    """Aneby's commitments under another kommun's id and period."""
    return replace(ANEBY, id=promise_id, kommun_name=kommun, period_start=start, period_end=end)


NASSJO = _promise("nassjo-2024-2025", "Nässjö kommun", date(2024, 6, 1), date(2025, 5, 31))
TRANAS = _promise("tranas-2024", "Tranås kommun", date(2024, 1, 1), date(2024, 12, 31))


def test_a_promise_is_named_by_id_kommun_and_period() -> None:
    assert document_label(ANEBY) == "aneby-2023-2024 (Aneby kommun, 2023-05-30–2024-05-29)"


def test_the_only_promise_is_used_even_when_its_period_is_over() -> None:
    assert choose_document([ANEBY], None, date(2026, 12, 6)) is ANEBY


@pytest.mark.parametrize(
    "today,expected",
    [
        (date(2023, 5, 30), ANEBY),  # its first day
        (date(2024, 5, 29), ANEBY),  # its last day
        (date(2024, 6, 1), NASSJO),
        (date(2025, 5, 31), NASSJO),
    ],
)
def test_of_several_promises_the_one_in_force_today_is_used(
    today: date, expected: PromiseDocument
) -> None:
    assert choose_document([NASSJO, ANEBY], None, today) is expected


@pytest.mark.parametrize(
    "today,why",
    [
        (date(2026, 12, 6), "inget av dem gäller i dag (2026-12-06)"),
        (date(2023, 1, 1), "inget av dem gäller i dag (2023-01-01)"),
        (date(2024, 3, 1), "2 av dem gäller i dag (2024-03-01)"),
    ],
)
def test_several_promises_and_not_exactly_one_in_force_is_refused_listing_them(
    today: date, why: str
) -> None:
    with pytest.raises(AmbiguousChoiceError) as refused:
        choose_document([NASSJO, TRANAS, ANEBY], None, today)

    message = str(refused.value)
    assert why in message
    assert "--document ID" in message
    assert "  nassjo-2024-2025 (Nässjö kommun, 2024-06-01–2025-05-31)" in message
    assert "  tranas-2024 (Tranås kommun, 2024-01-01–2024-12-31)" in message
    assert "  aneby-2023-2024 (Aneby kommun, 2023-05-30–2024-05-29)" in message


def test_a_named_promise_is_used_whatever_day_it_is() -> None:
    assert choose_document([NASSJO, ANEBY], "aneby-2023-2024", date(2025, 1, 1)) is ANEBY


def test_an_unknown_id_is_refused_listing_the_stored_promises() -> None:
    with pytest.raises(NotFoundError) as refused:
        choose_document([NASSJO, ANEBY], "malå-2024", date(2024, 6, 1))

    message = str(refused.value)
    assert 'Inget medborgarlöfte har id "malå-2024"' in message
    assert "  nassjo-2024-2025 (Nässjö kommun, 2024-06-01–2025-05-31)" in message
    assert "  aneby-2023-2024 (Aneby kommun, 2023-05-30–2024-05-29)" in message


def test_no_promise_stored_says_to_run_init() -> None:
    with pytest.raises(NotFoundError, match="lofteskartan init"):
        choose_document([], None, date(2024, 1, 1))
