"""Base layers prepared for the map, kept between runs until a layer is added or replaced.

An imported building or road layer takes seconds to read and cut for the map
(benchmarks/base_layer_map.py); every map page would pay that on every rerun, and the
places page reruns on every drawing. The prepared layers are kept per database and kommun,
keyed by the store's cheap `base_layer_stamp()`.
"""

from __future__ import annotations

import streamlit as st

from geo.spatial.layers import BaseLayers, load_base_layers
from ui.state import _store, current_actor, get_store


@st.cache_data(show_spinner="Läser baslager …", max_entries=16)
def _prepared(url: str, kommunkod: str, stamp: tuple[tuple[str, int, int], ...]) -> BaseLayers:
    """Read and cut the layers once per (database, kommun, stamp)."""
    del stamp  # only part of the cache key
    with _store(url).session(current_actor()) as s:
        return load_base_layers(s, kommunkod)


def base_layers(kommunkod: str) -> BaseLayers:
    """The kommun's base layers for the map, read again only when one has changed."""
    store = get_store()
    with store.session(current_actor()) as s:
        stamp = s.base_layer_stamp()
    return _prepared(store.url, kommunkod, stamp)
