"""A map the planner draws on, drawn as a page of its own in a frame that hands the drawing back.

Platser's drawing map went through st_folium. Its frame first loads streamlit-folium's own
code (a React bundle), then the map's scripts one after another, and only then runs the map:
on two cores that made Platser the slowest page (1.30–1.34× the trivial page, issue 16).
Here the map is one HTML page in a frame, as `ui.map_render`'s maps are: the browser fetches
Leaflet and Leaflet.draw side by side while it reads the page and draws the map at once.
Platser went from 1.25× to 1.13× the trivial page (benchmarks/README.md).

How the drawing gets back to Python:

* `ReportDrawings`, a few lines in the map's page, fires an event on the frame element each
  time a shape is drawn, edited or deleted, or a stored place is clicked. The value has
  st_folium's shape (`all_drawings`, `last_active_drawing`), so `ui.place_payloads` reads it
  as before.
* `_FRAME`, a Streamlit component (v2: its script runs in Streamlit's page, with no frame or
  code bundle of its own), puts the frame on the page and passes each event's value to
  Python as its state `drawing`; that reruns the page with the `on_change` callback first.

The frame is replaced only when `kept_as` changes, never on a rerun with the same map: a new
frame is a new map, which loses what was drawn and the view.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable
from typing import Any

import folium
import folium.plugins
import streamlit as st
from branca.element import MacroElement, Template

from ui.map_render import kept_page

# The event the map's page fires on its frame element (same origin: a `srcdoc` frame).
DRAWING_EVENT = "lofteskartan:drawing"

# The frame of a component of ours, written as a page (`srcdoc`): made when `identity` is
# new, kept while it stays the same; titled, full width and `height` high; `onEvent` gets
# each `eventName` the page fires on it. The caller adds its own listeners and then writes
# `data.page` into a frame it got new (`made`). Prepended to each component's script.
FRAME_SCRIPT = """
function ownFrame(parentElement, data, identity, eventName, onEvent) {
  let frame = parentElement.querySelector("iframe");
  if (frame && frame.dataset.identity === identity) return { frame, made: false };
  if (frame) frame.remove();
  frame = document.createElement("iframe");
  frame.dataset.identity = identity;
  frame.title = data.name;
  frame.style.cssText = "width: 100%; border: 0; display: block";
  frame.height = String(data.height);
  frame.addEventListener(eventName, (e) => onEvent(frame, e.detail));
  return { frame, made: true };
}
"""

_JS = (
    FRAME_SCRIPT
    + """
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const { frame, made } = ownFrame(
    parentElement, data, data.kept_as, __EVENT__, (f, value) => f.sendDrawing(value));
  if (made) {
    frame.srcdoc = data.page;
    parentElement.appendChild(frame);
  }
  // The latest run's setter: the event listener above outlives the run that made it.
  frame.sendDrawing = (value) => setStateValue("drawing", value);
}
""".replace("__EVENT__", json.dumps(DRAWING_EVENT))
)
_FRAME = st.components.v2.component("lofteskartan_drawing_map", js=_JS, isolate_styles=False)


class ReportDrawings(MacroElement):
    """In the map's page: tell the frame what is drawn, and which stored place was clicked.

    `all_drawings` is everything Leaflet.draw holds now (edits and deletes included);
    `last_active_drawing` is the shape just drawn or the stored place just clicked (its
    GeoJSON feature, whose properties carry the place's id).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var drawn = drawnItems_{{ this.draw.get_name() }};
            function send(last) {
                if (!window.frameElement) { return; }
                var value = {all_drawings: drawn.toGeoJSON().features, last_active_drawing: last};
                window.frameElement.dispatchEvent(
                    new CustomEvent({{ this.event|tojson }}, {detail: value}));
            }
            map.on(L.Draw.Event.CREATED, function (e) { send(e.layer.toGeoJSON()); });
            map.on(L.Draw.Event.EDITED, function () { send(null); });
            map.on(L.Draw.Event.DELETED, function () { send(null); });
            {{ this.clickable.get_name() }}.on("click", function (e) {
                var layer = e.propagatedFrom || e.layer;
                if (layer && layer.feature) { send(layer.feature); }
            });
        })();
        {% endmacro %}"""
    )

    def __init__(self, draw: folium.plugins.Draw, clickable: folium.FeatureGroup) -> None:
        super().__init__()
        self._name = "ReportDrawings"
        self.draw = draw
        self.clickable = clickable
        self.event = DRAWING_EVENT


def show_drawing_map(
    kept_as: Hashable,
    build: Callable[[], folium.Map],
    *,
    key: str,
    name: str,
    height: int,
    on_change: Callable[[], None],
) -> None:
    """Draw the map `build()` makes (with `ReportDrawings` in it), `height` pixels high.

    `kept_as` must change whenever the map would (the tool, the place in focus, the stored
    places); the frame, and what is drawn in it, stays until it does. `name` is the frame's
    accessible name ("Karta: Platser"). `on_change` runs before the page when something is
    drawn or clicked; `drawing_value(key)` then holds the value.
    """
    page = kept_page(kept_as, build, name)
    _FRAME(
        key=key,
        data={"kept_as": _digest(kept_as), "page": page, "name": name, "height": height},
        height=height,
        on_drawing_change=on_change,
    )


def _digest(kept_as: Hashable) -> str:
    """A short stand-in for `kept_as` that the browser compares between runs."""
    return hashlib.sha256(repr(kept_as).encode()).hexdigest()[:16]


def drawing_value(key: str) -> dict[str, Any]:
    """What the map under `key` reported last (st_folium's shape), or {} before anything."""
    state = st.session_state.get(key) or {}
    value = state.get("drawing") if hasattr(state, "get") else None
    return value if isinstance(value, dict) else {}
