"""Löfteskartan: the entry point. Sign-in, navigation and the shared sidebar."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from geo.disclosure.access import Role, role_of
from geo.errors import LofteskartanError
from geo.signin.hosts import ENV_VAR as ALLOWED_HOSTS_ENV
from geo.signin.hosts import allowed_hosts, host_allowed
from ui.accessibility import accessible_shell, page_title
from ui.auth import show_signed_in, sign_in_gate, signed_in_this_run
from ui.entry import in_app, show_menu
from ui.preparation import prepare_other_pages
from ui.swedish_widgets import swedish_widgets
from ui.text import plain

LOG = logging.getLogger("lofteskartan")
# "1" re-raises unexpected errors after logging them, so Streamlit shows them (development,
# and the tests: a page's bug must fail AppTest's `at.exception`, not hide in a message).
RAISE_ERRORS_ENV = "LOFTESKARTAN_RAISE_ERRORS"

PAGES = Path(__file__).parent / "pages"


@dataclass(frozen=True)
class PageEntry:
    """One menu entry: the page's file, its menu title, its URL path and the role it needs.

    The role only hides the page from the menu; each page checks it again with its own
    `require(...)` (tests/app/test_pages.py checks that the two agree).
    """

    file: str
    title: str
    address: str
    role: Role

    @property
    def path(self) -> Path:
        """The page's script."""
        return PAGES / self.file


# The menu in order; the first page is where the app opens.
PAGE_TABLE: tuple[PageEntry, ...] = (
    PageEntry("0_Oversikt.py", "Översikt", "Oversikt", Role.VIEWER),
    PageEntry("1_Karta.py", "Karta", "Karta", Role.VIEWER),
    PageEntry("2_Platser.py", "Platser", "Platser", Role.PLANNER),
    PageEntry("3_Planering.py", "Planering", "Planering", Role.PLANNER),
    PageEntry("4_Logga.py", "Logga", "Logga", Role.PLANNER),
    PageEntry("5_Polisomrade.py", "Polisområde", "Polisomrade", Role.VIEWER),
    PageEntry("5_Uppfoljning.py", "Uppföljning", "Uppfoljning", Role.VIEWER),
    PageEntry("5_Varmekarta.py", "Värmekarta", "Varmekarta", Role.VIEWER),
    PageEntry("6_Lagesbild.py", "Lägesbild", "Lagesbild", Role.VIEWER),
    PageEntry("7_Export.py", "Export", "Export", Role.VIEWER),
    PageEntry("8_Kontrollplatser.py", "Kontrollplatser", "Kontrollplatser", Role.PLANNER),
    PageEntry("8_Loftesredigering.py", "Löftesredigering", "Loftesredigering", Role.PLANNER),
    PageEntry("9_Admin.py", "Administration", "Admin", Role.ADMIN),
)


def _refuse_foreign_host() -> None:
    """Stop unless the browser reached us by a name we answer to (DNS rebinding guard)."""
    host = st.context.headers.get("Host")
    if host_allowed(host, allowed_hosts(st.get_option("server.address"))):
        return
    LOG.warning("Refused a run for the foreign Host header %r", host)

    def refusal() -> None:
        st.error(
            # The foreign name is not repeated: st.error renders Markdown.
            "Löfteskartan svarar inte på den här adressen. Öppna appen på den adress den är "
            "inställd för, t.ex. http://127.0.0.1:8501. Den som sköter servern kan lägga "
            f"till adressen i inställningen {ALLOWED_HOSTS_ENV}."
        )

    # The refusal as the only page, hidden: no menu (not even Streamlit's file names).
    st.navigation(
        [st.Page(refusal, title="Löfteskartan", url_path="stangd", default=True)],
        position="hidden",
    ).run()
    st.stop()


def _main() -> None:
    """Sign-in, the menu for the user's role, the sidebar and the chosen page."""
    # Only the sign-in page, and a stop, while nobody is signed in; it keeps a bookmark's
    # address.
    actor = sign_in_gate([p.address for p in PAGE_TABLE[1:]])
    # Pages the user's role cannot use are left out of the menu; each page checks again.
    pages = [p for p in PAGE_TABLE if role_of(actor).rank >= p.role.rank]
    in_app()
    show_menu()
    navigation = st.navigation(
        [
            st.Page(p.path, title=p.title, url_path=p.address, default=i == 0)
            for i, p in enumerate(pages)
        ],
        # Every page in the menu: collapsed, Streamlit shows ten and hides the rest
        # (Administration, for one) behind "Visa fler".
        expanded=True,
    )
    page_title(navigation.title)
    st.sidebar.markdown("**Löfteskartan** – medborgarlöften på kartan")
    show_signed_in(actor)
    with signed_in_this_run(actor):
        navigation.run()


# Streamlit runs this file as __main__; tests import it for the page table.
if __name__ == "__main__":
    st.set_page_config(page_title="Löfteskartan", page_icon="🗺️", layout="wide")
    accessible_shell()
    swedish_widgets()
    _refuse_foreign_host()
    try:
        _main()
        prepare_other_pages()  # while the planner reads this page
    except LofteskartanError as exc:
        st.error(plain(str(exc)))
    except Exception:  # Streamlit's st.stop and st.rerun raise BaseExceptions: they pass through
        # A bug: the traceback (perhaps with SQL and its parameters) goes to the server's log,
        # the user gets a message without it (client.showErrorDetails is "none" as well).
        LOG.exception("Unexpected error in a page run")
        if os.environ.get(RAISE_ERRORS_ENV) == "1":
            raise
        st.error(
            "Något gick fel och sidan kunde inte visas; felet är loggat på servern. Försök "
            "igen, och säg till den som sköter Löfteskartan om det händer igen."
        )
