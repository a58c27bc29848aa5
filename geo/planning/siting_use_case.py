"""The siting use case: candidates → suggestion → rotation → planning, for the page and the CLI.

`Kontrollplatser` and `lofteskartan suggest-sites` both call these functions; each only reads
its own input (widgets, arguments) and shows the result. The store is read in one unit of work
before anything is computed, and the rotation is saved in another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time

from geo.errors import ValidationError
from geo.planning import siting_inputs as inputs
from geo.planning.rotation import RotationPlan, plan_rotation, planned_controls, save_rotation
from geo.planning.siting import (
    Candidate,
    DemandLayer,
    SitingResult,
    check_k_and_radius,
    suggest_sites,
)
from geo.records.models import Actor, PlaceKind
from geo.records.periods import Period
from geo.records.promise import PromiseDocument
from geo.store import Store


class NoCandidatesError(ValidationError):
    """No candidate sites at all: none stored (or left out), no file and no road layer."""


class UnknownLayerError(ValidationError):
    """A store demand layer name that is not one of `siting_inputs.STORE_LAYER_TITLES`."""


@dataclass(frozen=True)
class SitingOffer:
    """What the store offers a planner to choose from before a suggestion.

    `stored_sites` are the stored traffic-control sites as candidates, `demand_layers` the
    store's demand layers by name (overtradelser, centrum) and `road_layers` the base layers
    with lines, by name with their titles.
    """

    stored_sites: list[Candidate]
    demand_layers: dict[str, DemandLayer]
    road_layers: dict[str, str]


@dataclass(frozen=True)
class SitingRequest:
    """What to suggest: how many sites within what radius, from which candidates and demand.

    `store_layers` names the store's demand layers with a weight each; `layers` are demand
    layers already built (read from files, or weighted on the page). `save_document` is the
    promise document (None: the most recently signed) whose activities make the store's
    demand layers and, with `save`, that a rotation will be saved under; it is found before
    anything is computed, so a wrong document stops the command early. `kommunkod` is the
    kommun whose stored sites are used (None: every kommun's, for a database of one).
    """

    k: int
    radius: float
    use_stored_sites: bool = True
    road_layer: str | None = None
    spacing: float = 250.0
    file_candidates: Sequence[Sequence[Candidate]] = ()
    store_layers: Sequence[tuple[str, float]] = ()
    layers: Sequence[DemandLayer] = ()
    save: bool = False
    save_document: str | None = None
    kommunkod: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """A suggestion and, when the request asked to save, the document to save it under."""

    result: SitingResult
    document_id: str | None = field(default=None)


def siting_offer(store: Store, actor: Actor, doc: PromiseDocument) -> SitingOffer:
    """The stored sites and demand layers of the promise `doc` (its kommun's places, its
    activities) and the road layers a planner can choose from."""
    with store.session(actor) as s:
        return SitingOffer(
            inputs.site_candidates(
                s.list_places(PlaceKind.TRAFFIC_CONTROL_SITE, kommunkod=doc.kommunkod)
            ),
            inputs.store_demand_layers(s, doc),
            inputs.line_base_layers(s),
        )


def suggest(store: Store, actor: Actor, request: SitingRequest) -> Suggestion:
    """Suggest at most `request.k` sites that together cover the most weighted demand.

    The store is opened only when the request needs it (stored sites, a road layer, the
    store's demand layers, saving).

    Raises
    ------
    ValidationError
        k or the radius is wrong.
    UnknownLayerError
        A store layer name is unknown.
    NoCandidatesError
        There are no candidate sites at all.
    """
    check_k_and_radius(request.k, request.radius)
    for name, _ in request.store_layers:
        if name not in inputs.STORE_LAYER_TITLES:
            known = ", ".join(inputs.STORE_LAYER_TITLES)
            raise UnknownLayerError(f'Lagret "{name}" finns inte (finns: {known}).')
    stored: list[Candidate] = []
    road: list[Candidate] = []
    store_layers: list[DemandLayer] = []
    document_id = None
    if request.store_layers or request.use_stored_sites or request.road_layer or request.save:
        store.require_schema()
        with store.session(actor) as s:
            if request.use_stored_sites:
                sites = s.list_places(PlaceKind.TRAFFIC_CONTROL_SITE, kommunkod=request.kommunkod)
                stored = inputs.site_candidates(sites)
            if request.road_layer:
                road = inputs.base_layer_candidates(s, request.road_layer, request.spacing)
            if request.store_layers:
                offered = inputs.store_demand_layers(s, s.promise_document(request.save_document))
                store_layers = [offered[name].with_weight(w) for name, w in request.store_layers]
            if request.save:
                document_id = s.promise_document(request.save_document).id
    candidates = inputs.combine_candidates(stored, *request.file_candidates, road)
    if not candidates:
        raise NoCandidatesError("Det finns inga kandidatplatser.")
    result = suggest_sites(candidates, [*store_layers, *request.layers], request.k, request.radius)
    return Suggestion(result, document_id)


@dataclass(frozen=True)
class Rotation:
    """How to rotate the suggested sites: weeks, rest between uses, seed, first Monday."""

    weeks: int
    min_gap: int
    seed: int
    start: date
    per_week: int = 1


def rotate(result: SitingResult, rotation: Rotation) -> RotationPlan:
    """A weekly rotation over the suggested sites, each weighted by the demand it covers."""
    weights = [site.covered_weight for site in result.chosen]
    return plan_rotation(
        result.chosen_candidates,
        weights,
        rotation.weeks,
        rotation.min_gap,
        rotation.seed,
        rotation.start,
        rotation.per_week,
    )


def save_rotation_plan(
    store: Store,
    actor: Actor,
    plan: RotationPlan,
    document_id: str | None,
    weekday: int = 2,
    start_time: time = time(7, 0),
    hours: float = 2.0,
    year: Period | None = None,
) -> int:
    """Put the rotation in the planning as planned traffic controls, inside the follow-up
    year `year` (None: any year of the promise); return how many."""
    controls = planned_controls(plan, weekday, start_time, hours)
    with store.session(actor) as s:
        return len(save_rotation(s, controls, document_id, year))
