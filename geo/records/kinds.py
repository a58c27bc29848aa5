"""Aktivitetstyper: the built-in kinds and a promise file's own, with the rules each answers.

Whether an activity of a kind needs a place, the classification it gets when the user gives
none: the import, the quick log and the planner ask these (see docs/architecture.md).
"""

from __future__ import annotations

import enum
from typing import Any

from geo.records.labelled_enum import LabelledEnum
from geo.records.ranked_enum import RankedEnum


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
