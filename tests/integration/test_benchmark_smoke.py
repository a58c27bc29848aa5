"""`benchmarks/run.py --quick` still runs and prints `name: value unit (ratio vs peer)` lines.

Speed itself is measured by the full run and reported in benchmarks/README.md, never here.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.common import REPO_ROOT

LINE = re.compile(r"^[a-z0-9_]+: [0-9.e+-]+ (ms|s|MB) \(.+\)$")


def test_the_benchmark_script_prints_one_line_per_figure() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--quick", "--skip-browser"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if not line.startswith("#")]
    assert [line.split(":")[0] for line in lines] == [
        "heatmap_compute_2k_500x500",
        "heatmap_draw_png",
        "heatmap_layer_2k",
        "heatmap_layer_max_any_n",
        "coverage_areas_2k_x_200",
        "coverage_promise_2k",
        "karta_server_part_2k_at_places",
        "karta_map_script_2k_at_places",
        "karta_server_part_2k_own_positions",
        "karta_map_script_2k_own_positions",
        "overview_server_part_2k",
        "scale_oversikt_2k_of_20k",
        "scale_karta_2k_of_20k",
        "scale_varmekarta_2k_of_20k",
    ]
    assert all(LINE.match(line) for line in lines), lines
