"""A folium map shown with st_folium, rendered once per key instead of on every run.

st_folium renders the whole map on every run (a Jinja template per layer, twice, the script
rewritten with regular expressions, every GeoJSON feature encoded) before it hands the result
to its Streamlit component. For Karta at 100,000 activities (451 counted markers, 254 kB of
script) that was 45–60 ms a run on a quiet machine and 0.1–0.45 s in a served app while the
browser fetched the page's code in parallel: the map's frame waited for it
(benchmarks/README.md, issue 16). What st_folium sends depends only on the map, so a map
built for the same key is sent again as it was made: the same script, frame and
accessible names, only without building it.

How: streamlit-folium calls its component through the module-level `_component_func`. We
put a function there that, in a thread that is rendering a map to keep it, records the
arguments instead of sending them, and otherwise sends as before. Each session's script
runs in its own thread, so another session's map is never caught. Without that name (a
future streamlit-folium) the map is rendered on every run, as st_folium does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import folium
import streamlit as st
import streamlit_folium
from streamlit_folium import st_folium

_SHOWN = getattr(streamlit_folium, "_component_func", None)
_OURS = "_lofteskartan_kept"
_recording = threading.local()


def _component(**kwargs: Any) -> Any:
    """The component's arguments kept when this thread is recording, sent otherwise."""
    kept: list[dict[str, Any]] | None = getattr(_recording, "kept", None)
    if kept is not None:
        kept.append(kwargs)
        return None
    return _SHOWN(**kwargs)  # type: ignore[misc]


if _SHOWN is not None:
    # A module reloaded by Streamlit's file watcher finds our own function there already.
    _SHOWN = getattr(_SHOWN, _OURS, _SHOWN)
    setattr(_component, _OURS, _SHOWN)
    streamlit_folium._component_func = _component


@st.cache_resource(max_entries=16, show_spinner=False)
def _rendered(
    kept_as: Hashable, options: dict[str, Any], _build: Callable[[], folium.Map]
) -> dict[str, Any]:
    """What st_folium sends for the map `_build()` makes with `options`.

    `kept_as` must hold everything the map shows; `_build` is not part of the cache key.
    """
    kept: list[dict[str, Any]] = []
    _recording.kept = kept
    try:
        st_folium(_build(), **options)
    finally:
        _recording.kept = None
    (arguments,) = kept
    return arguments


def kept_st_folium(kept_as: Hashable, build: Callable[[], folium.Map], **options: Any) -> Any:
    """`st_folium(build(), **options)`, with the rendered map kept for the next run.

    `kept_as` must change whenever the map would: the database, who looks (sekretess), the
    data's stamp, the promise, the period, the background map. Returns what st_folium
    returns.
    """
    if _SHOWN is None:
        return st_folium(build(), **options)
    return _SHOWN(**_rendered(kept_as, options, build))
