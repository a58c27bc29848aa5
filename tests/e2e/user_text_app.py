"""A page that shows hostile texts through ui.text in every kind of element (browser test).

Run by tests/e2e/test_xss.py::test_plain_and_plain_label_show_hostile_text_literally:
what Streamlit's renderer really makes of `plain()` and `plain_label()`.
"""

from __future__ import annotations

import streamlit as st

from tests.hostile_text import HOSTILE
from ui.text import plain, plain_label

st.markdown(f"- {plain(HOSTILE)}")
st.caption(plain(HOSTILE))
st.info(plain(HOSTILE))
st.subheader(plain(HOSTILE))
with st.expander(plain(HOSTILE)):
    st.write("innehåll")
st.metric(plain(HOSTILE), plain(HOSTILE))
st.radio("Val", [HOSTILE], format_func=plain, key="radio")
st.number_input(plain_label(HOSTILE), key="number")
st.checkbox(plain_label(HOSTILE), key="checkbox")
st.text_input(plain_label(HOSTILE), key="text")
st.selectbox(plain_label(HOSTILE), ["a"], key="select")
st.number_input(plain_label("Värde (%)"), key="readable")
st.text("KLART")
