"""Händelse: the record of one published police event (the analysis is `geo.followup.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shapely.geometry.base import BaseGeometry

SUMMARY_PREFIX = "Sammanfattning"
"""Types like "Sammanfattning natt" are published summaries, not incidents at a time."""


@dataclass(frozen=True)
class PoliceEvent:
    """Händelse (polisen.se): one published police event, placed only at kommun or län level.

    `geometry` is the API's centre point of the kommun or län in EPSG:3006 (not where it
    happened); `kommunkod` is None for events that name no kommun (län-wide summaries).
    """

    id: str
    occurred_at: datetime
    type: str
    name: str
    summary: str = ""
    url: str = ""
    location_name: str = ""
    kommunkod: str | None = None
    geometry: BaseGeometry | None = None

    @property
    def is_summary(self) -> bool:
        """True for "Sammanfattning natt" and similar: a report, not an incident time."""
        return self.type.startswith(SUMMARY_PREFIX)
