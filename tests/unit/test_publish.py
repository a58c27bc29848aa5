"""Publishing the fixed times: iCalendar feeds read by two independent readers, website text."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import vobject
from shapely.geometry import Point

from geo.disclosure import access
from geo.disclosure.audience import Audience
from geo.disclosure.publish import (
    calendar_feed,
    opening_hours,
    public_times,
    visible_classifications,
)
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Actor,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
    ScheduleRule,
)
from geo.records.recurrence import Frequency, RecurrenceRule

OPEN, INTERNAL, SECRET = Classification.OPEN, Classification.INTERNAL, Classification.SECRET
OFFICE = Place(
    PlaceKind.POLICE_OFFICE,
    "Poliskontoret <Aneby>",
    Point(0, 0),
    OPEN,
    attributes={"adress": "Storgatan 1 & 3"},
    id=1,
)
HOTSPOT = Place(PlaceKind.INTERVENTION_PLACE, "Hemlig plats", Point(100, 0), SECRET, id=2)
PLACES = {1: OFFICE, 2: HOTSPOT}
STAMP = datetime(2024, 1, 1, tzinfo=UTC)


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=STOCKHOLM)


def presence(pid: int, start: datetime, **kw: object) -> PlannedActivity:
    args: dict = {"place_id": 1, "classification": OPEN, "team": "Närpolis", "id": pid} | kw
    return PlannedActivity(CommitmentKind.PRESENCE, start, start + timedelta(hours=2), **args)


PLANS = [
    presence(1, at(3, 26, 13)),  # before the change to summer time
    presence(2, at(4, 2, 13)),  # after it
    presence(3, at(10, 29, 13), status=PlanStatus.CANCELLED),
    presence(4, at(4, 9, 13), classification=INTERNAL, note="Bara för oss"),
    presence(5, at(4, 10, 21), classification=OPEN, seed=1234),  # randomised: never public
    presence(6, at(4, 11, 20), place_id=2),  # open presence at a secret place
    PlannedActivity(
        CommitmentKind.NARCOTICS_INTERVENTION,
        at(4, 12, 20),
        at(4, 12, 23),
        place_id=2,
        classification=SECRET,
        id=7,
    ),
]


def feed(audience: Audience, **kw: object) -> bytes:
    return calendar_feed(
        PLANS, PLACES, audience, document_id="aneby-2023-2024", generated_at=STAMP, **kw
    )  # type: ignore[arg-type]


def events_by_icalendar(data: bytes) -> list[tuple[str, datetime, datetime, str, str]]:
    cal = icalendar.Calendar.from_ical(data)
    return sorted(
        (
            str(e["uid"]),
            e.decoded("dtstart"),
            e.decoded("dtend"),
            str(e["summary"]),
            str(e.get("status")),
        )
        for e in cal.walk("VEVENT")
    )


def events_by_vobject(data: bytes) -> list[tuple[str, datetime, datetime, str, str]]:
    cal = vobject.readOne(data.decode("utf-8"))
    return sorted(
        (e.uid.value, e.dtstart.value, e.dtend.value, e.summary.value, e.status.value)
        for e in cal.vevent_list
    )


@pytest.mark.parametrize("audience", list(Audience))
def test_two_independent_readers_see_the_same_events(audience: Audience) -> None:
    data = feed(audience)
    by_icalendar, by_vobject = events_by_icalendar(data), events_by_vobject(data)
    assert by_icalendar == by_vobject
    assert by_icalendar  # not vacuous


def test_the_public_feed_has_only_open_presence_at_open_places_and_no_random_visits() -> None:
    uids = [e[0] for e in events_by_icalendar(feed(Audience.PUBLIC))]
    assert uids == [f"planerad-{i}@aneby-2023-2024.lofteskartan" for i in (1, 2, 3)]
    text = feed(Audience.PUBLIC).decode()
    for secret in ("Hemlig plats", "Bara för oss", "Närpolis", "1234", "Narkotikainsats"):
        assert secret not in text


def test_the_public_feed_keeps_13_to_15_local_time_across_dst_with_a_vtimezone() -> None:
    events = events_by_icalendar(feed(Audience.PUBLIC))
    assert [(s.hour, e.hour) for _, s, e, _, _ in events] == [(13, 15)] * 3
    assert [s.astimezone(UTC).hour for _, s, _, _, _ in events] == [12, 11, 12]
    text = feed(Audience.PUBLIC).decode()
    assert "DTSTART;TZID=Europe/Stockholm:20240326T130000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Stockholm" in text


def test_a_cancelled_time_stays_in_the_feed_as_cancelled_so_subscribers_remove_it() -> None:
    statuses = {uid: status for uid, _, _, _, status in events_by_icalendar(feed(Audience.PUBLIC))}
    assert statuses["planerad-3@aneby-2023-2024.lofteskartan"] == "CANCELLED"


def test_the_internal_feed_has_what_the_user_may_see() -> None:
    everything = {e[0].split("@")[0] for e in events_by_icalendar(feed(Audience.INTERNAL))}
    assert everything == {f"planerad-{i}" for i in range(1, 8)}
    no_secrets = feed(Audience.INTERNAL, visible=frozenset({OPEN, INTERNAL}))
    assert "planerad-7@" not in no_secrets.decode()


def test_uids_are_stable_between_exports() -> None:
    later = calendar_feed(
        PLANS,
        PLACES,
        Audience.PUBLIC,
        document_id="aneby-2023-2024",
        generated_at=STAMP + timedelta(days=3),
    )
    assert [e[0] for e in events_by_icalendar(later)] == [
        e[0] for e in events_by_icalendar(feed(Audience.PUBLIC))
    ]


def test_only_admins_and_police_see_secret_records() -> None:
    assert SECRET in visible_classifications(Actor("a", role="admin"))
    assert SECRET not in visible_classifications(Actor("b", role="kommun"))


@pytest.mark.parametrize(
    "actor,sees_secret",
    [
        (Actor("polisplanerare", role="planner", organisation="polis"), True),
        (Actor("kommunplanerare", role="planner", organisation="kommun"), False),
        (Actor("kommunadmin", role="admin", organisation="kommun"), False),
        (Actor("polislasare", role="viewer", organisation="polis"), False),
    ],
)
def test_the_internal_calendar_holds_sekretess_plans_for_whom_the_store_shows_them(
    actor: Actor, sees_secret: bool
) -> None:
    text = feed(Audience.INTERNAL, visible=visible_classifications(actor)).decode()
    assert ("planerad-7@" in text) is sees_secret
    assert ("planerad-7@" in text) is access.sees_secret(actor)
    assert "planerad-4@" in text  # intern is seen by everyone signed in


def test_opening_hours_text_and_html_come_from_the_schedule_and_are_escaped() -> None:
    rule = RecurrenceRule(
        Frequency.WEEKLY, date(2024, 3, 1), date(2024, 5, 31), time(13), time(15), weekdays=(1,)
    )
    stored = ScheduleRule(CommitmentKind.PRESENCE, rule.to_json(), place_id=1, classification=OPEN)
    secret_rule = ScheduleRule(
        CommitmentKind.PRESENCE, rule.to_json(), place_id=2, classification=OPEN
    )
    times = public_times([stored, secret_rule], PLANS, PLACES, today=date(2024, 3, 20))
    hours = opening_hours(times)
    assert hours.text == (
        "Polisens öppettider\n\n"
        "Poliskontoret <Aneby>, Storgatan 1 & 3\n"
        "Varje tisdag kl. 13–15, 1 mars – 31 maj 2024, utom helgdagar.\n"
        "Kommande tider:\n"
        "- tisdag 26 mars kl. 13–15\n"
        "- tisdag 2 april kl. 13–15\n"
        "\n"
        "Vid brott som pågår eller nödsituation: ring 112. Övriga ärenden: 114 14.\n"
    )
    assert "<h3>Poliskontoret &lt;Aneby&gt;</h3>" in hours.html
    assert "<p>Storgatan 1 &amp; 3</p>" in hours.html
    assert "<li>tisdag 2 april kl. 13–15</li>" in hours.html
    assert "<Aneby>" not in hours.html and "Hemlig" not in hours.text


def test_opening_hours_list_whole_iso_weeks_whichever_day_they_are_made() -> None:
    # ISO week 13 of 2024 runs Monday 25 March – Sunday 31 March, week 14 to 7 April and
    # week 15 to 14 April. PLANS has times on Tuesday 26 March and Tuesday 2 April.
    shown = {}
    for today in (date(2024, 3, 25), date(2024, 3, 27), date(2024, 3, 31)):
        text = opening_hours(public_times([], PLANS, PLACES, today=today, weeks_ahead=1)).text
        shown[today] = [t for t in ("26 mars", "2 april") if f"tisdag {t} kl. 13–15" in text]
    # This week and one more: the same weeks whichever day; only a passed time drops out.
    assert shown == {
        date(2024, 3, 25): ["26 mars", "2 april"],
        date(2024, 3, 27): ["2 april"],
        date(2024, 3, 31): ["2 april"],
    }


def test_with_nothing_planned_the_text_says_so() -> None:
    assert "Inga fasta tider" in opening_hours([]).text
