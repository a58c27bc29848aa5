"""Enums whose members rank in the order they are declared.

Some codes are ordered, and the order is a rule: öppen < intern < sekretess (a higher
classification is seen by fewer people), läsare < planerare < administratör. Written as the
order of the members, it has one home, and a member cannot be added without a place in it.
"""

from __future__ import annotations

from geo.records.labelled_enum import LabelledEnum


class RankedEnum(LabelledEnum):
    """A `StrEnum` whose members rank as declared: the first lowest."""

    @property
    def rank(self) -> int:
        """The member's place in the declaration, 0 for the first."""
        return type(self)._member_names_.index(self.name)
