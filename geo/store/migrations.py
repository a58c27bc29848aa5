"""Schema upgrades, one function per version step.

`MIGRATIONS[n]` brings a database from version n-1 to n. `Store.create_or_upgrade` runs the
missing steps in one transaction and refuses databases newer than this program, so an
upgrade never loses data and a downgrade never half-happens. Version 1 is the first
schema: it is created whole, so there is no step for it yet.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
