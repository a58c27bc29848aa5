"""Medborgarlöftet as a record: the document, its promises, commitments and targets.

What `geo.records.promise_file` reads from a promise file and `promise_writer` writes back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.records.kinds import CommitmentKind, FileKind, Kind, kind_from_code
from geo.records.labelled_enum import LabelledEnum


class Responsible(enum.StrEnum):
    """Ansvarig: who carries out a commitment.

    PARTNERS when only parties beyond kommun and polis are named (format 2, `parter:`);
    `Commitment.parties` then names them.
    """

    POLICE = "polis"
    KOMMUN = "kommun"
    BOTH = "båda"
    PARTNERS = "parter"


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
