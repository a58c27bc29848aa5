"""`lofteskartan --help` and a usage error answer without loading the heavy libraries.

Printing help or refusing a mistyped command needs only argparse and the command table; the
data libraries (pandas, SQLAlchemy, geopandas, shapely, NumPy) are imported by a command
when it runs. Their speed is measured in benchmarks/; here only which modules were loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "sqlalchemy", "geopandas", "shapely", "numpy", "pyarrow", "yaml")

# Runs the command line in a fresh interpreter and reports which heavy packages it loaded.
_PROBE = """
import json, sys
from geo.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # argparse's --help exits
    code = exc.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(HEAVY)))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.__stderr__)
"""


def _loaded_by(*argv: str) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-c", _PROBE.replace("HEAVY", repr(json.dumps(HEAVY))), *argv],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(run.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["status", "--help"],
        ["export", "csv", "--help"],
        ["import", "places", "--help"],
        ["suggest-sites", "--help"],
    ],
)
def test_help_is_printed_without_the_data_libraries(argv: list[str]) -> None:
    result = _loaded_by(*argv)
    assert result == {"code": 0, "heavy": []}


@pytest.mark.parametrize("argv", [["statsu"], ["status", "--bogus"], ["export", "csv"], ["import"]])
def test_a_usage_error_is_refused_without_the_data_libraries(argv: list[str]) -> None:
    result = _loaded_by(*argv)
    assert result == {"code": 2, "heavy": []}


def test_a_command_that_runs_still_loads_what_it_needs(tmp_path: Path) -> None:
    # The guard above must not pass merely because nothing is ever imported: `status` on an
    # empty database reaches the store (SQLAlchemy) and says there is nothing to show.
    run = subprocess.run(
        [sys.executable, "-c", _PROBE.replace("HEAVY", repr(json.dumps(HEAVY))), "status"],
        cwd=REPO,
        env={
            "PYTHONPATH": str(REPO),
            "PATH": "/usr/bin:/bin",
            "LOFTESKARTAN_DB": f"sqlite:///{tmp_path / 'tom.sqlite'}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(run.stderr.strip().splitlines()[-1])
    assert result["code"] == 2
    assert "sqlalchemy" in result["heavy"]


def test_the_status_of_a_promise_is_counted_without_pandas(tmp_path: Path) -> None:
    # `status --json` is what a script polls: the counts come from SQL (`Session.count_*`),
    # so reading the store must not drag in pandas (0.2 s of every run when it did).
    from tests.common import demo_database

    url = demo_database(tmp_path / "demo.sqlite")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _PROBE.replace("HEAVY", repr(json.dumps(HEAVY))),
            "status",
            "--json",
        ],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "LOFTESKARTAN_DB": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(run.stderr.strip().splitlines()[-1])
    assert result["code"] == 0
    assert sum(commitment["done"] for commitment in json.loads(run.stdout)) > 0  # counted
    assert "sqlalchemy" in result["heavy"]
    assert "pandas" not in result["heavy"] and "geopandas" not in result["heavy"]
