"""Far dates and absurd numbers are Swedish errors with exit 2, and nothing is written.

Each case is one the attacker of issue 11 ran (exit 1 with a traceback before, or worse:
an activity at 9999-12-31 23:00 was stored and then broke `export ics` for the whole
database). The rule has one home, `geo.files.limits.check_date` (1990-01-01 – 2100-12-31).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.cli import main
from geo.files.limits import DATE_RANGE_TEXT
from geo.installation.init import initialise
from geo.records.models import Actor
from geo.store import Store
from tests.common import PROMISE_DIR, SEED_YEAR_CLOCK, table_counts

ACTOR = Actor("test")
OUTSIDE = f"ligger utanför de datum Löfteskartan hanterar ({DATE_RANGE_TEXT})"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("far") / "demo.sqlite"
    store = Store(f"sqlite:///{path}")
    initialise(store, ACTOR, [PROMISE_DIR], demo=True, now=SEED_YEAR_CLOCK)
    store.dispose()
    yield path


@pytest.fixture
def db(demo_file: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{demo_file}"
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    return url


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


EXPORTS = [
    (["export", "csv", "{out}", "--to", "9999-12-31"], "argument --to: 9999-12-31 " + OUTSIDE),
    (["export", "map-html", "{out}", "--to", "9999-12-31"], "9999-12-31 " + OUTSIDE),
    (["export", "meeting-pdf", "{out}", "--to", "9999-12-31"], "9999-12-31 " + OUTSIDE),
    (["export", "followup", "{out}", "--to", "9999-12-31"], "9999-12-31 " + OUTSIDE),
    (["export", "csv", "{out}", "--from", "0001-01-01"], "0001-01-01 " + OUTSIDE),
    (["export", "ics", "{out}", "--to", "9999-12-31"], "9999-12-31 " + OUTSIDE),
    (
        ["export", "opening-hours", "{out}", "--weeks", "99999999"],
        '"99999999" ska vara ett antal veckor från 1 till 260',
    ),
    (
        ["export", "opening-hours", "{out}", "--today", "9999-12-31"],
        "argument --today: 9999-12-31 " + OUTSIDE,
    ),
]


@pytest.mark.parametrize("args,message", EXPORTS, ids=[" ".join(a[1::2]) for a, _ in EXPORTS])
def test_an_export_far_in_time_exits_2_in_swedish_and_writes_no_file(
    args: list[str],
    message: str,
    db: str,
    demo_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "ut.fil"
    before = digest(demo_file)
    assert main([a.format(out=out) for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert digest(demo_file) == before


def test_the_edges_of_the_supported_range_export(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data.zip"
    assert main(["export", "csv", str(out), "--from", "1990-01-01", "--to", "2100-12-31"]) == 0
    assert out.exists()
    hours = tmp_path / "oppettider.txt"
    assert (
        main(["export", "opening-hours", str(hours), "--weeks", "260", "--today", "2100-12-31"])
        == 0
    )


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ACTIVITY_HEADER = "typ;start;slut;lat;lon;timmar;kontakter\n"
IMPORTS = [
    (
        "activities",
        "start-0001.csv",
        ACTIVITY_HEADER + "närvaro;0001-01-01 10:00;0001-01-01 11:00;57,78;14,16;;\n",
        '"0001-01-01 10:00" ' + OUTSIDE,
    ),
    (
        "activities",
        "start-9999.csv",
        ACTIVITY_HEADER + "närvaro;9999-12-31 23:00;9999-12-31 23:30;57,78;14,16;;\n",
        '"9999-12-31 23:00" ' + OUTSIDE,
    ),
    (
        "activities",
        "timmar-inf.geojson",
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "Point", "coordinates": [14.16, 57.78]}, "properties": {"typ": "närvaro", '
        '"start": "2024-03-05 10:00", "slut": "2024-03-05 11:00", "timmar": 1e999}}]}',
        'kolumn timmar: "inf" är inget tal',
    ),
    (
        "activities",
        "kontakter-400-siffror.csv",
        ACTIVITY_HEADER
        + "närvaro;2024-03-05 10:00;2024-03-05 11:00;57,78;14,16;;"
        + "9" * 400
        + "\n",
        "kolumn kontakter",
    ),
    (
        "places",
        "hastighet-1e999.csv",
        "namn;typ;N;E;hastighet\nKontroll;trafikkontrollplats;6412894,7;488829,2;1e999\n",
        '"1e999" är ingen hastighet',
    ),
    (
        "places",
        "hastighet-nan.csv",
        "namn;typ;N;E;hastighet\nKontroll;trafikkontrollplats;6412894,7;488829,2;nan\n",
        '"nan" är ingen hastighet',
    ),
    (
        "places",
        "hastighet-inf.geojson",
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "Point", "coordinates": [14.16, 57.78]}, "properties": {"namn": "K", '
        '"typ": "trafikkontrollplats", "hastighet": 1e999}}]}',
        '"inf" är ingen hastighet',
    ),
    (
        "events",
        "handelse-9999.csv",
        'event_id,datetime,type,name\n1,9999-12-31 23:00:00 +01:00,Brand,"x, Brand, Aneby"\n',
        'tiden "9999-12-31 23:00:00 +01:00" ' + OUTSIDE,
    ),
]


@pytest.mark.parametrize("command,name,text,message", IMPORTS, ids=[i[1] for i in IMPORTS])
def test_a_far_date_or_absurd_number_in_an_import_exits_2_and_stores_nothing(
    command: str,
    name: str,
    text: str,
    message: str,
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = table_counts(db)
    assert main(["import", command, str(write(tmp_path, name, text))]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert table_counts(db) == before


def test_after_a_refused_far_activity_export_ics_still_works(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    far = write(tmp_path, "far.csv", IMPORTS[1][2])
    assert main(["import", "activities", str(far)]) == 2
    out = tmp_path / "plan.ics"
    assert main(["export", "ics", str(out)]) == 0
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_promise_file_with_a_far_period_is_refused_by_init_and_nothing_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (PROMISE_DIR / "aneby-2023-2024.yaml").read_text(encoding="utf-8")
    far = source.replace(
        "period: {från: 2023-05-30, till: 2024-05-29}",
        "period: {från: 2023-05-30, till: 9999-12-31}",
    )
    assert far != source
    promise = write(tmp_path, "langt.yaml", far)
    db_file = tmp_path / "db.sqlite"
    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{db_file}")
    assert main(["init", "--promise", str(promise)]) == 2
    err = capsys.readouterr().err
    assert "langt.yaml, rad 16 (period.till): 9999-12-31 " + OUTSIDE in err
    assert not db_file.exists()
