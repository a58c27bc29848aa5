"""Planning and logging through the store, on SQLite and PostGIS."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from shapely.geometry import Point

from geo.errors import ConflictError, ValidationError
from geo.followup.status import status_report
from geo.planning.random_plan import RandomPlanSpec, TimeWindow
from geo.planning.use_cases import (
    add_finding,
    cancel_planned,
    change_finding,
    log_activity,
    regenerate_random_plan,
    save_indicator,
    save_random_plan,
    save_recurring,
)
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Actor,
    Finding,
    FindingStatus,
    Indicator,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
)
from geo.records.recurrence import Frequency, RecurrenceRule
from geo.store import Store
from tests.common import REPO_ROOT

ACTOR = Actor("test")
DOC = "aneby-2023-2024"


def office(store: Store, classification: Classification = Classification.OPEN) -> Place:
    with store.session(ACTOR) as s:
        return s.add_place(
            Place(PlaceKind.POLICE_OFFICE, "Poliskontoret", Point(488600, 6411100), classification)
        )


TUESDAYS_MARCH_TO_APRIL = RecurrenceRule(
    Frequency.WEEKLY, date(2024, 3, 19), date(2024, 4, 9), time(13), time(15), weekdays=(1,)
)


def test_a_recurring_rule_is_stored_with_its_occurrences_at_13_local_across_dst(
    store: Store,
) -> None:
    place = office(store)
    with store.session(ACTOR) as s:
        saved = save_recurring(
            s,
            TUESDAYS_MARCH_TO_APRIL,
            CommitmentKind.PRESENCE,
            DOC,
            place=place,
            team="Närpolis",
            classification=Classification.OPEN,
        )
    with store.session(ACTOR) as s:
        rule = s.get_schedule_rule(saved.rule.id)
        plans = s.list_planned_for_rule(saved.rule.id)
    assert rule.description == (
        "Varje tisdag kl. 13–15 vid Poliskontoret, 19 mars – 9 april 2024, utom helgdagar."
    )
    assert RecurrenceRule.from_json(rule.rule) == TUESDAYS_MARCH_TO_APRIL
    # 19, 26 March and 2, 9 April: no holiday falls on them; summer time starts 31 March.
    assert [p.start.isoformat() for p in plans] == [
        "2024-03-19T13:00:00+01:00",
        "2024-03-26T13:00:00+01:00",
        "2024-04-02T13:00:00+02:00",
        "2024-04-09T13:00:00+02:00",
    ]
    assert {(p.rule_id, p.team, p.place_id) for p in plans} == {(rule.id, "Närpolis", place.id)}


def test_a_rule_without_any_occurrence_is_refused_and_nothing_is_stored(store: Store) -> None:
    only_christmas_eve = RecurrenceRule(
        Frequency.WEEKLY,
        date(2024, 12, 24),
        date(2024, 12, 24),
        time(13),
        time(15),
        weekdays=(1,),
    )
    with pytest.raises(ValidationError, match="inga tillfällen"):
        with store.session(ACTOR) as s:
            save_recurring(s, only_christmas_eve, CommitmentKind.PRESENCE, DOC)
    with store.session(ACTOR) as s:
        assert s.count("recurrence_rules") == 0


def test_a_randomised_plan_keeps_its_seed_and_can_be_generated_again_for_audit(
    store: Store,
) -> None:
    place = office(store)
    spec = RandomPlanSpec(
        (place.id,), (TimeWindow(4, time(20), time(23)),), date(2024, 3, 25), 2, 2, seed=2024
    )
    with store.session(ACTOR) as s:
        saved = save_random_plan(s, spec, DOC, team="Närpolis")
    with store.session(ACTOR) as s:
        rule = s.get_schedule_rule(saved.rule.id)
        stored = s.list_planned_for_rule(rule.id)
    assert rule.seed == 2024 and {p.seed for p in stored} == {2024}
    again = regenerate_random_plan(rule)
    assert [(p.start, p.end, p.place_id) for p in again] == [
        (p.start, p.end, p.place_id) for p in stored
    ]


def test_logging_a_planned_activity_marks_it_done_and_counts_it(store: Store) -> None:
    place = office(store)
    start = datetime(2024, 3, 19, 13, tzinfo=STOCKHOLM)
    with store.session(ACTOR) as s:
        plan = s.add_planned(
            PlannedActivity(
                CommitmentKind.PRESENCE, start, start + timedelta(hours=2), place_id=place.id
            ),
            DOC,
        )
    report = status_report(store, ACTOR, DOC, 2023, date(2024, 1, 1))
    before = next(r for r in report.rows if r.commitment.id == "polisnarvaro")
    assert (before.done, before.planned) == (0, 1)
    with store.session(ACTOR) as s:
        logged = log_activity(
            s,
            Activity(
                CommitmentKind.PRESENCE,
                plan.start,
                plan.end,
                place_id=place.id,
                outcome={"timmar": 2, "besökare": 3},
            ),
            DOC,
            planned=plan,
        )
    with store.session(ACTOR) as s:
        assert s.get_planned(plan.id).status is PlanStatus.DONE
        assert s.get_activity(logged.id).planned_id == plan.id
    report = status_report(store, ACTOR, DOC, 2023, date(2024, 1, 1))
    after = next(r for r in report.rows if r.commitment.id == "polisnarvaro")
    assert (after.done, after.planned, after.hours) == (1, 0, 2.0)
    with pytest.raises(ValidationError, match="redan markerad"):
        with store.session(ACTOR) as s:
            log_activity(s, logged, DOC, planned=s.get_planned(plan.id))


def test_a_bad_outcome_logs_nothing(store: Store) -> None:
    start = datetime(2024, 3, 19, 20, tzinfo=STOCKHOLM)
    bad = Activity(
        CommitmentKind.NARCOTICS_INTERVENTION,
        start,
        start + timedelta(hours=2),
        outcome={"misstankta_narkotikabrott": 1, "varav_unga": 2},
    )
    with pytest.raises(ValidationError, match="varav_unga"):
        with store.session(ACTOR) as s:
            log_activity(s, bad, DOC)
    with store.session(ACTOR) as s:
        assert s.count("activities") == 0


def test_cancelling_keeps_the_plan_as_inställd(store: Store) -> None:
    start = datetime(2024, 3, 19, 13, tzinfo=STOCKHOLM)
    with store.session(ACTOR) as s:
        plan = s.add_planned(PlannedActivity(CommitmentKind.PRESENCE, start, start), DOC)
        cancelled = cancel_planned(s, plan)
    assert cancelled.status is PlanStatus.CANCELLED


def test_findings_are_followed_until_closed_with_version_checks(store: Store) -> None:
    start = datetime(2024, 4, 16, 18, tzinfo=STOCKHOLM)
    with store.session(ACTOR) as s:
        walk = log_activity(
            s,
            Activity(
                CommitmentKind.SAFETY_WALK,
                start,
                start + timedelta(hours=2),
                geometry=Point(488600, 6411100),
                outcome={"deltagare_kommun": 4},
            ),
            DOC,
        )
        finding = add_finding(
            s,
            Finding(
                walk.id,
                "belysning",
                Point(488650, 6411120),
                "Mörk gångväg",
                owner="kommun",
                due=date(2024, 6, 16),
            ),
        )
    with store.session(ACTOR) as s:
        started = change_finding(
            s, s.get_finding(finding.id), status=FindingStatus.IN_PROGRESS, action="Byt armatur"
        )
    with pytest.raises(ConflictError):
        with store.session(ACTOR) as s:
            change_finding(s, finding, status=FindingStatus.CLOSED, action="x")  # stale
    with store.session(ACTOR) as s:
        closed = change_finding(s, started, status=FindingStatus.CLOSED)
        stored = s.get_finding(finding.id)
    assert (stored.status, stored.action, stored.version) == (
        FindingStatus.CLOSED,
        "Byt armatur",
        3,
    )
    assert closed.version == 3
    assert (stored.geometry.x, stored.geometry.y) == (488650.0, 6411120.0)


def test_the_kommuns_figures_are_one_per_indicator_and_term(store: Store) -> None:
    with store.session(ACTOR) as s:
        save_indicator(s, Indicator("0604", "skolnarvaro", "HT2023", 92.0))
        save_indicator(s, Indicator("0604", "skolnarvaro", "ht2023", 93.5))
        save_indicator(s, Indicator("0604", "skolnarvaro", "VT2024", 94.0))
    with store.session(ACTOR) as s:
        figures = [(i.term, i.value, i.unit) for i in s.list_indicators("0604")]
    assert figures == [("HT2023", 93.5, "%"), ("VT2024", 94.0, "%")]


def test_cli_writes_the_opening_hours_for_the_website_as_escaped_html(
    store: Store, db_url: str
) -> None:
    with store.session(ACTOR) as s:
        place = s.add_place(
            Place(
                PlaceKind.POLICE_OFFICE,
                "Poliskontoret <Aneby>",
                Point(488600, 6411100),
                Classification.OPEN,
                attributes={"adress": "Storgatan 1 & 3"},
            )
        )
        save_recurring(
            s,
            TUESDAYS_MARCH_TO_APRIL,
            CommitmentKind.PRESENCE,
            DOC,
            place=place,
            classification=Classification.OPEN,
        )
    env = {**os.environ, "LOFTESKARTAN_DB": db_url, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo",
            "export",
            "opening-hours",
            "-",
            "--format",
            "html",
            "--today",
            "2024-03-27",
            "--weeks",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:5] == [
        "<h2>Polisens öppettider</h2>",
        "<h3>Poliskontoret &lt;Aneby&gt;</h3>",
        "<p>Storgatan 1 &amp; 3</p>",
        "<p>Varje tisdag kl. 13–15, 19 mars – 9 april 2024, utom helgdagar.</p>",
        "<p>Kommande tider:</p><ul><li>tisdag 2 april kl. 13–15</li>"
        "<li>tisdag 9 april kl. 13–15</li></ul>",
    ]


def test_cli_exports_public_and_internal_feeds_for_a_date_range(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    place = office(store)
    secret = office(store, Classification.SECRET)
    with store.session(ACTOR) as s:
        save_recurring(
            s,
            TUESDAYS_MARCH_TO_APRIL,
            CommitmentKind.PRESENCE,
            DOC,
            place=place,
            classification=Classification.OPEN,
        )
        start = datetime(2024, 3, 20, 20, tzinfo=STOCKHOLM)
        s.add_planned(
            PlannedActivity(
                CommitmentKind.NARCOTICS_INTERVENTION,
                start,
                start + timedelta(hours=3),
                place_id=secret.id,
                classification=Classification.SECRET,
            ),
            DOC,
        )
    env = {**os.environ, "LOFTESKARTAN_DB": db_url, "PYTHONPATH": str(REPO_ROOT)}

    def export(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "geo", "export", "ics", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    public, internal = tmp_path / "public.ics", tmp_path / "internal.ics"
    assert export(str(public), "--audience", "public").returncode == 0
    proc = export(str(internal), "--from", "2024-03-20", "--to", "2024-04-02")
    assert proc.returncode == 0, proc.stderr
    pub = icalendar.Calendar.from_ical(public.read_bytes())
    assert [e.decoded("dtstart").hour for e in pub.walk("VEVENT")] == [13, 13, 13, 13]
    assert "Narkotikainsats" not in public.read_text(encoding="utf-8")
    internal_events = vobject.readOne(internal.read_text(encoding="utf-8")).vevent_list
    assert sorted(e.dtstart.value.astimezone(UTC).isoformat() for e in internal_events) == [
        "2024-03-20T19:00:00+00:00",
        "2024-03-26T12:00:00+00:00",
        "2024-04-02T11:00:00+00:00",
    ]
    bad = export(str(tmp_path / "x.ics"), "--from", "2024-04-02", "--to", "2024-03-01")
    assert bad.returncode == 2 and "--to ligger före --from" in bad.stderr
    assert not (tmp_path / "x.ics").exists()
