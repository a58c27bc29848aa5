"""`Session`: one unit of work, made of one part per record kind.

Each part is a mixin in its own module and builds on `SessionCore` (`geo/store/core.py`):
the role checks, classification rules, stamps, version check and audit every write uses.
"""

from __future__ import annotations

from geo.store.activities import Activities
from geo.store.activity_columns import ActivityColumns
from geo.store.base_layers import BaseLayers
from geo.store.counts import Counts
from geo.store.documents import PromiseDocuments
from geo.store.events import Events
from geo.store.findings import Findings
from geo.store.indicators import Indicators
from geo.store.places import Places
from geo.store.plans import Plans
from geo.store.settings import Settings
from geo.store.trail import Trail


class Session(
    Settings,
    PromiseDocuments,
    Places,
    Activities,
    Plans,
    Findings,
    BaseLayers,
    Indicators,
    Events,
    ActivityColumns,
    Counts,
    Trail,
):
    """A unit of work on one connection (see `Store.session`)."""


__all__ = ["Session"]
