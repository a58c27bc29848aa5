"""The rows an export is made of: places, activities, plans, findings and summaries, as exported.

What each audience may see is decided in `geo.disclosure.audience`; `internal_data` and
`public_data` fill these rows accordingly, and every export format reads only `ExportData`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.records.kinds import Classification, Kind
from geo.records.models import FindingStatus, PlaceKind, PlanStatus
from geo.records.periods import Period
from geo.records.progress import AgainstTarget
from geo.records.promise import Commitment, PromiseDocument
from geo.spatial.aggregate import (
    Cell,
)
from geo.swedish import date_range

if TYPE_CHECKING:
    pass

from geo.disclosure.audience import Audience, AudienceRules, ExportRequest


@dataclass(frozen=True)
class PlaceRow:
    """A place as exported (public: no id, version, note or free-text attributes).

    `attributes` holds the stored values as they are (a speed as a number, a route's stops
    as a list), so each export can write them the way the place import reads them back.
    """

    kind: PlaceKind
    name: str
    geometry: BaseGeometry
    classification: Classification
    note: str
    attributes: Mapping[str, Any]
    id: int | None
    retired: bool
    is_example: bool
    version: int | None = None

    @property
    def is_retired(self) -> bool:
        """`retired` under the name a stored `Place` gives it, so maps group either alike."""
        return self.retired


@dataclass(frozen=True)
class ActivityRow:
    """A logged activity as exported (internal exports only)."""

    kind: Kind
    commitment_id: str | None
    week: str
    start: datetime
    end: datetime
    place_name: str
    geometry: Point | None
    hours: float
    outcome: Mapping[str, float]
    classification: Classification
    note: str
    id: int | None
    is_example: bool
    # The place the reader may see (None without, or when it is hidden): the internal map
    # counts activities per place and kind as Karta does (geo.spatial.activity_groups).
    place_id: int | None = None


@dataclass(frozen=True)
class PlannedRow:
    """A planned activity as exported (public: opening hours only, by week)."""

    kind: Kind
    commitment_id: str | None
    week: str
    start: datetime | None
    end: datetime | None
    place_name: str
    geometry: BaseGeometry | None
    team: str
    status: PlanStatus
    classification: Classification
    note: str
    opening_hours: str
    id: int | None
    is_example: bool


@dataclass(frozen=True)
class FindingRow:
    """A finding from a safety walk as exported (public: no free text, weeks for dates)."""

    category: str
    owner: str
    status: FindingStatus
    due_week: str
    walk_week: str
    geometry: BaseGeometry | None
    classification: Classification
    # Internal only, from here on: free text, exact dates, the ids that link a finding to its
    # walk, whether there is a photo and its small JPEG thumbnail for the meeting pack. A
    # public row leaves them all at these empty defaults (see `geo.disclosure.audience`), so
    # a field added here stays out of public files unless `public_data` is changed to fill it.
    description: str = ""
    action: str = ""
    due: date | None = None
    walk_date: date | None = None
    id: int | None = None
    activity_id: int | None = None
    has_photo: bool = False
    thumbnail: bytes | None = None


@dataclass(frozen=True)
class SummaryRow(AgainstTarget):
    """One commitment in one period: done (None = suppressed), hours, outcome sums.

    `planned` is None in public exports (future plans are not published). `suppressed`
    names the values withheld because they were 1 to k-1.
    """

    commitment: Commitment
    done: int | None
    hours: float | None
    planned: int | None
    outcomes: Mapping[str, int | None]
    suppressed: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeriodSummary:
    """Progress per commitment in one period (a promise year, a tertial, since a meeting)."""

    period: Period
    rows: tuple[SummaryRow, ...]

    def row(self, commitment_id: str) -> SummaryRow:
        """The row of one commitment (KeyError if none)."""
        for r in self.rows:
            if r.commitment.id == commitment_id:
                return r
        raise KeyError(commitment_id)


@dataclass(frozen=True)
class StretchCount:
    """A `per` target's count in one of its stretches (a halvår, a tertial) that has ended.

    `done` is None when withheld from the public (`geo.disclosure.summaries.stretch_counts`).
    """

    commitment_id: str
    period: Period
    done: int | None


@dataclass(frozen=True)
class BaseLayerData:
    """A base layer for the maps: features as (label, geometry in EPSG:3006)."""

    name: str
    title: str
    attribution: str
    features: tuple[tuple[str, BaseGeometry], ...]


@dataclass(frozen=True)
class ExportData:
    """Everything one export may contain, already filtered for its audience."""

    document: PromiseDocument
    request: ExportRequest
    period: Period
    places: tuple[PlaceRow, ...]
    # Internal: every activity (public: none), made row by row from the columns read
    # (`geo.disclosure.activity_rows`), so a million never sit in memory as rows.
    activities: Sequence[ActivityRow]
    recent_activities: Sequence[ActivityRow]
    planned: tuple[PlannedRow, ...]
    upcoming: tuple[PlannedRow, ...]
    findings: tuple[FindingRow, ...]
    cells: tuple[Cell, ...]
    summary: PeriodSummary
    tertials: tuple[PeriodSummary, ...]
    recent: PeriodSummary
    last_meeting: date | None
    base: tuple[BaseLayerData, ...]
    kommun_boundary: BaseGeometry | None
    has_example_data: bool
    # Public: the last day counted (end of the last ended tertial), None if none has ended.
    counted_until: date | None = None
    # The day each milestone (mål: {klart_senast: ...}) was done, by commitment id
    # (`geo.disclosure.context.milestones_done`).
    milestones_done: tuple[tuple[str, date], ...] = ()
    # Each `per` target's count in its stretches that have ended ("1 av 1 under hösten").
    stretches: tuple[StretchCount, ...] = ()

    @property
    def audience(self) -> Audience:
        """Who the export is for."""
        return self.request.audience

    @property
    def made_at(self) -> datetime:
        """When the export was made."""
        return self.request.made_at

    @property
    def rules(self) -> AudienceRules:
        """The protection rules in force."""
        return self.request.rules

    @property
    def attributions(self) -> tuple[str, ...]:
        """Source lines of the base layers, each once."""
        return tuple(dict.fromkeys(b.attribution for b in self.base))

    @property
    def open_findings(self) -> tuple[FindingRow, ...]:
        """Findings not yet dealt with (öppen or pågår)."""
        return tuple(f for f in self.findings if f.status is not FindingStatus.CLOSED)


def counted_text(data: ExportData) -> str:
    """How far a file counts, for its face: "siffrorna gäller till och med 2024-04-30 …"."""
    if data.audience is Audience.INTERNAL:
        return f"siffrorna gäller {date_range(data.period.start, data.period.end)}"
    if data.counted_until is None:
        return "inget tertial av löftesåret har avslutats ännu, så inget är räknat"
    return (
        f"siffrorna gäller till och med {data.counted_until:%Y-%m-%d}, slutet av det senast "
        "avslutade tertialet"
    )
