"""A progress bar for a long import: the callback `geo`'s importers report (done, all) to.

`geo` stays free of Streamlit: its importers take a `geo.progress_report.Progress`
(`save_places`, `import_events_bytes`, `import_base_layer`), and this turns the calls into a
`st.progress` bar that moves while a large file is written.
"""

from __future__ import annotations

import streamlit as st

from geo.progress_report import Progress
from geo.swedish import number
from ui.text import plain


def progress_bar(text: str) -> Progress:
    """Show an empty bar captioned `text` and return the callback that moves it.

    The bar is redrawn only when its whole percent changes: a place file reports every row,
    and 10,000 redraws would cost more than the writing.
    """
    bar = st.progress(0, text=plain(text))
    shown = -1

    def report(done: int, total: int) -> None:
        nonlocal shown
        percent = min(100, 100 * done // total) if total else 100
        if percent != shown:
            shown = percent
            bar.progress(percent, text=plain(f"{text} {number(done)} av {number(total)}"))

    return report
