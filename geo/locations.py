"""Where activities were: logged activities as coordinate arrays for bulk work.

Heatmaps and presence per area handle 100,000 activities, so they work on NumPy arrays
rather than on one record at a time. An activity is where its own geometry says, else at
its place (a polygon or a route counts at a point inside it: `shapely.point_on_surface`).
Activities with neither (meetings) have no location and are left out, and counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from geo.models import Activity, CommitmentKind, Place, PromiseDocument

NO_PLACE = -1


@dataclass(frozen=True)
class ActivityPoints:
    """Genomförda aktiviteter som punkter: parallel arrays in EPSG:3006.

    `x`, `y` in metres; `kind` and `commitment_id` as object arrays of text (commitment
    None where the activity names none); `place_id` is NO_PLACE (-1) without a place;
    `hours` is NaN where the reader did not load durations. `unplaced` counts the activities
    left out because they had no location.
    """

    x: np.ndarray
    y: np.ndarray
    kind: np.ndarray
    commitment_id: np.ndarray
    place_id: np.ndarray
    hours: np.ndarray
    unplaced: int = 0

    def __len__(self) -> int:
        return int(self.x.size)

    @property
    def xy(self) -> np.ndarray:
        """(n, 2) array of coordinates."""
        return np.column_stack([self.x, self.y])

    def where(self, mask: np.ndarray) -> ActivityPoints:
        """The activities where `mask` is True (unplaced count kept)."""
        return ActivityPoints(
            self.x[mask],
            self.y[mask],
            self.kind[mask],
            self.commitment_id[mask],
            self.place_id[mask],
            self.hours[mask],
            self.unplaced,
        )

    def of_kinds(self, kinds: Iterable[CommitmentKind]) -> np.ndarray:
        """Mask: activities of any of these kinds."""
        return np.isin(self.kind, [k.value for k in kinds])

    def counting_toward(self, doc: PromiseDocument, commitment_id: str) -> np.ndarray:
        """Mask: activities that count toward one commitment (the rule of `geo.progress`).

        They name it, or they name no commitment and are of its kind while it is the
        document's only commitment of that kind.
        """
        commitment = doc.commitment(commitment_id)
        named = self.commitment_id == commitment_id
        if len(doc.commitments_of_kind(commitment.kind)) != 1:
            return named
        unnamed = np.array([c is None for c in self.commitment_id], dtype=bool)
        return named | (unnamed & (self.kind == commitment.kind.value))


_POINT_WKB = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def _wkb_coordinates(blobs: list[bytes]) -> np.ndarray:
    """(n, 2) coordinates from WKB: one point per geometry (see `_one_point_each`).

    Fast path: when every blob is a little-endian 2-D point (21 bytes, what shapely writes
    on every common machine), x and y are read straight from the joined bytes, 30× faster
    than parsing 100,000 geometries one by one. Anything else goes through shapely.
    """
    if all(len(b) == 21 for b in blobs):
        packed = np.frombuffer(b"".join(blobs), dtype=_POINT_WKB)
        if (packed["order"] == 1).all() and (packed["type"] == 1).all():
            return np.column_stack([packed["x"], packed["y"]])
    return _one_point_each(shapely.from_wkb(np.array(blobs, dtype=object)))


def _one_point_each(geoms: np.ndarray) -> np.ndarray:
    """(n, 2) coordinates: points as they are, a point on the surface of anything else."""
    is_point = shapely.get_type_id(geoms) == 0
    xy = np.empty((len(geoms), 2))
    # Points are nearly always most of them; point_on_surface costs a GEOS call each.
    xy[is_point] = shapely.get_coordinates(geoms[is_point])
    if (~is_point).any():
        xy[~is_point] = shapely.get_coordinates(shapely.point_on_surface(geoms[~is_point]))
    return xy


def _place_points(places: Mapping[int, Place]) -> dict[int, tuple[float, float]]:
    """One point per place: the point itself, or a point inside a polygon or on a route."""
    ids = list(places)
    points = shapely.point_on_surface([places[i].geometry for i in ids])
    coords = shapely.get_coordinates(points)
    return {i: (float(c[0]), float(c[1])) for i, c in zip(ids, coords, strict=True)}


def _assemble(
    kinds: list[str],
    commitments: list[str | None],
    place_ids: list[int | None],
    own_xy: np.ndarray,
    hours: np.ndarray,
    places: Mapping[int, Place],
) -> ActivityPoints:
    """Fill missing own coordinates from the place, drop what has neither."""
    at_place = _place_points(places)
    pid = np.array([NO_PLACE if p is None else p for p in place_ids], dtype=np.int64)
    x, y = own_xy[:, 0].copy(), own_xy[:, 1].copy()
    fill = np.isnan(x) & (pid != NO_PLACE)
    if fill.any() and at_place:
        # Look the place ids up in a sorted table (vectorised: 100,000 rows in milliseconds).
        ids = np.array(sorted(at_place), dtype=np.int64)
        coords = np.array([at_place[int(i)] for i in ids])
        where = np.clip(np.searchsorted(ids, pid[fill]), 0, len(ids) - 1)
        known = ids[where] == pid[fill]
        x[fill] = np.where(known, coords[where, 0], np.nan)
        y[fill] = np.where(known, coords[where, 1], np.nan)
    located = ~np.isnan(x)
    return ActivityPoints(
        x=x[located],
        y=y[located],
        kind=np.array(kinds, dtype=object)[located],
        commitment_id=np.array(commitments, dtype=object)[located],
        place_id=pid[located],
        hours=hours[located],
        unplaced=int((~located).sum()),
    )


def points_from_activities(
    activities: Sequence[Activity], places: Mapping[int, Place]
) -> ActivityPoints:
    """Activity records (with their hours) as arrays; `places` by id, retired ones included."""
    geoms = [a.geometry for a in activities]
    own = np.full((len(activities), 2), np.nan)
    has_own = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    if has_own.any():
        own[has_own] = _one_point_each(
            np.array([g for g, ok in zip(geoms, has_own, strict=True) if ok], dtype=object)
        )
    return _assemble(
        [a.kind.value for a in activities],
        [a.commitment_id for a in activities],
        [a.place_id for a in activities],
        own,
        np.array([a.hours for a in activities], dtype=float),
        places,
    )


def points_from_rows(
    rows: Sequence[tuple[str, str | None, int | None, bytes | None]],
    places: Mapping[int, Place],
) -> ActivityPoints:
    """The lean rows of `Session.activity_locations` as arrays (hours unknown: NaN)."""
    n = len(rows)
    own = np.full((n, 2), np.nan)
    wkb = [r[3] for r in rows]
    has_own = np.array([w is not None for w in wkb], dtype=bool) if n else np.zeros(0, bool)
    if has_own.any():
        own[has_own] = _wkb_coordinates([bytes(w) for w in wkb if w is not None])
    return _assemble(
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        own,
        np.full(n, np.nan),
        places,
    )
