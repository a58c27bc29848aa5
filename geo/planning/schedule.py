"""Planering: planned activities from rules, conflicts, weeks, filters for lists and the map.

Everything here is pure: the pages and the CLI read from the store, call these functions and
show or write the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import shapely

from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import STOCKHOLM, Place, PlaceKind, PlannedActivity, PlanStatus
from geo.records.progress import commitment_for
from geo.records.promise import PromiseDocument
from geo.records.recurrence import (
    MONTHS_SV,
    WEEKDAYS_SV,
    Expansion,
    RecurrenceRule,
    describe,
    expand,
)
from geo.spatial.crs import to_wgs84
from geo.spatial.layers import FeatureCollection, collection, drawn_point


def place_phrase(place: Place | None) -> str:
    """How a place reads after a time: "i Centrum" for an area, "vid Poliskontoret" otherwise."""
    if place is None:
        return ""
    preposition = "i" if place.kind is PlaceKind.CENTRAL_AREA else "vid"
    return f"{preposition} {place.name}"


def describe_rule(rule: RecurrenceRule, place: Place | None) -> str:
    """The rule's Swedish description with its place."""
    return describe(rule, place_phrase(place))


def planned_from_rule(
    rule: RecurrenceRule,
    kind: CommitmentKind,
    *,
    place_id: int | None = None,
    commitment_id: str | None = None,
    team: str = "",
    classification: Classification = Classification.INTERNAL,
    note: str = "",
) -> tuple[list[PlannedActivity], Expansion]:
    """One planned activity per occurrence of `rule` (rule_id is set when the rule is stored).

    Returns the plans and the expansion (so the caller can show the skipped dates).
    """
    expansion = expand(rule)
    plans = [
        PlannedActivity(
            kind,
            o.start,
            o.end,
            commitment_id=commitment_id,
            place_id=place_id,
            team=team,
            classification=classification,
            note=note,
        )
        for o in expansion.occurrences
    ]
    return plans, expansion


@dataclass(frozen=True)
class Conflict:
    """Krock: two activities for the same team that overlap in time."""

    first: PlannedActivity
    second: PlannedActivity

    @property
    def text(self) -> str:
        """Swedish description for the page."""
        a, b = self.first, self.second
        return (
            f"{a.team}: {a.kind.label} {a.start:%Y-%m-%d %H:%M}–{a.end:%H:%M} krockar med "
            f"{b.kind.label} {b.start:%Y-%m-%d %H:%M}–{b.end:%H:%M}"
        )


def find_conflicts(plans: Iterable[PlannedActivity]) -> list[Conflict]:
    """Pairs of planned activities for the same team whose times overlap.

    Parameters
    ----------
    plans : planned activities (any order). Cancelled ones and those without a team are
        ignored: a cancelled slot blocks nobody, and without a team there is nobody to be in
        two places at once. Touching slots (one ends 15:00, the next starts 15:00) do not
        conflict.

    Returns
    -------
    Each overlapping pair once, the earlier-starting activity first, in time order.
    """
    active = sorted(
        (p for p in plans if p.status is not PlanStatus.CANCELLED and p.team.strip()),
        key=lambda p: (p.start, p.end, p.id or 0),
    )
    conflicts: list[Conflict] = []
    open_by_team: dict[str, list[PlannedActivity]] = {}
    for p in active:
        team = p.team.strip().casefold()
        still_open = [q for q in open_by_team.get(team, []) if q.end > p.start]
        conflicts.extend(Conflict(q, p) for q in still_open)
        open_by_team[team] = [*still_open, p]
    return conflicts


def conflicting_ids(conflicts: Iterable[Conflict]) -> set[int]:
    """Ids of every planned activity that takes part in a conflict."""
    ids: set[int] = set()
    for c in conflicts:
        ids.update(i for i in (c.first.id, c.second.id) if i is not None)
    return ids


def iso_week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_range(year: int, week: int) -> tuple[datetime, datetime]:
    """Local midnight on the Monday of ISO week `week` of `year`, and the next Monday."""
    monday = date.fromisocalendar(year, week, 1)
    start = datetime.combine(monday, time(0), tzinfo=STOCKHOLM)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=STOCKHOLM)
    return start, end


def week_label(day: date) -> str:
    """ "Vecka 12, 2024 (18–24 mars)" as Swedes number weeks (ISO 8601)."""
    year, week, _ = day.isocalendar()
    monday = iso_week_start(day)
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        span = f"{monday.day}–{sunday.day} {MONTHS_SV[sunday.month - 1]}"
    else:
        span = (
            f"{monday.day} {MONTHS_SV[monday.month - 1]} – {sunday.day} "
            f"{MONTHS_SV[sunday.month - 1]}"
        )
    return f"Vecka {week}, {year} ({span})"


def responsible_label(plan: PlannedActivity, doc: PromiseDocument) -> str:
    """Who carries it out: the team if given, else the commitment's responsible party."""
    if plan.team.strip():
        return plan.team.strip()
    commitment = commitment_for(doc, plan)
    return doc.responsible_text(commitment) if commitment else "–"


@dataclass(frozen=True)
class PlanFilter:
    """What the list shows: None (or empty) means every value."""

    kinds: frozenset[CommitmentKind] = frozenset()
    responsible: frozenset[str] = frozenset()
    place_ids: frozenset[int] = frozenset()

    def matches(self, plan: PlannedActivity, doc: PromiseDocument) -> bool:
        """True when `plan` passes every chosen filter."""
        if self.kinds and plan.kind not in self.kinds:
            return False
        if self.responsible and responsible_label(plan, doc) not in self.responsible:
            return False
        return not (self.place_ids and plan.place_id not in self.place_ids)


def filter_plans(
    plans: Iterable[PlannedActivity], doc: PromiseDocument, chosen: PlanFilter
) -> list[PlannedActivity]:
    """The plans that match the filter, in their given order."""
    return [p for p in plans if chosen.matches(p, doc)]


def plan_rows(
    plans: Sequence[PlannedActivity],
    doc: PromiseDocument,
    places: Mapping[int, Place],
    conflicts: set[int] | frozenset[int] = frozenset(),
) -> list[dict[str, int | str | None]]:
    """Rows for the planning list (Swedish column names, ISO week numbers)."""
    rows: list[dict[str, int | str | None]] = []
    for p in plans:
        place = places.get(p.place_id) if p.place_id is not None else None
        rows.append(
            {
                "id": p.id,
                "Vecka": p.start.isocalendar()[1],
                "Dag": p.start.strftime("%Y-%m-%d"),
                "Tid": f"{p.start:%H:%M}–{p.end:%H:%M}",
                "Typ": p.kind.label,
                "Plats": place.name if place else "",
                "Ansvarig": responsible_label(p, doc),
                "Status": p.status.value,
                "Klassning": p.classification.value,
                "Krock": "krock" if p.id in conflicts else "",
                "Slumpad": "ja" if p.seed is not None else "",
            }
        )
    return rows


def mark_done(plan: PlannedActivity) -> PlannedActivity:
    """The plan with status genomförd (logging an activity for it does this)."""
    return replace(plan, status=PlanStatus.DONE)


def short_when(start: datetime, end: datetime) -> str:
    """ "tis 2024-03-26 13:00–15:00": Swedish weekday, ISO date, 24-hour clock."""
    return f"{WEEKDAYS_SV[start.weekday()][:3]} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def plan_label(plan: PlannedActivity, places: Mapping[int, Place]) -> str:
    """One line for pickers: "tis 2024-03-26 13:00–15:00 · Närvaro · Poliskontoret"."""
    place = places.get(plan.place_id) if plan.place_id is not None else None
    parts = [short_when(plan.start, plan.end), plan.kind.label]
    if place is not None:
        parts.append(place.name)
    if plan.team:
        parts.append(plan.team)
    return " · ".join(parts)


def plans_to_log(
    plans: Iterable[PlannedActivity], now: datetime
) -> list[tuple[str, PlannedActivity]]:
    """The plans still to be logged, each with its group, in the order a planner logs them.

    Today's first, then the overdue ones (the latest first: yesterday's is the one most
    likely forgotten), then the rest of this week, then later ones (to be cancelled, rarely
    logged early). Logga used to offer only plans starting within 24 hours, so last week's
    control could not be logged at all.
    """
    local = now.astimezone(STOCKHOLM)
    today = local.date()
    week_end = iso_week_start(today) + timedelta(days=7)
    open_plans = [p for p in plans if p.status is PlanStatus.PLANNED]

    def day(p: PlannedActivity) -> date:
        return p.start.astimezone(STOCKHOLM).date()

    groups = [
        ("I dag", sorted((p for p in open_plans if day(p) == today), key=lambda p: p.start)),
        (
            "Försenad",
            sorted((p for p in open_plans if day(p) < today), key=lambda p: p.start, reverse=True),
        ),
        (
            "Denna vecka",
            sorted((p for p in open_plans if today < day(p) < week_end), key=lambda p: p.start),
        ),
        ("Senare", sorted((p for p in open_plans if day(p) >= week_end), key=lambda p: p.start)),
    ]
    return [(group, p) for group, members in groups for p in members]


def planned_collection(
    plans: Iterable[PlannedActivity], places: Mapping[int, Place]
) -> FeatureCollection:
    """The plans that have a place, as WGS 84 points for the week map (label per point)."""
    features = []
    for p in plans:
        point = drawn_point(p, places)
        if point is None:
            continue
        wgs = shapely.set_precision(to_wgs84(point), 1e-7)
        place = places.get(p.place_id) if p.place_id is not None else None
        label = f"{p.kind.label} {short_when(p.start, p.end)}"
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(wgs),
                "properties": {
                    "id": p.id,
                    "label": f"{label} · {place.name}" if place else label,
                    "status": p.status.value,
                    "random": p.seed is not None,
                },
            }
        )
    return collection(features)
