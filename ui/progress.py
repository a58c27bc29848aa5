"""The progress bar of a long import or export: the callback `geo` reports (done, all) to.

`geo` stays free of Streamlit: its importers and exports take a `geo.progress_report.Progress`
(`save_places`, `import_events_bytes`, `import_base_layer`, `make_export`), and this turns
the calls into a `st.progress` bar that moves while a large file is written or read.
"""

from __future__ import annotations

import streamlit as st

from geo.swedish import number
from ui.text import plain


class ProgressBar:
    """A bar captioned `text` ("Sparar platserna …") that a `Progress` callback moves.

    The bar is redrawn only when its whole percent changes: a place file reports every row,
    and 10,000 redraws would cost more than the writing.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._slot = st.empty()
        self._bar = self._slot.progress(0, text=plain(text))
        self._shown = -1

    def __call__(self, done: int, total: int) -> None:
        percent = min(100, 100 * done // total) if total else 100
        if percent != self._shown:
            self._shown = percent
            caption = plain(f"{self.text} {number(done)} av {number(total)}")
            self._bar.progress(percent, text=caption)

    def finish(self, text: str) -> None:
        """The bar full, captioned with what was done."""
        self._bar.progress(100, text=plain(text))

    def clear(self) -> None:
        """No bar: the work stopped (its error is shown instead)."""
        self._slot.empty()


def progress_bar(text: str) -> ProgressBar:
    """Show an empty bar captioned `text` and return the callback that moves it."""
    return ProgressBar(text)
