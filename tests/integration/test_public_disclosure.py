"""Public files cannot be combined to learn more than each says (issue 11, geo.disclosure.audience).

Each test plays one attack on the public follow-up as an outsider holding many public files
would: grids of many cell sizes laid over each other, ranges a day apart, files made on
successive days or by people who see different things, and a tertial withheld only to
protect another. Round numbers in SWEREF 99 TM around Aneby; the promise year is Aneby's
shipped one (2023-05-30 – 2024-05-29).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point

from geo.disclosure.audience import Audience, AudienceRules, ExportRequest
from geo.disclosure.rows import ExportData
from geo.errors import ValidationError
from geo.exports.followup_texts import followup_texts
from geo.exports.make import ExportFormat, load_export_data, make_export
from geo.installation.init import initialise
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor, Finding, Place, PlaceKind
from geo.store import Store
from tests.common import REPO_ROOT
from tests.integration.test_cli import run_cli

DOCUMENT = "aneby-2023-2024"
YEAR = (date(2023, 5, 30), date(2024, 5, 29))
ADMIN = Actor("polis-admin")
POLICE_PLANNER = Actor("polis-planerare", role="planner", organisation="polis")
KOMMUN_PLANNER = Actor("kommun-planerare", role="planner", organisation="kommun")
KOMMUN_VIEWER = Actor("kommun-läsare", role="viewer", organisation="kommun")

SECRET_PLACE = (489611.1, 6412388.9)  # a sekretess insatsplats
OPEN_SPOT = (488777.7, 6411333.3)  # öppen presence, cell R977_12822 of the 500 m grid
# The attack from the issue: 25 cell sizes from 200 m in steps of 7.3 m.
ATTACK_CELL_SIZES = [200 + 7.3 * i for i in range(25)]


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def _log(s: Any, kind: CommitmentKind, day: date, hour: int, **kwargs: Any) -> Activity:
    start = _at(day, hour)
    activity = Activity(kind, start, start + timedelta(hours=1), **kwargs)
    return s.add_activity(activity, document_id=DOCUMENT)


def _plant(store: Store) -> int:
    """Aneby's promise and the records the attacks aim at; returns the secret place's id."""
    initialise(store, ADMIN, [REPO_ROOT / "data" / "promises"])
    with store.session(ADMIN) as s:
        secret = s.add_place(
            Place(
                PlaceKind.INTERVENTION_PLACE,
                "Hemlig insatsplats",
                Point(*SECRET_PLACE),
                Classification.SECRET,
            )
        )
        assert secret.id is not None
        # Öppen presence at the secret place: planted to be counted in a public cell there.
        for n in range(6):
            _log(
                s,
                CommitmentKind.PRESENCE,
                date(2023, 9, 4 + n),
                10,
                place_id=secret.id,
                classification=Classification.OPEN,
            )
        for n in range(3):
            _log(
                s,
                CommitmentKind.PRESENCE,
                date(2023, 10, 2 + n),
                10,
                geometry=Point(*OPEN_SPOT),
                classification=Classification.OPEN,
            )
        # Two sekretess narcotics interventions on one day in the middle of T1 2024.
        for hour in (9, 21):
            _log(
                s,
                CommitmentKind.NARCOTICS_INTERVENTION,
                date(2024, 3, 8),
                hour,
                classification=Classification.SECRET,
            )
        # Samverkansmöten: 2 in T2 2023, 4 in T3 2023, 5 in T1 2024 (11 in the year).
        for day in [date(2023, 6, 5), date(2023, 7, 3)]:
            _log(s, CommitmentKind.COORDINATION_MEETING, day, 13)
        for month in (9, 10, 11, 12):
            _log(s, CommitmentKind.COORDINATION_MEETING, date(2023, month, 6), 13)
        for month in (1, 2, 3, 4):
            _log(s, CommitmentKind.COORDINATION_MEETING, date(2024, month, 10), 13)
        _log(s, CommitmentKind.COORDINATION_MEETING, date(2024, 4, 24), 13)
    return secret.id


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('disclosure')}/planted.sqlite")
    _plant(store)
    yield store
    store.dispose()


def public(made_at: datetime, **kwargs: Any) -> ExportRequest:
    return ExportRequest(Audience.PUBLIC, *YEAR, made_at, document_id=DOCUMENT, **kwargs)


def figures(data: ExportData) -> tuple[Any, ...]:
    """Every number a public data set publishes: per commitment, per tertial, per cell."""

    def rows(summary: Any) -> tuple[Any, ...]:
        return tuple(
            (r.commitment.id, r.done, r.hours, tuple(sorted(r.outcomes.items())))
            for r in summary.rows
        )

    return (
        rows(data.summary),
        tuple((t.period, rows(t)) for t in data.tertials),
        tuple((c.key.id, c.count) for c in data.cells),
        data.counted_until,
    )


# -- the records behind a public cell ------------------------------------------------------


def test_an_open_activity_at_a_secret_place_is_stored_as_secret(db_url: str) -> None:
    store = Store(db_url)
    try:
        secret_id = _plant(store)
        with store.session(ADMIN) as s:
            at_place = [a for a in s.list_activities() if a.place_id == secret_id]
        with store.session(KOMMUN_PLANNER) as s:
            seen = [a for a in s.list_activities() if a.place_id == secret_id]
    finally:
        store.dispose()
    assert len(at_place) == 6
    assert {a.classification for a in at_place} == {Classification.SECRET}
    assert seen == []


def test_making_a_place_secret_makes_what_was_done_there_secret(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    try:
        initialise(store, ADMIN, [REPO_ROOT / "data" / "promises"])
        with store.session(ADMIN) as s:
            place = s.add_place(
                Place(PlaceKind.CENTRAL_AREA, "Torget", Point(*OPEN_SPOT), Classification.OPEN)
            )
            assert place.id is not None
            _log(
                s,
                CommitmentKind.PRESENCE,
                date(2023, 9, 4),
                10,
                place_id=place.id,
                classification=Classification.OPEN,
            )
        with store.session(ADMIN) as s:
            stored = s.get_place(place.id)
            s.update_place(replace(stored, classification=Classification.SECRET))
            (activity,) = s.list_activities()
    finally:
        store.dispose()
    assert activity.classification is Classification.SECRET


def test_public_files_with_many_cell_sizes_cannot_locate_a_secret_place(store: Store) -> None:
    accepted = []
    cells_at_place = []
    for size in [*ATTACK_CELL_SIZES, 500.0]:
        try:
            data = load_export_data(
                store,
                KOMMUN_VIEWER,
                public(_at(date(2024, 6, 1), 12), rules=AudienceRules(cell_size_m=size)),
            )
        except ValidationError:
            continue
        accepted.append(size)
        cells_at_place += [c for c in data.cells if c.geometry.contains(Point(*SECRET_PLACE))]
    # Only the fixed grid is published, and what was done at the secret place is in no cell.
    assert accepted == [500.0]
    assert cells_at_place == []


def test_the_cells_of_every_public_file_never_narrow_a_point_below_the_fixed_square(
    store: Store,
) -> None:
    made = [_at(date(2024, 6, 1), 12), _at(date(2024, 7, 1), 12), _at(date(2025, 1, 1), 12)]
    boxes = []
    for made_at in made:
        data = load_export_data(store, KOMMUN_VIEWER, public(made_at))
        boxes += [c.geometry for c in data.cells if c.geometry.contains(Point(*OPEN_SPOT))]
    overlap = boxes[0]
    for box_ in boxes[1:]:
        overlap = overlap.intersection(box_)
    assert len(boxes) == 3
    assert round(overlap.area) == 500 * 500


# -- ranges, days and people ----------------------------------------------------------------


@pytest.mark.parametrize("end", [date(2024, 3, 7), date(2024, 3, 8), date(2024, 3, 9)])
def test_public_summaries_for_ranges_a_day_apart_are_refused(store: Store, end: date) -> None:
    request = ExportRequest(
        Audience.PUBLIC, date(2023, 9, 1), end, _at(date(2024, 6, 1), 12), document_id=DOCUMENT
    )
    with pytest.raises(ValidationError, match="helt löftesår"):
        load_export_data(store, KOMMUN_VIEWER, request)


def test_public_files_made_on_successive_days_hold_the_same_numbers(store: Store) -> None:
    # The two sekretess interventions were done on 8 March 2024, inside T1 2024.
    days = [date(2024, 3, 7), date(2024, 3, 8), date(2024, 3, 9), date(2024, 4, 30)]
    seen = {figures(load_export_data(store, ADMIN, public(_at(d, 23)))) for d in days}
    assert len(seen) == 1
    after = load_export_data(store, ADMIN, public(_at(date(2024, 5, 1), 8)))
    assert after.summary.row("riktade-insatser").done is None  # 2: counted, not shown


def test_public_numbers_are_the_same_whoever_makes_the_file(store: Store) -> None:
    made_at = _at(date(2024, 6, 1), 12)
    by_actor = {
        actor.username: figures(load_export_data(store, actor, public(made_at)))
        for actor in (KOMMUN_VIEWER, KOMMUN_PLANNER, POLICE_PLANNER, ADMIN)
    }
    assert len(set(by_actor.values())) == 1
    data = load_export_data(store, KOMMUN_VIEWER, public(made_at))
    # The kommun läsare's public file counts the six presence visits it cannot see.
    assert data.summary.row("polisnarvaro").done == 9


def test_a_tertial_withheld_to_protect_another_is_never_called_fewer_than_three(
    store: Store,
) -> None:
    data = load_export_data(store, KOMMUN_VIEWER, public(_at(date(2024, 6, 1), 12)))
    meetings = [t.row("samverkansmoten").done for t in data.tertials]
    assert data.summary.row("samverkansmoten").done == 11
    # T2 2023 holds 2 (primary); T3 2023 holds 4 and is withheld so 2 cannot be subtracted.
    assert meetings == [None, None, 5, 0]  # and none in May 2024, the last part
    texts = {t.title: t.text for t in followup_texts(data)}
    t3 = next(text for title, text in texts.items() if "T3 2023" in title)
    assert "samverkansmöten" in t3 and "Genomfört under tertialen: antalet visas inte." in t3
    assert all("färre än" not in text for text in texts.values())


# -- the command line says the same ------------------------------------------------------------


def test_the_command_line_refuses_a_public_range_and_a_public_cell_size(
    sqlite_url: str, tmp_path: Path
) -> None:
    store = Store(sqlite_url)
    try:
        _plant(store)
    finally:
        store.dispose()
    out = tmp_path / "uppfoljning.zip"
    common = ["export", "followup", str(out), "--audience", "public", "--document", DOCUMENT]
    day_apart = run_cli(sqlite_url, *common, "--from", "2023-09-01", "--to", "2024-03-08")
    cells = run_cli(sqlite_url, *common, "--cell-size", "207.3")
    whole_year = run_cli(sqlite_url, *common)
    assert day_apart.returncode == 2 and "helt löftesår" in day_apart.stderr
    assert cells.returncode == 2 and "rutor om 500 m" in cells.stderr
    assert "Traceback" not in day_apart.stderr + cells.stderr
    assert whole_year.returncode == 0, whole_year.stderr
    assert out.exists()


# -- findings do not point at what the reader cannot see -------------------------------------


def test_a_finding_from_a_secret_walk_is_secret_and_not_in_a_kommun_users_file(
    sqlite_url: str,
) -> None:
    store = Store(sqlite_url)
    try:
        initialise(store, ADMIN, [REPO_ROOT / "data" / "promises"])
        with store.session(ADMIN) as s:
            walk = _log(
                s,
                CommitmentKind.SAFETY_WALK,
                date(2023, 9, 12),
                18,
                classification=Classification.SECRET,
            )
            assert walk.id is not None
            finding = s.add_finding(
                Finding(walk.id, "belysning", Point(*OPEN_SPOT), "Trasig lampa")
            )
        request = ExportRequest(
            Audience.INTERNAL, *YEAR, _at(date(2024, 6, 1), 12), document_id=DOCUMENT
        )
        result = make_export(store, KOMMUN_PLANNER, ExportFormat.CSV, request)
    finally:
        store.dispose()
    assert finding.classification is Classification.SECRET
    with zipfile.ZipFile(io.BytesIO(result.payload)) as archive:
        names = [n for n in archive.namelist() if "iakttagelser" in n]
        rows = [
            row
            for name in names
            for row in csv.DictReader(
                io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"
            )
        ]
    assert rows == []
