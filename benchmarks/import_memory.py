"""Peak memory and time of every import for a file at its size limit (issue 11, item 7).

The goal: at most 500 MB peak (resident set) for a file just under its limit, and a sparse
3 GB file refused at once. Each case runs the real command line (`python -m geo import ...`)
in a fresh process on a fresh SQLite database made by `init`, and the process's peak RSS
is `/usr/bin/time`'s "Maximum resident set size". It includes the interpreter and its
libraries (pandas, geopandas, shapely, SQLAlchemy): what the machine has to have free.

    python benchmarks/import_memory.py             # every case, about 5 minutes on 2 cores
    python benchmarks/import_memory.py --only events

Lines read `name: value unit (ratio vs peer)`, the peer being the 500 MB goal or, for the
refusal, 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.files.limits import (  # noqa: E402
    ACTIVITIES_LIMIT,
    BASE_LAYER_LIMIT,
    EVENTS_LIMIT,
    MB,
    PLACES_LIMIT,
    SITING_LIMIT,
    FileLimit,
)

GOAL_MB = 500
GB = 1024**3
# SWEREF 99 TM around Aneby, inside the kommun so no warnings dominate the run.
E0, N0 = 488000.0, 6410000.0


def _fill(path: Path, limit: FileLimit, header: str, row: Callable[[int], str]) -> int:
    """Write `header` and rows until the file is just under `limit`; returns the row count."""
    budget = limit.max_bytes() - 4096
    written = 0
    count = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(header)
        written += len(header.encode())
        while True:
            line = row(count)
            size = len(line.encode())
            if written + size > budget:
                break
            f.write(line)
            written += size
            count += 1
    return count


def _json_fill(
    path: Path, limit: FileLimit, start: str, item: Callable[[int], dict], end: str
) -> int:
    """A JSON array or FeatureCollection just under `limit`; returns the item count."""
    budget = limit.max_bytes() - 4096 - len(end)
    count = 0
    with path.open("w", encoding="utf-8") as f:
        f.write(start)
        written = len(start)
        while True:
            text = (", " if count else "") + json.dumps(item(count), ensure_ascii=False)
            size = len(text.encode())
            if written + size > budget:
                break
            f.write(text)
            written += size
            count += 1
        f.write(end)
    return count


def activities_csv(path: Path) -> str:
    rng = random.Random(1)

    def row(i: int) -> str:
        day = 1 + i % 28
        hour = 8 + i % 12
        lat, lon = 57.83 + rng.random() * 0.02, 14.81 + rng.random() * 0.03
        return (
            f"närvaro;2024-03-{day:02d} {hour}:00;2024-03-{day:02d} {hour}:45;"
            f"{lat:.6f};{lon:.6f};0,75;{i % 9}\r\n".replace(".", ",", 2)
        )

    # lat/lon with decimal commas as Swedish Excel writes them (the two "." above).
    n = _fill(path, ACTIVITIES_LIMIT, "typ;start;slut;lat;lon;timmar;kontakter\r\n", row)
    return f"{n} rader"


def activities_geojson(path: Path) -> str:
    rng = random.Random(2)

    def item(i: int) -> dict:
        day = 1 + i % 28
        return {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [14.81 + rng.random() * 0.03, 57.83 + rng.random() * 0.02],
            },
            "properties": {
                "typ": "närvaro",
                "start": f"2024-04-{day:02d} 10:00",
                "slut": f"2024-04-{day:02d} 11:00",
                "kontakter": i % 7,
            },
        }

    n = _json_fill(
        path, ACTIVITIES_LIMIT, '{"type": "FeatureCollection", "features": [', item, "]}"
    )
    return f"{n} objekt"


def _real_events() -> list[dict[str, str]]:
    import csv

    with (ROOT / "data" / "events" / "polisen_events_jonkopings_lan.csv").open(
        encoding="utf-8"
    ) as f:
        return list(csv.DictReader(f))


def events_csv(path: Path) -> str:
    import csv
    import io

    real = _real_events()
    columns = list(real[0])

    def row(i: int) -> str:
        record = dict(real[i % len(real)], event_id=str(10_000_000 + i))
        out = io.StringIO()
        csv.DictWriter(out, columns, lineterminator="\n").writerow(record)
        return out.getvalue()

    n = _fill(path, EVENTS_LIMIT, ",".join(columns) + "\n", row)
    return f"{n} händelser"


def events_json(path: Path) -> str:
    real = _real_events()

    def item(i: int) -> dict:
        r = real[i % len(real)]
        return {
            "id": 20_000_000 + i,
            "datetime": r["datetime"].replace("T", " ").replace("+01:00", " +01:00"),
            "name": r["name"],
            "summary": r["summary"],
            "url": r["url"],
            "type": r["type"],
            "location": {"name": r["api_location_name"], "gps": f"{r['api_lat']},{r['api_lon']}"},
        }

    n = _json_fill(path, EVENTS_LIMIT, "[", item, "]")
    return f"{n} händelser"


def _ring(i: int, vertices: int) -> list[tuple[float, float]]:
    """A closed ring of `vertices` points, 40 m across, one per place (they must not repeat)."""
    import math

    cx, cy = E0 + (i % 100) * 60.0, N0 + (i // 100) * 60.0
    pts = [
        (
            cx + 20 * math.cos(2 * math.pi * k / vertices),
            cy + 20 * math.sin(2 * math.pi * k / vertices),
        )
        for k in range(vertices)
    ]
    return [*pts, pts[0]]


def places_csv(path: Path) -> str:
    from geo.files.place_rows import MAX_FEATURES

    # The row cap (MAX_FEATURES places) comes before the size limit for small rows, so
    # the file reaches its size with polygons of many vertices, as a drawn area has.
    vertices = max(4, PLACES_LIMIT.max_bytes() // (MAX_FEATURES * 9 // 10) // 20)

    def row(i: int) -> str:
        wkt = ", ".join(f"{x:.1f} {y:.1f}" for x, y in _ring(i, vertices))
        return f"Område {i};centrumområde;POLYGON (({wkt}));intern\r\n"

    n = _fill(path, PLACES_LIMIT, "namn;typ;geometri;klassning\r\n", row)
    return f"{n} platser, {vertices} hörn var"


def places_geojson(path: Path) -> str:
    from shapely.geometry import Polygon, mapping

    from geo.files.place_rows import MAX_FEATURES
    from geo.spatial.crs import to_wgs84

    vertices = max(4, PLACES_LIMIT.max_bytes() // MAX_FEATURES // 40)

    def item(i: int) -> dict:
        polygon = to_wgs84(Polygon(_ring(i, vertices)))
        return {
            "type": "Feature",
            "geometry": mapping(polygon),
            "properties": {"namn": f"Område {i}", "typ": "centrumområde", "klassning": "intern"},
        }

    n = _json_fill(path, PLACES_LIMIT, '{"type": "FeatureCollection", "features": [', item, "]}")
    return f"{n} platser, {vertices} hörn var"


def places_gpkg(path: Path) -> str:
    import geopandas as gpd
    from shapely.geometry import Polygon

    from geo.files.place_rows import MAX_FEATURES

    count = MAX_FEATURES * 9 // 10
    # A GeoPackage stores 16 bytes per vertex (WKB) plus an index: fill to just under.
    vertices = max(4, PLACES_LIMIT.max_bytes() // count // 16)
    while True:
        frame = gpd.GeoDataFrame(
            {
                "namn": [f"Område {i}" for i in range(count)],
                "typ": ["centrumområde"] * count,
                "klassning": ["intern"] * count,
            },
            geometry=[Polygon(_ring(i, vertices)) for i in range(count)],
            crs="EPSG:3006",
        )
        path.unlink(missing_ok=True)
        frame.to_file(path, driver="GPKG", engine="pyogrio")
        if path.stat().st_size <= PLACES_LIMIT.max_bytes():
            return f"{count} platser, {vertices} hörn var"
        vertices = int(vertices * 0.95)


def _roads(count: int, vertices: int):  # noqa: ANN202 - a GeoDataFrame, imported lazily
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(3)
    starts = rng.uniform([E0 - 5000, N0 - 5000], [E0 + 5000, N0 + 5000], size=(count, 2))
    steps = rng.normal(0, 15, size=(count, vertices, 2)).cumsum(axis=1)
    lines = shapely.linestrings(starts[:, None, :] + steps)
    return gpd.GeoDataFrame(
        {"namn": [f"Väg {i}" for i in range(count)], "klass": rng.integers(1, 6, count)},
        geometry=lines,
        crs="EPSG:3006",
    )


def _base_layer(path: Path, driver: str) -> str:
    from geo.files.base_layer_import import MAX_FEATURES

    # Grow the vertex count until the file is just under the limit (GDAL adds an index).
    limit = BASE_LAYER_LIMIT.max_bytes()
    count = min(MAX_FEATURES, 100_000)
    vertices = 8
    while True:
        _roads(count, vertices).to_file(path, driver=driver, engine="pyogrio")
        size = path.stat().st_size
        if size > limit:
            vertices = max(2, int(vertices * limit / size * 0.97))
            path.unlink()
            _roads(count, vertices).to_file(path, driver=driver, engine="pyogrio")
            break
        if size > 0.9 * limit:
            break
        # At least one more vertex: int() of a small growth would loop for ever.
        vertices = max(vertices + 1, int(vertices * min(4.0, 0.95 * limit / size)))
        path.unlink()
    return f"{count} linjer, {vertices} hörn var"


def base_layer_gpkg(path: Path) -> str:
    return _base_layer(path, "GPKG")


def base_layer_geojson(path: Path) -> str:
    return _base_layer(path, "GeoJSON")


def siting_csv(path: Path) -> str:
    rng = random.Random(4)

    def row(i: int) -> str:
        return f"{N0 + rng.random() * 10_000:.1f};{E0 + rng.random() * 10_000:.1f};{1 + i % 5}\r\n"

    n = _fill(path, SITING_LIMIT, "N;E;vikt\r\n", row)
    return f"{n} punkter"


# name, file name, maker, command after `python -m geo` (None: read_demand in a process)
CASES: list[tuple[str, str, Callable[[Path], str], list[str] | None]] = [
    ("activities_csv", "aktiviteter.csv", activities_csv, ["import", "activities"]),
    ("activities_geojson", "aktiviteter.geojson", activities_geojson, ["import", "activities"]),
    ("events_csv", "handelser.csv", events_csv, ["import", "events"]),
    ("events_json", "handelser.json", events_json, ["import", "events"]),
    ("places_csv", "platser.csv", places_csv, ["import", "places"]),
    ("places_geojson", "platser.geojson", places_geojson, ["import", "places"]),
    ("places_gpkg", "platser.gpkg", places_gpkg, ["import", "places"]),
    ("base_layer_gpkg", "vagar.gpkg", base_layer_gpkg, ["import", "base-layer", "--name", "vagar"]),
    (
        "base_layer_geojson",
        "vagar.geojson",
        base_layer_geojson,
        ["import", "base-layer", "--name", "vagar"],
    ),
    ("siting_demand_csv", "efterfragan.csv", siting_csv, None),
]


def run(command: list[str], env: dict[str, str]) -> tuple[int, float, float, str]:
    """Exit code, wall seconds and peak RSS (MB) of one process, and its stderr's end.

    Measured by `/usr/bin/time`: a child's rusage includes the memory of the process it was
    forked from (Linux keeps the high-water mark across exec), and this script holds large
    generated data; `time` is a small process, so its child's figure is the import's own.
    """
    with (
        tempfile.NamedTemporaryFile("r", suffix=".time") as report,
        tempfile.TemporaryFile() as err,
    ):
        timed = ["/usr/bin/time", "-f", "%M %e", "-o", report.name, *command]
        code = subprocess.run(
            timed, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err, check=False
        ).returncode
        kilobytes, seconds = report.read().split()[-2:]
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-300:]
    return code, float(seconds), int(kilobytes) / 1024, tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the cases whose name contains this")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lofteskartan-bench-"))
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    template = folder / "template.sqlite"
    code, *_rest = run(
        [sys.executable, "-m", "geo", "init"], env | {"LOFTESKARTAN_DB": f"sqlite:///{template}"}
    )
    assert code == 0, "init failed"
    worst = 0.0
    try:
        for name, file_name, make, command in CASES:
            if args.only and args.only not in name:
                continue
            path = folder / file_name
            what = make(path)
            db = folder / f"{name}.sqlite"
            shutil.copy(template, db)
            case_env = env | {"LOFTESKARTAN_DB": f"sqlite:///{db}"}
            if command is None:
                argv = [
                    sys.executable,
                    "-c",
                    "import sys; from pathlib import Path; "
                    "from geo.files.siting_io import read_demand; "
                    "print(len(read_demand(Path(sys.argv[1])).xy))",
                    str(path),
                ]
            else:
                argv = [sys.executable, "-m", "geo", *command[:2], str(path), *command[2:]]
            code, seconds, peak, tail = run(argv, case_env)
            size = path.stat().st_size / MB
            status = "ok" if code == 0 else f"exit {code}: {tail.strip().splitlines()[-1:]}"
            print(f"# {name}: {size:.1f} MB file ({what}), {status}")
            print(f"{name}_peak_rss: {peak:.0f} MB ({peak / GOAL_MB:.2f}× the {GOAL_MB} MB goal)")
            print(f"{name}_time: {seconds:.1f} s (wall, one run)")
            worst = max(worst, peak)
            path.unlink()
        # The sparse 3 GB file: refused from os.stat, whatever the import.
        sparse = folder / "stor.geojson"
        with sparse.open("wb") as f:
            f.truncate(3 * GB)
        db = folder / "sparse.sqlite"
        shutil.copy(template, db)
        argv = [sys.executable, "-m", "geo", "import", "places", str(sparse)]
        code, seconds, peak, tail = run(argv, env | {"LOFTESKARTAN_DB": f"sqlite:///{db}"})
        print(f"# sparse 3 GB GeoJSON: exit {code}: {tail.strip().splitlines()[-1:]}")
        print(f"sparse_3gb_refusal_time: {seconds:.2f} s ({seconds:.2f}× 1 s, mostly start-up)")
        print(f"sparse_3gb_refusal_peak_rss: {peak:.0f} MB ({peak / GOAL_MB:.2f}× the goal)")
        print(f"# worst peak at the limit: {worst:.0f} MB (goal {GOAL_MB} MB)")
    finally:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for file in folder.iterdir():
                shutil.move(str(file), args.keep / file.name)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
