"""Colours and names shared by the exported maps (HTML, PNG, PDF), so their legends agree.

Place colours are those of the app's map page (ui/maps.py), so a printed map reads like the
screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geo.disclosure.audience import Audience
from geo.disclosure.rows import ExportData
from geo.records.models import CommitmentKind, Kind, PlaceKind
from geo.spatial.aggregate import class_breaks, class_labels, class_of

PLACE_COLOURS = {
    PlaceKind.CENTRAL_AREA: "#1f78b4",
    PlaceKind.TRAFFIC_CONTROL_SITE: "#e66101",
    PlaceKind.INTERVENTION_PLACE: "#7b3294",
    PlaceKind.POLICE_OFFICE: "#1a9641",
    PlaceKind.WALK_ROUTE: "#d7191c",
}

# One colour per activity kind (ColorBrewer Dark2/Set1, distinguishable in print).
ACTIVITY_COLOURS = {
    CommitmentKind.PRESENCE: "#1b9e77",
    CommitmentKind.TRAFFIC_CONTROL: "#d95f02",
    CommitmentKind.NARCOTICS_INTERVENTION: "#7570b3",
    CommitmentKind.IDENTIFY_YOUNG_USERS: "#e7298a",
    CommitmentKind.SAFETY_WALK: "#66a61e",
    CommitmentKind.COORDINATION_MEETING: "#e6ab02",
    CommitmentKind.EST: "#a6761d",
    CommitmentKind.ANDT: "#666666",
    CommitmentKind.SCHOOL_ATTENDANCE: "#377eb8",
    CommitmentKind.LOCAL_INFORMATION: "#4daf4a",
}

# A promise file's own kinds (`typer:`) share one colour: their labels tell them apart.
OWN_KIND_COLOUR = "#1f78b4"


def activity_colour(kind: Kind) -> str:
    """A built-in kind's colour, else the one colour of the promise's own kinds."""
    return ACTIVITY_COLOURS.get(kind, OWN_KIND_COLOUR)  # type: ignore[arg-type]


def kinds_in_order(kinds: Iterable[Kind]) -> list[Kind]:
    """The kinds present, built-in ones in their order, then the promise's own by code.

    Drawing loops went over the built-in kinds only, which silently left own kinds off a map.
    """
    present = set(kinds)
    return [k for k in CommitmentKind if k in present] + sorted(
        (k for k in present if not isinstance(k, CommitmentKind)), key=str
    )


FINDING_COLOUR = "#b2182b"
PLANNED_COLOUR = "#2166ac"
KOMMUN_COLOUR = "#222222"
NEIGHBOUR_COLOUR = "#888888"
TATORT_COLOUR = "#555555"

# Yellow to dark red (ColorBrewer YlOrRd); fewer classes take an even spread of it.
DENSITY_RAMP = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")


def density_colours(classes: int) -> list[str]:
    """`classes` colours from light to dark, spread over the ramp."""
    if classes <= 0:
        return []
    if classes == 1:
        return [DENSITY_RAMP[-2]]
    last = len(DENSITY_RAMP) - 1
    return [DENSITY_RAMP[round(n * last / (classes - 1))] for n in range(classes)]


DENSITY_TITLE = "Genomförda aktiviteter per ruta"


@dataclass(frozen=True)
class DensityClasses:
    """The colour classes of an export's grid cells, one set for every map and its legend."""

    breaks: list[int]
    colours: list[str]
    labels: list[str]

    def colour_of(self, count: int) -> str:
        """The fill of a cell with `count` activities."""
        return self.colours[class_of(count, self.breaks)]

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(label, colour) per class, lowest first."""
        return list(zip(self.labels, self.colours, strict=True))


def density_classes(data: ExportData) -> DensityClasses:
    """The classes of `data.cells`; a public map's lowest starts at the smallest count shown."""
    breaks = class_breaks([c.count for c in data.cells])
    lowest = data.rules.min_count if data.audience is Audience.PUBLIC else 1
    return DensityClasses(breaks, density_colours(len(breaks)), class_labels(breaks, lowest))
