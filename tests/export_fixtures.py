"""A store with records planted to leak: what a public export must never contain.

Round numbers in SWEREF 99 TM (EPSG:3006) around Aneby, with 500 m cells in mind:

* `KNOWN`: three öppen narcotics interventions at one exact point. The public export shows
  their 500 m cell (3 events) but never the point.
* `PAIR`: two öppen traffic controls, alone in their cell: a cell of 2 events, which the
  public export must leave out entirely.
* `SECRET`: the place HEMLIG-PLATS-123 (sekretess) with one sekretess intervention.
* `INTERNAL`: the place INTERN-PLATS-456 (intern) with three intern traffic controls.
* The note ANTECKNING-XYZ on an öppen activity and an öppen place; a finding described
  BESKRIVNING-ABC; a sekretess plan noted PLANERAD-HEMLIG-789; an intern finding in the
  category INTERN-KATEGORI.
* Text cells that try CSV injection (`=1+2`, `@SUM(A1)`, `-2+3`, a leading tab).
* `PHOTO` on the öppen finding: a public export must hold neither it nor its thumbnail.

The promise is Aneby's shipped file; its promise year runs 2023-05-30 – 2024-05-29. Every
activity is on 12 September 2023 (a Tuesday in ISO week 37), so a public export must not
contain "2023-09-12".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shapely.geometry import LineString, Point, box

from geo.disclosure.audience import Audience, ExportRequest
from geo.exports.make import ExportFormat, ExportOptions, load_export_data, render
from geo.files.photos import clean_photo
from geo.installation.init import initialise
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Actor,
    Finding,
    FindingStatus,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
)
from geo.spatial.crs import sweref_to_lonlat
from geo.store import Store
from tests.common import REPO_ROOT
from tests.photo_files import noise, phone_jpeg

ACTOR = Actor("test")
DOCUMENT = "aneby-2023-2024"
PERIOD = (date(2023, 5, 30), date(2024, 5, 29))
MADE_AT = datetime(2024, 3, 1, 9, 30, tzinfo=STOCKHOLM)
MEETING = date(2024, 3, 1)
DAY = date(2023, 9, 12)

KNOWN = (488777.7, 6411333.3)  # cell R977_12822: 488500–489000 E, 6411000–6411500 N
PAIR = (487111.1, 6409222.2)  # cell R974_12818
SECRET = (489611.1, 6412388.9)
INTERNAL = (490444.4, 6410666.6)
OFFICE = (488250.0, 6410250.0)  # cell R976_12820: four presence activities and a walk

SECRET_TEXTS = (
    "HEMLIG-PLATS-123",
    "INTERN-PLATS-456",
    "ANTECKNING-XYZ",
    "BESKRIVNING-ABC",
    "PLANERAD-HEMLIG-789",
    "INTERN-KATEGORI",
)
INJECTIONS = ("=1+2", "@SUM(A1)", "-2+3", "\tTAB")
# The öppen finding (which the public export shows) has a photo: internal, never published.
PHOTO = clean_photo(phone_jpeg(noise(640, 480, seed=7)), "lampa.jpg")


def coordinate_texts(point: tuple[float, float]) -> list[str]:
    """Every way the point could be written: SWEREF integer metres, lat/lon to 4 decimals.

    Both the truncated and the rounded four-decimal forms, so a longer number that starts
    with them is found too.
    """
    e, n = point
    lon, lat = sweref_to_lonlat(e, n)
    texts = [str(int(e)), str(int(n))]
    for value in (lat, lon):
        texts.append(f"{value:.8f}"[:-4])  # truncated: a prefix of any longer form
        texts.append(f"{value:.4f}")
    return texts


@dataclass(frozen=True)
class Planted:
    """Ids of the planted records."""

    secret_place: int
    internal_place: int
    office: int


def _at(hour: int, minutes: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minutes, tzinfo=STOCKHOLM)


def plant(store: Store) -> Planted:
    """Initialise `store` with Aneby's promise (no demo) and the planted records."""
    initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"])
    open_ = Classification.OPEN
    with store.session(ACTOR) as s:
        office = s.add_place(
            Place(
                PlaceKind.POLICE_OFFICE,
                "Polisstationen",
                Point(*OFFICE),
                open_,
                "ANTECKNING-XYZ",
                {"öppettider": "tisdagar 13–15", "motivering": "ANTECKNING-XYZ"},
            )
        )
        s.add_place(
            Place(
                PlaceKind.CENTRAL_AREA,
                "=1+2",
                box(OFFICE[0] - 250, OFFICE[1] - 250, OFFICE[0] + 250, OFFICE[1] + 250),
                open_,
                "@SUM(A1)",
            )
        )
        route = s.add_place(
            Place(
                PlaceKind.WALK_ROUTE,
                "Kvällsrundan",
                LineString([(OFFICE[0] - 200, OFFICE[1]), (OFFICE[0] + 200, OFFICE[1])]),
                open_,
            )
        )
        secret = s.add_place(
            Place(
                PlaceKind.INTERVENTION_PLACE,
                "HEMLIG-PLATS-123",
                Point(*SECRET),
                Classification.SECRET,
            )
        )
        internal = s.add_place(
            Place(
                PlaceKind.TRAFFIC_CONTROL_SITE,
                "INTERN-PLATS-456",
                Point(*INTERNAL),
                Classification.INTERNAL,
                attributes={"väg": "-2+3"},
            )
        )
        assert office.id and secret.id and internal.id and route.id

        def log(kind: CommitmentKind, hour: int, **kwargs: object) -> Activity:
            start = _at(hour)
            return s.add_activity(
                Activity(kind, start, start + timedelta(hours=2), **kwargs),  # type: ignore[arg-type]
                document_id=DOCUMENT,
            )

        for hour in (9, 11, 13):
            log(
                CommitmentKind.NARCOTICS_INTERVENTION,
                hour,
                geometry=Point(*KNOWN),
                # Two suspected offences in all: a count the public must not see.
                outcome={"kontrollerade_personer": 4, "misstankta_narkotikabrott": int(hour < 13)},
                classification=open_,
            )
        log(
            CommitmentKind.NARCOTICS_INTERVENTION,
            20,
            place_id=secret.id,
            classification=Classification.SECRET,
            note="ANTECKNING-XYZ",
        )
        for hour in (8, 10):
            log(
                CommitmentKind.TRAFFIC_CONTROL,
                hour,
                geometry=Point(*PAIR),
                outcome={"kontrollerade_fordon": 20},
                classification=open_,
            )
        for hour in (14, 16, 18):
            log(
                CommitmentKind.TRAFFIC_CONTROL,
                hour,
                place_id=internal.id,
                outcome={"kontrollerade_fordon": 30},
                classification=Classification.INTERNAL,
            )
        for n, hour in enumerate((12, 13, 14, 15)):
            log(
                CommitmentKind.PRESENCE,
                hour,
                place_id=office.id,
                outcome={"besökare": 5},
                classification=open_,
                note="ANTECKNING-XYZ" if n == 0 else "",
            )
        walk = log(
            CommitmentKind.SAFETY_WALK,
            19,
            place_id=route.id,
            outcome={"deltagare": 12},
            classification=open_,
        )
        assert walk.id is not None
        lamp = s.add_finding(
            Finding(
                walk.id,
                "belysning",
                Point(OFFICE[0] + 100, OFFICE[1]),
                description="BESKRIVNING-ABC",
                action="Byt lampa",
                owner="kommun",
                due=date(2024, 3, 29),
                status=FindingStatus.OPEN,
                classification=open_,
            )
        )
        s.set_finding_photo(lamp, PHOTO)
        s.add_finding(
            Finding(
                walk.id,
                "INTERN-KATEGORI",
                Point(OFFICE[0] - 100, OFFICE[1]),
                description="\tTAB",
                owner="polis",
                status=FindingStatus.IN_PROGRESS,
                classification=Classification.INTERNAL,
            )
        )
        opening = datetime(2024, 3, 5, 13, tzinfo=STOCKHOLM)
        s.add_planned(
            PlannedActivity(
                CommitmentKind.PRESENCE,
                opening,
                opening + timedelta(hours=2),
                place_id=office.id,
                team="Närpolis",
                classification=open_,
                status=PlanStatus.PLANNED,
            ),
            document_id=DOCUMENT,
        )
        raid = datetime(2024, 3, 6, 20, tzinfo=STOCKHOLM)
        s.add_planned(
            PlannedActivity(
                CommitmentKind.NARCOTICS_INTERVENTION,
                raid,
                raid + timedelta(hours=3),
                place_id=secret.id,
                team="-2+3",
                classification=Classification.SECRET,
                note="PLANERAD-HEMLIG-789",
                status=PlanStatus.PLANNED,
            ),
            document_id=DOCUMENT,
        )
    return Planted(secret.id, internal.id, office.id)


def planted_export(url: str, audience: Audience, fmt: ExportFormat) -> bytes:
    """An export of the planted store at `url` for the promise year, made at `MADE_AT`."""
    store = Store(url)
    try:
        data = load_export_data(
            store, ACTOR, ExportRequest(audience, *PERIOD, MADE_AT, meeting_date=MEETING)
        )
    finally:
        store.dispose()
    return render(data, fmt, ExportOptions())
