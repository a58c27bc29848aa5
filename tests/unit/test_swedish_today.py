"""Today is the date in Sweden, whatever the server's clock says."""

from __future__ import annotations

import ast
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


def _server_date_calls(path: str) -> list[str]:
    """`date.today()` / `datetime.today()` calls in a file: the server's date, not Sweden's."""
    tree = ast.parse((REPO_ROOT / path).read_text(encoding="utf-8"))
    return [
        f"{path}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "today"
        and ast.unparse(node.func.value) in {"date", "datetime", "datetime.date"}
    ]


def test_no_page_export_or_command_asks_the_server_for_todays_date() -> None:
    sources = [
        str(p.relative_to(REPO_ROOT))
        for folder in ("pages", "ui", "geo")
        for p in sorted((REPO_ROOT / folder).rglob("*.py"))
    ] + ["app.py"]
    assert [call for path in sources for call in _server_date_calls(path)] == []
