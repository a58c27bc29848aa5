"""Every page runs inside app.py: its sign-in, its menu and its wide layout.

Because the pages live in `pages/`, Streamlit starts each server in its old multipage mode
and leaves it only when app.py first calls `st.navigation`. The first visit after a server
start that goes straight to a page's address (a bookmark to /Karta) would run that page file
alone: Streamlit's file-name menu ("app", "Oversikt"…), a narrow layout and no sign-in form.
Each page therefore calls `through_app()` before it draws anything.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_app() -> None:
    """Leave Streamlit's old multipage mode and run again, through app.py, to the same page."""
    if PagesManager.uses_pages_directory:
        # st.navigation clears the same flag on its first call; we only do it one run earlier.
        PagesManager.uses_pages_directory = False
        # Run app.py in this same run rather than st.rerun(): a rerun drops the button click
        # that started this run (AppTest starts every run in the old mode again).
        runpy.run_path(str(Path(__file__).parents[1] / "app.py"), run_name="__main__")
        st.stop()
