"""Kontrollplatser's settings: a panel that runs only while open, and the line that says them.

The page opens on the suggestion. Its settings (how many sites, the radius, the candidates,
the demand layers and their weights, files) were always on the page, and their kinds of
fields (number fields, a check box, two file uploaders) were code that every visit fetched
before the map: Kontrollplatser took 1.26–1.32× the trivial page, over the 1.2× goal
(issue 16). In a panel that runs only while open, with its values kept while it is closed
(`KeptFields`) and said in one line under it, the page took 1.06× (1.32× before, medians of
7 fresh tabs with the benchmark's 100,000 activities).

Uploaded files are kept as their names and bytes (`KEPT_FILES`): an uploader that is not
drawn forgets its files, and one drawn again starts empty, so the panel lists the files in
use under it and offers to forget them.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from geo.errors import LofteskartanError
from geo.files.siting_io import read_candidates, read_demand
from geo.planning.siting import Candidate, DemandLayer, format_number
from geo.planning.siting_use_case import SitingOffer
from geo.swedish import count
from ui.kept_fields import KeptFields
from ui.text import plain, plain_label
from ui.views import panel_runs_when_open

UPLOAD_TYPES = ["csv", "gpkg", "geojson", "json"]
# Every field of the settings, kept while their panel is closed.
SETTINGS = KeptFields("forslag_")
# The uploaded files in use, {"kandidater" | "efterfragan": [(name, bytes), ...]}; outside
# SETTINGS's prefix: an uploader drawn again is empty and must not overwrite them.
KEPT_FILES = "kontrollplatser_filer"
CANDIDATE_FILES, DEMAND_FILES = "kandidater", "efterfragan"
# Bumped when the files are forgotten: new uploader keys give empty uploaders (an uploader's
# files cannot be set from the code).
_UPLOAD_ROUND = "kontrollplatser_uppladdning_omgang"
DEFAULT_WEIGHT = 1.0


@dataclass(frozen=True)
class SitingChoices:
    """What the planner chose (the defaults before anything is chosen), files read."""

    k: int = 3
    radius: float = 300.0
    use_sites: bool = True
    road: str | None = None
    spacing: float = 250.0
    # Each candidate file read: its name and its candidates.
    candidate_files: tuple[tuple[str, list[Candidate]], ...] = ()
    layers: tuple[DemandLayer, ...] = ()


DEFAULTS = SitingChoices()


def _weight_name(layer_name: str) -> str:
    return f"vikt_{layer_name}"


def _file_weight_name(index: int, file_name: str) -> str:
    return f"vikt_fil_{index}_{file_name}"  # two uploads may share a name


def _kept_files(kind: str) -> list[tuple[str, bytes]]:
    files: dict[str, list[tuple[str, bytes]]] = st.session_state.get(KEPT_FILES, {})
    return files.get(kind, [])


def _uploader_key(kind: str) -> str:
    return f"kontrollplatser_uppladdning_{kind}_{st.session_state.get(_UPLOAD_ROUND, 0)}"


def _keep_uploads(kind: str) -> None:
    """An uploader's `on_change`: the files it now holds are the ones in use."""
    uploaded = st.session_state.get(_uploader_key(kind)) or []
    files = dict(st.session_state.get(KEPT_FILES, {}))
    files[kind] = [(f.name, f.getvalue()) for f in uploaded]
    st.session_state[KEPT_FILES] = files


def _forget_files() -> None:
    st.session_state.pop(KEPT_FILES, None)
    st.session_state[_UPLOAD_ROUND] = st.session_state.get(_UPLOAD_ROUND, 0) + 1


@st.cache_data(max_entries=16, show_spinner=False)
def _demand(data: bytes, name: str) -> DemandLayer:
    """A demand file read once per content: the panel and the suggestion both need it."""
    return read_demand(data, name)


def _uploader(kind: str, label: str) -> None:
    st.file_uploader(
        plain_label(label),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=_uploader_key(kind),
        on_change=_keep_uploads,
        args=(kind,),
    )
    names = [name for name, _ in _kept_files(kind)]
    if names:
        st.caption("Används: " + ", ".join(plain(n) for n in names))


def _fields(offer: SitingOffer) -> None:
    """Every setting, starting from its kept value."""
    kept = SETTINGS.value
    left, right = st.columns(2)
    left.number_input("Antal platser (k)", 1, 50, int(kept("k", DEFAULTS.k)), **SETTINGS.field("k"))
    right.number_input(
        "Täckningsradie i meter",
        0,
        5000,
        int(kept("radius", DEFAULTS.radius)),
        step=50,
        **SETTINGS.field("radius"),
    )
    st.markdown("**Kandidatplatser**")
    st.checkbox(
        f"Befintliga trafikkontrollplatser ({len(offer.stored_sites):d})",
        value=bool(kept("use_sites", DEFAULTS.use_sites)),
        **SETTINGS.field("use_sites"),
    )
    roads: list[str | None] = [None, *offer.road_layers]
    road = kept("road", DEFAULTS.road)
    st.selectbox(
        "Punkter längs vägar ur ett baslager",
        roads,
        index=roads.index(road) if road in roads else 0,
        format_func=lambda name: "Inga" if name is None else offer.road_layers[name],
        **SETTINGS.field("road"),
    )
    st.number_input(
        "Avstånd mellan punkter längs vägar (m)",
        50,
        5000,
        int(kept("spacing", DEFAULTS.spacing)),
        step=50,
        **SETTINGS.field("spacing"),
    )
    _uploader(
        CANDIDATE_FILES,
        "Kandidater ur fil: punkter, eller vägar (linjer) som blir en punkt var N:e meter",
    )
    st.markdown("**Efterfrågan och vikter**")
    for name, layer in offer.demand_layers.items():
        st.number_input(
            f"{plain_label(layer.name)} ({len(layer)} punkter)",
            min_value=0.0,
            max_value=100.0,
            value=float(kept(_weight_name(name), DEFAULT_WEIGHT)),
            step=0.5,
            help="0 = räkna inte med lagret",
            **SETTINGS.field(_weight_name(name)),
        )
    _uploader(
        DEMAND_FILES,
        "Fler lager ur fil (CSV med lat/lon eller n/e, GeoPackage, GeoJSON; kolumnen vikt "
        "är punktens vikt, 1 om den saknas)",
    )
    for i, (file_name, data) in enumerate(_kept_files(DEMAND_FILES)):
        try:
            layer = _demand(data, file_name)
        except LofteskartanError:
            continue  # said under the panel, where every file is read
        st.number_input(
            f"{plain_label(file_name)} ({len(layer)} punkter)",
            min_value=0.0,
            max_value=100.0,
            value=float(kept(_file_weight_name(i, file_name), DEFAULT_WEIGHT)),
            step=0.5,
            **SETTINGS.field(_file_weight_name(i, file_name)),
        )
    if _kept_files(CANDIDATE_FILES) or _kept_files(DEMAND_FILES):
        st.button("Glöm de inlästa filerna", on_click=_forget_files)
    SETTINGS.keep()


def chosen(offer: SitingOffer) -> SitingChoices:
    """The settings in use (kept, or the defaults), with the kept files read.

    A file that cannot be read is named in an error and left out.
    """
    kept = SETTINGS.value
    road = kept("road", DEFAULTS.road)
    spacing = float(kept("spacing", DEFAULTS.spacing))
    file_candidates = []
    for file_name, data in _kept_files(CANDIDATE_FILES):
        try:
            file_candidates.append((file_name, read_candidates(data, file_name, spacing)))
        except LofteskartanError as exc:
            st.error(plain(exc))
    layers = [
        layer.with_weight(float(kept(_weight_name(name), DEFAULT_WEIGHT)))
        for name, layer in offer.demand_layers.items()
    ]
    for i, (file_name, data) in enumerate(_kept_files(DEMAND_FILES)):
        try:
            layer = _demand(data, file_name)
        except LofteskartanError as exc:
            st.error(plain(exc))
            continue
        weight = kept(_file_weight_name(i, file_name), DEFAULT_WEIGHT)
        layers.append(layer.with_weight(float(weight)))
    return SitingChoices(
        int(kept("k", DEFAULTS.k)),
        float(kept("radius", DEFAULTS.radius)),
        bool(kept("use_sites", DEFAULTS.use_sites)),
        road if road in offer.road_layers else None,
        spacing,
        tuple(file_candidates),
        tuple(layers),
    )


def summary(choices: SitingChoices, offer: SitingOffer) -> str:
    """The settings in one line of plain text (file and layer names as they are):
    "3 platser inom 300 m. Kandidater: …. Vikter: …"."""
    candidates = []
    if choices.use_sites:
        candidates.append(f"befintliga trafikkontrollplatser ({len(offer.stored_sites):d})")
    if choices.road is not None:
        candidates.append(
            f"{offer.road_layers[choices.road]} var {format_number(choices.spacing)}:e m"
        )
    for file_name, found in choices.candidate_files:
        candidates.append(f"{file_name} ({len(found):d})")
    weights = " · ".join(
        f"{layer.name} {format_number(layer.layer_weight)}" for layer in choices.layers
    )
    return (
        f"{count(choices.k, 'plats', 'platser')} inom {format_number(choices.radius)} m. "
        f"Kandidater: {', '.join(candidates) or 'inga'}. "
        f"Vikter: {weights or 'inga lager'}."
    )


def settings_panel(offer: SitingOffer) -> SitingChoices:
    """The panel with every setting, the line under it that says them; the choices."""
    panel_runs_when_open(
        "Inställningar för förslaget", "kontrollplatser_installningar", lambda: _fields(offer)
    )
    choices = chosen(offer)
    st.caption(plain(summary(choices, offer)))
    return choices
