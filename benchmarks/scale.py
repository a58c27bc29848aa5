"""Imports and exports at a police region's volume: 100,000 and 1,000,000 activities (issue 17).

Each size gets a fresh SQLite database made by `init --demo` and a CSV of N activities of
four kinds (närvaro, trafikkontroll, narkotikainsats, lokal_information) at invented GPS
positions inside Aneby kommun, spread over the days of the demo promise's year that have
passed (the demo moves with today). Every operation runs the real command line
(`python -m geo ...`) in a fresh process; its time is the wall time and its memory the
process's peak resident set (`/usr/bin/time`'s "Maximum resident set size", interpreter
and libraries included).

Beside the import stands the floor: pandas reading the same CSV and inserting it into a
fresh SQLite table in one transaction, which no import that checks every row can beat.
The goals (issue 17): at 100,000 the import within 10× the floor, a file imported before
recognised in under 2 s, every export within 30 s and 600 MB; at 1,000,000 everything under
1 GB.

    python benchmarks/scale.py                    # 100,000 activities, about 5 minutes
    python benchmarks/scale.py 1000000 --timeout 3600
    python benchmarks/scale.py 100000 --only import
    python benchmarks/scale.py 1000000 --only exports --keep /var/tmp/scale-1m   # built once
    python benchmarks/scale.py 100000 --only exports --db postgresql+psycopg://...

With `--only exports` the database is built by importing files of at most 100,000 rows
(the import's own goals are measured by the runs without it), so a million never needs the
import to hold a million rows; `--keep` keeps it (and reuses it when it is there).
`--db` targets another database (PostGIS) instead of a fresh SQLite file.

Lines read `N.operation: seconds s, peak MB` and end with the goal they are held to.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# Inside Aneby kommun (WGS 84), away from its edges.
LAT0, LON0, LAT_SPAN, LON_SPAN = 57.80, 14.74, 0.08, 0.14
KINDS = (
    ("närvaro", "kontakter"),
    ("trafikkontroll", "kontrollerade_fordon"),
    ("narkotikainsats", "kontrollerade_personer"),
    ("lokal_information", ""),
)
EXPORTS = (
    ("map-html", "internal", "html"),
    ("map-html", "public", "html"),
    ("followup", "internal", "zip"),
    ("followup", "public", "zip"),
    ("meeting-pdf", "internal", "pdf"),
    ("meeting-html", "internal", "html"),
    ("map-png", "internal", "png"),
    ("map-png", "public", "png"),
    ("gpkg", "internal", "gpkg"),
    ("gpkg", "public", "gpkg"),
    ("csv", "internal", "zip"),
    ("csv", "public", "zip"),
    ("ics", "internal", "ics"),
    ("ics", "public", "ics"),
)
_PEAK = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def demo_days(env: dict[str, str], timeout: float) -> tuple[date, int]:
    """The demo promise's first day and how many days of it have passed (after `init --demo`).

    The demo promise moves with today (its period holds today), so the activities are
    spread over the days of it that have passed: an import refuses a row outside the period.
    """
    _, _, out = run(["-m", "geo", "status", "--json"], env, timeout, keep_stdout=True)
    first = date.fromisoformat(json.loads(out)[0]["period_start"])
    return first, max(1, (date.today() - first).days)


def activities_csv(path: Path, n: int, first_day: date, days: int, first: int = 0) -> int:
    """N activities on the `days` days from `first_day`; bytes written.

    `first` numbers the rows on from an earlier file, so the pieces of a big database differ.
    """
    rng = random.Random(17 + first)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(
            "typ;start;slut;lat;lon;timmar;kontakter;kontrollerade_fordon;"
            "kontrollerade_personer\r\n"
        )
        for i in range(first, first + n):
            kind, outcome = KINDS[i % len(KINDS)]
            # Every day of the year used, in no order (a file is rarely sorted).
            month_day = f"{first_day + timedelta(days=(i * 7919) % days):%Y-%m-%d}"
            hour = 8 + i % 12
            lat = LAT0 + rng.random() * LAT_SPAN
            lon = LON0 + rng.random() * LON_SPAN
            counts = ["", "", ""]
            if outcome:
                counts[
                    ("kontakter", "kontrollerade_fordon", "kontrollerade_personer").index(outcome)
                ] = str(i % 9)
            f.write(
                f"{kind};{month_day} {hour:02d}:00;{month_day} {hour:02d}:45;"
                f"{lat:.6f};{lon:.6f};0,75;{';'.join(counts)}\r\n"
            )
    return path.stat().st_size


def run(
    args: list[str], env: dict[str, str], timeout: float, keep_stdout: bool = False
) -> tuple[float, float, str]:
    """Run `python args` under /usr/bin/time -v: (seconds, peak MB, stderr or stdout)."""
    started = time.perf_counter()
    # Its own process group, so a timeout stops the command itself, not only /usr/bin/time.
    with subprocess.Popen(
        ["/usr/bin/time", "-v", PYTHON, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    seconds = time.perf_counter() - started
    match = _PEAK.search(stderr)
    peak = int(match.group(1)) / 1024 if match else float("nan")
    if proc.returncode != 0:
        tail = "\n".join(stderr.splitlines()[-8:])
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{tail}")
    return seconds, peak, stdout if keep_stdout else stderr


FLOOR = """
import sqlite3, sys
import pandas as pd
frame = pd.read_csv(sys.argv[1], sep=";", decimal=",", dtype=str)
with sqlite3.connect(sys.argv[2]) as conn:
    frame.to_sql("activities", conn, index=False, chunksize=50_000)
"""


def report(n: int, name: str, seconds: float, peak: float, goal: str) -> None:
    # The machine is shared: the load average says how much the seconds are worth.
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{n}.{name}: {seconds:.1f} s, {peak:.0f} MB ({goal}; load {load})", flush=True)


PIECE = 100_000


def build_in_pieces(n: int, work: Path, env: dict[str, str], timeout: float) -> None:
    """`init --demo` and N activities imported from files of at most `PIECE` rows."""
    run(["-m", "geo", "init", "--demo"], env, timeout)
    first_day, days = demo_days(env, timeout)
    started = time.perf_counter()
    for first in range(0, n, PIECE):
        piece = work / f"aktiviteter-{first}.csv"
        activities_csv(piece, min(PIECE, n - first), first_day, days, first)
        run(["-m", "geo", "import", "activities", str(piece)], env, timeout)
        piece.unlink()
        print(f"{n}: {first + PIECE} imported ({time.perf_counter() - started:.0f} s)", flush=True)


def bench_exports(
    n: int, work: Path, env: dict[str, str], timeout: float, build_only: bool = False
) -> None:
    """The exports on a database of N activities, built once (`build_in_pieces`) and kept."""
    built = work / f"built-{n}"
    if not built.exists():
        build_in_pieces(n, work, env, timeout)
        built.write_text(env["LOFTESKARTAN_DB"], encoding="utf-8")
    if build_only:
        return
    load = os.getloadavg()
    print(f"{n}: load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)
    export_all(n, work, env, timeout)
    load = os.getloadavg()
    print(f"{n}: load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)


def bench(n: int, only: str | None, timeout: float, keep: Path | None, db: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="lofteskartan-scale-") as folder:
        work = keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        env = dict(
            os.environ,
            LOFTESKARTAN_DB=db or f"sqlite:///{work}/scale.sqlite",
            PYTHONPATH=str(ROOT),
        )
        # A million rows is about 60 MB: above the default, as an administrator would raise it.
        env.setdefault("LOFTESKARTAN_MAX_ACTIVITIES_MB", "200")
        if only in ("exports", "build"):
            bench_exports(n, work, env, timeout, build_only=only == "build")
            return
        csv_path = work / "aktiviteter.csv"
        run(["-m", "geo", "init", "--demo"], env, timeout)
        size = activities_csv(csv_path, n, *demo_days(env, timeout))
        print(f"{n}: file {size / 1024**2:.1f} MB", flush=True)
        seconds, peak, _ = run(
            ["-c", FLOOR, str(csv_path), str(work / "floor.sqlite")], env, timeout
        )
        floor = seconds
        report(n, "floor (pandas read_csv + to_sql, one transaction)", seconds, peak, "the peer")
        importing = ["-m", "geo", "import", "activities", str(csv_path)]
        try:
            seconds, peak, _ = run(importing, env, timeout)
        except subprocess.TimeoutExpired:
            print(f"{n}.import activities: stopped after {timeout:.0f} s", flush=True)
            return
        report(n, "import activities", seconds, peak, f"{seconds / floor:.1f}× the floor; goal 10×")
        seconds, peak, _ = run(importing, env, timeout)
        report(n, "import the same file again", seconds, peak, "goal < 2 s")
        if only == "import":
            return
        export_all(n, work, env, timeout)


def export_all(n: int, work: Path, env: dict[str, str], timeout: float) -> None:
    """Every export of `EXPORTS` as the command line makes it, one fresh process each."""
    for fmt, audience, extension in EXPORTS:
        out = work / f"{fmt}-{audience}.{extension}"
        try:
            seconds, peak, _ = run(
                ["-m", "geo", "export", fmt, str(out), "--audience", audience], env, timeout
            )
        except subprocess.TimeoutExpired:
            print(f"{n}.export {fmt} {audience}: stopped after {timeout:.0f} s", flush=True)
            continue
        except RuntimeError as exc:
            print(f"{n}.export {fmt} {audience}: failed: {exc}", flush=True)
            continue
        extra = f", {out.stat().st_size / 1024**2:.1f} MB file"
        report(
            n,
            f"export {fmt} {audience}",
            seconds,
            peak,
            "goal 30 s, 600 MB at 100,000; 1 GB at 1,000,000" + extra,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument(
        "--only",
        choices=["import", "exports", "build"],
        help="only the import and its floor, only the exports (the database built once), "
        "or only building that database",
    )
    parser.add_argument("--keep", type=Path, help="a folder to keep (and reuse) the database in")
    parser.add_argument("--db", help="a database URL (PostGIS) instead of a fresh SQLite file")
    parser.add_argument("--timeout", type=float, default=1_800, help="seconds per operation")
    args = parser.parse_args()
    for n in args.sizes:
        bench(n, args.only, args.timeout, args.keep, args.db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
