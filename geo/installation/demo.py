"""Example data for Aneby, so a new user sees a living app.

Everything here is invented and labelled so: every name starts with "Exempel", every record
has `is_example = True`, and the places are placed at round offsets from SCB's tätort point
for Aneby (the only real coordinate used). There is no street data behind them: they are
not real addresses and must never be presented as such.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

from geo.errors import LofteskartanError
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Finding,
    FindingStatus,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
)
from geo.records.periods import Period, promise_year_containing, promise_years
from geo.records.promise import PromiseDocument
from geo.store import Session
from geo.swedish import today

DEMO_KOMMUNKOD = "0604"
# SCB's tätort point for Aneby (0604TC101) in SWEREF 99 TM, as given in
# data/base/jonkopings_lan_tatorter_2020_scb.geojson (x_sweref99tm, y_sweref99tm);
# tests/integration check that it matches the shipped file.
ANEBY_TATORT_CODE = "0604TC101"
ANEBY_E, ANEBY_N = 488629.2, 6411094.7
LABEL = "Exempeldata – påhittad plats, ingen verklig adress."
SEED = 604


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` wrote."""

    places: int
    activities: int
    planned: int
    findings: int
    # The example promise for the current year (`load_example_follow_on`), when one was made.
    follow_on: PromiseDocument | None = None


def _at(de: float, dn: float) -> Point:
    """A point `de` metres east and `dn` metres north of the tätort point."""
    return Point(ANEBY_E + de, ANEBY_N + dn)


def _example(
    kind: PlaceKind,
    name: str,
    geometry: BaseGeometry,
    classification: Classification,
    attributes: Mapping[str, Any],
) -> Place:
    """An example place: labelled as invented in its note and marked `is_example`."""
    return Place(kind, name, geometry, classification, LABEL, attributes, is_example=True)


def _control_site(name: str, at: Point, road: str, speed: int, direction: str) -> Place:
    """An example traffic control site (intern, like a real one by default)."""
    attributes = {"väg": road, "hastighet": speed, "riktning": direction, "motivering": "Exempel"}
    return _example(PlaceKind.TRAFFIC_CONTROL_SITE, name, at, Classification.INTERNAL, attributes)


def demo_places() -> list[Place]:
    """The example places (all `is_example`, all named "Exempel: ...")."""
    return [
        _example(
            PlaceKind.CENTRAL_AREA,
            "Exempel: Centrum",
            box(ANEBY_E - 300, ANEBY_N - 200, ANEBY_E + 300, ANEBY_N + 200),
            Classification.OPEN,
            {"syfte": "Närvaro vid fasta tider"},
        ),
        _example(
            PlaceKind.CENTRAL_AREA,
            "Exempel: Stationsområdet",
            box(ANEBY_E + 300, ANEBY_N - 500, ANEBY_E + 700, ANEBY_N - 200),
            Classification.OPEN,
            {"syfte": "Kvällsnärvaro"},
        ),
        _example(
            PlaceKind.POLICE_OFFICE,
            "Exempel: Poliskontor",
            _at(-50, 60),
            Classification.OPEN,
            {"adress": "Exempelgatan 1 (påhittad)", "öppettider": "tisdagar 13–15"},
        ),
        _control_site(
            "Exempel: Kontrollplats norr", _at(200, 1800), "Exempelväg (norr)", 70, "söderut"
        ),
        _control_site(
            "Exempel: Kontrollplats söder", _at(-400, -1500), "Exempelväg (söder)", 50, "norrut"
        ),
        _control_site(
            "Exempel: Kontrollplats väster", _at(-1600, 300), "Exempelväg (väster)", 60, "österut"
        ),
        _example(
            PlaceKind.INTERVENTION_PLACE,
            "Exempel: Insatsplats A",
            _at(150, -120),
            Classification.SECRET,
            {"platstyp": "Exempel"},
        ),
        _example(
            PlaceKind.INTERVENTION_PLACE,
            "Exempel: Insatsplats B",
            _at(-250, 350),
            Classification.SECRET,
            {"platstyp": "Exempel"},
        ),
        _example(
            PlaceKind.WALK_ROUTE,
            "Exempel: Trygghetsvandring centrum",
            LineString(
                [
                    (ANEBY_E - 250, ANEBY_N - 150),
                    (ANEBY_E + 250, ANEBY_N - 150),
                    (ANEBY_E + 250, ANEBY_N + 150),
                    (ANEBY_E - 250, ANEBY_N + 150),
                ]
            ),
            Classification.OPEN,
            {"hållplatser": ["Start", "Torget", "Skolan", "Mål"]},
        ),
    ]


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def load_demo(session: Session, doc: PromiseDocument, now: datetime | None = None) -> DemoSummary:
    """Write a year of example places and activities for Aneby's first promise year.

    Deterministic (fixed seed), so two installations show the same demo. The caller makes
    sure it runs once (see `cli init --demo`). With `now`, also the example follow-on promise
    for the year containing it (`load_example_follow_on`), its activities up to `now`.
    """
    if doc.kommunkod != DEMO_KOMMUNKOD:
        raise LofteskartanError("Exempeldata finns bara för Aneby kommun (0604).")
    stored = {p.name: session.add_place(p) for p in demo_places()}
    activities, planned, findings = _example_year(
        session, doc, promise_years(doc)[0], stored, random.Random(SEED), until=None
    )
    seed_year = DemoSummary(len(stored), activities, planned, findings)
    follow_on = load_example_follow_on(session, doc, stored, now) if now is not None else None
    if follow_on is None:
        return seed_year
    return DemoSummary(
        seed_year.places,
        seed_year.activities + follow_on.activities,
        seed_year.planned + follow_on.planned,
        seed_year.findings + follow_on.findings,
        follow_on.follow_on,
    )


def _example_year(
    session: Session,
    doc: PromiseDocument,
    year: Period,
    stored: Mapping[str, Place],
    rng: random.Random,
    until: datetime | None,
) -> tuple[int, int, int]:
    """A year of example activities for `doc` at the stored example places.

    `until` leaves out everything that would end after it, so an example of the current
    year holds only what could already have been done. Returns (activities, planned,
    findings) written.
    """
    office = stored["Exempel: Poliskontor"]
    centre = stored["Exempel: Centrum"]
    sites = [p for p in stored.values() if p.kind is PlaceKind.TRAFFIC_CONTROL_SITE]
    hotspots = [p for p in stored.values() if p.kind is PlaceKind.INTERVENTION_PLACE]
    route = stored["Exempel: Trygghetsvandring centrum"]

    def done(start: datetime, hours: float) -> bool:
        return until is None or start + timedelta(hours=hours) <= until

    activities: list[Activity] = []
    planned = 0

    def log(
        kind: CommitmentKind,
        start: datetime,
        hours: float,
        place: Place | None,
        outcome: dict[str, float],
        cls: Classification = Classification.INTERNAL,
        planned_id: int | None = None,
    ) -> Activity | None:
        if not done(start, hours):
            return None
        a = session.add_activity(
            Activity(
                kind,
                start,
                start + timedelta(hours=hours),
                place_id=place.id if place else None,
                outcome=outcome,
                classification=cls,
                note="Exempeldata",
                planned_id=planned_id,
                is_example=True,
            ),
            document_id=doc.id,
        )
        activities.append(a)
        return a

    def in_year(month: int, day: int, hour: int) -> datetime:
        """`hour` o'clock on a day of Aneby's promise year: months from June in its first year."""
        y = year.start.year if month >= 6 else year.end.year
        return _local(date(y, month, day), hour)

    day = year.start
    while day <= year.end:
        weekday = day.weekday()
        # Fixed-time presence: Tuesdays 13–15 at the office, most weeks (holidays missed).
        if weekday == 1 and rng.random() < 0.85 and done(_local(day, 13), 2):
            start = _local(day, 13)
            plan = session.add_planned(
                PlannedActivity(
                    CommitmentKind.PRESENCE,
                    start,
                    start + timedelta(hours=2),
                    place_id=office.id,
                    team="Närpolis",
                    classification=Classification.OPEN,
                    status=PlanStatus.DONE,
                    note="Exempeldata",
                    is_example=True,
                ),
                document_id=doc.id,
            )
            planned += 1
            log(
                CommitmentKind.PRESENCE,
                start,
                2,
                office,
                {"timmar": 2, "besökare": rng.randint(0, 6)},
                Classification.OPEN,
                planned_id=plan.id,
            )
        # Evening presence in the centre on the first Thursday of the month.
        if weekday == 3 and day.day <= 7:
            log(
                CommitmentKind.PRESENCE,
                _local(day, 18),
                2,
                centre,
                {"timmar": 2, "kontakter": rng.randint(3, 25)},
                Classification.OPEN,
            )
        # Traffic controls about twice a month, rotating over the sites.
        if weekday in (2, 4) and rng.random() < 0.23:
            checked = rng.randint(15, 90)
            speed, dui = rng.randint(0, 8), rng.randint(0, 2)
            log(
                CommitmentKind.TRAFFIC_CONTROL,
                _local(day, rng.choice([7, 15, 21])),
                2,
                rng.choice(sites),
                {
                    "kontrollerade_fordon": checked,
                    "hastighetsovertradelser": speed,
                    "rattfylleri_drograttfylleri": dui,
                    "overtradelser": speed + dui,
                },
            )
        day += timedelta(days=1)

    # Nine targeted narcotics interventions: the demo is one short of the promised ten.
    for month_offset in range(9):
        when = _local(year.start + timedelta(days=20 + 38 * month_offset), 20)
        checked = rng.randint(4, 15)
        suspected = rng.randint(0, 4)
        log(
            CommitmentKind.NARCOTICS_INTERVENTION,
            when,
            3,
            hotspots[month_offset % 2],
            {
                "kontrollerade_personer": checked,
                "misstankta_narkotikabrott": suspected,
                "varav_unga": rng.randint(0, suspected),
            },
            Classification.SECRET,
        )
    for n in range(6):
        log(
            CommitmentKind.IDENTIFY_YOUNG_USERS,
            _local(year.start + timedelta(days=30 + 55 * n), 16),
            1,
            None,
            {"kontrollerade_personer": rng.randint(1, 5)},
            Classification.SECRET,
        )

    findings = 0
    for when in (in_year(9, 19, 18), in_year(4, 16, 18)):
        walk = log(
            CommitmentKind.SAFETY_WALK,
            when,
            2,
            route,
            {"deltagare": rng.randint(8, 20)},
            Classification.OPEN,
        )
        if walk is None:
            continue
        assert walk.id is not None
        for n, (category, action, owner) in enumerate(
            (
                ("belysning", "Byt trasig gatubelysning", "kommun"),
                ("växtlighet", "Klipp buskage vid gångväg", "fastighetsägare"),
                ("trafik", "Se över hastighet vid skolan", "polis"),
            )
        ):
            session.add_finding(
                Finding(
                    walk.id,
                    category,
                    _at(-200 + 150 * n, -100 + 80 * n),
                    description="Exempeldata",
                    action=action,
                    owner=owner,
                    due=when.date() + timedelta(days=60),
                    status=FindingStatus.CLOSED
                    if when.year == year.start.year
                    else FindingStatus.OPEN,
                )
            )
            findings += 1

    for month in (9, 12, 3, 5):
        log(
            CommitmentKind.COORDINATION_MEETING,
            in_year(month, 14, 9),
            2,
            None,
            {"organisationer": rng.randint(3, 6), "beslut": rng.randint(1, 4)},
        )
    for month in (10, 2):
        log(
            CommitmentKind.EST,
            in_year(month, 7, 13),
            2,
            None,
            {"organisationer": rng.randint(4, 7)},
        )
    for month in (11, 4):
        log(
            CommitmentKind.ANDT, in_year(month, 21, 10), 3, None, {"deltagare": rng.randint(20, 60)}
        )
        log(CommitmentKind.SCHOOL_ATTENDANCE, in_year(month, 25, 10), 1, None, {})
    log(
        CommitmentKind.LOCAL_INFORMATION,
        _local(year.start + timedelta(days=14), 10),
        1,
        office,
        {},
        Classification.OPEN,
    )
    return len(activities), planned, findings


EXAMPLE_FOLLOW_ON = "Exempel: "
EXAMPLE_NOTE = (
    "Påhittat uppföljningslöfte gjort med Nästa års löfte ur Anebys löfte, så att "
    "exempeldatan visar innevarande år. Det är inte Anebys verkliga nästa löfte."
)


def load_example_follow_on(
    session: Session, seed: PromiseDocument, stored: Mapping[str, Place], now: datetime
) -> DemoSummary | None:
    """An example follow-on promise for the year containing `now`, with activities up to it.

    Made as a user makes next year's promise ("Nästa års löfte"), once per period until one
    contains today, so a new user's first look at every page is the present, not 2023.
    Titled "Exempel: ..." with its id starting "exempel-" and no signatories: it must never
    pass for Aneby's real next promise. Returns None when the seed's period still holds today.
    """
    # Imported here: geo.planning.next_year stores through geo.installation.init, which
    # imports this module.
    from geo.planning.next_year import next_year_promise, save_next_year

    day = today(now)
    follow_on = seed
    while follow_on.period_end < day:
        follow_on = next_year_promise(follow_on)
    if follow_on is seed:
        return None
    follow_on = replace(
        follow_on,
        id=f"exempel-{follow_on.id}",
        title=f"{EXAMPLE_FOLLOW_ON}{follow_on.title} (påhittat, inte Anebys verkliga löfte)",
        follow_up=EXAMPLE_NOTE,
        signatories=(),
    )
    document = save_next_year(session, seed, follow_on).document
    year = promise_year_containing(document, day)
    rng = random.Random(SEED + year.start.year)
    activities, planned, findings = _example_year(session, document, year, stored, rng, now)
    return DemoSummary(0, activities, planned, findings, document)
