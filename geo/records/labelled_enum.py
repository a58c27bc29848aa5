"""Enums whose members carry their Swedish label beside their code.

A code (what files, the database and the CLI hold) and the label the user reads belong
together: written side by side, `PRESENCE = "närvaro", "Närvaro"`, a new member cannot be
added without its label, and no separate table of labels has to be kept in step.
"""

from __future__ import annotations

import enum
from typing import Self


class LabelledEnum(enum.StrEnum):
    """A `StrEnum` whose members are written `NAME = "code", "Swedish label"`.

    The member's value (and its `str`) is the code alone; `label` is the label, or the code
    itself where the code is already the Swedish word (`OPEN = "öppen"`).
    """

    label: str

    # `label` has a default only for the type checker: `Kind("code")` looks a member up and
    # never reaches `__new__`, which runs once per member with both parts.
    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def named(cls, text: str) -> Self | None:
        """The member whose code or label is `text` (any case, spaces around), else None."""
        key = text.strip().lower()
        return next((m for m in cls if key in (m.value, m.label.lower())), None)
