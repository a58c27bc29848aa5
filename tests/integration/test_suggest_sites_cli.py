"""`lofteskartan suggest-sites` as a real process (`python -m geo`).

Exit 0 with the chosen sites and the covered share; exit 2 with a Swedish message on
stderr, no traceback and nothing written, for bad input.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from geo.installation.init import initialise, save_promise_upload
from geo.planning.siting_inputs import STORE_LAYER_TITLES, VIOLATIONS_LAYER
from geo.records.models import Actor
from geo.store import Store
from tests.common import REPO_ROOT, SEED_YEAR_CLOCK, aneby_copy, run_cli

# Three candidates on a line 500 m apart (SWEREF 99 TM), demand with weights: with 300 m
# A reaches 2, B reaches 1 + 2, C reaches 3 + 1 (total 9).
CANDIDATES = "namn;n;e\nA;6410000;483000\nB;6410000;483500\nC;6410000;484000\n"
DEMAND = (
    "n;e;vikt\n6410000;483000;2\n6410000;483450;1\n6410000;483550;2\n"
    "6410000;484000;3\n6410000;484250;1\n"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "kandidater.csv").write_text(CANDIDATES, encoding="utf-8")
    (tmp_path / "olyckor.csv").write_text(DEMAND, encoding="cp1252")
    return {"candidates": str(tmp_path / "kandidater.csv"), "demand": str(tmp_path / "olyckor.csv")}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made once for this module; copy it before changing it."""
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    store = Store(f"sqlite:///{path}")
    initialise(
        store, Actor("test"), [REPO_ROOT / "data" / "promises"], demo=True, now=SEED_YEAR_CLOCK
    )
    store.dispose()
    return path


def _copy(demo_db: Path, tmp_path: Path) -> str:
    target = tmp_path / "copy.sqlite"
    shutil.copy(demo_db, target)
    return f"sqlite:///{target}"


def _planned(url: str) -> list:
    store = Store(url)
    try:
        with store.session(Actor("test")) as s:
            return s.list_planned()
    finally:
        store.dispose()


def test_files_alone_give_the_sites_and_the_covered_share_without_a_database(
    files: dict[str, str], tmp_path: Path
) -> None:
    db = tmp_path / "aldrig.sqlite"
    result = run_cli(
        f"sqlite:///{db}",
        "suggest-sites",
        "--k", "2",
        "--radius", "300",
        "--no-sites",
        "--candidates", files["candidates"],
        "--demand", files["demand"],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Förslag: 2 av högst 2 kontrollplatser, radie 300 m, 3 kandidater"
    assert lines[1] == "Täckt efterfrågan: 77,8 % (7 av 9 i vikt)"
    assert lines[3].split()[:2] == ["1", "C"]
    assert lines[4].split()[:2] == ["2", "B"]
    assert not db.exists()  # nothing asked the database for anything


def test_json_lists_the_sites_with_their_reasons(files: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(
        f"sqlite:///{tmp_path / 'x.sqlite'}",
        "suggest-sites", "--k", "3", "--radius", "300", "--no-sites", "--json",
        "--candidates", files["candidates"],
        "--demand", files["demand"] + ":2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["covered_share"], out["covered_weight"], out["total_weight"]) == (1.0, 18, 18)
    assert [s["name"] for s in out["sites"]] == ["C", "B", "A"]
    assert out["sites"][0]["unique_weight"] == 8
    assert out["sites"][0]["reason"].startswith("Enda valda platsen inom räckhåll för 2 punkter")
    assert out["layers"] == [{"name": "olyckor.csv", "points": 5, "weight": 18}]


def test_the_demo_database_gives_sites_and_a_reproducible_rotation(
    demo_db: Path, tmp_path: Path
) -> None:
    url = _copy(demo_db, tmp_path)
    args = ["suggest-sites", "--k", "3", "--radius", "300", "--json"]
    rotation = ["--weeks", "6", "--min-gap", "1", "--seed", "7", "--start", "2024-09-02"]
    first = run_cli(url, *args, *rotation)
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout)
    # The demo has three sites; violations were logged at each of them.
    assert len(out["sites"]) == 3
    assert all(s["place_id"] is not None for s in out["sites"])
    weeks = out["rotation"]["weeks"]
    assert [w["monday"] for w in weeks][:2] == ["2024-09-02", "2024-09-09"]
    keys = [w["sites"][0]["key"] for w in weeks]
    assert all(a != b for a, b in zip(keys, keys[1:], strict=False))
    again = json.loads(run_cli(url, *args, *rotation).stdout)
    assert [w["sites"][0]["key"] for w in again["rotation"]["weeks"]] == keys
    assert _planned(url) == _planned(f"sqlite:///{demo_db}")  # nothing saved without --save


def test_save_puts_the_rotation_in_the_schedule_with_its_seed(
    demo_db: Path, tmp_path: Path
) -> None:
    url = _copy(demo_db, tmp_path)
    before = len(_planned(url))
    result = run_cli(
        url,
        "suggest-sites", "--k", "2", "--radius", "300",
        "--weeks", "4", "--seed", "99", "--start", "2023-09-04",
        "--save", "--day", "torsdag", "--time", "15:30",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "4 planerade trafikkontroller lades in i planeringen (frö 99)." in result.stdout
    new = [p for p in _planned(url) if p.seed == 99]
    assert len(_planned(url)) == before + 4 and len(new) == 4
    assert [p.start.isoformat() for p in new][:2] == [
        "2023-09-07T15:30:00+02:00",
        "2023-09-14T15:30:00+02:00",
    ]
    assert {p.status.value for p in new} == {"planerad"}
    assert {p.kind.value for p in new} == {"trafikkontroll"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--k", "-1", "--radius", "300"], "Antalet platser (k) ska vara ett heltal"),
        (["--k", "2", "--radius", "-5"], "Radien ska vara ett antal meter, 0 eller större"),
        (["--k", "2", "--radius", "trehundra"], '"trehundra" är inget antal meter'),
        (["--k", "två", "--radius", "300"], "inget heltal"),
        (["--k", "2", "--radius", "300", "--layer", "skolor"], 'Lagret "skolor" finns inte'),
        (["--k", "2", "--radius", "300", "--seed", "4"], "ange också --weeks N"),
        (["--k", "2", "--radius", "300", "--demand", "saknas.csv"], "Filen saknas.csv finns inte."),
        (["--k", "2", "--radius", "300", "--no-sites"], "Det finns inga kandidatplatser"),
        (
            ["--k", "3", "--radius", "300", "--weeks", "4", "--min-gap", "3", "--save"],
            "välj en vila på högst 2 veckor",
        ),
        (["--k", "2", "--radius", "300", "--weeks", "4", "--day", "fredagsmys"], "ingen veckodag"),
    ],
)
def test_bad_input_exits_2_with_a_swedish_message_and_writes_nothing(
    demo_db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    url = _copy(demo_db, tmp_path)
    before = _planned(url)
    result = run_cli(url, "suggest-sites", *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("Fel: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert _planned(url) == before


def test_a_bad_row_in_a_demand_file_is_named(files: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "önskemål.csv"
    bad.write_text("n;e;vikt\n6410000;483000;1\n6410000;483000;många\n", encoding="utf-8")
    result = run_cli(
        f"sqlite:///{tmp_path / 'x.sqlite'}",
        "suggest-sites", "--k", "1", "--radius", "300", "--no-sites",
        "--candidates", files["candidates"], "--demand", str(bad),
    )  # fmt: skip
    assert result.returncode == 2
    assert 'önskemål.csv, rad 3, vikt: "många" är inget tal' in result.stderr


def test_the_violations_are_the_chosen_promises_and_the_command_says_which(
    demo_db: Path, tmp_path: Path, files: dict[str, str]
) -> None:
    url = _copy(demo_db, tmp_path)
    store = Store(url)
    try:
        # Eksjö's promise, in the same database as the Aneby demo, with nothing logged yet.
        text = aneby_copy("eksjo-2023-2024", "Eksjö", "0686", date(2023, 6, 15), date(2024, 6, 14))
        save_promise_upload(store, Actor("test"), "eksjo-2023-2024.yaml", text)
    finally:
        store.dispose()
    # Eksjö has no control sites of its own (the demo's are Aneby's): candidates from a file.
    args = ["suggest-sites", "--k", "2", "--radius", "300", "--json"]
    args += ["--candidates", files["candidates"]]
    violations = {}
    for document in ("aneby-2023-2024", "eksjo-2023-2024"):
        result = run_cli(url, *args, "--document", document)
        assert result.returncode == 0, result.stderr
        assert document in result.stderr  # which promise was used
        layers = {layer["name"]: layer for layer in json.loads(result.stdout)["layers"]}
        violations[document] = layers[STORE_LAYER_TITLES[VIOLATIONS_LAYER]]["points"]
    assert violations["aneby-2023-2024"] > 0
    assert violations["eksjo-2023-2024"] == 0
    # Two promises, none in force today: the command does not guess.
    unnamed = run_cli(url, *args)
    assert unnamed.returncode == 2
    assert "aneby-2023-2024" in unnamed.stderr and "eksjo-2023-2024" in unnamed.stderr
