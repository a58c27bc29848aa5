"""The domain's records: frozen dataclasses and enums.

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

from geo.records.labelled_enum import LabelledEnum
from geo.records.ranked_enum import RankedEnum

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class PlaceNeed(enum.StrEnum):
    """Plats: whether an activity of a kind must say where it was done."""

    REQUIRED = "krävs"
    OPTIONAL = "valfri"
    NONE = "ingen"


class _KindRules:
    """The rules every kind answers, built-in or the promise file's own (`place_need`, `label`)."""

    label: str

    @property
    def place_need(self) -> PlaceNeed:
        raise NotImplementedError

    @property
    def needs_place(self) -> bool:
        """True when an activity "at no place" cannot be followed up on the map."""
        return self.place_need is PlaceNeed.REQUIRED

    @property
    def missing_place_message(self) -> str:
        """The Swedish message when an activity of a kind that needs a place has none."""
        return f"{self.label} behöver en plats: välj var den gjordes."


class CommitmentKind(_KindRules, LabelledEnum):
    """Aktivitetstyp: the Swedish codes users write in promise and import files, with labels.

    The rules that belong to a kind live here, and the import, the quick log and the planner
    ask them: whether an activity of the kind needs a place (`place_need`), and the
    classification it gets when the user gives none (`default_classification`, and for a
    plan `default_plan_classification`).
    """

    PRESENCE = "närvaro", "Närvaro"
    TRAFFIC_CONTROL = "trafikkontroll", "Trafikkontroll"
    NARCOTICS_INTERVENTION = "narkotikainsats", "Narkotikainsats"
    IDENTIFY_YOUNG_USERS = "identifiering_unga", "Identifiering av unga som brukar narkotika"
    SAFETY_WALK = "trygghetsvandring", "Trygghetsvandring"
    COORDINATION_MEETING = "samverkansmöte", "Samverkansmöte"
    EST = "est", "EST – effektiv samordning för trygghet"
    ANDT = "andt", "ANDT-arbete"
    SCHOOL_ATTENDANCE = "skolnärvaro", "Skolnärvaro"
    LOCAL_INFORMATION = "lokal_information", "Lokal och information om öppettider"

    @property
    def place_need(self) -> PlaceNeed:
        """Whether a logged activity of this kind must say where it was done."""
        return _PLACE_NEED.get(self, PlaceNeed.OPTIONAL)

    @property
    def default_classification(self) -> Classification:
        """Sekretess where a place or a count could point at a person or an operation."""
        return _SECRET_BY_DEFAULT.get(self, Classification.INTERNAL)

    @property
    def default_plan_classification(self) -> Classification:
        """A plan's default: presence is planned öppen (the opening hours), the rest intern."""
        return Classification.OPEN if self is CommitmentKind.PRESENCE else Classification.INTERNAL


# A count "at no place" of these cannot be followed up on the map; meetings are held nowhere
# in particular.
_PLACE_NEED = {
    CommitmentKind.PRESENCE: PlaceNeed.REQUIRED,
    CommitmentKind.TRAFFIC_CONTROL: PlaceNeed.REQUIRED,
    CommitmentKind.NARCOTICS_INTERVENTION: PlaceNeed.REQUIRED,
    CommitmentKind.SAFETY_WALK: PlaceNeed.REQUIRED,
    CommitmentKind.COORDINATION_MEETING: PlaceNeed.NONE,
    CommitmentKind.EST: PlaceNeed.NONE,
}


class Responsible(enum.StrEnum):
    """Ansvarig: who carries out a commitment.

    PARTNERS when only parties beyond kommun and polis are named (format 2, `parter:`);
    `Commitment.parties` then names them.
    """

    POLICE = "polis"
    KOMMUN = "kommun"
    BOTH = "båda"
    PARTNERS = "parter"


class Classification(RankedEnum):
    """Klassning: who may see a record. Only `öppen` may ever be published.

    Declared in rank order, öppen < intern < sekretess: a higher rank is seen by fewer people.
    """

    OPEN = "öppen"
    INTERNAL = "intern"
    SECRET = "sekretess"

    def at_least(self, other: Classification) -> Classification:
        """The stricter of the two.

        A record is never less restricted than what it points at: an activity at a sekretess
        place is sekretess (a public count of "öppen" activities at that place would locate
        it), and a finding from a sekretess walk is sekretess.
        """
        return self if self.rank >= other.rank else other


# Sekretess by default where a place or a count could point at a person or an operation.
_SECRET_BY_DEFAULT = {
    CommitmentKind.NARCOTICS_INTERVENTION: Classification.SECRET,
    CommitmentKind.IDENTIFY_YOUNG_USERS: Classification.SECRET,
}


class FileKind(_KindRules, str):
    """Egen aktivitetstyp: a kind a promise file defines under `typer:` (format 2).

    It answers the same rules as a `CommitmentKind` member (`label`, `place_need`,
    `needs_place`, `default_classification`, `default_plan_classification`) from what the
    file says, so the import, the quick log, the planner and the follow-up ask a file's kind
    exactly as they ask a built-in one. It is a `str` holding its code, like the built-in
    members, so it is stored, compared, hashed and looked up by its code. A kind read back from
    the store knows only its code (`kind_from_code`); `PromiseDocument.kind` gives the full
    kind with the promise's label and rules.
    """

    label: str
    outcomes: tuple[str, ...]

    def __new__(
        cls,
        code: str,
        label: str = "",
        place_need: PlaceNeed = PlaceNeed.OPTIONAL,
        outcomes: tuple[str, ...] = (),
        classification: Classification | None = None,
    ) -> FileKind:
        kind = str.__new__(cls, code)
        kind.__dict__.update(
            label=label or code,
            _place_need=place_need,
            outcomes=tuple(outcomes),
            _classification=classification or Classification.INTERNAL,
        )
        return kind

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a FileKind cannot be changed")

    @property
    def value(self) -> str:
        """The code, as a built-in member's `value`."""
        return str(self)

    @property
    def place_need(self) -> PlaceNeed:
        """What the file says under `plats` (valfri when it says nothing)."""
        return self.__dict__["_place_need"]

    @property
    def default_classification(self) -> Classification:
        """What the file says under `klassning` (intern when it says nothing)."""
        return self.__dict__["_classification"]

    @property
    def default_plan_classification(self) -> Classification:
        """A plan of an own kind starts with the kind's classification."""
        return self.default_classification


Kind = CommitmentKind | FileKind
"""Aktivitetstyp: a built-in kind or one the promise file defines."""


def kind_from_code(code: str) -> Kind:
    """The built-in kind with this code, else an own kind known only by its code."""
    return CommitmentKind._value2member_map_.get(code) or FileKind(code)  # type: ignore[return-value]


class TargetRule(enum.StrEnum):
    """Målets form: "minst tio" is AT_LEAST 10, "två" is EXACTLY 2; format 2 adds a milestone
    (`klart_senast`, done or not by a date) and on request (`vid_behov`, counted, no number)."""

    AT_LEAST = "minst"
    EXACTLY = "exakt"
    BY_DATE = "klart_senast"
    ON_REQUEST = "vid_behov"


class TargetPer(LabelledEnum):
    """Per: which stretch of time a counted target is for. Every stretch must meet it.

    Without `per`, a target is for each follow-up year (format 1's meaning).
    """

    HALF_YEAR = "halvår", "halvår"
    TERTIAL = "tertial", "tertial"
    YEAR = "år", "uppföljningsår"
    PERIOD = "period", "hela perioden"


@dataclass(frozen=True)
class Target:
    """Mål: a number of activities per follow-up year (or per `per`), a milestone or none.

    `count` is the number for AT_LEAST and EXACTLY (1 for a milestone, 0 on request);
    `due` is the milestone's last day.
    """

    rule: TargetRule
    count: int = 0
    per: TargetPer | None = None
    due: date | None = None

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("target count must not be negative")
        if (self.rule is TargetRule.BY_DATE) != (self.due is not None):
            raise ValueError("a milestone, and only a milestone, has a due date")

    @property
    def is_counted(self) -> bool:
        """True for "minst N"/"exakt N": a number to reach in each stretch of time."""
        return self.rule in (TargetRule.AT_LEAST, TargetRule.EXACTLY)

    @property
    def number(self) -> int | None:
        """The number to reach, or None on request (there is none)."""
        return None if self.rule is TargetRule.ON_REQUEST else self.count

    def is_met(self, done: int) -> bool:
        """True when `done` fulfils the target (exactly-targets are met at the number)."""
        return done >= self.count

    def remaining(self, done: int) -> int:
        """How many are still to do this year (never negative)."""
        return max(self.count - done, 0)

    def describe(self) -> str:
        """Swedish text, e.g. "minst 10", "2", "minst 1 per halvår", "klart senast 2023-09-01"."""
        if self.rule is TargetRule.ON_REQUEST:
            return "vid behov"
        if self.due is not None:
            return f"klart senast {self.due.isoformat()}"
        text = f"minst {self.count}" if self.rule is TargetRule.AT_LEAST else str(self.count)
        if self.per is None:
            return text
        return f"{text} {'under' if self.per is TargetPer.PERIOD else 'per'} {self.per.label}"

    def as_json(self) -> dict[str, Any]:
        """The `target` object of `status --json` (documented in README.md)."""
        return {
            "rule": self.rule.value,
            "count": self.number,
            "per": self.per.value if self.per else None,
            "due": self.due.isoformat() if self.due else None,
            "text": self.describe(),
        }


@dataclass(frozen=True)
class Signatory:
    """Undertecknare: the office holders who signed the public document."""

    name: str
    title: str
    organisation: str


_RESPONSIBLE_SV: dict[str, str] = {
    Responsible.POLICE: "Polisen",
    Responsible.KOMMUN: "Kommunen",
    Responsible.BOTH: "Polis och kommun",
}


@dataclass(frozen=True)
class Party:
    """Part: an organisation beyond kommun and polis that is responsible for commitments.

    Named under `parter:` in a format 2 file (Malmö's property owners, Kustbevakningen);
    `Commitment.parties` holds their ids.
    """

    id: str
    name: str


@dataclass(frozen=True)
class Area:
    """Område: the part of the kommun a promise covers (a stadsdel), in SWEREF 99 TM.

    A polygon checked by the promise file; the maps of the promise open on it.
    """

    name: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class Promise:
    """Löfte: one of the promises in a medborgarlöfte."""

    id: str
    title: str


@dataclass(frozen=True)
class Commitment:
    """Aktivitet (i löftet): what kommun and police committed to do, with an optional target.

    `promise_id` is None when the commitment serves the whole document (EST,
    samverkansmöten, trygghetsvandringar in Aneby's promise).
    """

    id: str
    text: str
    kind: Kind
    responsible: Responsible
    promise_id: str | None = None
    target: Target | None = None
    parties: tuple[str, ...] = ()

    @property
    def target_count(self) -> int | None:
        """The number promised for the year, or None where the text gives none."""
        return self.target.number if self.target else None


class FollowUpYears(LabelledEnum):
    """Uppföljningsår: how a promise's period is cut into the years it is followed up in.

    `från_undertecknande` (the default) counts whole years from the day the promise starts to
    apply (`period.från`, the signing date unless the file says otherwise); `kalenderår`
    follows up January–December. Either way `period.till` ends the last year.
    """

    FROM_SIGNING = "från_undertecknande", "från undertecknandet"
    CALENDAR = "kalenderår", "kalenderår"


@dataclass(frozen=True)
class PromiseDocument:
    """Medborgarlöfte: the signed whole, with its promises and commitments."""

    id: str
    title: str
    kommun_name: str
    kommunkod: str
    police_area: str
    signed_on: date
    period_start: date
    period_end: date
    promises: tuple[Promise, ...]
    commitments: tuple[Commitment, ...]
    signatories: tuple[Signatory, ...] = ()
    follow_up: str = ""
    follow_up_years: FollowUpYears = FollowUpYears.FROM_SIGNING
    kinds: tuple[FileKind, ...] = ()
    parties: tuple[Party, ...] = ()
    area: Area | None = None
    format: int = 1

    def kind(self, code: str) -> Kind:
        """The kind with this code as this promise defines it: its own (`typer:`) or built-in.

        An unknown code gives a kind known only by its code (a record kept from an older
        version of the file still shows, under its code).
        """
        for kind in self.kinds:
            if kind == code:
                return kind
        return kind_from_code(code)

    @property
    def all_kinds(self) -> tuple[Kind, ...]:
        """The built-in kinds (the presets) and the file's own, in that order."""
        return (*CommitmentKind, *self.kinds)

    def party_name(self, code: str) -> str:
        """The name of a responsible party: "Polisen", "Kommunen" or a `parter:` name."""
        if code in _RESPONSIBLE_SV:
            return _RESPONSIBLE_SV[code]
        return next((p.name for p in self.parties if p.id == code), code)

    def responsible_text(self, commitment: Commitment) -> str:
        """Who carries a commitment out, in Swedish: "Polis och kommun", or the parties a
        format 2 file names ("Kommunen, Fastighetsägarna")."""
        if commitment.parties:
            return ", ".join(self.party_name(p) for p in commitment.parties)
        return _RESPONSIBLE_SV[commitment.responsible]

    def promise(self, promise_id: str) -> Promise:
        """The promise with this id (KeyError if none)."""
        for p in self.promises:
            if p.id == promise_id:
                return p
        raise KeyError(promise_id)

    def commitment(self, commitment_id: str) -> Commitment:
        """The commitment with this id (KeyError if none)."""
        for c in self.commitments:
            if c.id == commitment_id:
                return c
        raise KeyError(commitment_id)

    def commitments_for(self, promise_id: str | None) -> tuple[Commitment, ...]:
        """Commitments serving one promise, or (None) the whole document."""
        return tuple(c for c in self.commitments if c.promise_id == promise_id)

    def commitments_of_kind(self, kind: Kind) -> tuple[Commitment, ...]:
        """Commitments of one kind, in file order."""
        return tuple(c for c in self.commitments if c.kind == kind)


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
