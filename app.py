"""Löfteskartan: the entry point. Sign-in, navigation and the shared sidebar."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import streamlit as st

from geo.access import Role, role_of
from ui.auth import show_signed_in, sign_in_gate
from ui.entry import in_app

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


st.set_page_config(page_title="Löfteskartan", page_icon="🗺️", layout="wide")
every_page = sorted(PAGES.glob("*.py"))
# Only the sign-in page, and a stop, while nobody is signed in; it keeps a bookmark's address.
actor = sign_in_gate([_address(p) for p in every_page[1:]])
# Pages the user's role cannot use are left out of the menu; each page checks again.
pages = [p for p in every_page if role_of(actor).rank >= _required_role(p).rank]
in_app()
navigation = st.navigation(
    [st.Page(p, title=_title(p), url_path=_address(p), default=i == 0) for i, p in enumerate(pages)]
)
st.sidebar.markdown("**Löfteskartan** – medborgarlöften på kartan")
show_signed_in(actor)
navigation.run()
