"""Unpredictable presence: reproducible from its seed, inside the windows, spaced apart."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from geo.errors import ValidationError
from geo.planning.random_plan import RandomPlanSpec, TimeWindow, generate, planned_from_visits
from geo.records.kinds import Classification
from geo.records.models import STOCKHOLM

TUESDAY_EVENING = TimeWindow(1, time(18), time(22))
FRIDAY_NIGHT = TimeWindow(4, time(20), time(23, 30))


def spec(seed: int = 42, **kw: object) -> RandomPlanSpec:
    args: dict = {
        "place_ids": (1, 2, 3),
        "windows": (TUESDAY_EVENING, FRIDAY_NIGHT),
        # Week 12 of 2024: the plan runs over the change to summer time (31 March).
        "first_week": date(2024, 3, 20),
        "weeks": 4,
        "visits_per_week": 5,
        "seed": seed,
        "min_spacing_minutes": 30,
    } | kw
    return RandomPlanSpec(**args)


def test_the_same_seed_gives_the_same_plan() -> None:
    assert generate(spec(7)) == generate(spec(7))
    assert RandomPlanSpec.from_json(spec(7).to_json()) == spec(7)


def test_different_seeds_give_different_plans() -> None:
    plans = {tuple((v.place_id, v.start) for v in generate(spec(seed))) for seed in range(10)}
    assert len(plans) == 10


@pytest.mark.parametrize("seed", range(20))
def test_every_visit_is_inside_its_window_in_local_time_and_lasts_10_to_15_minutes(
    seed: int,
) -> None:
    visits = generate(spec(seed))
    assert len(visits) == 4 * 5
    for v in visits:
        assert v.start.tzinfo is STOCKHOLM
        assert v.start.weekday() == v.window.weekday
        assert v.window.start <= v.start.time() and v.end.time() <= v.window.end
        assert v.start.date() == v.end.date()
        assert timedelta(minutes=10) <= v.end - v.start <= timedelta(minutes=15)
        assert v.place_id in (1, 2, 3)


@pytest.mark.parametrize("seed", range(20))
def test_visits_keep_the_minimum_spacing(seed: int) -> None:
    visits = generate(spec(seed, min_spacing_minutes=45))
    for earlier, later in zip(visits, visits[1:], strict=False):
        assert later.start - earlier.end >= timedelta(minutes=45)


def test_each_week_gets_the_number_of_visits_asked_for() -> None:
    weeks = [v.start.isocalendar()[1] for v in generate(spec(3))]
    assert {w: weeks.count(w) for w in set(weeks)} == {12: 5, 13: 5, 14: 5, 15: 5}


def test_a_week_that_cannot_hold_the_visits_is_refused_with_advice() -> None:
    tight = spec(
        1, windows=(TimeWindow(1, time(18), time(19)),), visits_per_week=3, min_spacing_minutes=30
    )
    with pytest.raises(ValidationError, match="tidsfönstren räcker inte"):
        generate(tight)


def test_the_first_week_is_snapped_to_its_monday() -> None:
    assert spec().first_week == date(2024, 3, 18)


def test_randomised_visits_are_internal_presence_carrying_the_seed() -> None:
    s = spec(99)
    plans = planned_from_visits(generate(s), s, team="Närpolis")
    assert {(p.seed, p.classification, p.team) for p in plans} == {
        (99, Classification.INTERNAL, "Närpolis")
    }


def test_bad_specifications_are_refused_in_swedish() -> None:
    with pytest.raises(ValidationError, match="välj minst en plats"):
        spec(place_ids=())
    with pytest.raises(ValidationError, match="fröet"):
        spec(seed=-1)
    with pytest.raises(ValidationError, match="sluta efter"):
        TimeWindow(1, time(22), time(18))
