"""The records of the work: places, logged and planned activities, findings, rules, indicators.

The kinds of activity live in `geo.records.kinds`, the promise itself in `geo.records.promise`.

Each class docstring starts with the Swedish term the users know it by (see the glossary in
README.md). Geometries are shapely objects in SWEREF 99 TM (EPSG:3006, metres); times are
timezone-aware. Records hold activities, places and counts: never a person.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from shapely.geometry.base import BaseGeometry

from geo.records.kinds import Classification, CommitmentKind, Kind
from geo.records.labelled_enum import LabelledEnum
from geo.records.promise import PromiseDocument

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class PlaceKind(LabelledEnum):
    """Platstyp: the Swedish codes used in import files and on the map, with their labels."""

    TRAFFIC_CONTROL_SITE = "trafikkontrollplats", "Trafikkontrollplats"
    INTERVENTION_PLACE = "insatsplats", "Insatsplats"
    POLICE_OFFICE = "poliskontor", "Poliskontor"
    CENTRAL_AREA = "centrumområde", "Centrumområde"
    WALK_ROUTE = "vandringsrutt", "Vandringsrutt"

    @property
    def geometry_type(self) -> str:
        """The shapely geometry type a place of this kind has."""
        return _PLACE_GEOMETRY[self]

    @property
    def planned_kind(self) -> CommitmentKind:
        """The activity a planner most often plans at a place of this kind ("Planera här")."""
        return _PLANNED_AT[self]


_PLACE_GEOMETRY = {
    PlaceKind.TRAFFIC_CONTROL_SITE: "Point",
    PlaceKind.INTERVENTION_PLACE: "Point",
    PlaceKind.POLICE_OFFICE: "Point",
    PlaceKind.CENTRAL_AREA: "Polygon",
    PlaceKind.WALK_ROUTE: "LineString",
}


_PLANNED_AT = {
    PlaceKind.TRAFFIC_CONTROL_SITE: CommitmentKind.TRAFFIC_CONTROL,
    PlaceKind.INTERVENTION_PLACE: CommitmentKind.NARCOTICS_INTERVENTION,
    PlaceKind.POLICE_OFFICE: CommitmentKind.PRESENCE,
    PlaceKind.CENTRAL_AREA: CommitmentKind.PRESENCE,
    PlaceKind.WALK_ROUTE: CommitmentKind.SAFETY_WALK,
}


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy, so a frozen record cannot be changed through its dict."""
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Place:
    """Plats: trafikkontrollplats, insatsplats, poliskontor, centrumområde or vandringsrutt.

    `attributes` holds the kind's own fields (road and speed limit for a control site,
    opening hours for a police office, stops for a route...). `retired_at` is set when
    the place is taken out of use; its history stays. `kommunkod` is the kommun it belongs to
    (set by the store from where it lies, else from the promise it is made for); every
    promise of that kommun sees it, year after year.
    """

    kind: PlaceKind
    name: str
    geometry: BaseGeometry
    classification: Classification = Classification.INTERNAL
    note: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    retired_at: datetime | None = None
    version: int = 1
    is_example: bool = False
    kommunkod: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", _frozen(self.attributes))

    @property
    def is_retired(self) -> bool:
        """True once the place is taken out of use."""
        return self.retired_at is not None


class Outcome(enum.StrEnum):
    """Utfall: the counts an activity may record (column names in import files).

    Counts only: how many, never who.
    """

    HOURS = "timmar"
    CONTACTS = "kontakter"
    VISITORS = "besökare"
    VEHICLES_CHECKED = "kontrollerade_fordon"
    VIOLATIONS = "overtradelser"
    SPEED_VIOLATIONS = "hastighetsovertradelser"
    DUI_SUSPECTED = "rattfylleri_drograttfylleri"
    OTHER_VIOLATIONS = "ovriga_overtradelser"
    PERSONS_CHECKED = "kontrollerade_personer"
    SUSPECTED_DRUG_OFFENCES = "misstankta_narkotikabrott"
    OF_WHICH_YOUNG = "varav_unga"
    PARTICIPANTS = "deltagare"
    ORGANISATIONS = "organisationer"
    DECISIONS = "beslut"
    FINDINGS = "iakttagelser"


@dataclass(frozen=True)
class Activity:
    """Genomförd aktivitet: something done, with time, place and outcome counts.

    It counts toward `commitment_id` (or, when that is None, toward the document's single
    commitment of the same kind). Either `place_id` or `geometry` (or both) says where;
    meetings may have neither.
    """

    kind: Kind
    start: datetime
    end: datetime
    commitment_id: str | None = None
    place_id: int | None = None
    geometry: BaseGeometry | None = None
    outcome: Mapping[str, float] = field(default_factory=dict)
    classification: Classification = Classification.INTERNAL
    note: str = ""
    planned_id: int | None = None
    id: int | None = None
    recorded_by: str = ""
    recorded_at: datetime | None = None
    version: int = 1
    is_example: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", _frozen(self.outcome))
        _require_span(self.start, self.end)

    @property
    def hours(self) -> float:
        """Duration in hours (the recorded `timmar` wins when given)."""
        if Outcome.HOURS in self.outcome:
            return float(self.outcome[Outcome.HOURS])
        return (self.end - self.start).total_seconds() / 3600


class PlanStatus(enum.StrEnum):
    """Status för en planerad aktivitet."""

    PLANNED = "planerad"
    DONE = "genomförd"
    CANCELLED = "inställd"


@dataclass(frozen=True)
class PlannedActivity:
    """Planerad aktivitet: something scheduled for a time and place.

    `rule_id` links an occurrence to the recurrence rule that made it, `seed` to the
    randomised plan it came from (kept so the plan can be audited).
    """

    kind: Kind
    start: datetime
    end: datetime
    commitment_id: str | None = None
    place_id: int | None = None
    geometry: BaseGeometry | None = None
    team: str = ""
    classification: Classification = Classification.INTERNAL
    note: str = ""
    status: PlanStatus = PlanStatus.PLANNED
    rule_id: int | None = None
    seed: int | None = None
    id: int | None = None
    version: int = 1
    is_example: bool = False

    def __post_init__(self) -> None:
        _require_span(self.start, self.end)


class FindingStatus(enum.StrEnum):
    """Status för en iakttagelse från en trygghetsvandring."""

    OPEN = "öppen"
    IN_PROGRESS = "pågår"
    CLOSED = "åtgärdad"


@dataclass(frozen=True)
class Finding:
    """Iakttagelse: something seen on a safety walk, with its åtgärd (action) and owner."""

    activity_id: int
    category: str
    geometry: BaseGeometry | None
    description: str = ""
    action: str = ""
    owner: str = ""
    due: date | None = None
    status: FindingStatus = FindingStatus.OPEN
    classification: Classification = Classification.INTERNAL
    id: int | None = None
    version: int = 1
    # Read from the store (the photo itself is fetched on demand: geo.files.photos, Session).
    has_photo: bool = False


@dataclass(frozen=True)
class BaseLayer:
    """Baslager: a map layer of shipped or imported data (boundaries, tätorter, roads)."""

    name: str
    title: str
    attribution: str
    source: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Actor:
    """Användare: who is doing something (recorded on every write).

    `role` is a `geo.disclosure.access.Role` value (viewer, planner, admin) and `organisation`
    the text of a `geo.disclosure.access.Organisation` ("kommun:0682", "polis:Lokalpolisområde
    Höglandet", or the bare "kommun"/"polis"); they decide what the store lets the actor read
    and write. The defaults describe the machine's operator (the command line, set-up
    scripts): an administrator of the police organisation, working on every promise. Signed-in
    users always get theirs explicitly.
    """

    username: str
    role: str = "admin"
    organisation: str = "polis"


def _require_aware(value: datetime, name: str) -> None:
    """Naive datetimes are ambiguous around DST changes: refuse them."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} saknar tidszon")


def _require_span(start: datetime, end: datetime) -> None:
    """A logged or planned activity's times: both with a time zone, the end not before the start."""
    _require_aware(start, "start")
    _require_aware(end, "slut")
    if end < start:
        raise ValueError("slut ligger före start")


# -- schedule rules, planned and logged activities ---------------------------------------


@dataclass(frozen=True)
class ScheduleRule:
    """Schemaregel: a stored recurrence rule or randomised plan that made planned activities.

    `rule` is the JSON of a `geo.records.recurrence.RecurrenceRule` or of a randomised plan
    (`geo.planning.random_plan`); `seed` is set for a randomised plan, so the same plan can be
    generated again when it is audited. `description` is the Swedish sentence shown in lists.
    """

    kind: Kind
    rule: Mapping[str, Any]
    description: str = ""
    commitment_id: str | None = None
    place_id: int | None = None
    team: str = ""
    classification: Classification = Classification.INTERNAL
    seed: int | None = None
    id: int | None = None
    version: int = 1
    is_example: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "rule", _frozen(self.rule))


@dataclass(frozen=True)
class Indicator:
    """Nyckeltal: a figure the kommun reports per term (skolnärvaro, ANDT...).

    `term` is "VT2024" (spring) or "HT2023" (autumn). Aggregates only, never about a person.
    """

    kommunkod: str
    indicator: str
    term: str
    value: float
    unit: str = ""
    note: str = ""
    id: int | None = None
    version: int = 1
    is_example: bool = False


_Record = TypeVar("_Record", Activity, PlannedActivity)


def with_promise_kinds(records: Iterable[_Record], doc: PromiseDocument) -> list[_Record]:
    """Records read from the store with their own kinds as the promise names them.

    The store keeps a kind by its code only, so an own kind read back is shown by its code
    ("bedrageri_info") until the promise (`PromiseDocument.kind`) gives it its `namn` and rules.
    Every list, calendar and file that shows stored records passes them through here.
    """
    return [
        r if isinstance(r.kind, CommitmentKind) else replace(r, kind=doc.kind(r.kind))
        for r in records
    ]
