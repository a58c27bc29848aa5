"""Karta's layers kept between runs until the data changes (Streamlit's cache, keyed by the
store's stamp)."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from geo.records.models import Actor
from geo.records.promise import PromiseDocument
from geo.spatial.layers import BaseLayers, MapData, load_map_data
from ui.state import current_actor, get_store

# What Karta's layers depend on: the database, who looks, the data's stamp, the promise and
# the period (`ui.map_render.show_kept_map` keeps the rendered map page under it too).
MapKey = tuple[str, Actor, str, str, datetime, datetime]


def map_data(
    doc: PromiseDocument, start: datetime, end: datetime, base: BaseLayers
) -> tuple[MapData, MapKey]:
    """`load_map_data` once per change of the data, with the key it was kept under.

    Counting and grouping the activities cost 0.38 s of Karta's 0.46 s warm run at 100,000
    activities, on every run (a layer switched, the page visited again).
    """
    store, actor = get_store(), current_actor()
    with store.session(actor) as s:
        stamp = s.activities_stamp()  # moves with every write: activities, places, layers
    key = (store.url, actor, stamp, doc.id, start, end)
    return _map_data(*key, doc, base), key


@st.cache_data(max_entries=8, show_spinner=False)
def _map_data(
    url: str,
    actor: Actor,
    stamp: str,
    document_id: str,
    start: datetime,
    end: datetime,
    _doc: PromiseDocument,
    _base: BaseLayers,
) -> MapData:
    """`load_map_data` cached on its key (url, stamp and the promise's id only make the key).

    The actor is part of the key: what the layers hold depends on who looks (sekretess).
    The base layers follow the stamp too (storing one is a write).
    """
    del url, stamp, document_id
    with get_store().session(actor) as s:
        return load_map_data(s, _doc, start, end, _base)
