"""What a reader sees of Markdown made by `ui.text.plain()`: the text without its escapes.

AppTest hands back an element's Markdown source; escaped user text reads `2023\\-2024`
there. Tests compare what the page shows, so they read it through `shown()`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pandas as pd

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """`markdown` with CommonMark's backslash escapes resolved and word joiners removed."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


class _HtmlTables(HTMLParser):
    """The head and the rows of each `<table>` in an HTML text, as their cells' text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _as_numbers(column: pd.Series) -> pd.Series:
    """A column of numbers as numbers (the HTML holds text), any other column as it is."""
    try:
        return pd.to_numeric(column)
    except ValueError:
        return column


def shown_tables(at: Any) -> list[pd.DataFrame]:
    """The page's static tables (`ui.text.show_wrapped_table`, HTML) as a reader sees them:
    the first row is the head, numbers are numbers."""
    parser = _HtmlTables()
    for element in at.get("html"):
        parser.feed(element.proto.body)
    return [pd.DataFrame(rows[1:], columns=rows[0]).apply(_as_numbers) for rows in parser.tables]
