"""A map the planner draws or clicks on, drawn as a page of its own in a frame that hands the
drawing or the click back.

Platser's drawing map went through st_folium. Its frame first loads streamlit-folium's own
code (a React bundle), then the map's scripts one after another, and only then runs the map:
on two cores that made Platser the slowest page (1.30–1.34× the trivial page, issue 16).
Here the map is one HTML page in a frame, as `ui.map_render`'s maps are: the browser fetches
Leaflet and Leaflet.draw side by side while it reads the page and draws the map at once.
Platser went from 1.25× to 1.13× the trivial page (benchmarks/README.md).

Logga's map for a finding's position went through st_folium too; it is such a page now, and
st_folium is used nowhere in the app.

How the drawing or the click gets back to Python:

* `ReportDrawings`, a few lines in the map's page, fires an event on the frame element each
  time a shape is drawn, edited or deleted, or a stored place is clicked. The value has
  st_folium's shape (`all_drawings`, `last_active_drawing`), so `ui.place_payloads` reads it
  as before. `ReportClicks` does the same for a click anywhere on the map (`last_clicked`).
* `_FRAME`, a Streamlit component (v2: its script runs in Streamlit's page, with no frame or
  code bundle of its own), puts the frame on the page and passes each event's value to
  Python as its state `reported`; that reruns the page with the `on_change` callback first.
  (Named `value`, the state never reached the page's run in Streamlit 1.67: Platser's
  browser tests saw no drawing.)

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
INPUT_EVENT = "lofteskartan:map-input"
# The ring on a position the planner chose (by a click, or by keyboard on Platser).
CHOSEN_COLOUR = "#000000"

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
// The ring on the position Python has chosen (`data.ring`: [lat, lng], or null for none),
// moved in the map that is there: typed on the keyboard, it appears without a new frame.
function placeRing(frame) {
  const show = frame.contentWindow && frame.contentWindow.lofteskartanRing;
  if (show) show(frame.latest.ring);
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const { frame, made } = ownFrame(
    parentElement, data, data.kept_as, __EVENT__, (f, value) => f.sendValue(value));
  // The latest run's data and setter: the listeners outlive the run that made them.
  frame.latest = data;
  frame.sendValue = (value) => setStateValue("reported", value);
  if (made) {
    frame.addEventListener("load", () => { frame.loaded = true; placeRing(frame); });
    frame.srcdoc = data.page;
    parentElement.appendChild(frame);
  } else if (frame.loaded) {
    placeRing(frame);
  }
}
""".replace("__EVENT__", json.dumps(INPUT_EVENT))
)
_FRAME = st.components.v2.component("lofteskartan_input_map", js=_JS, isolate_styles=False)


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
        self.event = INPUT_EVENT


class ReportClicks(MacroElement):
    """In the map's page: tell the frame where the map was clicked (`last_clicked`, WGS 84),
    and ring the spot at once, as the keyboard's chosen position is ringed on Platser.

    `lofteskartanRing([lat, lng] or null)` moves the ring from outside (`show_input_map`'s
    `ring`), and brings it into view.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var ring = null;
            function put(latlng) {
                if (!latlng) {
                    if (ring) { ring.remove(); ring = null; }
                    return;
                }
                if (ring) { ring.setLatLng(latlng); }
                else {
                    ring = L.circleMarker(latlng, {radius: 9, color: {{ this.colour|tojson }},
                        weight: 3, fill: false, interactive: false}).addTo(map);
                }
            }
            window.lofteskartanRing = function (at) {
                put(at);
                if (at && !map.getBounds().contains(at)) { map.panTo(at); }
            };
            map.on("click", function (e) {
                put(e.latlng);
                if (!window.frameElement) { return; }
                // `at`: a click on the same spot again is news too (after a typed position).
                var value = {last_clicked: {lat: e.latlng.lat, lng: e.latlng.lng}, at: Date.now()};
                window.frameElement.dispatchEvent(
                    new CustomEvent({{ this.event|tojson }}, {detail: value}));
            });
        })();
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ReportClicks"
        self.colour = CHOSEN_COLOUR
        self.event = INPUT_EVENT


def show_input_map(
    kept_as: Hashable,
    build: Callable[[], folium.Map],
    *,
    key: str,
    name: str,
    height: int,
    on_change: Callable[[], None] | None = None,
    ring: tuple[float, float] | None = None,
) -> None:
    """Draw the map `build()` makes (with `ReportDrawings` or `ReportClicks` in it), `height`
    pixels high.

    `kept_as` must change whenever the map would (the tool, the place in focus, the stored
    places); the frame, and what is drawn in it, stays until it does. `name` is the frame's
    accessible name ("Karta: Platser"). Something drawn or clicked reruns the page, with
    `on_change` first if given; `input_value(key)` then holds the value. `ring` (lat, lon)
    is the position chosen now, ringed on a map with `ReportClicks`.
    """
    page = kept_page(kept_as, build, name)
    _FRAME(
        key=key,
        data={
            "kept_as": _digest(kept_as),
            "page": page,
            "name": name,
            "height": height,
            "ring": list(ring) if ring else None,
        },
        height=height,
        on_reported_change=on_change or read_where_drawn,
    )


def read_where_drawn() -> None:
    """No callback: the page reads a component's value where it draws the component (a
    component's state needs a callback to exist). The map here and the calendar use it."""


def _digest(kept_as: Hashable) -> str:
    """A short stand-in for `kept_as` that the browser compares between runs."""
    return hashlib.sha256(repr(kept_as).encode()).hexdigest()[:16]


def input_value(key: str) -> dict[str, Any]:
    """What the map under `key` reported last (st_folium's shape), or {} before anything."""
    state = st.session_state.get(key) or {}
    value = state.get("reported") if hasattr(state, "get") else None
    return value if isinstance(value, dict) else {}
