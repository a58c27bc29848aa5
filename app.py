"""Löfteskartan: the entry point. Navigation and the shared sidebar; each screen is a page."""

from __future__ import annotations

import ast
from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"


def _title(page: Path) -> str:
    """A page's menu title is the first words of its docstring, up to the colon."""
    doc = ast.get_docstring(ast.parse(page.read_text(encoding="utf-8"))) or page.stem
    return doc.split(":", 1)[0].strip()


st.set_page_config(page_title="Löfteskartan", page_icon="🗺️", layout="wide")
navigation = st.navigation(
    [st.Page(p, title=_title(p), default=i == 0) for i, p in enumerate(sorted(PAGES.glob("*.py")))]
)
st.sidebar.markdown("**Löfteskartan** – medborgarlöften på kartan")
navigation.run()
