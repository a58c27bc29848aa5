"""Every page runs inside app.py: its sign-in, its menu and its wide layout.

Because the pages live in `pages/`, Streamlit starts each server in its old multipage mode
and leaves it only when app.py first calls `st.navigation`. The first visit after a server
start that goes straight to a page's address (a bookmark to /Karta) would run that page file
alone: Streamlit's file-name menu ("app", "Oversikt"…), a narrow layout and no sign-in form.
Each page therefore calls `through_app()` before it draws anything, and app.py calls
`in_app()` so that a session it has served is known. The file-name menu is kept out of sight
by `client.showSidebarNavigation = false` in .streamlit/config.toml, which app.py's
`show_menu()` turns on for its own menu.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_SEEN = "_lofteskartan_through_app"


def in_app() -> None:
    """Note that app.py (sign-in, menu) has served this browser session."""
    st.session_state[_SEEN] = True


def through_app() -> None:
    """Leave Streamlit's old multipage mode and run again, through app.py, to the same page."""
    if not PagesManager.uses_pages_directory:
        return
    # st.navigation clears the same flag on its first call; we only do it one run earlier.
    PagesManager.uses_pages_directory = False
    # A session app.py has already served has signed in; rerunning it would throw away the
    # click that started this run. (Streamlit's AppTest sets the flag again on every run.)
    if not st.session_state.get(_SEEN):
        st.rerun()


def show_menu() -> None:
    """Show the app's menu (config.toml hides Streamlit's file-name menu of the first run).

    The option is the server's, not the session's: once app.py has run, every later session
    shows the menu `st.navigation` gives it, and the old multipage mode never comes back.
    """
    st.set_option("client.showSidebarNavigation", True)
