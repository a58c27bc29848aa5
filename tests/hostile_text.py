"""Records whose texts attack the page: Markdown links and images, HTML, a formula.

Shared by the AppTest (tests/app/test_user_text_pages.py) and the browser test
(tests/e2e/test_xss.py) of issue 11's items 9 and 10: a team with a conflict, a place, a
formula-named site, a safety walk with a finding, all inside the demo promise year.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shapely.geometry import Point, box

from geo.installation.init import initialise
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Actor,
    Finding,
    Place,
    PlaceKind,
    PlannedActivity,
)
from geo.store import Store
from tests.common import REPO_ROOT, SEED_YEAR_CLOCK

TEAM = "![x](http://host/beacon.png) [Logga in igen](http://host/phish)"
PLACE = "[Torget](http://host/phish) <img src=http://host/beacon.png> **fet**"
FORMULA_PLACE = '=HYPERLINK("http://host/phish";"Klicka")'
# Every kind of syntax at once, for the page that renders it in every element kind.
HOSTILE = (
    "![x](http://host/beacon.png) [Logga in igen](http://host/phish) <b>fet</b> "
    ":smile: :material/home: :red[röd] www.host.se http://host/auto namn@host.se "
    "$x^2$ **fet** _k_ ~~s~~ `kod` &amp; &#60; 1. lista # Rubrik"
)
FINDING = "Trasig lampa ![x](http://host/beacon.png) :red[viktigt] www.host.se/in namn@host.se"


def hostile_database(url: str) -> None:
    """The demo database at `url`, plus the hostile records."""
    store = Store(url)
    actor = Actor("test")
    initialise(store, actor, [REPO_ROOT / "data" / "promises"], demo=True, now=SEED_YEAR_CLOCK)
    with store.session(actor) as s:
        doc = s.promise_documents()[0]
        # Inside the promise year, so the pages that show one year show these.
        start = datetime.combine(doc.period_start + timedelta(days=40), datetime.min.time())
        start = start.replace(hour=13, tzinfo=STOCKHOLM)
        area = s.add_place(
            Place(
                PlaceKind.CENTRAL_AREA,
                PLACE,
                box(487_500, 6_406_000, 489_500, 6_408_000),
                Classification.OPEN,
            )
        )
        s.add_place(
            Place(
                PlaceKind.TRAFFIC_CONTROL_SITE,
                FORMULA_PLACE,
                Point(488_000, 6_407_000),
                Classification.INTERNAL,
            )
        )
        # The same team in two places at once: a conflict on Planering.
        for hours in (0, 1):
            s.add_planned(
                PlannedActivity(
                    CommitmentKind.PRESENCE,
                    start + timedelta(hours=hours),
                    start + timedelta(hours=hours + 2),
                    place_id=area.id,
                    team=TEAM,
                ),
                doc.id,
            )
        walk = s.add_activity(
            Activity(
                CommitmentKind.SAFETY_WALK,
                start,
                start + timedelta(hours=2),
                place_id=area.id,
            )
        )
        assert walk.id is not None
        s.add_finding(
            Finding(walk.id, TEAM, Point(488_500, 6_407_000), FINDING, FINDING, owner=TEAM)
        )
    store.dispose()
