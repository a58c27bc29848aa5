"""Fields in a tab or panel that runs only while open, and their values while it is closed."""

from __future__ import annotations

from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")


class KeptFields:
    """The fields whose keys start with `prefix`, and their last values.

    A tab or panel that runs only while open (`on_change="rerun"`) draws no field while it is
    closed, and Streamlit forgets a field's value in a run that does not draw it. `keep` saves
    every field's value under `<prefix>kept`; it must be
    - every field's `on_change` (`**field(name)` gives a field its key and this): Streamlit
      calls it before the script runs, so a value typed just before the tab or panel is
      closed is kept. The field commits its value when the user leaves it, and the click
      that closes comes in the same run, which draws no field;
    - called once after the fields are drawn, for the values they started with.

    The fields get their values back as their defaults (`value`), which a keyed field takes
    only when it is new, that is when the tab or panel opens again. Setting them in Session
    State instead showed the defaults in the browser, a run too early, or logged a warning in
    the run that draws them.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._kept = f"{prefix}kept"

    def key(self, name: str) -> str:
        """The widget key of the field `name`."""
        return f"{self.prefix}{name}"

    def field(self, name: str) -> dict[str, Any]:
        """The widget arguments of the field `name`: its key, and `keep` as its `on_change`
        (without it a value typed just before the panel closes is lost)."""
        return {"key": self.key(name), "on_change": self.keep}

    def value(self, name: str, default: T) -> T:
        """The field's kept value, or `default` before it has one."""
        kept: dict[str, Any] = st.session_state.get(self._kept, {})
        return kept.get(name, default)  # type: ignore[no-any-return]

    def keep(self) -> None:
        """Save the value of every field drawn or just changed (see the class)."""
        kept = dict(st.session_state.get(self._kept, {}))
        for key in list(st.session_state.keys()):
            if isinstance(key, str) and key.startswith(self.prefix) and key != self._kept:
                kept[key.removeprefix(self.prefix)] = st.session_state[key]
        st.session_state[self._kept] = kept
