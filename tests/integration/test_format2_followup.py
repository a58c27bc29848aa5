"""Format 2 through the store on SQLite and PostGIS: own kinds logged, imported and counted,
target shapes in the status report and `status --json`, and `lofteskartan check`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.disclosure.audience import Audience, ExportRequest
from geo.errors import ValidationError
from geo.exports.followup_texts import followup_texts
from geo.exports.make import load_export_data
from geo.exports.map_frame import MapView, map_extent
from geo.exports.map_html import render_map_html
from geo.files.activity_import import import_activities
from geo.followup.heat import load_heat
from geo.followup.status import status_report, status_rows
from geo.installation.init import save_promise_upload
from geo.planning.use_cases import log_activity
from geo.records.kinds import CommitmentKind, FileKind
from geo.records.models import Activity, Actor
from geo.records.pace import PaceStatus
from geo.spatial.crs import to_wgs84
from geo.spatial.layers import Bounds, load_map_data
from geo.store import Store
from tests.common import ANEBY_PROMISE, REPO_ROOT, line_of, local, run_cli
from tests.integration.test_exports import map_config

ACTOR = Actor("test")
EXAMPLE = REPO_ROOT / "data" / "templates" / "exempel_format2.yaml"
DOC = "exempel-format2"

pytestmark = pytest.mark.store_starts("schema")

# One row of each own kind of the example, with the counts each records.
OWN_KINDS_CSV = (
    "typ;start;slut;deltagare;hushåll",
    "grannsamverkan;2025-03-04 18:00;2025-03-04 20:00;20;12",
    "bedrägeriinformation;2025-09-10 18:00;2025-09-10 20:00;35;",
)


@pytest.fixture
def example(store: Store) -> Store:
    save_promise_upload(store, ACTOR, EXAMPLE.name, EXAMPLE.read_text(encoding="utf-8"))
    return store


def activity_file(folder: Path, *lines: str) -> Path:
    """An activity import file (CSV, semicolons) with these lines."""
    path = folder / "aktiviteter.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def row(store: Store, commitment_id: str, today: date) -> dict:
    report = status_report(store, ACTOR, DOC, None, today)
    return next(r for r in status_rows(report) if r["id"] == commitment_id)


def log(
    store: Store,
    kind: CommitmentKind | FileKind,
    day: date,
    where: Point | None = None,
    **outcome: float,
) -> Activity:
    with store.session(ACTOR) as s:
        return log_activity(
            s,
            Activity(
                kind,
                local(day.year, day.month, day.day, 18),
                local(day.year, day.month, day.day, 20),
                geometry=where,
                outcome=outcome,
            ),
            DOC,
        )


def test_an_own_kind_logged_by_its_code_is_counted_with_its_own_counts(example: Store) -> None:
    stored = log(example, FileKind("grannsamverkan"), date(2025, 3, 4), hushåll=12, deltagare=20)
    assert dict(stored.outcome) == {"hushåll": 12, "deltagare": 20}
    assert row(example, "grannsamverkan-var-host", date(2025, 3, 5))["done"] == 1


def test_the_map_shows_an_own_kind_by_its_name_and_opens_on_the_area(example: Store) -> None:
    inside_area = Point(500_500, 6_400_500)
    log(example, FileKind("grannsamverkan"), date(2025, 3, 4), inside_area)
    with example.session(ACTOR) as s:
        data = load_map_data(s, s.promise_document(DOC), local(2025, 1, 1), local(2026, 1, 1))
    assert [kind.label for kind in data.activities] == ["Grannsamverkan"]
    centre = to_wgs84(inside_area)
    assert data.bounds is not None
    assert data.bounds.south < centre.y < data.bounds.north
    assert data.bounds.west < centre.x < data.bounds.east
    # The square kilometre and its 500 m margin, not the whole kommun (about 40 km across).
    assert data.bounds.north - data.bounds.south < 0.03


def test_a_kind_the_promise_does_not_define_is_refused_and_nothing_is_stored(
    example: Store,
) -> None:
    with pytest.raises(ValidationError, match='ingen aktivitetstyp "nattvandring"'):
        log(example, FileKind("nattvandring"), date(2025, 3, 4))
    with example.session(ACTOR) as s:
        assert s.count("activities") == 0


def test_an_own_kind_is_a_valid_typ_in_the_activity_import(example: Store, tmp_path: Path) -> None:
    path = activity_file(tmp_path, *OWN_KINDS_CSV)
    result = import_activities(example, ACTOR, path, DOC)
    assert result.added == 2
    assert row(example, "grannsamverkan-var-host", date(2025, 9, 11))["done"] == 1
    assert row(example, "bedragerikvallar", date(2025, 9, 11))["done"] == 1


def test_an_unknown_typ_in_the_import_lists_the_own_kinds(example: Store, tmp_path: Path) -> None:
    path = activity_file(
        tmp_path, "typ;start;slut", "nattvandring;2025-03-04 18:00;2025-03-04 20:00"
    )
    with pytest.raises(Exception, match="grannsamverkan") as caught:
        import_activities(example, ACTOR, path, DOC)
    assert 'okänd typ "nattvandring"' in str(caught.value)


def test_one_per_half_year_is_behind_when_the_autumn_passes_without_one(example: Store) -> None:
    log(example, FileKind("grannsamverkan"), date(2025, 3, 4))
    spring = row(example, "grannsamverkan-var-host", date(2025, 6, 1))
    assert spring["status"] == PaceStatus.ON_TRACK.value
    after = row(example, "grannsamverkan-var-host", date(2026, 1, 1))
    assert after["status"] == PaceStatus.BEHIND.value
    assert [(p["label"], p["done"]) for p in after["periods"]] == [
        ("våren 2025", 1),
        ("hösten 2025", 0),
    ]
    assert after["target"] == {
        "rule": "minst",
        "count": 1,
        "per": "halvår",
        "due": None,
        "text": "minst 1 per halvår",
    }


def test_a_milestone_is_klar_on_the_day_its_first_activity_was_logged(example: Store) -> None:
    assert row(example, "lokal", date(2025, 6, 1))["status"] == PaceStatus.NOT_DONE.value
    assert row(example, "lokal", date(2025, 7, 1))["status"] == PaceStatus.LATE.value
    log(example, CommitmentKind.LOCAL_INFORMATION, date(2025, 5, 20))
    log(example, CommitmentKind.LOCAL_INFORMATION, date(2025, 6, 2))
    done = row(example, "lokal", date(2025, 7, 1))
    assert (done["status"], done["done_on"], done["status_text"]) == ("klar", "2025-05-20", "Klar")
    assert done["forecast_text"] == "Klar 2025-05-20."


def test_on_request_is_counted_and_never_behind(example: Store) -> None:
    with example.session(ACTOR) as s:
        control = Activity(
            CommitmentKind.TRAFFIC_CONTROL,
            local(2025, 4, 1, 8),
            local(2025, 4, 1, 10),
            geometry=Point(483_000, 6_410_000),
        )
        log_activity(s, control, DOC)
    result = row(example, "riktade-kontroller", date(2026, 1, 1))
    assert (result["done"], result["status"], result["target"]["rule"]) == (1, None, "vid_behov")
    assert result["forecast_text"] == "Vid behov: 1 genomförda (inget antal att nå)."


def test_format_1_and_its_format_2_rewrite_give_the_same_figures(store: Store) -> None:
    one = ANEBY_PROMISE.read_text(encoding="utf-8")
    two = (
        one.replace("format: 1", "format: 2")
        .replace("id: aneby-2023-2024", "id: aneby-format2")
        .replace("ansvarig: båda", "ansvarig: [polis, kommun]")
    )
    save_promise_upload(store, ACTOR, "aneby.yaml", one)
    save_promise_upload(store, ACTOR, "aneby2.yaml", two)
    for doc in ("aneby-2023-2024", "aneby-format2"):
        for kind, day in (
            (CommitmentKind.COORDINATION_MEETING, 12),
            (CommitmentKind.SAFETY_WALK, 13),
        ):
            with store.session(ACTOR) as s:
                when = (local(2023, 9, day, 9), local(2023, 9, day, 11))
                log_activity(s, Activity(kind, *when, geometry=Point(483_000, 6_410_000)), doc)
    figures = []
    for doc in ("aneby-2023-2024", "aneby-format2"):
        report = status_report(store, ACTOR, doc, 2023, date(2024, 1, 10))
        figures.append(
            [
                (r["id"], r["target"], r["done"], r["status"], r["forecast"], r["tertials"])
                for r in status_rows(report)
            ]
        )
    assert figures[0] == figures[1]
    assert ("samverkansmoten", 4, 1) == figures[0][-1][:3]


def test_check_prints_what_it_understood_and_stores_nothing(db_url: str) -> None:
    done = run_cli(db_url, "check", EXAMPLE)
    assert done.returncode == 0, done.stderr
    # A year that is one calendar year is named by it (not "2025/2026").
    assert "Löftesår 2025: 2025-01-01 – 2025-12-31" in done.stdout
    assert "grannsamverkan: Grannsamverkan (plats valfri, utfall deltagare, hushåll" in done.stdout
    assert "klart senast 2025-06-30" in done.stdout
    assert "minst 1 per halvår (varje halvår för sig)" in done.stdout


def test_check_of_a_broken_file_exits_2_with_the_line_and_key(db_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "trasig.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("per: halvår", "per: månad")
    broken.write_text(text, encoding="utf-8")
    done = run_cli(db_url, "check", broken)
    assert done.returncode == 2
    assert f"trasig.yaml, rad {line_of(text, 'per: månad')} (aktiviteter[1].mål.per)" in done.stderr
    assert '"månad" ska vara en av: halvår, tertial, år, period' in done.stderr
    assert done.stdout == ""


def test_follow_up_texts_say_when_a_milestone_was_done_but_a_public_one_only_if_open(
    example: Store,
) -> None:
    log(example, CommitmentKind.LOCAL_INFORMATION, date(2025, 5, 20))  # intern by default
    texts = {}
    for audience in (Audience.INTERNAL, Audience.PUBLIC):
        request = ExportRequest(
            audience, date(2025, 1, 1), date(2025, 12, 31), local(2026, 1, 10, 12), document_id=DOC
        )
        data = load_export_data(example, ACTOR, request)
        texts[audience] = {t.file_name: t.text for t in followup_texts(data)}
    lokal = "- Kommunen ska upplåta en lämplig lokal."
    internal, public = texts[Audience.INTERNAL], texts[Audience.PUBLIC]
    assert "Målet: klart senast 2025-06-30. Inte klart än." in _line(
        internal["uppfoljning_T1_2025.txt"], lokal
    )
    assert "Målet: klart senast 2025-06-30. Klart 2025-05-20." in _line(
        internal["uppfoljning_T2_2025.txt"], lokal
    )
    # The public file never gives the date of an intern record: it says what it may know.
    assert "Klart 2025-05-20" not in public["uppfoljning_T2_2025.txt"]
    assert _line(public["uppfoljning_T2_2025.txt"], lokal).endswith("klart senast 2025-06-30.")


def _line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def _texts(store: Store, audience: Audience) -> dict[str, str]:
    """The follow-up texts of the example's year, made on 10 January 2026 (every tertial over)."""
    request = ExportRequest(
        audience, date(2025, 1, 1), date(2025, 12, 31), local(2026, 1, 10, 12), document_id=DOC
    )
    return {t.file_name: t.text for t in followup_texts(load_export_data(store, ACTOR, request))}


GRANNSAMVERKAN = "- Minst ett möte om grannsamverkan på våren och ett på hösten."


def _said(texts: dict[str, str], tertial: str) -> str:
    """The grannsamverkan line of one tertial's text of 2025 ("T2")."""
    return _line(texts[f"uppfoljning_{tertial}_2025.txt"], GRANNSAMVERKAN)


def test_follow_up_texts_give_a_per_halvar_target_half_year_by_half_year(example: Store) -> None:
    for day in (4, 11, 18):
        log(example, FileKind("grannsamverkan"), date(2025, 3, day))
        log(example, FileKind("grannsamverkan"), date(2025, 9, day))

    for audience in (Audience.INTERNAL, Audience.PUBLIC):
        texts = _texts(example, audience)
        # Each half-year is told in the tertial it ends in: våren in T2, hösten in T3.
        assert "under våren" not in _said(texts, "T1")
        assert _said(texts, "T2").endswith("3 av 1 under våren 2025.")
        assert _said(texts, "T3").endswith("3 av 1 under hösten 2025.")


def test_a_single_meeting_in_a_half_year_is_told_internally_and_withheld_publicly(
    example: Store,
) -> None:
    for day in (4, 11, 18):
        log(example, FileKind("grannsamverkan"), date(2025, 3, day))
    log(example, FileKind("grannsamverkan"), date(2025, 9, 2))

    internal = _texts(example, Audience.INTERNAL)
    public = _texts(example, Audience.PUBLIC)

    assert _said(internal, "T3").endswith("1 av 1 under hösten 2025.")
    assert "1 av 1" not in public["uppfoljning_T3_2025.txt"]
    assert _said(public, "T3").endswith("Antalet under hösten 2025 visas inte.")
    # Våren's 3 is withheld too: the year's total (4) minus it would give hösten's 1 away.
    assert _said(public, "T2").endswith("Antalet under våren 2025 visas inte.")


def test_a_public_half_year_count_is_withheld_when_a_tertial_beside_it_would_give_one_away(
    example: Store,
) -> None:
    # T1 (January–April): 3. T2 (May–August): 3, of which 1 in June (våren) and 2 in July.
    # T3: 3. Våren is then 4: shown beside T1's 3, it would give June's single meeting away.
    for day in (
        *(date(2025, 3, d) for d in (4, 11, 18)),
        date(2025, 6, 10),
        *(date(2025, 7, d) for d in (8, 15)),
        *(date(2025, 9, d) for d in (2, 9, 16)),
    ):
        log(example, FileKind("grannsamverkan"), day)

    public = _texts(example, Audience.PUBLIC)
    internal = _texts(example, Audience.INTERNAL)

    assert "Genomfört under tertialen: 3 gånger" in _line(
        public["uppfoljning_T2_2025.txt"], GRANNSAMVERKAN
    )
    assert _said(public, "T2").endswith("Antalet under våren 2025 visas inte.")
    # Hösten (5) would give July's 2 away in the same way, so it is withheld too.
    assert _said(public, "T3").endswith("Antalet under hösten 2025 visas inte.")
    assert _said(internal, "T2").endswith("4 av 1 under våren 2025.")


def test_the_heat_map_and_the_exported_maps_open_on_the_area(example: Store) -> None:
    # One activity in the area (a square kilometre) and one 5 km away in the kommun: the
    # maps still open on the part of the kommun the promise is for.
    inside_area, elsewhere = Point(500_500, 6_400_500), Point(505_500, 6_405_500)
    for where in (inside_area, elsewhere):
        log(example, FileKind("grannsamverkan"), date(2025, 3, 4), where)
    with example.session(ACTOR) as s:
        doc = s.promise_document(DOC)
        heat = load_heat(s, doc, local(2025, 1, 1), local(2026, 1, 1), radius_m=300)
    request = ExportRequest(
        Audience.INTERNAL,
        date(2025, 1, 1),
        date(2025, 12, 31),
        local(2026, 1, 10, 12),
        document_id=DOC,
    )
    data = load_export_data(example, ACTOR, request)
    (south, west), (north, east) = map_config(render_map_html(data, tiles=False).encode())["bounds"]
    centre, away = to_wgs84(inside_area), to_wgs84(elsewhere)

    assert heat.bounds is not None
    for box in (heat.bounds, Bounds(south, west, north, east)):
        assert box.south < centre.y < box.north and box.west < centre.x < box.east
        assert not box.south < away.y < box.north
    w, s_, e, n = map_extent(data, MapView.OVERVIEW, aspect=1.4)
    assert w < inside_area.x < e and s_ < inside_area.y < n
    assert not s_ < elsewhere.y < n
