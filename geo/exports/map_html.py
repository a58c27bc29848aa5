"""The map as ONE self-contained HTML file that opens offline on another computer.

Leaflet's JavaScript and CSS (vendored in static/leaflet/) are written into the file, with
the CSS's images as data: URIs, so the file fetches nothing to draw. The layers come from an
`ExportData` only (see geo.disclosure.audience): a public file is made from the public data set, so
nothing withheld is hidden in its source. Online map tiles (OpenStreetMap) are an optional
background; offline they simply fail and the vector layers draw regardless.

The data travels as JSON in a `<script type="application/json">` element (with `<`, `>` and
`&` escaped, so no text can end the element), and every label is put on the page as text
(`textContent`), never as HTML.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geo.disclosure.activity_rows import activity_extent, activity_spots
from geo.disclosure.audience import Audience
from geo.disclosure.rows import ExportData
from geo.exports.map_style import (
    DENSITY_TITLE,
    FINDING_COLOUR,
    KOMMUN_COLOUR,
    NEIGHBOUR_COLOUR,
    PLACE_COLOURS,
    PLACE_SYMBOLS,
    TATORT_COLOUR,
    PlaceSymbol,
    activity_colour,
    density_classes,
    kinds_in_order,
    shape_marker_script,
    symbol_svg,
)
from geo.records.models import PlaceKind
from geo.spatial.activity_groups import group_activities
from geo.spatial.crs import to_wgs84
from geo.spatial.layers import bounds_of, group_collections
from geo.swedish import date_range, stamp

STATIC = Path(__file__).resolve().parents[2] / "static"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap-bidragsgivare"
# ~10 cm: enough for any map, and no false precision in the file.
PRECISION_DEG = 1e-6

Feature = dict[str, Any]


def _feature(geom: BaseGeometry, props: Mapping[str, Any]) -> Feature:
    """One GeoJSON feature in WGS 84 (the only place exported geometry leaves EPSG:3006)."""
    wgs = shapely.set_precision(to_wgs84(geom), PRECISION_DEG)
    return {"type": "Feature", "geometry": shapely.geometry.mapping(wgs), "properties": dict(props)}


def _layer(
    name: str,
    features: list[Feature],
    colour: str,
    shape: str,
    show: bool = True,
    style: Mapping[str, Any] | None = None,
    radius: int = 6,
    symbol: PlaceSymbol | None = None,
) -> dict[str, Any]:
    """A layer spec for the page script: GeoJSON, style, legend swatch.

    A kind of place brings its `symbol`: its marker shape and dashes, and the same swatch
    in the legend as on the app's maps.
    """
    return {
        "name": name,
        "show": show,
        "legend": {
            "colour": colour,
            "shape": shape,
            "svg": symbol_svg(symbol.colour, symbol.shape, symbol.dash) if symbol else None,
        },
        "style": {
            "color": colour,
            "weight": 3,
            "fillOpacity": 0.2,
            **({"dashArray": symbol.dash} if symbol and symbol.dash else {}),
            **(style or {}),
        },
        "point": {
            "radius": radius + 1 if symbol else radius,
            "color": "#ffffff",
            "weight": 1,
            "fillColor": colour,
            "fillOpacity": 0.9,
            **({"className": symbol.css_class} if symbol else {}),
        },
        "data": {"type": "FeatureCollection", "features": features},
    }


def _labelled_base(
    data: ExportData, name: str, colour: str, shape: str, **options: Any
) -> list[dict[str, Any]]:
    """The base layer called `name` (if shipped), each feature labelled with its own name."""
    return [
        _layer(
            base.title,
            [_feature(g, {"label": label}) for label, g in base.features],
            colour,
            shape,
            **options,
        )
        for base in data.base
        if base.name == name
    ]


def _shape_of(kind: PlaceKind) -> str:
    return {"Point": "point", "Polygon": "area", "LineString": "line"}[kind.geometry_type]


def map_layers(data: ExportData) -> list[dict[str, Any]]:
    """The map's layers, bottom to top, from the audience's data set only."""
    layers: list[dict[str, Any]] = []
    layers += _labelled_base(
        data,
        "lanets_kommuner",
        NEIGHBOUR_COLOUR,
        "area",
        style={"weight": 1, "fillOpacity": 0.03, "dashArray": "4"},
    )
    for base in data.base:
        if base.name.startswith("kommun_"):
            layers.append(
                _layer(
                    base.title,
                    [_feature(g, {"label": base.title}) for _, g in base.features],
                    KOMMUN_COLOUR,
                    "line",
                    style={"fill": False},
                )
            )
    if data.cells:
        classes = density_classes(data)
        cells = [
            _feature(
                c.geometry,
                {
                    "label": f"{c.count} genomförda aktiviteter i rutan",
                    "fill": classes.colour_of(c.count),
                },
            )
            for c in data.cells
        ]
        layers.append(
            _layer(
                DENSITY_TITLE,
                cells,
                classes.colours[-1],
                "area",
                show=data.audience is Audience.PUBLIC,
                style={"color": "#7f2704", "weight": 0.5, "fillOpacity": 0.65},
            )
        )
    order = [PlaceKind.CENTRAL_AREA, PlaceKind.WALK_ROUTE] + [
        k for k in PlaceKind if k not in (PlaceKind.CENTRAL_AREA, PlaceKind.WALK_ROUTE)
    ]
    for kind in order:
        features = [
            _feature(p.geometry, {"label": f"{p.name} ({kind.label})"})
            for p in data.places
            if p.kind is kind and not p.retired
        ]
        if features:
            layers.append(
                _layer(
                    f"Platser: {kind.label}",
                    features,
                    PLACE_COLOURS[kind],
                    _shape_of(kind),
                    symbol=PLACE_SYMBOLS[kind],
                )
            )
    layers += _labelled_base(data, "tatorter", TATORT_COLOUR, "point", radius=4)
    layers += _activity_layers(data)
    findings = [
        _feature(f.geometry, {"label": f"Iakttagelse: {f.category} ({f.status.value})"})
        for f in data.findings
        if f.geometry is not None
    ]
    if findings:
        layers.append(
            _layer(
                "Iakttagelser från trygghetsvandringar", findings, FINDING_COLOUR, "point", radius=5
            )
        )
    return layers


def _activity_layers(data: ExportData) -> list[dict[str, Any]]:
    """Genomfört per kind: a counted marker per place, and per grid square for activities
    at their own position, grouped as Karta groups them (one marker per activity made a
    14.7 MB file at 100,000 and 140 MB at a million)."""
    places = {p.id: p for p in data.places if p.id is not None}
    grouped = group_activities(activity_spots(data.activities), places)
    by_kind = group_collections(grouped.groups)
    return [
        _layer(
            f"Genomfört: {kind.label}",
            by_kind[kind]["features"],
            activity_colour(kind),
            "point",
            radius=5,
        )
        for kind in kinds_in_order(by_kind)
        if kind in by_kind
    ]


def _bounds(data: ExportData) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the promise's `område` when it has one, else
    the data (else the kommun), 500 m margin."""
    area = data.document.area
    geoms: list[BaseGeometry | None] = [p.geometry for p in data.places if not p.retired]
    geoms += [c.geometry for c in data.cells]
    geoms += activity_extent(data.activities)
    box = bounds_of([area.geometry] if area else geoms) or bounds_of([data.kommun_boundary])
    if box is None:
        return None
    return [[round(box.south, 5), round(box.west, 5)], [round(box.north, 5), round(box.east, 5)]]


def _json_for_script(value: Any) -> str:
    """JSON safe inside a <script> element: no `</script>`, no `<!--`, no `&` entity tricks."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _leaflet_css() -> str:
    """leaflet.css with its images inlined as data: URIs."""
    css = (STATIC / "leaflet" / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        path = STATIC / "leaflet" / match.group(1)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[^)]+\.png)\)", inline, css)


@cache
def _leaflet_js() -> str:
    """leaflet.js and our Swedish texts for it, guarded so they cannot end their script element."""
    js = (STATIC / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    # Swedish control texts and a metric-only scale: the same file the app's maps load.
    js += "\n" + (STATIC / "lofteskartan" / "leaflet-setup.js").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script")


def render_map_html(data: ExportData, tiles: bool = True) -> str:
    """The self-contained HTML page for an export's data set.

    Parameters
    ----------
    data : the audience's data set (geo.disclosure.audience.build_export_data).
    tiles : add OpenStreetMap tiles as a background layer (fetched only when online).

    Returns
    -------
    The HTML text (UTF-8), with Leaflet inside and the audience and time on its face.
    """
    doc = data.document
    attributions = list(data.attributions)
    config = {
        "bounds": _bounds(data),
        "layers": map_layers(data),
        "tiles": {"url": OSM_TILES, "attribution": OSM_ATTRIBUTION} if tiles else None,
        "attribution": " · ".join([*attributions, "Platser och aktiviteter: Löfteskartan"]),
        "density": {
            "title": DENSITY_TITLE,
            "note": _density_note(data),
            "classes": [
                {"label": label, "colour": colour} for label, colour in density_classes(data).legend
            ],
        }
        if data.cells
        else None,
    }
    title = f"{doc.title} – karta"
    period = date_range(data.period.start, data.period.end)
    badge = "public" if data.audience is Audience.PUBLIC else "internal"
    example = (
        '<p class="example">Innehåller exempeldata: påhittade platser och aktiviteter.</p>'
        if data.has_example_data
        else ""
    )
    return _PAGE.format(
        title=html.escape(title),
        heading=html.escape(title),
        kommun=html.escape(f"{doc.kommun_name} och {doc.police_area}"),
        period=html.escape(f"Period: {period}"),
        badge=badge,
        notice=html.escape(data.audience.notice),
        made=html.escape(f"Skapad {stamp(data.made_at)}"),
        audience=data.audience.value,
        example=example,
        css=_leaflet_css(),
        leaflet=_leaflet_js(),
        config=_json_for_script(config),
        script=shape_marker_script() + _SCRIPT,
    )


def _density_note(data: ExportData) -> str:
    """What the density layer shows, in one sentence for the legend."""
    size = f"{data.rules.cell_size_m:g}".replace(".", ",")
    shape = "rutor" if data.rules.grid.value == "ruta" else "hexagoner"
    if data.audience is Audience.PUBLIC:
        return (
            f"Öppna aktiviteter räknade i {shape} om {size} m. "
            f"Rutor med färre än {data.rules.min_count} visas inte."
        )
    return f"Alla aktiviteter räknade i {shape} om {size} m."


def layer_names(data: ExportData) -> Iterable[str]:
    """The names in the map's layer list (for tests and the page)."""
    return [spec["name"] for spec in map_layers(data)]


_SCRIPT = """
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("lofteskartan-data").textContent);
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }
  function escaped(value) { return text("span", value).innerHTML; }
  var map = L.map("map", { maxZoom: 19, zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution(escaped(cfg.attribution));
  L.control.scale({ imperial: false }).addTo(map);
  var overlays = {};
  if (cfg.tiles) {
    var tiles = L.tileLayer(cfg.tiles.url, {
      maxZoom: 19, attribution: escaped(cfg.tiles.attribution), errorTileUrl: ""
    });
    tiles.addTo(map);
    overlays[escaped("Bakgrundskarta (OpenStreetMap, kräver internet)")] = tiles;
  }
  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "legend");
    box.appendChild(text("strong", "Teckenförklaring"));
    cfg.layers.forEach(function (spec) {
      var row = L.DomUtil.create("div", "legend-row", box);
      if (spec.legend.svg) {
        // Our own SVG (geo.exports.map_style.symbol_svg), never user text.
        row.appendChild(text("span", "", "symbol")).innerHTML = spec.legend.svg;
      } else {
        row.appendChild(text("span", "", "swatch " + spec.legend.shape)).style.background =
          spec.legend.shape === "line" ? "transparent" : spec.legend.colour;
        row.lastChild.style.borderColor = spec.legend.colour;
      }
      row.appendChild(text("span", spec.name));
    });
    if (cfg.density) {
      box.appendChild(text("strong", cfg.density.title));
      cfg.density.classes.forEach(function (cls) {
        var row = L.DomUtil.create("div", "legend-row", box);
        row.appendChild(text("span", "", "swatch area")).style.background = cls.colour;
        row.appendChild(text("span", cls.label));
      });
      box.appendChild(text("div", cfg.density.note, "legend-note"));
    }
    return box;
  };
  cfg.layers.forEach(function (spec) {
    var layer = L.geoJSON(spec.data, {
      style: function (feature) {
        var style = Object.assign({}, spec.style);
        if (feature.properties.fill) { style.fillColor = feature.properties.fill; }
        return style;
      },
      pointToLayer: function (feature, latlng) {
        // A counted marker grows with the logarithm of its count (1 → 5 px, 1,000 → 11 px).
        var point = Object.assign({}, spec.point);
        if (feature.properties.count) {
          point.radius += 2 * Math.log10(feature.properties.count);
        }
        return L.circleMarker(latlng, point);
      },
      onEachFeature: function (feature, item) {
        if (feature.properties.label) { item.bindTooltip(text("span", feature.properties.label)); }
      }
    });
    if (spec.show) { layer.addTo(map); }
    overlays[escaped(spec.name)] = layer;
  });
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  legend.addTo(map);
  if (cfg.bounds) { map.fitBounds(cfg.bounds); } else { map.setView([62, 15], 5); }
  document.body.setAttribute("data-ready", "1");
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="sv" data-audience="{audience}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<!-- Leaflet 1.9.3 (BSD-2-Clause, (c) Vladimir Agafonkin, CloudMade) is included below so the
     map opens without internet. Made by Löfteskartan. -->
<style>
{css}
</style>
<style>
html, body {{ margin: 0; height: 100%; font-family: "DejaVu Sans", Arial, sans-serif; }}
body {{ display: flex; flex-direction: column; }}
header {{ padding: 8px 14px; border-bottom: 1px solid #ccc; background: #fafafa; }}
header h1 {{ font-size: 20px; margin: 0 0 4px 0; }}
header p {{ margin: 2px 0; font-size: 14px; }}
.badge {{ display: inline-block; padding: 3px 8px; font-weight: bold; border-radius: 3px;
  color: #fff; font-size: 13px; }}
.badge.internal {{ background: #b2182b; }}
.badge.public {{ background: #1b7837; }}
.example {{ color: #8a4b00; }}
#map {{ flex: 1; min-height: 400px; background: #eef2f0; }}
.legend {{ background: rgba(255,255,255,0.92); padding: 8px 10px; font-size: 12px;
  line-height: 18px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
  max-width: 280px; }}
.legend strong {{ display: block; margin: 4px 0 2px 0; }}
.legend-note {{ color: #444; margin-top: 2px; }}
.swatch {{ display: inline-block; width: 14px; height: 10px; margin-right: 6px;
  vertical-align: middle; border: 2px solid; box-sizing: border-box; }}
.swatch.point {{ width: 10px; border-radius: 50%; border-color: #fff !important; }}
.swatch.line {{ height: 4px; border-width: 2px 0 0 0; }}
.symbol {{ display: inline-block; margin-right: 4px; vertical-align: middle; }}
.symbol svg {{ display: block; }}
</style>
</head>
<body>
<header>
<h1>{heading}</h1>
<p>{kommun}</p>
<p>{period} · {made}</p>
<p><span class="badge {badge}" id="audience">{notice}</span></p>
{example}
</header>
<div id="map"></div>
<script type="application/json" id="lofteskartan-data">{config}</script>
<script>
{leaflet}
</script>
<script>
{script}
</script>
</body>
</html>
"""
