"""The map and table pages' code, imported in the background once the first page has run.

The first page after a server start (Översikt) imports only what it draws: no folium, no
pandas (issue 16, benchmarks/README.md). The first map page a planner opens next then paid
for them instead: Karta's first visit went from 0.93–1.11× the trivial page's to 1.30×. While
the planner reads the first page, the server has time to spare: one thread imports them and
sets up folium's compiled templates, after a second so that it does not compete with the
first page's own drawing on two cores. Python's import lock makes a page that needs a module
meanwhile wait for the same import rather than do it twice.
"""

from __future__ import annotations

import threading
import time

# Once per server process, whichever session runs first.
_STARTED = threading.Event()
# Long enough for the first page's frames and widget code to be fetched and drawn.
DELAY_SECONDS = 1.0


def _import_for_the_other_pages() -> None:
    time.sleep(DELAY_SECONDS)
    import pandas  # noqa: F401  (every table: ui.text's table functions)

    import ui.map_render  # noqa: F401  (every map page)
    from ui.folium_templates import compile_templates_once

    compile_templates_once()


def prepare_other_pages() -> None:
    """Start importing the map and table pages' code in the background (once per process)."""
    if _STARTED.is_set():
        return
    _STARTED.set()
    threading.Thread(
        target=_import_for_the_other_pages, name="forbereder-sidor", daemon=True
    ).start()
