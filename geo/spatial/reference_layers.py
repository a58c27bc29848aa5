"""Which stored base layers a kommun sees: its boundary, its län's kommuner, its tätorter.

`init` stores SCB's reference layers once per kommun and län (`kommun_2480`,
`lanets_kommuner_24`, `tatorter_2480`), so one database can hold promises for kommuner in
different län. Every reader (the map, the exports, place facts, Lägesbild) asks
`kommun_layers` and sees them under their plain names (`lanets_kommuner`, `tatorter`).

Databases made before this stored one `lanets_kommuner` and one `tatorter` layer for all of
Jönköpings län; those are still read, cut down to the kommun's own län and tätorter.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shapely.geometry.base import BaseGeometry

from geo.records.kommuner import lan_code
from geo.records.models import BaseLayer

if TYPE_CHECKING:
    from geo.store import Session

KOMMUN = "kommun"
NEIGHBOURS = "lanets_kommuner"
TATORTER = "tatorter"
# The stored names of SCB's per-kommun and per-län layers; a user's layer may not take them.
_PER_KOMMUN = re.compile(rf"^(?:{KOMMUN}_.+|{NEIGHBOURS}_\d{{2}}|{TATORTER}_\d{{4}})$")

Features = list[tuple[dict[str, Any], BaseGeometry]]


def boundary_layer(kommunkod: str) -> str:
    """The stored name of a kommun's boundary layer ("kommun_0604")."""
    return f"{KOMMUN}_{kommunkod}"


def neighbours_layer(kommunkod: str) -> str:
    """The stored name of the layer of the kommuner in a kommun's län ("lanets_kommuner_06")."""
    return f"{NEIGHBOURS}_{lan_code(kommunkod)}"


def tatorter_layer(kommunkod: str) -> str:
    """The stored name of a kommun's tätorter ("tatorter_0604")."""
    return f"{TATORTER}_{kommunkod}"


def is_reference_layer(name: str) -> bool:
    """Whether a layer name is one of the app's own SCB layers (any kommun's or län's)."""
    return name in (NEIGHBOURS, TATORTER) or bool(_PER_KOMMUN.match(name))


@dataclass(frozen=True)
class KommunLayer:
    """A stored base layer as one kommun sees it: the name it is shown under, its features."""

    shown: str
    layer: BaseLayer
    features: Features


def kommun_layers(
    session: Session, kommunkod: str, only: Collection[str] | None = None
) -> list[KommunLayer]:
    """The base layers a kommun's maps and facts use, in stored order.

    Its own boundary (shown as `kommun_<kod>`), its län's kommuner (`lanets_kommuner`), its
    tätorter (`tatorter`) and every layer a user imported; other kommuners' layers are left
    out. `only` keeps the layers shown under those names (and skips reading the others).
    """
    stored = session.base_layers()
    names = {layer.name for layer in stored}
    out: list[KommunLayer] = []
    for layer in stored:
        shown = _shown_name(layer.name, kommunkod, names)
        if shown is None or (only is not None and shown not in only):
            continue
        features = _own_features(session.base_features(layer.name), shown, kommunkod)
        if layer.name in (NEIGHBOURS, TATORTER) and not features:
            continue  # an old database's Jönköpings län layer, seen from another län
        out.append(KommunLayer(shown, layer, features))
    return out


def kommun_features(session: Session, kommunkod: str, shown: str) -> Features:
    """The features of the kommun's layer shown as `shown` (e.g. its `tatorter`)."""
    return [f for own in kommun_layers(session, kommunkod, only=(shown,)) for f in own.features]


def every_tatort(session: Session) -> Features:
    """The tätorter of every kommun the database has loaded (for the command line)."""
    return [
        feature
        for layer in session.base_layers()
        if layer.name == TATORTER or re.fullmatch(rf"{TATORTER}_\d{{4}}", layer.name)
        for feature in session.base_features(layer.name)
    ]


def _shown_name(name: str, kommunkod: str, stored: Collection[str]) -> str | None:
    """The name a stored layer is shown under for a kommun; None when it is another's."""
    if name == boundary_layer(kommunkod):
        return name
    if name in (neighbours_layer(kommunkod), tatorter_layer(kommunkod)):
        return name.rsplit("_", 1)[0]
    if _PER_KOMMUN.match(name):
        return None
    # An old database's single layer, used until `init` has stored the kommun's own.
    if name == NEIGHBOURS and neighbours_layer(kommunkod) in stored:
        return None
    if name == TATORTER and tatorter_layer(kommunkod) in stored:
        return None
    return name


def _own_features(features: Features, shown: str, kommunkod: str) -> Features:
    """An old database's whole-län layer cut to the kommun's län or the kommun's tätorter."""
    if shown == NEIGHBOURS:
        return [
            f for f in features if lan_code(str(f[0].get("kommunkod", ""))) == lan_code(kommunkod)
        ]
    if shown == TATORTER:
        return [f for f in features if str(f[0].get("kommunkod", "")) == kommunkod]
    return features
