"""Löfteskartan: the entry point. Sign-in, navigation and the shared sidebar."""

from __future__ import annotations

import ast
import logging
import os
import re
from pathlib import Path

import streamlit as st

from geo.disclosure.access import Role, role_of
from geo.errors import LofteskartanError
from geo.signin.hosts import ENV_VAR as ALLOWED_HOSTS_ENV
from geo.signin.hosts import allowed_hosts, host_allowed
from ui.auth import show_signed_in, sign_in_gate
from ui.entry import in_app
from ui.text import plain

LOG = logging.getLogger("lofteskartan")
# "1" re-raises unexpected errors after logging them, so Streamlit shows them (development,
# and the tests: a page's bug must fail AppTest's `at.exception`, not hide in a message).
RAISE_ERRORS_ENV = "LOFTESKARTAN_RAISE_ERRORS"

PAGES = Path(__file__).parent / "pages"


def _title(page: Path) -> str:
    """A page's menu title is the first words of its docstring, up to the colon."""
    doc = ast.get_docstring(ast.parse(page.read_text(encoding="utf-8"))) or page.stem
    return doc.split(":", 1)[0].strip()


def _address(page: Path) -> str:
    """A page's URL path: its file name without the sorting number ("1_Karta.py" → "Karta")."""
    return re.sub(r"^\d+_", "", page.stem)


def _required_role(page: Path) -> Role:
    """The role in a page's top-level `require(Role.X)` call (läsare when it has none)."""
    for node in ast.parse(page.read_text(encoding="utf-8")).body:
        value = getattr(node, "value", None)
        if (
            isinstance(value, ast.Call)
            and getattr(value.func, "id", None) == "require"
            and value.args
            and isinstance(value.args[0], ast.Attribute)
        ):
            return Role[value.args[0].attr]
    return Role.VIEWER


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
    every_page = sorted(PAGES.glob("*.py"))
    # Only the sign-in page, and a stop, while nobody is signed in; it keeps a bookmark's
    # address.
    actor = sign_in_gate([_address(p) for p in every_page[1:]])
    # Pages the user's role cannot use are left out of the menu; each page checks again.
    pages = [p for p in every_page if role_of(actor).rank >= _required_role(p).rank]
    in_app()
    navigation = st.navigation(
        [
            st.Page(p, title=_title(p), url_path=_address(p), default=i == 0)
            for i, p in enumerate(pages)
        ]
    )
    st.sidebar.markdown("**Löfteskartan** – medborgarlöften på kartan")
    show_signed_in(actor)
    navigation.run()


st.set_page_config(page_title="Löfteskartan", page_icon="🗺️", layout="wide")
_refuse_foreign_host()
try:
    _main()
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
