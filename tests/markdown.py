"""What a reader sees of Markdown made by `ui.text.plain()`: the text without its escapes.

AppTest hands back an element's Markdown source; escaped user text reads `2023\\-2024`
there. Tests compare what the page shows, so they read it through `shown()`.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    """`markdown` with CommonMark's backslash escapes resolved and word joiners removed."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


def shown_tables(at: Any) -> list[pd.DataFrame]:
    """The page's static tables (`st.table`, which renders Markdown) as a reader sees them."""
    return [t.value.map(lambda v: shown(v) if isinstance(v, str) else v) for t in at.table]
