"""The `lofteskartan` command, run as a real process (`python -m geo`).

The contract scripts rely on: exit 0 on success; 2 on bad input with a Swedish message on
stderr, no traceback and nothing written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.store import schema
from tests.common import TRANAS_PROMISE_YAML, run_cli, table_counts

# `init --demo` also adds an example promise for the current year; these figures are the
# seed year's, so the commands name Aneby's own promise.
SEED = "aneby-2023-2024"
COMMITMENT_IDS = [
    "polisnarvaro",
    "lokal-och-oppettider",
    "identifiera-unga",
    "riktade-insatser",
    "trafikkontroller",
    "trygghetsvandringar",
    "est",
    "andt",
    "skolnarvaro",
    "samverkansmoten",
]


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file made by `init --demo` once for this module; copy it before changing it."""
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    result = run_cli(_sqlite_url(path), "init", "--demo")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def db_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database."""
    return Path(shutil.copy(demo_db, tmp_path / "demo.sqlite"))


def test_init_demo_says_what_it_loaded(tmp_path) -> None:
    result = run_cli(_sqlite_url(tmp_path / "ny.sqlite"), "init", "--demo")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Databasen skapades (schemaversion {schema.SCHEMA_VERSION})."
    assert "Medborgarlöftet aneby-2023-2024 (Aneby kommun) lästes in." in lines
    assert any(line.startswith("Exempeldata lades till: 9 platser,") for line in lines)
    assert result.stderr == ""


def test_status_json_lists_the_ten_commitments_with_target_and_done(db_copy) -> None:
    result = run_cli(_sqlite_url(db_copy), "status", "--json", "--year", "2023", "--document", SEED)

    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    assert [r["id"] for r in rows] == COMMITMENT_IDS
    assert all({"id", "title", "kind", "target", "done"} <= r.keys() for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert (by_id["riktade-insatser"]["target"], by_id["riktade-insatser"]["done"]) == (10, 9)
    assert by_id["riktade-insatser"]["remaining"] == 1
    assert by_id["riktade-insatser"]["kind"] == "narkotikainsats"
    assert (by_id["trygghetsvandringar"]["target"], by_id["trygghetsvandringar"]["done"]) == (2, 2)
    assert by_id["samverkansmoten"]["target"] == 4
    assert by_id["polisnarvaro"]["target"] is None
    assert {r["period_start"] for r in rows} == {"2023-05-30"}


def test_plain_status_prints_a_table_with_one_row_per_commitment(db_copy) -> None:
    result = run_cli(_sqlite_url(db_copy), "status", "--year", "2023", "--document", SEED)

    assert result.returncode == 0, result.stderr
    title, as_of, header, *rest = result.stdout.splitlines()
    rows = rest[:10]
    assert as_of.startswith("Läget den ")
    assert title == (
        "Medborgarlöfte i Aneby kommun 2023-2024 – Löftesår 2023/2024 (2023-05-30 – 2024-05-29)"
    )
    assert header.split() == [
        "Löfte",
        "Aktivitet",
        "Mål",
        "Gjort",
        "Kvar",
        "Planerat",
        "Prognos",
        "Läge",
    ]
    assert [r.split()[0] for r in rows].count("narkotika") == 4
    interventions = next(r for r in rows if "riktade" in r)
    assert interventions.startswith("narkotika ")
    # The year is over: 9 of at least 10 done, forecast 9, behind.
    assert interventions.split()[-7:] == ["minst", "10", "9", "1", "0", "9", "Efter"]


@pytest.mark.parametrize(
    "args,phrase",
    [
        (["status", "--year", "abc"], '"abc" är inget år'),
        (["kartlägg"], "ogiltigt val: 'kartlägg'"),
        (["init", "--promise", "missing.yaml"], "Löftesfilen missing.yaml finns inte."),
        (["status", "--document", "finns-inte"], 'Inget medborgarlöfte har id "finns-inte"'),
    ],
    ids=["year-not-a-number", "unknown-command", "missing-promise-file", "unknown-document"],
)
def test_bad_input_exits_2_in_swedish_and_leaves_the_database_as_it_was(
    db_copy, args, phrase
) -> None:
    before = db_copy.read_bytes()

    result = run_cli(_sqlite_url(db_copy), *args)

    assert result.returncode == 2
    assert result.stderr.startswith("Fel: ")
    assert phrase in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert db_copy.read_bytes() == before


def test_init_refuses_a_promise_whose_kommun_name_and_code_disagree_and_writes_nothing(
    db_copy,
) -> None:
    # Malå's name with Aneby's code (0604) used to load Aneby's boundary as Malå's.
    mala = db_copy.parent / "mala.yaml"
    mala.write_text(
        TRANAS_PROMISE_YAML.replace("Tranås kommun", "Malå kommun")
        .replace("tranas-2024-2025", "mala-2024-2025")
        .replace('"0687"', '"0604"'),
        encoding="utf-8",
    )
    before = db_copy.read_bytes()

    result = run_cli(_sqlite_url(db_copy), "init", "--promise", mala)

    assert result.returncode == 2
    assert result.stderr.startswith("Fel: ")
    assert (
        'namnet "Malå kommun" och kommunkoden "0604" hör inte ihop: 0604 är Aneby enligt SCB '
        "(Malå har kommunkoden 2418)"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert db_copy.read_bytes() == before


def test_status_on_an_empty_database_asks_the_user_to_run_init(tmp_path) -> None:
    empty = tmp_path / "tom.sqlite"
    empty.touch()
    result = run_cli(_sqlite_url(empty), "status")

    assert result.returncode == 2
    assert result.stderr == (
        "Fel: Databasen är tom. Kör `lofteskartan init` (eller `make run`) först.\n"
    )


def test_status_on_a_missing_database_file_creates_nothing(tmp_path) -> None:
    missing = tmp_path / "mapp" / "saknas.sqlite"
    result = run_cli(_sqlite_url(missing), "status")

    assert result.returncode == 2
    assert "finns inte" in result.stderr and "lofteskartan init" in result.stderr
    assert not missing.parent.exists()


def test_init_demo_and_status_json_work_on_postgis(postgis_url) -> None:
    init = run_cli(postgis_url, "init", "--demo")
    status = run_cli(postgis_url, "status", "--json", "--year", "2023", "--document", SEED)

    assert init.returncode == 0, init.stderr
    assert status.returncode == 0, status.stderr
    rows = {r["id"]: r for r in json.loads(status.stdout)}
    assert list(rows) == COMMITMENT_IDS
    assert (rows["riktade-insatser"]["target"], rows["riktade-insatser"]["done"]) == (10, 9)
    # Aneby's boundary, the 13 kommuner of Jönköpings län, Aneby's 3 tätorter.
    assert table_counts(postgis_url)["base_features"] == 1 + 13 + 3
