"""Benchmark: a large imported base layer on the map stays usable.

A kommun's building extract is tens of thousands of polygons. This script stores N invented
10 m x 10 m buildings around Aneby as a base layer and measures what each map page pays per
run: reading and cutting the layers (`geo.spatial.layers.load_base_layers`), building the folium map
and the size of the map script sent to the browser.

Run: PYTHONPATH=. python benchmarks/base_layer_map.py [N ...]   (default 2000 20000 60000)

Goal: the map script stays under 2 MB however large the layer (at most MAP_MAX_FEATURES
features per layer, nearest the kommun's centre), and a page pays the read-and-cut cost once
per layer change, not per run (ui/base_layers.py keeps it; a cache hit is ~0.07 s).

Measured (2 cores, load average ~7 from other jobs), 2026-11:

    2000 buildings: load+cut 0.31 s, with folium map 0.58 s, map 0.52 MB, shown 2000
   20000 buildings: load+cut 3.16 s, with folium map 4.23 s, map 1.24 MB, shown 5000
   60000 buildings: load+cut 9.11 s, with folium map 10.24 s, map 1.24 MB, shown 5000

Reading the rows from the database is most of it (2.7 s of 3.2 s at 20 000: JSON and WKB
per row); the folium map of 5 000 polygons costs about 1 s on every run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from shapely.geometry import box

from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.installation.init import initialise
from geo.records.models import Actor, BaseLayer
from geo.spatial.layers import MAP_MAX_FEATURES, load_base_layers
from geo.store import Store
from ui.place_map import drawing_map

ROOT = Path(__file__).resolve().parents[1]


def run(count: int) -> None:
    rng = np.random.default_rng(604)
    xs = rng.uniform(ANEBY_E - 15_000, ANEBY_E + 15_000, count)
    ys = rng.uniform(ANEBY_N - 15_000, ANEBY_N + 15_000, count)
    houses = [
        ({"namn": f"hus {i}"}, box(x, y, x + 10, y + 10))
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    ]
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/bench.sqlite")
        actor = Actor("bench")
        initialise(store, actor, [ROOT / "data" / "promises"])
        with store.session(actor) as s:
            s.replace_base_layer(BaseLayer("byggnader", "Byggnader", "Källa: test"), houses)
        start = time.perf_counter()
        with store.session(actor) as s:
            prepared = load_base_layers(s, "0604")
        loaded = time.perf_counter() - start
        m = drawing_map(None, prepared.layers, prepared.attributions, "Point")
        html = m.get_root().render()
        total = time.perf_counter() - start
        store.dispose()
    shown = len(prepared.layers["byggnader"][1]["features"])
    print(
        f"{count:>7} buildings: load+cut {loaded:5.2f} s, with folium map {total:5.2f} s, "
        f"map {len(html) / 1e6:5.2f} MB, shown {shown} (cap {MAP_MAX_FEATURES}), "
        f"notes: {len(prepared.notes)}"
    )


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [2000, 20_000, 60_000]:
        run(n)
