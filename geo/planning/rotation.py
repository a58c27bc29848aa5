"""Rotation: which suggested control sites to use each week, reproducible from a seed.

Rules (also in README.md):

- Each week uses `per_week` different sites from the suggested set.
- A site used in week w is not used again in the next `min_gap` weeks (it returns in week
  w + min_gap + 1 at the earliest). `min_gap` 1 therefore means never two weeks in a row.
- Among the sites allowed in a week, each is drawn with a probability proportional to its
  weight (the demand it covers), without replacement within the week.
- The draw uses Python's `random.Random(seed)` and only its `random()` method, whose
  sequence is stable across Python versions: the same sites, weights, settings and seed
  always give the same plan. The seed is stored on every planned control made from it.

With n sites the rules can be kept only when per_week × (min_gap + 1) ≤ n; otherwise the
plan is refused with a message saying what to change.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from geo.errors import ValidationError
from geo.planning.siting import Candidate
from geo.planning.use_cases import require_in_year
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import STOCKHOLM, PlannedActivity, PlanStatus
from geo.records.periods import Period
from geo.swedish import count

if TYPE_CHECKING:
    from geo.store import Session

MAX_WEEKS = 104


@dataclass(frozen=True)
class RotationWeek:
    """One week of the rotation: its number (1 = first), its Monday and its sites."""

    number: int
    monday: date
    sites: tuple[Candidate, ...]


@dataclass(frozen=True)
class RotationPlan:
    """Rotationsplan: the weeks, and the settings and seed that reproduce them."""

    seed: int
    min_gap: int
    per_week: int
    weeks: tuple[RotationWeek, ...]

    def uses(self, key: str) -> list[int]:
        """The week numbers in which the site with this key is used."""
        return [w.number for w in self.weeks if any(s.key == key for s in w.sites)]


def new_seed() -> int:
    """A fresh random seed (six digits, easy to write down)."""
    return 100_000 + secrets.randbelow(900_000)


def monday_after(day: date) -> date:
    """The first Monday after `day` (a week from `day` if it is a Monday)."""
    return day + timedelta(days=7 - day.weekday())


def default_rotation_start(year: Period, today: date) -> date:
    """The rotation's first week: next Monday when it is in the chosen follow-up year, else
    the year's first Monday (its first day when it has none), so it never starts outside."""
    monday = monday_after(today)
    if year.contains(monday):
        return monday
    first = year.start + timedelta(days=-year.start.weekday() % 7)
    return first if first <= year.end else year.start


def _weighted_pick(rng: random.Random, items: list[int], weights: list[float]) -> int:
    """One of `items`, with probability proportional to its weight (uniform if all zero)."""
    total = sum(weights)
    if total <= 0:
        return items[int(rng.random() * len(items)) % len(items)]
    target = rng.random() * total
    running = 0.0
    for item, weight in zip(items, weights, strict=True):
        running += weight
        if target < running:
            return item
    return items[-1]  # rounding: target equals the total


def plan_rotation(
    sites: Sequence[Candidate],
    weights: Sequence[float],
    weeks: int,
    min_gap: int,
    seed: int,
    start: date,
    per_week: int = 1,
) -> RotationPlan:
    """A weekly rotation over `sites`, following the rules in the module docstring.

    Parameters
    ----------
    sites : the suggested sites (their order is part of what the seed reproduces).
    weights : one non-negative weight per site (normally the demand it covers).
    weeks : how many weeks to plan (1–104).
    min_gap : weeks a site rests after it was used (0 or more).
    seed : any whole number 0 or more.
    start : the first week's Monday (another day is moved back to its Monday).
    per_week : sites per week (1 or more).

    Raises
    ------
    ValidationError
        When a setting is out of range or the rules cannot be kept (Swedish message).
    """
    n = len(sites)
    if n == 0:
        raise ValidationError("Det finns inga föreslagna platser att rotera mellan.")
    if len(weights) != n:
        raise ValueError("one weight per site")
    if any(not w >= 0 for w in weights):
        raise ValidationError("Vikterna för rotationen ska vara noll eller större.")
    for value, what, low, high in (
        (weeks, "Antalet veckor", 1, MAX_WEEKS),
        (min_gap, "Vilan (veckor innan en plats återkommer)", 0, MAX_WEEKS),
        (per_week, "Antalet platser per vecka", 1, n),
        (seed, "Fröet", 0, 2**63 - 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"{what} ska vara ett heltal från {low} till {high}, inte {value}."
            )
    if per_week * (min_gap + 1) > n:
        most = n // per_week - 1
        raise ValidationError(
            f"Med {count(n, 'plats', 'platser')} och {per_week} per vecka kan en plats inte "
            f"vila {count(min_gap, 'vecka', 'veckor')}: "
            f"välj en vila på högst {count(most, 'vecka', 'veckor')}, färre platser per vecka "
            f"eller fler platser."
        )
    rng = random.Random(seed)
    last_used: dict[int, int] = {}
    monday = start - timedelta(days=start.weekday())
    plan = []
    for week in range(1, weeks + 1):
        allowed = [i for i in range(n) if week - last_used.get(i, -(10**9)) > min_gap]
        picked: list[int] = []
        for _ in range(per_week):
            pool = [i for i in allowed if i not in picked]
            picked.append(_weighted_pick(rng, pool, [float(weights[i]) for i in pool]))
        for i in picked:
            last_used[i] = week
        plan.append(
            RotationWeek(week, monday + timedelta(weeks=week - 1), tuple(sites[i] for i in picked))
        )
    return RotationPlan(seed, min_gap, per_week, tuple(plan))


def planned_controls(
    plan: RotationPlan,
    weekday: int = 2,
    start_time: time = time(7, 0),
    hours: float = 2.0,
    team: str = "",
) -> list[PlannedActivity]:
    """The plan as planned traffic controls (status planerad, the seed stored on each).

    A stored site is linked by `place_id`; a suggested point that is not a stored site (along
    a road, from a file) is kept as the plan's geometry.

    Parameters
    ----------
    weekday : 0 = måndag … 6 = söndag.
    start_time : local time (Europe/Stockholm) the control starts.
    hours : length in hours (more than 0, at most 24).
    """
    if not 0 <= weekday <= 6:
        raise ValidationError("Veckodagen ska vara 0 (måndag) till 6 (söndag).")
    if not 0 < hours <= 24:
        raise ValidationError(f"Längden ska vara mer än 0 och högst 24 timmar, inte {hours}.")
    out = []
    total = len(plan.weeks)
    for week in plan.weeks:
        day = week.monday + timedelta(days=weekday)
        start = datetime.combine(day, start_time, tzinfo=STOCKHOLM)
        for site in week.sites:
            out.append(
                PlannedActivity(
                    kind=CommitmentKind.TRAFFIC_CONTROL,
                    start=start,
                    end=start + timedelta(hours=hours),
                    place_id=site.place_id,
                    geometry=None if site.place_id is not None else site.point,
                    team=team,
                    classification=Classification.INTERNAL,
                    note=(
                        f"Föreslagen kontrollplats: {site.name}. Rotation vecka {week.number} "
                        f"av {total}, frö {plan.seed}."
                    ),
                    status=PlanStatus.PLANNED,
                    seed=plan.seed,
                )
            )
    return out


def save_rotation(
    session: Session,
    controls: Sequence[PlannedActivity],
    document_id: str | None,
    year: Period | None = None,
) -> list[PlannedActivity]:
    """Add the planned controls to the schedule in the caller's unit of work.

    Refused when planned activities with the same seed are already in the promise's
    schedule, so a double click (or running the command twice) does not plan every control
    twice; another promise's rotation with the same seed does not block it. Refused too when
    a control falls outside the follow-up year `year` (None: outside every year of the
    promise), where it would be counted nowhere (`geo.planning.use_cases.require_in_year`).
    """
    require_in_year(session, document_id, year, [c.start for c in controls])
    seeds = {p.seed for p in controls if p.seed is not None}
    already = session.planned_with_seeds(seeds, document_id)
    if already:
        raise ValidationError(
            f"Rotationen med frö {already[0].seed} finns redan i planeringen "
            f"({count(len(already), 'planerad aktivitet', 'planerade aktiviteter')}). Välj ett "
            f"nytt frö för en ny rotation."
        )
    return [session.add_planned(p, document_id=document_id) for p in controls]
