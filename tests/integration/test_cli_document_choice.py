"""The command line names the medborgarlöfte it works on (issue 13).

With one promise stored, a command uses it; with several and no `--document`, it uses the one
in force today if exactly one is, and otherwise stops with exit 2, listing the stored promises
and changing nothing. Every command that acts on one promise says on stderr which it used.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from tests.common import ANEBY_PROMISE, TRANAS_PROMISE_YAML, run_cli, table_counts

ANEBY = "aneby-2023-2024 (Aneby kommun, 2023-05-30–2024-05-29)"
ANEBY_COMMITMENTS = 10
TRANAS_COMMITMENTS = ["narvaro-centrum", "trygghetsvandringar"]
MEETING_CSV = "typ;start;slut\r\nsamverkansmöte;2024-03-05 13:00;2024-03-05 15:00\r\n"


def _tranas(
    folder: Path, promise_id: str, start: date, end: date, signed: date | None = None
) -> Path:
    """Tranås's promise under `promise_id`, in force from `start` to `end`."""
    period = f"undertecknat: {signed or start}\nperiod: {{från: {start}, till: {end}}}"
    text = TRANAS_PROMISE_YAML.replace("tranas-2024-2025", promise_id).replace(
        "undertecknat: 2024-03-15", period
    )
    path = folder / f"{promise_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _in_force_today(folder: Path, promise_id: str) -> Path:
    today = date.today()
    return _tranas(folder, promise_id, today - timedelta(days=30), today + timedelta(days=300))


def _status(url: str, *args: str) -> tuple[list[str], str]:
    """`status --json ARGS`: the commitment ids it reports on, and what it said on stderr."""
    result = run_cli(url, "status", "--json", *args)
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)], result.stderr


def _refused_import(url: str, folder: Path, *args: str) -> str:
    """Import one samverkansmöte (a kind Aneby's promise has and Tranås's has not); it must be
    refused with exit 2 and change nothing. Returns what was said on stderr."""
    meeting = folder / "möte.csv"
    meeting.write_text(MEETING_CSV, encoding="utf-8")
    before = table_counts(url)

    result = run_cli(url, "import", "activities", meeting, *args)

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert table_counts(url) == before
    return result.stderr


def _database(url: str, *promises: Path) -> str:
    """`init` with these promise files (no demo data); returns the URL."""
    loaded = run_cli(url, "init", *[a for p in promises for a in ("--promise", p)])
    assert loaded.returncode == 0, loaded.stderr
    return url


def test_the_only_promise_is_used_without_document_and_named_on_stderr(db_url: str) -> None:
    url = _database(db_url, ANEBY_PROMISE)

    ids, said = _status(url, "--year", "2023")

    assert len(ids) == ANEBY_COMMITMENTS
    assert said == f"Medborgarlöfte: {ANEBY}\n"


def test_of_several_promises_the_one_in_force_today_is_used_not_the_latest_signed(
    db_url: str, tmp_path: Path
) -> None:
    # Next year's promise is signed before it starts: the latest signed, but not today's.
    today = date.today()
    next_year = _tranas(
        tmp_path, "tranas-nasta-ar", today + timedelta(days=301), today + timedelta(days=665), today
    )
    url = _database(db_url, ANEBY_PROMISE, _in_force_today(tmp_path, "tranas-i-dag"), next_year)

    ids, said = _status(url)

    assert ids == TRANAS_COMMITMENTS
    assert said.startswith("Medborgarlöfte: tranas-i-dag (Tranås kommun, ")


def test_a_named_promise_is_used_even_when_another_is_in_force_today(
    db_url: str, tmp_path: Path
) -> None:
    url = _database(db_url, ANEBY_PROMISE, _in_force_today(tmp_path, "tranas-i-dag"))

    ids, said = _status(url, "--year", "2023", "--document", "aneby-2023-2024")

    assert len(ids) == ANEBY_COMMITMENTS
    assert said == f"Medborgarlöfte: {ANEBY}\n"


def test_two_promises_none_in_force_today_stop_the_import_listing_both_and_writing_nothing(
    db_url: str, tmp_path: Path
) -> None:
    tranas = _tranas(tmp_path, "tranas-2024-2025", date(2024, 6, 1), date(2025, 5, 31))
    url = _database(db_url, ANEBY_PROMISE, tranas)

    said = _refused_import(url, tmp_path)

    assert "inget av dem gäller i dag" in said
    assert "--document ID" in said
    assert ANEBY in said
    assert "tranas-2024-2025 (Tranås kommun, 2024-06-01–2025-05-31)" in said


def test_two_promises_both_in_force_today_stop_status_listing_both(
    db_url: str, tmp_path: Path
) -> None:
    url = _database(
        db_url, _in_force_today(tmp_path, "tranas-a"), _in_force_today(tmp_path, "tranas-b")
    )

    result = run_cli(url, "status", "--json")

    assert result.returncode == 2, result.stdout + result.stderr
    assert "2 av dem gäller i dag" in result.stderr
    assert "tranas-a (Tranås kommun, " in result.stderr
    assert "tranas-b (Tranås kommun, " in result.stderr
    assert result.stdout == ""


def test_an_unknown_promise_id_exits_2_listing_the_stored_promises(db_url: str) -> None:
    url = _database(db_url, ANEBY_PROMISE)
    before = table_counts(url)

    result = run_cli(url, "export", "ics", "-", "--document", "nassjo-2024-2025")

    assert result.returncode == 2, result.stdout + result.stderr
    assert 'Inget medborgarlöfte har id "nassjo-2024-2025"' in result.stderr
    assert ANEBY in result.stderr
    assert result.stdout == ""
    assert table_counts(url) == before


def test_an_activity_of_a_kind_the_promise_lacks_is_refused_naming_the_promise(
    db_url: str, tmp_path: Path
) -> None:
    tranas = _tranas(tmp_path, "tranas-2024-2025", date(2024, 1, 1), date(2024, 12, 31))
    url = _database(db_url, ANEBY_PROMISE, tranas)

    said = _refused_import(url, tmp_path, "--document", "tranas-2024-2025")

    assert (
        "möte.csv, rad 2, kolumn typ: löftet tranas-2024-2025 (Tranås kommun) har "
        'ingen aktivitet av typen "samverkansmöte"'
    ) in said
