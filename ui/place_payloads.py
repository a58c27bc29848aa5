"""What `st_folium` returns on the places page, read into places and shapes.

st_folium hands back plain JSON (`all_drawings`, `last_active_drawing`); these pure functions
turn it into what the page works with, so the click handling is tested without a browser
(tests/unit/test_place_payloads.py). The geometry rules stay in `geo.records.places`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.errors import ValidationError
from geo.records.models import Place
from geo.records.places import geometry_from_geojson


@dataclass(frozen=True)
class Drawing:
    """What is drawn on the map: the shape to use (EPSG:3006) and how many shapes there are.

    `source` names a position chosen by keyboard instead ("Aneby (Tätort)").
    """

    geometry: BaseGeometry | None
    count: int
    problem: str = ""
    source: str = ""


def drawn_shape(all_drawings: Sequence[Mapping[str, Any]] | None) -> Drawing:
    """The shape to use from st_folium's `all_drawings` (GeoJSON features in WGS 84).

    `all_drawings` is the truth about what is on the map (edits and deletes included). When
    several shapes are drawn, the last one is used and `count` tells the page to say so.
    """
    features = [f for f in (all_drawings or []) if isinstance(f, Mapping) and f.get("geometry")]
    if not features:
        return Drawing(None, 0)
    try:
        geom = geometry_from_geojson(features[-1]["geometry"])
    except ValidationError as exc:
        return Drawing(None, len(features), f"Den ritade formen: {exc}")
    return Drawing(geom, len(features))


def clicked_place(feature: Mapping[str, Any] | None, places: Iterable[Place]) -> Place | None:
    """The stored place a click on the map chose, or None.

    Parameters
    ----------
    feature
        st_folium's `last_active_drawing`: the GeoJSON of the shape last clicked or drawn.
        Stored places carry their database id in their properties (see
        `geo.spatial.layers.place_collections`); a shape just drawn, a base layer (kommun, tätort)
        or anything else has none.
    places
        The places the page knows. A retired place is not on the map, so it is never chosen
        by a click, even if an old map still sends its id.

    Returns
    -------
    Place or None
        The active place whose id the clicked feature carries.
    """
    if not isinstance(feature, Mapping):
        return None
    properties = feature.get("properties")
    place_id = properties.get("id") if isinstance(properties, Mapping) else None
    # JSON true is an int in Python; only a real integer id names a place.
    if not isinstance(place_id, int) or isinstance(place_id, bool):
        return None
    return next((p for p in places if p.id == place_id and not p.is_retired), None)
