"""What a public file may hold: one predicate per record, for every public output.

Every public output asks here: the public export data set (`geo.disclosure.public_data`:
places, the activities counted on the grid, the published opening hours as plans) and the
public calendar feed and website text (`geo.disclosure.publish`). The common ground: only
records classified `öppen`, and never a randomised visit (an unpredictable plan that is
published is no longer unpredictable).
"""

from __future__ import annotations

from collections.abc import Mapping

from geo.records.kinds import Classification, CommitmentKind, Kind
from geo.records.models import Activity, Place, PlaceKind, PlannedActivity, ScheduleRule


def is_public_place(place: Place) -> bool:
    """Öppen, in use, and not an insatsplats (an intervention's place is never published)."""
    return (
        place.classification is Classification.OPEN
        and place.kind is not PlaceKind.INTERVENTION_PLACE
        and not place.is_retired
    )


def may_be_placed_publicly(activity: Activity, places: Mapping[int, Place]) -> bool:
    """Öppen, and at no place or at a public one (never at an insatsplats or hidden place)."""
    if activity.classification is not Classification.OPEN:
        return False
    if activity.place_id is None:
        return True
    place = places.get(activity.place_id)
    # A retired place still counts what was done there while it was in use.
    return (
        place is not None
        and place.classification is Classification.OPEN
        and place.kind is not PlaceKind.INTERVENTION_PLACE
    )


def is_opening_hours(plan: PlannedActivity, places: Mapping[int, Place]) -> bool:
    """Öppen presence at an öppen police office: the opening hours in a public export."""
    place = places.get(plan.place_id) if plan.place_id is not None else None
    return (
        plan.kind is CommitmentKind.PRESENCE
        and plan.classification is Classification.OPEN
        and place is not None
        and place.kind is PlaceKind.POLICE_OFFICE
        and is_public_place(place)
    )


def _open_presence_at(
    kind: Kind,
    classification: Classification,
    place_id: int | None,
    places: Mapping[int, Place],
) -> bool:
    """Öppen presence at no place or at an öppen one: what the calendar and website show."""
    if kind is not CommitmentKind.PRESENCE or classification is not Classification.OPEN:
        return False
    if place_id is None:
        return True
    place = places.get(place_id)
    return place is not None and place.classification is Classification.OPEN


def is_public(plan: PlannedActivity, places: Mapping[int, Place]) -> bool:
    """True when a planned activity may appear in the public calendar feed and website text."""
    if plan.seed is not None:  # randomised visits are never published
        return False
    return _open_presence_at(plan.kind, plan.classification, plan.place_id, places)


def is_public_rule(rule: ScheduleRule, places: Mapping[int, Place]) -> bool:
    """True when a standing rule may be described in the website's opening-hours text."""
    if rule.seed is not None or rule.rule.get("typ") == "slumpad" or "frekvens" not in rule.rule:
        return False
    return _open_presence_at(rule.kind, rule.classification, rule.place_id, places)


__all__ = [
    "is_opening_hours",
    "is_public",
    "is_public_place",
    "is_public_rule",
    "may_be_placed_publicly",
]
