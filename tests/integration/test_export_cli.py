"""`lofteskartan export ...`: files on success, exit 2 and nothing written on bad input."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

import geo.store.core as store_core
from geo.cli import main
from geo.exports import make
from geo.store import Store
from tests.export_fixtures import plant

READ = re.compile(r"Läser aktiviteter: (\d+) av (\d+)")


@pytest.fixture(scope="module")
def planted_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli')}/planted.sqlite"
    store = Store(url)
    plant(store)
    store.dispose()
    yield url


@pytest.fixture
def db(planted_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LOFTESKARTAN_DB", planted_url)
    return planted_url


def test_export_csv_writes_the_public_zip_and_says_so(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data.zip"
    code = main(["export", "csv", str(out), "--audience", "public"])
    assert code == 0
    assert (
        "Data (CSV för Excel, zip), offentlig, 2023-05-30 – 2024-05-29" in capsys.readouterr().out
    )
    with zipfile.ZipFile(out) as archive:
        assert "offentlig_sammanstallning.csv" in archive.namelist()
    assert out.stat().st_mode & 0o777 == 0o644


def test_a_long_export_tells_on_stderr_how_many_activities_it_has_read(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The planted store read two rows at a time, and counted as long from one activity.
    monkeypatch.setattr(make, "LARGE_EXPORT", 1)
    monkeypatch.setattr(store_core, "STREAM_ROWS", 2)
    assert main(["export", "gpkg", str(tmp_path / "data.gpkg")]) == 0
    told = capsys.readouterr()
    lines = told.err.splitlines()
    read = [tuple(map(int, m.groups())) for m in map(READ.fullmatch, lines) if m]
    assert read[0][0] == 0 and read[-1][0] == read[-1][1] > 4
    assert [done for done, _ in read] == sorted(done for done, _ in read) and len(read) > 3
    assert lines[-1] == "Skriver filen …"
    assert "Läser" not in told.out


def test_a_long_calendar_feed_tells_on_stderr_how_many_activities_it_has_read(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The feed reads its activities as a stream of records, here two at a time.
    monkeypatch.setattr(make, "LARGE_EXPORT", 1)
    monkeypatch.setattr(store_core, "STREAM_ROWS", 2)
    out = tmp_path / "planering.ics"
    assert main(["export", "ics", str(out)]) == 0
    lines = capsys.readouterr().err.splitlines()
    read = [tuple(map(int, m.groups())) for m in map(READ.fullmatch, lines) if m]
    assert read[0][0] == 0 and read[-1][0] == read[-1][1] > 2
    assert [done for done, _ in read] == sorted(done for done, _ in read)
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    logged = [e for e in events if str(e["uid"]).startswith("aktivitet-")]
    assert len(logged) == read[-1][1]


def test_export_map_html_defaults_to_internal_and_the_promise_year(db: str, tmp_path: Path) -> None:
    out = tmp_path / "karta.html"
    assert main(["export", "map-html", str(out), "--from", "2023-09-01", "--to", "2023-12-31"]) == 0
    page = out.read_text(encoding="utf-8")
    assert 'data-audience="internal"' in page
    assert "Period: 1 september 2023 – 31 december 2023" in page
    assert "HEMLIG-PLATS-123" in page


def test_followup_is_public_unless_asked_otherwise(db: str, tmp_path: Path) -> None:
    out = tmp_path / "uppfoljning.zip"
    assert main(["export", "followup", str(out), "--no-tiles"]) == 0
    with zipfile.ZipFile(out) as archive:
        page = archive.read("karta.html").decode("utf-8")
    assert 'data-audience="public"' in page
    assert "tile.openstreetmap.org" not in page


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2024-13-01"], '"2024-13-01" är inget datum'),
        (["--from", "2024-05-01", "--to", "2024-01-01"], "ligger före startdatum"),
        (["--min-count", "1"], "Minsta antal ska vara minst 2"),
        (["--cell-size", "50"], "Rutstorleken ska vara mellan 200 och 10000 m"),
        (["--audience", "alla"], "ogiltigt val"),
        (["--document", "okand"], 'Inget medborgarlöfte har id "okand"'),
    ],
)
def test_bad_input_exits_2_with_a_swedish_message_and_writes_nothing(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "data.gpkg"
    assert main(["export", "gpkg", str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_or_format_is_a_usage_error(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "csv", str(tmp_path / "saknas" / "data.zip")]) == 2
    assert "finns inte" in capsys.readouterr().err
    assert main(["export", "word", str(tmp_path / "x.doc")]) == 2
    assert "ogiltigt val" in capsys.readouterr().err
    assert main(["export"]) == 2
    assert list(tmp_path.iterdir()) == []


def test_an_empty_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{tmp_path}/empty.sqlite")
    assert main(["export", "csv", str(tmp_path / "data.zip")]) == 2
    assert "lofteskartan init" in capsys.readouterr().err
    assert not (tmp_path / "data.zip").exists()


def test_an_internal_meeting_pack_over_ten_years_splits_its_tertial_table(
    db: str, tmp_path: Path
) -> None:
    out = tmp_path / "pack.pdf"
    code = main(["export", "meeting-pdf", str(out), "--from", "2020-01-01", "--to", "2030-12-31"])
    assert code == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Every tertial begun by today, at most six to a table (the one table did not fit a page).
    assert text.count("Per tertial") >= 4
    assert "T1 2020" in text and "T3 2025" in text


def test_a_meeting_pack_with_its_activity_list_writes_every_activity_as_csv_beside_it(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack.pdf"
    args = ["--meeting-date", "2024-03-01", "--since", "2023-06-01", "--activity-list"]
    assert main(["export", "meeting-pdf", str(out), *args]) == 0
    listing = (tmp_path / "pack_aktiviteter.csv").read_text(encoding="utf-8-sig")
    # All 14 planted activities, the sekretess intervention included (internal, like the pack).
    assert len(listing.splitlines()) == 1 + 14
    assert "HEMLIG-PLATS-123" in listing
    assert "Mötesunderlagets aktivitetslista (CSV)" in capsys.readouterr().out
    assert (tmp_path / "pack_aktiviteter.csv").stat().st_mode & 0o777 == 0o600


def test_the_activity_list_is_refused_for_a_public_meeting_pack(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack.pdf"
    assert main(["export", "meeting-pdf", str(out), "--audience", "public", "--activity-list"]) == 2
    assert "bara för --audience internal" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
