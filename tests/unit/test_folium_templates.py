"""Maps drawn with one compiled template per source text are the same maps, made faster."""

from __future__ import annotations

import re

import branca.element
import folium
import folium.features
import jinja2
import pytest
from folium.template import Template as FoliumTemplate

from ui.folium_templates import compile_templates_once

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"namn": "Torget"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[14.8, 57.8], [14.81, 57.8], [14.81, 57.81], [14.8, 57.8]]],
            },
        }
    ],
}


def _map_html() -> str:
    """A map with the elements Karta uses: a layer control, GeoJSON with a tooltip, a marker."""
    m = folium.Map(location=[57.8, 14.8], zoom_start=12, tiles=None)
    layer = folium.FeatureGroup(name="Platser").add_to(m)
    folium.GeoJson(SQUARE, tooltip=folium.GeoJsonTooltip(["namn"])).add_to(layer)
    folium.CircleMarker([57.8, 14.8], radius=5).add_to(layer)
    folium.LayerControl().add_to(m)
    # Element ids are random; the rest of the page is what a browser runs.
    return re.sub(r"[0-9a-f]{32}", "ID", m.get_root().render())


@pytest.fixture
def plain_folium(monkeypatch: pytest.MonkeyPatch) -> None:
    """Undo the sharing after the test, so other tests see folium as shipped."""
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    monkeypatch.setattr(folium.features, "Template", FoliumTemplate)
    monkeypatch.delattr(branca.element, "_lofteskartan_templates_once", raising=False)


def test_a_map_drawn_with_shared_templates_is_the_same_page(plain_folium: None) -> None:
    shipped = _map_html()
    compile_templates_once()
    assert _map_html() == shipped
    assert _map_html() == shipped  # and again, from the kept templates


def test_each_template_text_is_compiled_once(plain_folium: None) -> None:
    compile_templates_once()
    compile_templates_once()  # twice is the same as once
    text = "<b>{{ this.name }}</b>"
    assert branca.element.Template(text) is branca.element.Template(text)
    assert folium.features.Template(text) is folium.features.Template(text)
    assert isinstance(folium.features.Template(text), FoliumTemplate)
    assert branca.element.Template(text) is not branca.element.Template(text + " ")
