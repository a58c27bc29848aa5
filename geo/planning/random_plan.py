"""Oförutsägbar närvaro: a randomised plan of short visits at chosen places.

Short (10–15 minute) visits at hot spots at unpredictable times reduce crime there, while
fixed, predictable patrols can be planned around (Koper 1995; Sherman & Weisburd 1995;
the "hot spots policing" reviews). This module draws such a plan: a given number of visits
per week, each inside one of the allowed time windows, never closer to another visit than
a minimum spacing, at a place drawn from the chosen ones.

The plan is reproducible: the same specification and seed give the same visits, so the
seed is stored with the plan (recurrence_rules.seed and each planned_activities.seed) and
an auditor can generate it again. Only the standard library's Mersenne Twister
(`random.Random(seed)`) is used, whose sequence Python keeps stable across versions.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from geo.errors import ValidationError
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import PlannedActivity
from geo.records.recurrence import WEEKDAYS_PLURAL_SV, format_clock, local_time
from geo.swedish import count

ALGORITHM = "slumpad-närvaro-1"
# An int4 column holds the seed on PostgreSQL.
MAX_SEED = 2**31 - 1
# Tries per visit before the week is declared too full to plan.
_ATTEMPTS_PER_VISIT = 200
RESEARCH_NOTE = (
    "Korta, oförutsägbara besök på 10–15 minuter vid brottsutsatta platser (hot spots) "
    "minskar brottsligheten där, medan fasta och förutsägbara patrulleringar kan planeras "
    "runt och få motsatt effekt."
)


@dataclass(frozen=True)
class TimeWindow:
    """Tidsfönster: a weekday (0 = måndag) and local times a visit must fit inside."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValidationError("Tidsfönstrets veckodag ska vara 0 (måndag) till 6 (söndag).")
        if self.end <= self.start:
            raise ValidationError("Tidsfönstret måste sluta efter att det börjar (samma dag).")

    def describe(self) -> str:
        """ "tisdagar 18–22"."""
        return (
            f"{WEEKDAYS_PLURAL_SV[self.weekday]} {format_clock(self.start)}–"
            f"{format_clock(self.end)}"
        )


@dataclass(frozen=True)
class RandomPlanSpec:
    """Vad som ska slumpas: places, windows, weeks, visits per week, visit length, spacing."""

    place_ids: tuple[int, ...]
    windows: tuple[TimeWindow, ...]
    first_week: date
    weeks: int
    visits_per_week: int
    seed: int
    min_minutes: int = 10
    max_minutes: int = 15
    min_spacing_minutes: int = 60

    def __post_init__(self) -> None:
        monday = self.first_week - timedelta(days=self.first_week.weekday())
        object.__setattr__(self, "first_week", monday)
        problems = []
        if not self.place_ids:
            problems.append("välj minst en plats")
        if not self.windows:
            problems.append("ange minst ett tidsfönster")
        if not 1 <= self.weeks <= 53:
            problems.append("antal veckor ska vara 1 till 53")
        if not 1 <= self.visits_per_week <= 50:
            problems.append("besök per vecka ska vara 1 till 50")
        if not 1 <= self.min_minutes <= self.max_minutes <= 240:
            problems.append("besökens längd: minst 1 minut, och kortast ≤ längst ≤ 240")
        if self.min_spacing_minutes < 0:
            problems.append("minsta avstånd mellan besök får inte vara negativt")
        if not 0 <= self.seed <= MAX_SEED:
            problems.append(f"fröet ska vara 0 till {MAX_SEED}")
        if problems:
            raise ValidationError("Den slumpade planen: " + "; ".join(problems) + ".")

    @property
    def min_spacing(self) -> timedelta:
        """Least time between the end of one visit and the start of the next."""
        return timedelta(minutes=self.min_spacing_minutes)

    def to_json(self) -> dict[str, Any]:
        """Everything needed to generate the plan again (stored in recurrence_rules.rule)."""
        return {
            "typ": "slumpad",
            "algoritm": ALGORITHM,
            "platser": list(self.place_ids),
            "fönster": [
                {
                    "veckodag": w.weekday,
                    "från": w.start.strftime("%H:%M"),
                    "till": w.end.strftime("%H:%M"),
                }
                for w in self.windows
            ],
            "första_veckan": self.first_week.isoformat(),
            "veckor": self.weeks,
            "besök_per_vecka": self.visits_per_week,
            "minuter": [self.min_minutes, self.max_minutes],
            "minsta_avstånd_minuter": self.min_spacing_minutes,
            "frö": self.seed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RandomPlanSpec:
        """Read a specification written by `to_json`."""
        if data.get("algoritm") != ALGORITHM:
            raise ValidationError(
                f"Planen gjordes med algoritmen {data.get('algoritm')!r}, som den här "
                f"versionen inte kan återskapa (den kan {ALGORITHM!r})."
            )
        return cls(
            place_ids=tuple(int(p) for p in data["platser"]),
            windows=tuple(
                TimeWindow(
                    int(w["veckodag"]), time.fromisoformat(w["från"]), time.fromisoformat(w["till"])
                )
                for w in data["fönster"]
            ),
            first_week=date.fromisoformat(data["första_veckan"]),
            weeks=int(data["veckor"]),
            visits_per_week=int(data["besök_per_vecka"]),
            seed=int(data["frö"]),
            min_minutes=int(data["minuter"][0]),
            max_minutes=int(data["minuter"][1]),
            min_spacing_minutes=int(data["minsta_avstånd_minuter"]),
        )

    def describe(self) -> str:
        """A Swedish sentence for lists and the audit trail."""
        windows = ", ".join(w.describe() for w in self.windows)
        return (
            f"Slumpad närvaro: {self.visits_per_week} besök per vecka i {self.weeks} veckor "
            f"från vecka {self.first_week.isocalendar()[1]} {self.first_week.isocalendar()[0]}, "
            f"{self.min_minutes}–{self.max_minutes} minuter, minst {self.min_spacing_minutes} "
            f"minuter mellan besöken, inom {windows}; "
            f"{count(len(self.place_ids), 'plats', 'platser')}; "
            f"frö {self.seed}."
        )


@dataclass(frozen=True)
class Visit:
    """Besök: one short visit of the plan (local, timezone-aware times)."""

    place_id: int
    start: datetime
    end: datetime
    window: TimeWindow


def new_seed() -> int:
    """A fresh random seed for a new plan (stored with it)."""
    return secrets.randbelow(MAX_SEED + 1)


def _fits(start: datetime, end: datetime, taken: list[Visit], spacing: timedelta) -> bool:
    """True when [start, end) keeps `spacing` to every visit already taken."""
    return all(end + spacing <= v.start or v.end + spacing <= start for v in taken)


def generate(spec: RandomPlanSpec) -> list[Visit]:
    """Draw the plan's visits, in time order.

    Parameters
    ----------
    spec : the specification, including the seed.

    Returns
    -------
    `visits_per_week` visits in each of the `weeks` weeks. Every visit lies wholly inside one
    window on its date (local time, so windows keep their clock times across daylight-saving
    changes), lasts `min_minutes`–`max_minutes` whole minutes, and no two visits are closer
    than `min_spacing_minutes`.

    Raises
    ------
    ValidationError
        When a week's windows cannot hold that many visits with that spacing.
    """
    rng = random.Random(spec.seed)
    visits: list[Visit] = []
    for week in range(spec.weeks):
        monday = spec.first_week + timedelta(weeks=week)
        slots = []
        for w in spec.windows:
            day = monday + timedelta(days=w.weekday)
            slots.append((w, local_time(day, w.start), local_time(day, w.end)))
        # Long windows get proportionally more visits: weight by length in minutes.
        weights = [(end - start).total_seconds() / 60 for _, start, end in slots]
        taken: list[Visit] = []
        attempts = 0
        while len(taken) < spec.visits_per_week:
            attempts += 1
            if attempts > _ATTEMPTS_PER_VISIT * spec.visits_per_week:
                raise ValidationError(
                    f"Vecka {monday.isocalendar()[1]}: tidsfönstren räcker inte till "
                    f"{spec.visits_per_week} besök med minst {spec.min_spacing_minutes} minuter "
                    "mellan. Lägg till fönster, minska antalet besök eller avståndet."
                )
            window, win_start, win_end = rng.choices(slots, weights=weights)[0]
            minutes = rng.randint(spec.min_minutes, spec.max_minutes)
            latest = int((win_end - win_start).total_seconds() // 60) - minutes
            if latest < 0:
                continue
            start = win_start + timedelta(minutes=rng.randint(0, latest))
            end = start + timedelta(minutes=minutes)
            place = rng.choice(spec.place_ids)
            # The previous week's last visits count too: a Sunday-night visit and a
            # Monday-morning one must keep the spacing as well.
            if _fits(start, end, visits[-spec.visits_per_week :] + taken, spec.min_spacing):
                taken.append(Visit(place, start, end, window))
        visits.extend(sorted(taken, key=lambda v: v.start))
    return visits


def planned_from_visits(
    visits: list[Visit],
    spec: RandomPlanSpec,
    *,
    team: str = "",
    commitment_id: str | None = None,
) -> list[PlannedActivity]:
    """Planned presence activities for the visits, each carrying the plan's seed.

    They are internal: an unpredictable plan that is published stops being unpredictable,
    so the public calendar feed leaves out every planned activity that has a seed.
    """
    return [
        PlannedActivity(
            CommitmentKind.PRESENCE,
            v.start,
            v.end,
            commitment_id=commitment_id,
            place_id=v.place_id,
            team=team,
            classification=Classification.INTERNAL,
            note="Slumpad närvaro",
            seed=spec.seed,
        )
        for v in visits
    ]
