"""When: hour-of-week matrices (Monday–Sunday × 00–23, Swedish local time).

Activities fill the hours they were under way: a control 13:00–15:00 on a Tuesday adds one
hour to Tuesday 13 and one to Tuesday 14, and 13:30–14:15 adds 0.5 and 0.25. The sum of
the matrix is the clock time spent (the recorded "timmar" may differ and is not used here).
Incidents are instants: each adds one to the hour it happened in.

Swedish time is always a whole number of hours from UTC, so local hours start on UTC hour
boundaries; the matrices are worked out on UTC seconds and only the hour labels are local,
which keeps summer time right (02:00–03:00 on the last Sunday in March does not exist and
gets nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.followup.events import incident_times
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM
from geo.records.periods import Period
from geo.swedish import WEEKDAYS

if TYPE_CHECKING:
    from geo.store import Session

HOUR = 3600


def _epoch(times: Iterable[datetime]) -> np.ndarray:
    """Aware datetimes → UTC seconds (int64)."""
    return np.array([int(t.timestamp()) for t in times], dtype=np.int64)


def _local_cells(hour_starts: np.ndarray) -> np.ndarray:
    """Cell index weekday * 24 + hour in Stockholm time for UTC hour-start seconds."""
    local = pd.to_datetime(hour_starts, unit="s", utc=True).tz_convert(STOCKHOLM)
    return np.asarray(local.day_of_week * 24 + local.hour, dtype=np.int64)


def activity_hours(intervals: Iterable[tuple[datetime, datetime]]) -> np.ndarray:
    """Hours under way per weekday and local hour: a (7, 24) float array.

    Parameters
    ----------
    intervals : (start, end) pairs, timezone-aware; zero-length ones add nothing.

    Returns
    -------
    Row 0 is Monday, column 0 is 00:00–01:00 local time; the sum is the total hours.
    """
    pairs = list(intervals)
    matrix = np.zeros(7 * 24)
    if not pairs:
        return matrix.reshape(7, 24)
    start = _epoch(p[0] for p in pairs)
    end = _epoch(p[1] for p in pairs)
    first = start // HOUR
    pieces = np.maximum(-(-end // HOUR) - first, 0)  # hours touched (ceil of end − floor of start)
    owner = np.repeat(np.arange(len(pairs)), pieces)
    # Position of each piece within its interval: 0, 1, 2, … per owner.
    offsets = np.arange(owner.size) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    hour = (first[owner] + offsets) * HOUR
    seconds = np.minimum(end[owner], hour + HOUR) - np.maximum(start[owner], hour)
    np.add.at(matrix, _local_cells(hour), seconds / HOUR)
    return matrix.reshape(7, 24)


def event_counts(times: Iterable[datetime]) -> np.ndarray:
    """Number of events per weekday and local hour: a (7, 24) integer array."""
    seconds = _epoch(times)
    if seconds.size == 0:
        return np.zeros((7, 24), dtype=np.int64)
    cells = _local_cells(seconds - seconds % HOUR)
    return np.bincount(cells, minlength=7 * 24).reshape(7, 24)


def as_frame(matrix: np.ndarray) -> pd.DataFrame:
    """A matrix with Swedish labels: weekdays as rows, "00"–"23" as columns."""
    return pd.DataFrame(matrix, index=list(WEEKDAYS), columns=[f"{h:02d}" for h in range(24)])


@dataclass(frozen=True)
class WeekMatrices:
    """Aktiviteter och händelser per veckotimme for one period, side by side.

    `summaries_left_out` counts the police's published summaries ("Sammanfattning natt"),
    which are not incidents at a time and so are not in `incidents`.
    """

    activity_hours: np.ndarray
    incidents: np.ndarray
    activities: int
    incident_count: int
    summaries_left_out: int


def load_week_matrices(
    session: Session,
    document_id: str,
    period: Period,
    kommunkoder: Iterable[str],
    kinds: Iterable[CommitmentKind] | None = None,
) -> WeekMatrices:
    """Hours of the activities of the promise `document_id`, and incidents of some kommuner,
    per hour of the week in `period`."""
    wanted = set(kinds) if kinds is not None else None
    activities = [
        a
        for a in session.list_activities(period.start_at, period.end_at, document_id=document_id)
        if wanted is None or a.kind in wanted
    ]
    events = session.list_events(period.start_at, period.end_at, list(kommunkoder))
    incidents = incident_times(events)
    return WeekMatrices(
        activity_hours=activity_hours((a.start, a.end) for a in activities),
        incidents=event_counts(incidents),
        activities=len(activities),
        incident_count=len(incidents),
        summaries_left_out=len(events) - len(incidents),
    )
