"""On CI a missing browser or database fails the run; on a laptop it skips with a hint.

Each case runs a real pytest in a subprocess with the browser or the PostgreSQL folder
pointed at a path that does not exist.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.common import REPO_ROOT

CASES = {
    "browser": (
        "LOFTESKARTAN_CHROMIUM",
        "tests/e2e/test_map_page.py::test_overview_page_shows_the_promise_in_the_browser",
    ),
    "database": (
        "LOFTESKARTAN_PG_ROOT",
        "tests/integration/test_postgis_fixture.py::test_postgis_database_has_postgis_and_stores_sweref99tm_points",
    ),
}


def run_pytest(variable: str, test: str, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env[variable] = "/nonexistent/lofteskartan-test"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(CASES))
def test_a_missing_part_fails_the_run_when_ci_is_true(missing: str) -> None:
    variable, test = CASES[missing]
    result = run_pytest(variable, test, ci=True)
    assert result.returncode == 1, result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


@pytest.mark.parametrize("missing", sorted(CASES))
def test_a_missing_part_skips_with_a_hint_on_a_laptop(missing: str) -> None:
    variable, test = CASES[missing]
    result = run_pytest(variable, test, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout.splitlines()[-1]
