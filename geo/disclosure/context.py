"""What both data sets start from: the store read once for an export request, and helpers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.progress_report import Progress
from geo.records.activity_table import ActivityTable
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Finding,
    FindingStatus,
    Place,
    PlannedActivity,
    PlanStatus,
    with_promise_kinds,
)
from geo.records.periods import Period, promise_years
from geo.records.progress import commitment_match
from geo.records.promise import PromiseDocument, TargetRule
from geo.spatial.aggregate import (
    Cell,
    count_in_cells,
)
from geo.spatial.layers import LABEL_KEYS, drawn_point
from geo.spatial.reference_layers import boundary_layer, kommun_layers
from geo.swedish import date_range

if TYPE_CHECKING:
    from geo.store import Session

from geo.disclosure.audience import Audience, ExportRequest, check_public_request, counted_until
from geo.disclosure.rows import BaseLayerData


@dataclass(frozen=True)
class ExportContext:
    """What both data sets start from: the document, the period and the records read once."""

    document: PromiseDocument
    request: ExportRequest
    period: Period
    today: date
    until: date | None
    places: list[Place]
    by_id: dict[int, Place]
    every_activity: ActivityTable
    in_period: ActivityTable
    planned_all: list[PlannedActivity]
    planned_in_period: list[PlannedActivity]
    recent_period: Period
    recent: ActivityTable
    upcoming: list[PlannedActivity]
    last_meeting: date | None

    @property
    def k(self) -> int:
        """The smallest count a public file shows."""
        return self.request.rules.min_count


def read_context(
    session: Session, request: ExportRequest, progress: Progress | None = None
) -> ExportContext:
    """Read the store once for `request` (a public one is checked first).

    The activities are read as columns in chunks (`Session.activity_table`), `progress`
    told (read, total) after each: a million of them as records would not fit in memory.
    """
    today = request.made_at.astimezone(STOCKHOLM).date()
    doc = session.promise_document(request.document_id, today)
    public = request.audience is Audience.PUBLIC
    if public:
        check_public_request(doc, request)
    period = _period(doc, request.start, request.end)
    until = counted_until(period, today) if public else period.end
    places = session.list_places(include_retired=True, kommunkod=doc.kommunkod)
    # Only this promise's records: another kommun's never count in its figures or files.
    every_activity = session.activity_table(document_id=doc.id, progress=progress).with_kinds(doc)
    counted = every_activity.starting_in(period)
    if public:
        # Only what happened in tertials that have ended (see `counted_until`).
        counted &= every_activity.day <= np.datetime64(until) if until else False
    in_period = every_activity.take(counted)
    planned_all = with_promise_kinds(session.list_planned(document_id=doc.id), doc)
    meeting = request.meeting_day

    last_meeting = _last_meeting(every_activity, meeting)
    since = request.since or (last_meeting + timedelta(days=1) if last_meeting else period.start)
    recent_period = Period(
        since, max(since, meeting - timedelta(days=1)), f"Sedan {since:%Y-%m-%d}"
    )
    recent = every_activity.take(every_activity.starting_in(recent_period) & (meeting > since))

    upcoming_end = meeting + timedelta(days=request.upcoming_days)
    upcoming = [
        p
        for p in planned_all
        if p.status is PlanStatus.PLANNED and meeting <= day_of(p.start) < upcoming_end
    ]
    return ExportContext(
        document=doc,
        request=request,
        period=period,
        today=today,
        until=until,
        places=places,
        by_id={p.id: p for p in places if p.id is not None},
        every_activity=every_activity,
        in_period=in_period,
        planned_all=planned_all,
        planned_in_period=[p for p in planned_all if period.contains(day_of(p.start))],
        recent_period=recent_period,
        recent=recent,
        upcoming=upcoming,
        last_meeting=last_meeting,
    )


def cells_of(ctx: ExportContext, activities: ActivityTable, min_count: int) -> tuple[Cell, ...]:
    """Where `activities` were, as counts per grid cell with at least `min_count`."""
    x, y = drawn_xy(activities, ctx.by_id)
    placed = ~np.isnan(x)
    # One point at a time: a million shapely points at once held 300 MB.
    return tuple(
        count_in_cells(
            (Point(px, py) for px, py in _pairs(x[placed], y[placed])),
            ctx.request.rules.cell_size_m,
            ctx.request.rules.grid,
            min_count=min_count,
        )
    )


def _pairs(x: np.ndarray, y: np.ndarray, chunk: int = 10_000) -> Iterator[tuple[float, float]]:
    """(x, y) as Python floats, a chunk at a time (two lists of a million held 64 MB)."""
    for first in range(0, x.size, chunk):
        yield from zip(
            x[first : first + chunk].tolist(), y[first : first + chunk].tolist(), strict=True
        )


def drawn_xy(activities: ActivityTable, places: dict[int, Place]) -> tuple[np.ndarray, np.ndarray]:
    """Where each activity is drawn (`activity_point`): its own position, else its place's
    point (NaN for neither), as x and y arrays in EPSG:3006."""
    x, y = activities.x.copy(), activities.y.copy()
    missing = np.isnan(x)
    for pid in set(activities.place_id[missing].tolist()):
        point = drawn_point(SimpleNamespace(geometry=None, place_id=pid), places)
        if point is not None:
            rows = missing & (activities.place_id == pid)
            x[rows], y[rows] = point.x, point.y
    return x, y


def walks_of(activities: ActivityTable, ids: Iterable[int | None]) -> dict[int | None, Activity]:
    """The activities of `ids` (the walks findings hang off) among `activities`, as records."""
    rows = np.flatnonzero(np.isin(activities.id, np.array(sorted({i for i in ids if i}))))
    return {int(activities.id[i]): activities.record(int(i)) for i in rows}


def shared_fields(session: Session, ctx: ExportContext) -> dict[str, Any]:
    """The fields of `ExportData` both audiences fill alike: document, period, base layers."""
    base, boundary = base_layers(session, ctx.document.kommunkod)
    return {
        "document": ctx.document,
        "request": ctx.request,
        "period": ctx.period,
        "base": base,
        "kommun_boundary": boundary,
        "has_example_data": session.has_example_data(),
        "milestones_done": milestones_done(ctx),
    }


def milestones_done(ctx: ExportContext) -> tuple[tuple[str, date], ...]:
    """The day each milestone was done: its first activity toward it, up to the last day
    counted (`geo.records.targets`: klar on the day an activity toward it is logged).

    A public file takes only öppen activities, so the date of an intern or sekretess record
    never reaches it, and nothing before a tertial has ended.
    """
    public = ctx.request.audience is Audience.PUBLIC
    if public and ctx.until is None:
        return ()
    last = ctx.until or ctx.period.end
    out = []
    for c in ctx.document.commitments:
        if c.target is None or c.target.rule is not TargetRule.BY_DATE:
            continue
        match = commitment_match(ctx.document, c.id)
        acts = ctx.every_activity
        rows = acts.where(match.counts) & (acts.day <= np.datetime64(last))
        if public:
            rows &= acts.classification == Classification.OPEN
        first = acts.first_day(rows)
        if first is not None:
            out.append((c.id, first))
    return tuple(out)


# -- helpers ------------------------------------------------------------------------------


def day_of(moment: datetime) -> date:
    """The local (Stockholm) date of an instant: the one the planner sees."""
    return moment.astimezone(STOCKHOLM).date()


def _period(doc: PromiseDocument, start: date, end: date) -> Period:
    """The export's period, labelled as a promise year when it is exactly one."""
    for year in promise_years(doc):
        if (year.start, year.end) == (start, end):
            return year
    return Period(start, end, date_range(start, end))


def _last_meeting(activities: ActivityTable, before: date) -> date | None:
    """The day of the last samverkansmöte logged before `before`."""
    meetings = activities.of_kinds(CommitmentKind.COORDINATION_MEETING)
    return activities.last_day(meetings & (activities.day < np.datetime64(before)))


def finding_in_scope(finding: Finding, walk: Activity, period: Period) -> bool:
    """Findings from walks in the period, plus any still open from a walk before its end."""
    day = day_of(walk.start)
    if period.contains(day):
        return True
    return finding.status is not FindingStatus.CLOSED and day <= period.end


def plain_text(value: Any) -> str:
    """An attribute value as text (lists joined with ", ")."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def base_layers(
    session: Session, kommunkod: str
) -> tuple[tuple[BaseLayerData, ...], BaseGeometry | None]:
    """The kommun's boundary, the län's kommuner and tätorter (public SCB data)."""
    out = []
    boundary: BaseGeometry | None = None
    for own in kommun_layers(session, kommunkod):
        layer = own.layer
        key = LABEL_KEYS.get(own.shown)
        rows = tuple((str(props.get(key, "")) if key else "", geom) for props, geom in own.features)
        if own.shown == boundary_layer(kommunkod) and rows:
            boundary = rows[0][1]
        out.append(BaseLayerData(own.shown, layer.title, layer.attribution, rows))
    return tuple(out), boundary
