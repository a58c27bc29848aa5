"""Several promises (kommuner) in one database: each is counted from its own records only.

A lokalpolisområde keeps Aneby's, Eksjö's and Nässjö's promises in one database. For each
promise, the status figures, the counts, the map's activity spots, and the internal and the
public export must equal what a database holding only that promise gives; no file of one
kommun holds another's record texts. The copies share Aneby's commitment ids on purpose: only
the promise a record belongs to tells them apart. SQLite and PostGIS.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from shapely.geometry import Point

from geo.disclosure.audience import Audience, ExportRequest
from geo.errors import ValidationError
from geo.exports.make import ExportFormat, load_export_data, make_export
from geo.followup.coverage import load_presence
from geo.followup.heat import load_heat
from geo.followup.hours import load_week_matrices
from geo.followup.status import status_report, status_rows
from geo.installation.init import initialise
from geo.planning.siting_inputs import store_demand_layers
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Activity, Actor, Finding, PlannedActivity, PlanStatus
from geo.records.periods import promise_year
from geo.records.progress import tertial_slices
from geo.spatial.layers import load_map_data
from geo.store import Session, Store
from geo.store import schema as t
from tests.common import E0, N0, aneby_copy, local, run_cli

OPERATOR = Actor("test")
POLICE_PLANNER = Actor("planerare.polis", role="planner", organisation="polis")
K = CommitmentKind
MADE_AT = local(2024, 8, 1, 12)  # every tertial of every promise year has ended


@dataclass(frozen=True)
class Kommun:
    """A promise of one kommun, and the records planted for it (counts differ per kommun)."""

    document: str
    name: str
    code: str
    period: tuple[date, date]
    east: float  # where its activities were, so its public cells are its own
    presence: int
    controls: int
    interventions: int
    planned: int

    @property
    def marker(self) -> str:
        """A text only this kommun's records hold (notes, findings)."""
        return f"Anteckning-{self.code}"


# Enough activities at enough spots that each promise's heat map is a surface.
ANEBY = Kommun(
    "aneby-2023-2024", "Aneby", "0604", (date(2023, 5, 30), date(2024, 5, 29)), 0, 14, 2, 3, 4
)
EKSJO = Kommun(
    "eksjo-2023-2024", "Eksjö", "0686", (date(2023, 5, 30), date(2024, 5, 29)), 5000, 21, 5, 1, 2
)
NASSJO = Kommun(
    "nassjo-2023-2024", "Nässjö", "0682", (date(2023, 7, 1), date(2024, 6, 30)), 9000, 12, 7, 2, 6
)


def promise_text(kommun: Kommun) -> str:
    """Aneby's promise file made into this kommun's (same commitments, own id and period)."""
    return aneby_copy(kommun.document, kommun.name, kommun.code, *kommun.period)


def plant(store: Store, kommun: Kommun) -> None:
    """The kommun's activities, a safety walk with a finding, and its plans."""
    spot = Point(E0 + kommun.east, N0)
    note = kommun.marker

    def log(
        s: Session, kind: K, day: date, cls: Classification, east: float = 0, **outcome: float
    ) -> Activity:
        start = local(day.year, day.month, day.day, 18)
        return s.add_activity(
            Activity(
                kind,
                start,
                start + timedelta(hours=2),
                geometry=Point(spot.x + east, spot.y),
                outcome=outcome,
                classification=cls,
                note=note,
            ),
            kommun.document,
        )

    with store.session(OPERATOR) as s:
        for i in range(kommun.presence):
            day = date(2023, 9, 1) + timedelta(days=i)
            log(s, K.PRESENCE, day, Classification.OPEN, east=100 * (i % 4))
        for i in range(kommun.controls):
            # Violations make Kontrollplatser's demand layer.
            day = date(2024, 1, 8) + timedelta(days=i)
            log(s, K.TRAFFIC_CONTROL, day, Classification.INTERNAL, overtradelser=i + 1)
        for i in range(kommun.interventions):
            day = date(2023, 11, 3) + timedelta(days=i)
            log(s, K.NARCOTICS_INTERVENTION, day, Classification.SECRET)
        walk = log(s, K.SAFETY_WALK, date(2023, 10, 10), Classification.OPEN)
        assert walk.id is not None
        s.add_finding(
            Finding(
                walk.id,
                "belysning",
                spot,
                description=note,
                owner=f"Ägare-{kommun.code}",
                classification=Classification.OPEN,
            )
        )
        for i in range(kommun.planned):
            start = local(2024, 3, 4, 13) + timedelta(days=7 * i)
            s.add_planned(
                PlannedActivity(
                    K.PRESENCE,
                    start,
                    start + timedelta(hours=2),
                    geometry=spot,
                    status=PlanStatus.PLANNED,
                    note=note,
                ),
                kommun.document,
            )


@contextmanager
def database(url: str, folder: Path, kommuner: Iterable[Kommun]) -> Iterator[Store]:
    """A database made with `init` from these kommuner's promise files, and their records
    (disposed on leaving)."""
    kommuner = list(kommuner)
    for k in kommuner:
        (folder / f"{k.document}.yaml").write_text(promise_text(k), encoding="utf-8")
    store = Store(url)
    try:
        initialise(store, OPERATOR, [folder / f"{k.document}.yaml" for k in kommuner])
        for k in kommuner:
            plant(store, k)
        yield store
    finally:
        store.dispose()


def figures(store: Store, kommun: Kommun) -> dict[str, Any]:
    """Every figure of one promise: status, counts, map spots, the pages' figures (heat
    surface, presence, hours of the week, Karta, demand layers), internal and public exports."""
    start, end = kommun.period
    with store.session(OPERATOR) as s:
        doc = s.promise_document(kommun.document)
        year = promise_year(doc, start.year)
        slices = tertial_slices(year)
        bounds = [sl.start_at for sl in slices] + [slices[-1].end_at]
        counted = (
            sorted(s.count_activities(bounds, doc.id), key=repr),
            sorted(s.count_planned(bounds, doc.id), key=repr),
            sorted(s.activity_spots(year.start_at, year.end_at, doc.id), key=repr),
        )
        heat = load_heat(s, doc, year.start_at, year.end_at, 300).layer
        assert heat.image is not None  # a surface, not counts per place
        presence = load_presence(s, doc, year, end, 8)
        hours = load_week_matrices(s, doc.id, year, [doc.kommunkod])
        pages = (
            heat.events,
            heat.image.png,
            (presence.activities, presence.outside, presence.unplaced),
            (hours.activities, hours.activity_hours.tolist()),
            load_map_data(s, doc, year.start_at, year.end_at).activity_count,
            sorted(
                (layer.weights.tolist() for layer in store_demand_layers(s, doc).values()),
                key=repr,
            ),
        )
    status = status_rows(status_report(store, OPERATOR, doc.id, start.year, end))
    exports = {}
    for audience in Audience:
        request = ExportRequest(audience, start, end, MADE_AT, document_id=doc.id)
        data = load_export_data(store, POLICE_PLANNER, request)
        exports[audience.value] = (
            data.summary,
            data.tertials,
            data.recent,
            data.cells,
            data.counted_until,
            sorted(repr(replace(a, id=None)) for a in data.activities),
            sorted(repr(replace(p, id=None)) for p in data.planned),
            sorted(repr(replace(f, id=None, activity_id=None)) for f in data.findings),
        )
    return {"status": status, "counted": counted, "pages": pages, "exports": exports}


def file_text(store: Store, kommun: Kommun, audience: Audience) -> str:
    """The text of a CSV export (every file in the zip) and of a map export of a promise."""
    start, end = kommun.period
    request = ExportRequest(audience, start, end, MADE_AT, document_id=kommun.document)
    csv = make_export(store, POLICE_PLANNER, ExportFormat.CSV, request).payload
    with zipfile.ZipFile(io.BytesIO(csv)) as archive:
        texts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    html = make_export(store, POLICE_PLANNER, ExportFormat.MAP_HTML, request).payload
    return "\n".join([*texts, html.decode("utf-8")])


@pytest.mark.parametrize("kommuner", [(ANEBY, EKSJO), (ANEBY, EKSJO, NASSJO)], ids=["two", "three"])
def test_each_promise_in_a_shared_database_has_the_figures_of_a_database_of_its_own(
    db_url: str, other_db_url: Callable[[], str], tmp_path: Path, kommuner: tuple[Kommun, ...]
) -> None:
    (tmp_path / "shared").mkdir()
    with database(db_url, tmp_path / "shared", kommuner) as shared:
        for kommun in kommuner:
            (tmp_path / kommun.code).mkdir()
            with database(other_db_url(), tmp_path / kommun.code, [kommun]) as alone:
                expected = figures(alone, kommun)
            got = figures(shared, kommun)
            assert got["status"] == expected["status"], kommun.name
            assert got["counted"] == expected["counted"], kommun.name
            assert got["pages"] == expected["pages"], kommun.name
            assert got["exports"] == expected["exports"], kommun.name
            # Not vacuous: the kommun's own presence is what its status counts.
            presence = next(r for r in got["status"] if r["id"] == "polisnarvaro")
            assert presence["done"] == kommun.presence
            assert presence["planned"] == kommun.planned


@pytest.mark.parametrize("audience", list(Audience), ids=lambda a: a.value)
def test_a_file_of_one_kommun_holds_no_text_of_another_kommuns_records(
    db_url: str, tmp_path: Path, audience: Audience
) -> None:
    kommuner = (ANEBY, EKSJO, NASSJO)
    with database(db_url, tmp_path, kommuner) as store:
        for kommun in kommuner:
            text = file_text(store, kommun, audience)
            # The own finding's owner is in the file (öppen on an öppen walk, even publicly).
            assert f"Ägare-{kommun.code}" in text
            for other in kommuner:
                if other is not kommun:
                    assert other.marker not in text, (kommun.name, other.name)
                    assert f"Ägare-{other.code}" not in text, (kommun.name, other.name)


def test_a_record_logged_without_naming_its_promise_is_refused_when_there_are_several(
    db_url: str, tmp_path: Path
) -> None:
    with database(db_url, tmp_path, (ANEBY, EKSJO)) as store:
        before = _activity_count(store)
        with pytest.raises(ValidationError, match="flera medborgarlöften.*aneby-2023-2024"):
            with store.session(OPERATOR) as s:
                s.add_activity(Activity(K.PRESENCE, local(2023, 9, 1, 18), local(2023, 9, 1, 20)))
        assert _activity_count(store) == before


def test_a_record_logged_before_any_promise_is_stored_joins_the_first_promise(
    db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url)
    try:
        store.create_or_upgrade()
        with store.session(OPERATOR) as s:
            s.add_activity(Activity(K.PRESENCE, local(2023, 9, 1, 18), local(2023, 9, 1, 20)))
        (tmp_path / "aneby.yaml").write_text(promise_text(ANEBY), encoding="utf-8")
        initialise(store, OPERATOR, [tmp_path / "aneby.yaml"])
        assert status_row(store, ANEBY, "polisnarvaro")["done"] == 1
    finally:
        store.dispose()


def test_an_older_database_gives_its_records_of_no_promise_to_its_only_promise(
    db_url: str, tmp_path: Path
) -> None:
    with database(db_url, tmp_path, [ANEBY]) as store:
        forget_promises(store, t.activities, t.activities.c.id > 0)
        forget_promises(store, t.planned_activities, t.planned_activities.c.id > 0)
        message = store.create_or_upgrade()
        assert "fördes till det enda lagrade löftet" in message
        presence = status_row(store, ANEBY, "polisnarvaro")
        assert (presence["done"], presence["planned"]) == (ANEBY.presence, ANEBY.planned)


def test_an_older_database_with_several_promises_says_how_many_records_count_nowhere(
    db_url: str, tmp_path: Path
) -> None:
    with database(db_url, tmp_path, (ANEBY, EKSJO)) as store:
        forget_promises(store, t.activities, t.activities.c.kind == K.TRAFFIC_CONTROL.value)
        message = store.create_or_upgrade()
        orphans = ANEBY.controls + EKSJO.controls
        assert (
            f"{orphans} poster (aktiviteter, planerade aktiviteter och regler) hör inte till"
            in message
        )
        # The status of either promise says so too, instead of counting them silently nowhere.
        for kommun in (ANEBY, EKSJO):
            report = status_report(store, OPERATOR, kommun.document, 2023, date(2024, 6, 1))
            assert report.unassigned == orphans
            assert report.unassigned_text.startswith(f"{orphans} poster")
            assert status_row(store, kommun, "trafikkontroller")["done"] == 0


def status_row(store: Store, kommun: Kommun, commitment_id: str) -> dict[str, Any]:
    """One commitment's `status --json` row for the kommun's first promise year."""
    report = status_report(store, OPERATOR, kommun.document, 2023, date(2024, 6, 1))
    return next(r for r in status_rows(report) if r["id"] == commitment_id)


def forget_promises(store: Store, table: sa.Table, where: Any) -> None:
    """Rows as an older version wrote them: without the promise they belong to."""
    with store.engine.begin() as conn:
        conn.execute(sa.update(table).where(where).values(document_id=None))


def _activity_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(t.activities)) or 0)


def test_the_calendar_feed_of_one_kommun_holds_its_own_plans_and_activities_only(
    db_url: str, other_db_url: Callable[[], str], tmp_path: Path
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "alone").mkdir()
    with database(db_url, tmp_path / "shared", (ANEBY, EKSJO, NASSJO)) as shared:
        pass
    with database(other_db_url(), tmp_path / "alone", [EKSJO]) as alone:
        pass
    feeds = [
        run_cli(url, "export", "ics", "-", "--document", EKSJO.document)
        for url in (shared.url, alone.url)
    ]
    assert [f.returncode for f in feeds] == [0, 0], [f.stderr for f in feeds]
    got, expected = (f.stdout for f in feeds)
    assert got.count("BEGIN:VEVENT") == expected.count("BEGIN:VEVENT") > EKSJO.planned
    assert EKSJO.marker in got
    assert ANEBY.marker not in got and NASSJO.marker not in got
