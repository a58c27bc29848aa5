"""How long work tells how far it has come: one callback shape for imports and exports.

An import, an export or the store's chunked read calls `progress(done, total)` as it goes
(from (0, total) where it can). `geo` stays free of Streamlit: the command line prints it on
stderr and the pages turn it into a progress bar (`ui/progress.py`, `ui/export_progress.py`).
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]
"""Told (done, total): rows or features written, or activities read, and how many in all."""
