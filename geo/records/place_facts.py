"""The facts shown beside a place, measured in metres in SWEREF 99 TM (EPSG:3006).

- a walk route's length and walking time (at `WALKING_SPEED_KMH`),
- a central area's area in m² and hectares,
- the distance to the nearest tätort centre (SCB's tätort point).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.records.models import Place, PlaceKind
from geo.records.place_attributes import ATTRIBUTES, attribute_text
from geo.swedish import NO_BREAK_SPACE, number

WALKING_SPEED_KMH = 4.0


# -- facts in metres ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceFacts:
    """What a planner wants to know about a place, in metres (EPSG:3006)."""

    length_m: float | None = None
    walking_minutes: float | None = None
    area_m2: float | None = None
    nearest_tatort: str | None = None
    tatort_distance_m: float | None = None

    @property
    def area_ha(self) -> float | None:
        """The area in hectares (10 000 m²)."""
        return None if self.area_m2 is None else self.area_m2 / 10_000


def walking_minutes(length_m: float, speed_kmh: float = WALKING_SPEED_KMH) -> float:
    """Minutes to walk `length_m` metres at `speed_kmh` (4 km/h: 1 km in 15 minutes)."""
    return length_m * 60 / (speed_kmh * 1000)


def place_facts(
    kind: PlaceKind, geom: BaseGeometry, tatorter: Sequence[tuple[str, Point]] = ()
) -> PlaceFacts:
    """Length and walking time (routes), area (central areas), distance to a tätort centre.

    The distance is from the nearest part of the place to SCB's tätort point: 0 when an
    area covers the point.
    """
    length = area = walk = None
    if kind is PlaceKind.WALK_ROUTE:
        length = float(geom.length)
        walk = walking_minutes(length)
    if kind is PlaceKind.CENTRAL_AREA:
        area = float(geom.area)
    nearest = distance = None
    if tatorter:
        nearest, point = min(tatorter, key=lambda tp: tp[1].distance(geom))
        distance = float(point.distance(geom))
    return PlaceFacts(length, walk, area, nearest, distance)


def format_number(value: float, decimals: int = 0) -> str:
    """Swedish number text: 1 234 567 and 12,5 (no-break space between thousands)."""
    return number(value, decimals, NO_BREAK_SPACE)


def format_distance(metres: float) -> str:
    """Metres under 10 km ("850 m", "1\u00a0234 m"), else km with one decimal."""
    if metres < 10_000:
        return f"{format_number(round(metres))}\u00a0m"
    return f"{format_number(metres / 1000, 1)}\u00a0km"


def describe_facts(facts: PlaceFacts) -> list[str]:
    """The facts as short Swedish lines for the page and the table."""
    lines = []
    if facts.length_m is not None and facts.walking_minutes is not None:
        lines.append(
            f"Längd {format_distance(facts.length_m)}, gångtid cirka "
            f"{format_number(round(facts.walking_minutes))}\u00a0min "
            f"(i {format_number(WALKING_SPEED_KMH)}\u00a0km/h)"
        )
    if facts.area_m2 is not None and facts.area_ha is not None:
        lines.append(
            f"Yta {format_number(round(facts.area_m2))}\u00a0m² "
            f"({format_number(facts.area_ha, 1)}\u00a0ha)"
        )
    if facts.nearest_tatort is not None and facts.tatort_distance_m is not None:
        if facts.tatort_distance_m < 1 and facts.area_m2 is not None:
            lines.append(f"Omfattar tätortscentrum för {facts.nearest_tatort}")
        elif facts.tatort_distance_m < 1:
            lines.append(f"Vid tätortscentrum ({facts.nearest_tatort})")
        else:
            lines.append(
                f"{format_distance(facts.tatort_distance_m)} till tätortscentrum "
                f"({facts.nearest_tatort})"
            )
    return lines


def place_row(place: Place, tatorter: Sequence[tuple[str, Point]] = ()) -> dict[str, str]:
    """One place as a table row with Swedish headings (name, kind, facts, attributes...)."""
    facts = describe_facts(place_facts(place.kind, place.geometry, tatorter))
    details = [
        f"{spec.label}: {attribute_text(spec, place.attributes[spec.key])}"
        for spec in ATTRIBUTES[place.kind]
        if spec.key in place.attributes
    ]
    return {
        "Namn": place.name,
        "Typ": place.kind.label,
        "Klassning": place.classification.value,
        "Fakta": " · ".join(facts),
        "Uppgifter": " · ".join(details),
        "Anteckning": place.note,
        "Status": (
            f"avvecklad {place.retired_at:%Y-%m-%d}" if place.retired_at is not None else "aktiv"
        ),
    }
