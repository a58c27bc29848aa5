"""Nästa års löfte: stored with the kommun's places and the recurring presence rules."""

from __future__ import annotations

from datetime import date, time

import pytest
from shapely.geometry import Point

from geo.errors import PermissionDenied
from geo.planning.next_year import next_year_promise, save_next_year
from geo.planning.random_plan import RandomPlanSpec, TimeWindow
from geo.planning.use_cases import save_random_plan, save_recurring
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Actor, Place, PlaceKind
from geo.records.recurrence import Frequency, RecurrenceRule
from geo.store import Store

ACTOR = Actor("test")
DOC = "aneby-2023-2024"
# Every Tuesday 13–15 at the office through the whole promise year.
TUESDAYS = RecurrenceRule(
    Frequency.WEEKLY, date(2023, 6, 6), date(2024, 5, 28), time(13), time(15), weekdays=(1,)
)


def _office_with_tuesdays(store: Store) -> Place:
    with store.session(ACTOR) as s:
        office = s.add_place(
            Place(PlaceKind.POLICE_OFFICE, "Poliskontoret", Point(488600, 6411100))
        )
        save_recurring(
            s,
            TUESDAYS,
            CommitmentKind.PRESENCE,
            DOC,
            place=office,
            commitment_id="polisnarvaro",
            team="Närpolis",
            classification=Classification.OPEN,
        )
    return office


def test_next_years_promise_is_stored_with_the_places_and_the_tuesdays_carried(
    store: Store,
) -> None:
    office = _office_with_tuesdays(store)
    with store.session(ACTOR) as s:
        old = s.promise_document(DOC)
        result = save_next_year(s, old, next_year_promise(old))
    with store.session(ACTOR) as s:
        new = s.promise_document("aneby-2024-2025")
        name, text = s.promise_source(new.id)
        places = s.list_places(kommunkod=new.kommunkod)
        (rule,) = s.list_schedule_rules(new.id)
        plans = s.list_planned_for_rule(rule.id)
        old_rules = s.list_schedule_rules(DOC)
    assert (name, text) == ("aneby-2024-2025.yaml", result.text)
    assert (new.period_start, new.period_end) == (date(2024, 5, 30), date(2025, 5, 29))
    assert [p.id for p in places] == [office.id]
    moved = RecurrenceRule.from_json(rule.rule)
    assert (moved.first_day, moved.last_day) == (date(2024, 6, 6), date(2025, 5, 28))
    assert (rule.place_id, rule.commitment_id, rule.team) == (office.id, "polisnarvaro", "Närpolis")
    assert rule.classification is Classification.OPEN
    assert plans and all(p.start.date().weekday() == 1 for p in plans)
    assert min(p.start.date() for p in plans) >= new.period_start
    assert len(old_rules) == 1  # this year's rule stays where it was


def test_a_randomised_presence_plan_is_not_carried_since_it_is_drawn_anew(
    store: Store,
) -> None:
    office = _office_with_tuesdays(store)
    spec = RandomPlanSpec(
        (office.id,), (TimeWindow(4, time(20), time(23)),), date(2024, 3, 25), 2, 2, seed=2024
    )
    with store.session(ACTOR) as s:
        save_random_plan(s, spec, DOC, team="Närpolis")
        old = s.promise_document(DOC)
        result = save_next_year(s, old, next_year_promise(old))
    with store.session(ACTOR) as s:
        carried = s.list_schedule_rules(result.document.id)
    assert [r.seed for r in carried] == [None]  # the Tuesdays, not the drawn plan


def test_a_planner_of_the_signing_kommun_stores_next_years_promise(store: Store) -> None:
    _office_with_tuesdays(store)
    planner = Actor("planerare", role="planner", organisation="kommun:0604")
    with store.session(planner) as s:
        old = s.promise_document(DOC)
        result = save_next_year(s, old, next_year_promise(old))
    assert len(result.rules) == 1
    with store.session(ACTOR) as s:
        assert s.promise_source("aneby-2024-2025")[1] == result.text


@pytest.mark.parametrize(
    "organisation",
    ["kommun:0686", "kommun"],
    ids=["another-kommuns-planner", "a-planner-naming-no-kommun"],
)
def test_other_planners_cannot_store_next_years_promise_and_nothing_is_stored(
    store: Store, organisation: str
) -> None:
    _office_with_tuesdays(store)
    planner = Actor("planerare", role="planner", organisation=organisation)
    with store.session(ACTOR) as s:
        old = s.promise_document(DOC)
    with pytest.raises(PermissionDenied, match="planerare"), store.session(planner) as s:
        save_next_year(s, old, next_year_promise(old))
    with store.session(ACTOR) as s:
        assert [d.id for d in s.promise_documents()] == [DOC]
        assert len(s.list_schedule_rules()) == 1
