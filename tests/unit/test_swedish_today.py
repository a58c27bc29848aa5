"""Today is the date in Sweden, whatever the server's clock says."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from geo.swedish import today
from tests.common import REPO_ROOT


@pytest.mark.parametrize(
    "moment,expected",
    [
        # 00:30 on 6 December in Sweden (UTC+1): a UTC server still says the 5th.
        (datetime(2026, 12, 5, 23, 30, tzinfo=UTC), date(2026, 12, 6)),
        # 01:30 on 6 June in Sweden (summer time, UTC+2).
        (datetime(2026, 6, 5, 23, 30, tzinfo=UTC), date(2026, 6, 6)),
        (datetime(2026, 6, 5, 21, 30, tzinfo=UTC), date(2026, 6, 5)),
        # A server in New York at 20:00 on the 5th: 02:00 on the 6th in Sweden.
        (datetime(2026, 12, 5, 20, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 12, 6)),
    ],
)
def test_today_is_the_swedish_date_of_the_moment(moment: datetime, expected: date) -> None:
    assert today(moment) == expected


def test_today_without_a_moment_is_the_swedish_date_now() -> None:
    before = today(datetime.now(UTC))
    assert today() in {before, before + timedelta(days=1)}


def _calls(attribute: str, folders: tuple[str, ...]) -> Iterator[tuple[str, ast.Call]]:
    """Every call of `<something>.attribute(...)` in app.py and the given folders."""
    paths = [REPO_ROOT / "app.py"] + [
        p for folder in folders for p in sorted((REPO_ROOT / folder).rglob("*.py"))
    ]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == attribute
            ):
                yield f"{path.relative_to(REPO_ROOT)}:{node.lineno}", node


def test_no_page_export_or_command_asks_the_server_for_todays_date() -> None:
    # date.today() is the server's date, not Sweden's.
    server_dates = [
        where
        for where, call in _calls("today", ("pages", "ui", "geo"))
        if ast.unparse(call.func.value) in {"date", "datetime", "datetime.date"}  # type: ignore[attr-defined]
    ]
    assert server_dates == []


def test_every_date_field_shows_and_takes_dates_as_2024_05_28() -> None:
    # Streamlit's default is the US order (YYYY/MM/DD); each field says the Swedish one.
    iso = ast.keyword("format", ast.Constant("YYYY-MM-DD"))
    other_formats = [
        where
        for where, call in _calls("date_input", ("pages", "ui"))
        if ast.dump(iso) not in {ast.dump(k) for k in call.keywords}
    ]
    assert other_formats == []
