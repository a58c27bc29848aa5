"""Colours and names shared by the exported maps (HTML, PNG, PDF), so their legends agree.

Place colours are those of the app's map page (ui/maps.py), so a printed map reads like the
screen.
"""

from __future__ import annotations

from geo.records.models import CommitmentKind, PlaceKind

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
