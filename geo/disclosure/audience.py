"""Who an export is for, and the ONE data set every export is built from.

Two audiences:

* `internal` (intern): everything the user may see, exact times and places, notes.
* `public` (offentlig): what may be published on polisen.se. Built by leaving things out,
  never by hiding them in a file: the HTML map, PDF, GeoPackage and CSV of a public export
  are made from the `ExportData` below and nothing else, so nothing withheld can be found in
  a file's source.

What a public data set never contains
--------------------------------------
* records (places, activities, plans, findings) classified `intern` or `sekretess`;
* free text: notes, finding descriptions and actions, place attributes other than a police
  office's address and opening hours;
* photos of findings, or even whether a finding has one (they are internal, `geo.files.photos`);
* single activities at all: no times, no places. Where activities were is shown only as
  counts per grid cell in EPSG:3006 (`geo.spatial.aggregate`), from `öppen` activities, so the exact
  place of a narcotics intervention never leaves; insatsplatser are never published;
* any cell or count with 1 to k-1 events (k = `min_count`, default 3). Such a cell is left
  out altogether; such a count is suppressed (None, "visas inte"), never rounded. Zero is
  published: it says nothing about anyone and a promise not kept must show. Where one
  tertial of a commitment is suppressed but the period total is published, the smallest
  other tertial is suppressed too, so the hidden figure cannot be worked out by subtraction;
* planned activities other than the police office's published opening hours (öppen
  presence at an öppen police office), and those only by ISO week;
* any time finer than the ISO week (finding due dates become weeks too; "since the last
  meeting" is counted from the Monday of its week, and the meeting's date is left out).

Counts of done activities per commitment include every classification: how far a public
promise has come is itself public (the follow-up on polisen.se says "9 av minst 10 riktade
insatser"), while the activities behind the number stay unpublished.

Public files cannot be combined to learn more than each says
-------------------------------------------------------------
Suppression protects one file; an attacker holds many. So a public file is the same whoever
makes it and whenever in a tertial it is made, and its numbers come from a fixed set:

* the period is one whole promise year (`check_public_request`); no other range is accepted,
  so two files never differ by a day;
* counts stop at the end of the last tertial that has ended (`counted_until`): a file made on
  Tuesday and one made on Wednesday hold the same numbers, and comparing successive files
  tells at most in which tertial something was done, which the tertial table says anyway;
* the grid is fixed (`PUBLIC_RULES`: squares of 500 m anchored at the origin of EPSG:3006,
  smallest count 3): grids of several sizes cannot be intersected to narrow a place down;
* the data set is read as `PUBLIC_READER`, not as the person asking, so a läsare and a police
  administrator make the same file;
* a suppressed value is written as "visas inte", which is true both of a count from 1 to k-1
  and of a larger one withheld so that a small one cannot be worked out by subtraction.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.errors import ValidationError
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Actor,
    Classification,
    Commitment,
    CommitmentKind,
    Finding,
    FindingStatus,
    Outcome,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
    PromiseDocument,
)
from geo.records.periods import Period, promise_year_containing, promise_years, tertials_in
from geo.records.progress import commitment_for, progress
from geo.spatial.aggregate import (
    DEFAULT_CELL_SIZE_M,
    DEFAULT_MIN_COUNT,
    MAX_CELL_SIZE_M,
    MIN_CELL_SIZE_M,
    Cell,
    GridShape,
    count_in_cells,
)
from geo.spatial.layers import LABEL_KEYS, activity_point
from geo.swedish import date_range

if TYPE_CHECKING:
    from geo.store import Session


class Audience(enum.StrEnum):
    """Målgrupp: who an export may be given to."""

    INTERNAL = "internal"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        """ "Intern" or "Offentlig"."""
        return "Intern" if self is Audience.INTERNAL else "Offentlig"

    @property
    def notice(self) -> str:
        """The line printed on the face of every export."""
        if self is Audience.INTERNAL:
            return "INTERN – innehåller uppgifter som inte får publiceras"
        return "OFFENTLIG – sammanställd för publicering, utan känsliga uppgifter"

    @property
    def short_notice(self) -> str:
        """A short form for tight places (the badge on a map image)."""
        if self is Audience.INTERNAL:
            return "INTERN – får inte publiceras"
        return "OFFENTLIG – får publiceras"

    @property
    def file_tag(self) -> str:
        """Part of file names: "intern" or "offentlig"."""
        return "intern" if self is Audience.INTERNAL else "offentlig"


# Place attributes a public export may carry (only a police office's, see `_public_place`).
PUBLIC_OFFICE_ATTRIBUTES = ("adress", "öppettider")
OPENING_HOURS = "öppettider"
# Outcome names that are counts of events (timmar is a duration, reported as hours).
COUNT_OUTCOMES = tuple(o.value for o in Outcome if o is not Outcome.HOURS)


@dataclass(frozen=True)
class AudienceRules:
    """How public data is protected: the smallest count shown and the grid for places."""

    min_count: int = DEFAULT_MIN_COUNT
    cell_size_m: float = DEFAULT_CELL_SIZE_M
    grid: GridShape = GridShape.SQUARE

    def __post_init__(self) -> None:
        if self.min_count < 2:
            raise ValidationError(
                f"Minsta antal ska vara minst 2 (är {self.min_count}): med 1 skyddas ingenting."
            )
        if not MIN_CELL_SIZE_M <= self.cell_size_m <= MAX_CELL_SIZE_M:
            raise ValidationError(
                f"Rutstorleken ska vara mellan {MIN_CELL_SIZE_M:.0f} och {MAX_CELL_SIZE_M:.0f} m "
                f"(är {self.cell_size_m:g} m)."
            )

    @property
    def suppressed_text(self) -> str:
        """How a withheld count is written: "visas inte".

        Not "färre än 3": a value withheld so that a small one cannot be subtracted out
        (`protect_parts`) may be larger, and a public file never says what is false.
        """
        return "visas inte"

    @property
    def suppressed_meaning(self) -> str:
        """The sentence each public file prints to explain `suppressed_text`."""
        return (
            f'"{self.suppressed_text}" står för ett antal från 1 till {self.min_count - 1}, '
            "eller för ett annat antal som döljs för att ett sådant annars skulle kunna "
            "räknas fram"
        )


# The only rules a public file is made with (see "Public files cannot be combined" above).
PUBLIC_RULES = AudienceRules(DEFAULT_MIN_COUNT, DEFAULT_CELL_SIZE_M, GridShape.SQUARE)

# Who reads the store for a public file: what it may hold is decided by the rules here, not
# by who asks, so the same file comes out for everyone (the requester's right to export is
# checked before). A police planner sees every classification; only counts leave.
PUBLIC_READER = Actor("system:offentlig-export", role="planner", organisation="polis")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: audience, inclusive dates, when, and the meeting it is for.

    `meeting_date` defaults to the day the export is made, but never later than the day
    after `end`; `since` (the first day of "genomfört sedan förra mötet") defaults to the
    day after the last samverkansmöte logged before the meeting.
    """

    audience: Audience
    start: date
    end: date
    made_at: datetime
    rules: AudienceRules = field(default_factory=AudienceRules)
    document_id: str | None = None
    meeting_date: date | None = None
    since: date | None = None
    upcoming_days: int = 90

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError(
                f"Slutdatum {self.end:%Y-%m-%d} ligger före startdatum {self.start:%Y-%m-%d}."
            )
        if self.made_at.tzinfo is None:
            raise ValueError("made_at saknar tidszon")

    @property
    def meeting_day(self) -> date:
        """The meeting date in use (see the class docstring)."""
        if self.meeting_date is not None:
            return self.meeting_date
        return min(self.made_at.astimezone(STOCKHOLM).date(), self.end + timedelta(days=1))


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


@dataclass(frozen=True)
class ActivityRow:
    """A logged activity as exported (internal exports only)."""

    kind: CommitmentKind
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


@dataclass(frozen=True)
class PlannedRow:
    """A planned activity as exported (public: opening hours only, by week)."""

    kind: CommitmentKind
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
    description: str
    action: str
    due: date | None
    walk_date: date | None
    id: int | None
    activity_id: int | None
    # Internal only: whether there is a photo, and its small JPEG thumbnail for the meeting
    # pack. A public row never has either (photos are internal, see the module docstring).
    has_photo: bool = False
    thumbnail: bytes | None = None


@dataclass(frozen=True)
class SummaryRow:
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

    @property
    def target(self) -> int | None:
        """The yearly number promised, if any."""
        return self.commitment.target.count if self.commitment.target else None

    @property
    def remaining(self) -> int | None:
        """Left to do, or None without a target or when `done` is suppressed."""
        target = self.commitment.target
        if target is None or self.done is None:
            return None
        return target.remaining(self.done)


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
    activities: tuple[ActivityRow, ...]
    recent_activities: tuple[ActivityRow, ...]
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


def default_period(doc: PromiseDocument, today: date) -> Period:
    """The promise year containing `today` (clamped to the document's years)."""
    return promise_year_containing(doc, today)


def check_public_request(doc: PromiseDocument, request: ExportRequest) -> None:
    """Refuse a public request outside the fixed set (see the module docstring).

    Raises
    ------
    ValidationError
        The period is not one whole promise year of `doc`, the rules are not `PUBLIC_RULES`,
        or a start day for "since the last meeting" was given.
    """
    years = promise_years(doc)
    if not any((y.start, y.end) == (request.start, request.end) for y in years):
        choices = "; ".join(f"{y.label} ({y.start:%Y-%m-%d} – {y.end:%Y-%m-%d})" for y in years)
        raise ValidationError(
            "En offentlig export gäller alltid ett helt löftesår, så att två filer aldrig "
            f"skiljer sig åt med några dagar. Välj ett av: {choices}."
        )
    if request.rules != PUBLIC_RULES:
        raise ValidationError(
            "En offentlig export görs alltid med rutor om "
            f"{PUBLIC_RULES.cell_size_m:g} m ({PUBLIC_RULES.grid.value}) och minsta antal "
            f"{PUBLIC_RULES.min_count}, så att filer med olika rutnät inte kan läggas på "
            "varandra för att visa mer. Ta bort de andra värdena."
        )
    if request.since is not None:
        raise ValidationError(
            'En offentlig export redovisar hela tertial, inte "sedan ett datum": '
            "ange inget startdatum för sedan förra mötet."
        )


def counted_until(period: Period, today: date) -> date | None:
    """The last day a public file counts: the end of the last tertial before `today`.

    None while no tertial of the period has ended (then nothing is counted yet).
    """
    ended = [_part(period, t.period, t.label) for t in tertials_in(period)]
    ended = [part for part in ended if part.end < today]
    return ended[-1].end if ended else None


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
    every_activity: list[Activity]
    in_period: list[Activity]
    planned_all: list[PlannedActivity]
    planned_in_period: list[PlannedActivity]
    recent_period: Period
    recent: list[Activity]
    upcoming: list[PlannedActivity]
    last_meeting: date | None

    @property
    def k(self) -> int:
        """The smallest count a public file shows."""
        return self.request.rules.min_count


def read_context(session: Session, request: ExportRequest) -> ExportContext:
    """Read the store once for `request` (a public one is checked first)."""
    doc = session.promise_document(request.document_id)
    public = request.audience is Audience.PUBLIC
    if public:
        check_public_request(doc, request)
    period = _period(doc, request.start, request.end)
    today = request.made_at.astimezone(STOCKHOLM).date()
    until = counted_until(period, today) if public else period.end
    places = session.list_places(include_retired=True)
    every_activity = session.list_activities()
    in_period = [a for a in every_activity if period.contains(day_of(a.start))]
    if public:
        # Only what happened in tertials that have ended (see `counted_until`).
        in_period = [a for a in in_period if until is not None and day_of(a.start) <= until]
    planned_all = session.list_planned()
    meeting = request.meeting_day

    last_meeting = _last_meeting(every_activity, meeting)
    since = request.since or (last_meeting + timedelta(days=1) if last_meeting else period.start)
    recent_period = Period(
        since, max(since, meeting - timedelta(days=1)), f"Sedan {since:%Y-%m-%d}"
    )
    recent = [a for a in every_activity if recent_period.contains(day_of(a.start))]
    if meeting <= since:
        recent = []

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


def tertial_summaries(ctx: ExportContext, public: bool) -> list[PeriodSummary]:
    """One summary per tertial of the period that has begun (public: that has ended)."""
    out = []
    for tertial in tertials_in(ctx.period):
        part = _part(ctx.period, tertial.period, tertial.label)
        if part.start > ctx.today or (public and (ctx.until is None or part.end > ctx.until)):
            continue  # a tertial that has not begun (public: not ended) has nothing to report
        acts = [a for a in ctx.in_period if part.contains(day_of(a.start))]
        plans = [p for p in ctx.planned_in_period if part.contains(day_of(p.start))]
        out.append(period_summary(ctx.document, part, acts, plans, public, ctx.k))
    return out


def cells_of(
    ctx: ExportContext, activities: Iterable[Activity], min_count: int
) -> tuple[Cell, ...]:
    """Where `activities` were, as counts per grid cell with at least `min_count`."""
    points = [activity_point(a, ctx.by_id) for a in activities]
    return tuple(
        count_in_cells(
            [p for p in points if p is not None],
            ctx.request.rules.cell_size_m,
            ctx.request.rules.grid,
            min_count=min_count,
        )
    )


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
    }


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


def _part(period: Period, tertial: Period, label: str) -> Period:
    """The part of a tertial inside the period (a promise year rarely starts on 1 January)."""
    return Period(max(tertial.start, period.start), min(tertial.end, period.end), label)


def _last_meeting(activities: Iterable[Activity], before: date) -> date | None:
    """The day of the last samverkansmöte logged before `before`."""
    days = [
        day_of(a.start)
        for a in activities
        if a.kind is CommitmentKind.COORDINATION_MEETING and day_of(a.start) < before
    ]
    return max(days) if days else None


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


def _protect(value: int, k: int) -> int | None:
    """Primary suppression: 1 to k-1 events are withheld (None); 0 and >= k are shown."""
    return None if 0 < value < k else value


def period_summary(
    doc: PromiseDocument,
    period: Period,
    activities: Sequence[Activity],
    planned: Sequence[PlannedActivity],
    public: bool,
    k: int,
) -> PeriodSummary:
    """Done, hours and outcome sums per commitment; suppressed for the public."""
    sums: dict[str, dict[str, float]] = {c.id: {} for c in doc.commitments}
    for a in activities:
        c = commitment_for(doc, a)
        if c is None or not period.contains(day_of(a.start)):
            continue
        for name, value in a.outcome.items():
            if name in COUNT_OUTCOMES:
                sums[c.id][name] = sums[c.id].get(name, 0) + float(value)
    rows = []
    for p in progress(doc, period, activities, planned):
        found = sums[p.commitment.id]
        # In the Outcome enum's order, so every export lists them the same way.
        outcomes = {name: int(round(found[name])) for name in COUNT_OUTCOMES if name in found}
        if not public:
            rows.append(SummaryRow(p.commitment, p.done, p.hours, p.planned, outcomes))
            continue
        done = _protect(p.done, k)
        shown = {name: _protect(v, k) for name, v in outcomes.items()}
        withheld = (["genomfort"] if done is None else []) + [
            n for n, v in shown.items() if v is None
        ]
        rows.append(
            SummaryRow(
                p.commitment,
                done,
                p.hours if done is not None else None,
                None,
                shown,
                tuple(withheld),
            )
        )
    return PeriodSummary(period, tuple(rows))


def protect_parts(total: PeriodSummary, parts: list[PeriodSummary]) -> list[PeriodSummary]:
    """Secondary suppression: never leave one hidden part next to a shown total.

    If exactly one tertial's value is suppressed while the period total is shown, the
    hidden value is the total minus the others; suppressing the smallest other non-zero
    tertial as well prevents that. Applied to `done` and to every outcome sum.
    """
    if len(parts) < 2:
        return parts
    rows = [list(part.rows) for part in parts]
    for c_index, total_row in enumerate(total.rows):
        measures: list[str | None] = [None, *total_row.outcomes.keys()]
        for measure in measures:
            total_value = _value(total_row, measure)
            if total_value is None:
                continue
            values = [_value(r[c_index], measure) for r in rows]
            if sum(v is None for v in values) != 1:
                continue
            shown = [(v, i) for i, v in enumerate(values) if v]
            if not shown:
                continue
            _, index = min(shown)
            rows[index][c_index] = _withhold(rows[index][c_index], measure)
    return [replace(part, rows=tuple(r)) for part, r in zip(parts, rows, strict=True)]


def _value(row: SummaryRow, measure: str | None) -> int | None:
    """`done` (measure None) or one outcome sum (0 when the row has none)."""
    if measure is None:
        return row.done
    return row.outcomes.get(measure, 0)


def _withhold(row: SummaryRow, measure: str | None) -> SummaryRow:
    """A copy of a row with one value suppressed."""
    if measure is None:
        return replace(row, done=None, hours=None, suppressed=(*row.suppressed, "genomfort"))
    outcomes = dict(row.outcomes) | {measure: None}
    return replace(row, outcomes=outcomes, suppressed=(*row.suppressed, measure))


def base_layers(
    session: Session, kommunkod: str
) -> tuple[tuple[BaseLayerData, ...], BaseGeometry | None]:
    """The kommun's boundary, the län's kommuner and tätorter (public SCB data)."""
    out = []
    boundary: BaseGeometry | None = None
    for layer in session.base_layers():
        own = layer.name == f"kommun_{kommunkod}"
        if layer.name.startswith("kommun_") and not own:
            continue
        features = session.base_features(layer.name)
        key = LABEL_KEYS.get(layer.name)
        rows = tuple((str(props.get(key, "")) if key else "", geom) for props, geom in features)
        if own and rows:
            boundary = rows[0][1]
        out.append(BaseLayerData(layer.name, layer.title, layer.attribution, rows))
    return tuple(out), boundary
