"""Where presence has been: hours and activities per central area, and control-site use.

An activity counts in a central area when its location (see `geo.spatial.locations`) lies inside
the area or on its border; a point on the border of two areas counts in both. The
point-in-polygon test is one vectorised query on a shapely STRtree (the same engine as
geopandas' `sjoin`): 100,000 activities × 200 areas take well under a second (see
benchmarks/README.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import numpy as np
import shapely

from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Place, PlaceKind
from geo.records.periods import Period
from geo.records.promise import PromiseDocument
from geo.spatial.layers import Bounds, FeatureCollection, bounds_of, collection, feature
from geo.spatial.locations import ActivityPoints, points_from_activities
from geo.swedish import count

if TYPE_CHECKING:
    from geo.store import Session

PRESENCE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.0, "ingen närvaro"),
    (5.0, "under 5 timmar"),
    (20.0, "5–20 timmar"),
    (50.0, "20–50 timmar"),
    (float("inf"), "50 timmar eller mer"),
)
"""Upper bounds (exclusive) of the map's presence classes and their legend texts; class 0
holds exactly zero hours."""


@dataclass(frozen=True)
class AreaPresence:
    """Närvaro i ett centrumområde: activities and hours whose location lies in the area."""

    place: Place
    activities: int
    hours: float

    @property
    def presence_class(self) -> int:
        """Index into PRESENCE_CLASSES for the map colour."""
        return presence_class(self.hours)


def presence_class(hours: float) -> int:
    """0 for no presence, then 1–4 for under 5, 5–20, 20–50 and 50 or more hours."""
    if hours <= 0:
        return 0
    for i, (upper, _) in enumerate(PRESENCE_CLASSES[1:], start=1):
        if hours < upper:
            return i
    return len(PRESENCE_CLASSES) - 1


def area_totals(
    areas: Sequence[shapely.Geometry], xy: np.ndarray, hours: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Activities and hours per area for points `xy` (n, 2) in EPSG:3006.

    Parameters
    ----------
    areas : polygons in EPSG:3006.
    xy : activity locations.
    hours : hours per activity (NaN counts as 0).

    Returns
    -------
    (counts, hours) arrays with one entry per area. A point on a shared border counts in
    both areas (the test is `intersects`, not `contains`).
    """
    n_areas = len(areas)
    if n_areas == 0 or len(xy) == 0:
        return np.zeros(n_areas, dtype=np.int64), np.zeros(n_areas)
    tree = shapely.STRtree(np.asarray(areas, dtype=object))
    point_idx, area_idx = tree.query(shapely.points(xy), predicate="intersects")
    counts = np.bincount(area_idx, minlength=n_areas)
    weights = np.nan_to_num(np.asarray(hours, dtype=float)[point_idx])
    return counts, np.bincount(area_idx, weights=weights, minlength=n_areas)


def presence_by_area(areas: Sequence[Place], points: ActivityPoints) -> list[AreaPresence]:
    """Hours and number of activities per central area, in the order of `areas`."""
    counts, hours = area_totals([a.geometry for a in areas], points.xy, points.hours)
    return [
        AreaPresence(area, int(c), round(float(h), 2))
        for area, c, h in zip(areas, counts, hours, strict=True)
    ]


@dataclass(frozen=True)
class SiteUse:
    """Användning av en trafikkontrollplats: controls in the window and the last one ever."""

    place: Place
    uses: int
    last_used: date | None

    @property
    def used(self) -> bool:
        """True when the site had a control in the window."""
        return self.uses > 0


def site_window(until: date, weeks: int) -> tuple[date, date]:
    """The last `weeks` whole weeks up to and including `until`: (first day, last day)."""
    return until - timedelta(days=7 * weeks - 1), until


def site_use(
    sites: Sequence[Place], activities: Iterable[Activity], until: date, weeks: int
) -> list[SiteUse]:
    """Which traffic-control sites were used in the last `weeks` weeks up to `until`.

    A control counts at a site when it is logged at that place (`place_id`). Unused sites
    come first (longest unused first, never used at the top), then used ones by name.
    Controls after `until` are ignored, so a past promise year is seen as at its end.
    """
    first, last = site_window(until, weeks)
    uses = {s.id: 0 for s in sites}
    last_used: dict[int | None, date] = {}
    for a in activities:
        if a.kind is not CommitmentKind.TRAFFIC_CONTROL or a.place_id not in uses:
            continue
        day = a.start.astimezone(STOCKHOLM).date()
        if day > last:
            continue
        if first <= day:
            uses[a.place_id] += 1
        if a.place_id not in last_used or day > last_used[a.place_id]:
            last_used[a.place_id] = day
    out = [SiteUse(s, uses[s.id], last_used.get(s.id)) for s in sites]
    unused = sorted(
        (u for u in out if not u.used), key=lambda u: (u.last_used or date.min, u.place.name)
    )
    used = sorted((u for u in out if u.used), key=lambda u: u.place.name)
    return unused + used


# -- the follow-up page's data ----------------------------------------------------------


@dataclass(frozen=True)
class PresenceView:
    """Närvaro för en period: per central area, per control site, and the map of the areas.

    `outside` counts placed activities in no central area; `unplaced` those without a
    location. `map` holds the areas as GeoJSON in WGS 84 with `label` and `presence_class`;
    `site_map` the control sites with `label` and `used` (in the window).
    """

    areas: list[AreaPresence]
    sites: list[SiteUse]
    window: tuple[date, date]
    activities: int
    outside: int
    unplaced: int
    map: FeatureCollection
    site_map: FeatureCollection
    bounds: Bounds | None


def load_presence(
    session: Session,
    doc: PromiseDocument,
    period: Period,
    today: date,
    weeks: int,
    kinds: Iterable[CommitmentKind] | None = None,
) -> PresenceView:
    """Presence per central area in `period` and control-site use in the last `weeks` weeks,
    from the activities of the promise `doc`; the areas and sites are its kommun's.

    The weeks run up to `today`, or to the end of `period` when it is already over (so a
    past promise year is seen as it ended).
    """
    wanted = set(kinds) if kinds is not None else None
    every_place = session.places_by_id(doc.kommunkod)
    areas = session.list_places(PlaceKind.CENTRAL_AREA, kommunkod=doc.kommunkod)
    activities = [
        a
        for a in session.list_activities(period.start_at, period.end_at, document_id=doc.id)
        if wanted is None or a.kind in wanted
    ]
    points = points_from_activities(activities, every_place)
    presence = presence_by_area(areas, points)
    in_some_area = _points_in_any(areas, points)
    until = min(today, period.end)
    sites = session.list_places(PlaceKind.TRAFFIC_CONTROL_SITE, kommunkod=doc.kommunkod)
    controls = session.list_activities(
        end=_day_end(until), kind=CommitmentKind.TRAFFIC_CONTROL, document_id=doc.id
    )
    features = [
        feature(
            p.place.geometry,
            {
                "label": f"{p.place.name}: {count(p.activities, 'aktivitet', 'aktiviteter')}, "
                f"{_sv_hours(p.hours)} timmar",
                "presence_class": p.presence_class,
            },
        )
        for p in presence
    ]
    uses = site_use(sites, controls, until, weeks)
    site_features = [
        feature(
            u.place.geometry,
            {
                "label": f"{u.place.name}: {u.uses} kontroller"
                + ("" if u.used else f", senast {u.last_used or 'aldrig'}"),
                "used": u.used,
            },
        )
        for u in uses
    ]
    return PresenceView(
        areas=presence,
        sites=uses,
        window=site_window(until, weeks),
        activities=len(activities),
        outside=len(points) - in_some_area,
        unplaced=points.unplaced,
        map=collection(features),
        site_map=collection(site_features),
        bounds=bounds_of([a.geometry for a in areas] + [s.geometry for s in sites]),
    )


def _points_in_any(areas: Sequence[Place], points: ActivityPoints) -> int:
    """How many points lie in at least one area."""
    if not areas or len(points) == 0:
        return 0
    tree = shapely.STRtree(np.asarray([a.geometry for a in areas], dtype=object))
    point_idx, _ = tree.query(shapely.points(points.xy), predicate="intersects")
    return int(np.unique(point_idx).size)


def _day_end(day: date) -> datetime:
    """Local midnight after `day`."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=STOCKHOLM)


def _sv_hours(hours: float) -> str:
    """Hours with a decimal comma and no trailing zeros: 2, 2,5."""
    return f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",")
