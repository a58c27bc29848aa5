"""Löfteskartan's benchmark: heatmap, coverage, the heatmap, Karta and Översikt pages.

    python benchmarks/run.py                 # the full run (about 10 minutes, see README.md)
    python benchmarks/run.py --skip-browser  # without the page load in Chromium
    python benchmarks/run.py --quick         # 2,000 activities: checks the script, not speed
    python benchmarks/run.py --only karta    # one part: heatmap, coverage, page, karta, scale
    python benchmarks/run.py --only scale --scale-size 20000  # ten promises of 20,000 each
    python benchmarks/run.py --only shell    # every page, the app's shell, two interactions
    python benchmarks/run.py --only interactions  # only the two interactions (of shell)

Builds 100,000 synthetic activities over Aneby kommun (EPSG:3006, inside SCB's boundary,
clustered around the three tätorter) and 200 central areas, then prints one line per figure:

    name: value unit (ratio vs peer)

Every figure and its peer are measured in the same run on the same data. Compute times are
the best of several repeats (the machine is shared; the best is the least disturbed run).
Peers that would take minutes at full size (a plain Python loop over shapely `contains`,
`scipy.stats.gaussian_kde`) are timed on a subset and scaled linearly; the line says so.
The scale part builds ten promises of 100,000 activities each in one database and compares
one promise's pages with the same promise alone in its database.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import folium  # noqa: E402
import folium.plugins  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from scipy.stats import gaussian_kde  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from geo.followup.coverage import area_totals  # noqa: E402
from geo.followup.heat import Grid, heat_image, kernel_density, load_heat  # noqa: E402
from geo.followup.status import status_report  # noqa: E402
from geo.installation.base_layers import BASE_DIR, read_layer  # noqa: E402
from geo.installation.demo import demo_places  # noqa: E402
from geo.installation.init import initialise  # noqa: E402
from geo.records.kinds import CommitmentKind  # noqa: E402
from geo.records.models import STOCKHOLM, Activity, Actor, Place, PlaceKind  # noqa: E402
from geo.records.periods import Period, promise_year_containing  # noqa: E402
from geo.records.progress import progress  # noqa: E402
from geo.records.promise import PromiseDocument  # noqa: E402
from geo.records.promise_file import load_promise_file  # noqa: E402
from geo.spatial.crs import SWEREF99TM, WGS84, transform_xy  # noqa: E402
from geo.spatial.layers import load_base_layers, load_map_data  # noqa: E402
from geo.store import Store  # noqa: E402
from ui.maps import overview_map  # noqa: E402

RADIUS_M = 300.0
GRID_CELLS = 500
AREAS = 200
ANEBY_TATORTER = ((483_005.0, 6_410_437.0), (483_890.0, 6_420_780.0), (489_330.0, 6_420_240.0))
KINDS = (
    CommitmentKind.PRESENCE,
    CommitmentKind.TRAFFIC_CONTROL,
    CommitmentKind.NARCOTICS_INTERVENTION,
    CommitmentKind.SAFETY_WALK,
)


def report(name: str, value: float, unit: str, peer: str) -> None:
    """One result line: `name: value unit (ratio vs peer)`."""
    print(f"{name}: {value:.3g} {unit} ({peer})", flush=True)


def note(text: str) -> None:
    """Progress on stderr, so stdout holds only result lines."""
    print(f"# {text}", file=sys.stderr, flush=True)


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best wall time of `repeat` runs (after one warm-up) and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


# -- synthetic data ---------------------------------------------------------------------


def opened_year(doc: PromiseDocument) -> Period:
    """The follow-up year the app's sidebar opens on today (`promise_year_containing`): the
    activities go there, so the pages in the browser show them whatever today's date is."""
    return promise_year_containing(doc, date.today())


def aneby() -> shapely.Geometry:
    """Aneby kommun's boundary in EPSG:3006 (SCB, shipped)."""
    return read_layer(BASE_DIR / "aneby_kommun_scb.geojson").geometry.iloc[0]


def synthetic_points(
    n: int,
    boundary: shapely.Geometry,
    rng: np.random.Generator,
    centres: Any = ANEBY_TATORTER,
) -> np.ndarray:
    """`n` points inside the kommun: 70 % around the `centres` (σ 800 m; Aneby's tätorter
    unless given), 30 % anywhere."""
    west, south, east, north = boundary.bounds
    out: list[np.ndarray] = []
    have = 0
    while have < n:
        k = n - have
        near = rng.random(k) < 0.7
        near_centres = np.asarray(centres)[rng.integers(0, len(centres), k)]
        xy = np.where(
            near[:, None],
            near_centres + rng.normal(0, 800, (k, 2)),
            np.column_stack([rng.uniform(west, east, k), rng.uniform(south, north, k)]),
        )
        xy = xy[shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])]
        out.append(xy)
        have += len(xy)
    return np.vstack(out)[:n]


def synthetic_areas(boundary: shapely.Geometry, rng: np.random.Generator) -> list[Any]:
    """200 squares of 150–600 m: half around the tätorter, half anywhere in the kommun."""
    centres = synthetic_points(AREAS, boundary, rng)
    sides = rng.uniform(150, 600, AREAS)
    return list(shapely.box(*(centres - sides[:, None] / 2).T, *(centres + sides[:, None] / 2).T))


def synthetic_activities(
    xy: np.ndarray, start: datetime, rng: np.random.Generator
) -> list[Activity]:
    """Activities at the points, spread over the promise year, 1–3 hours each."""
    minutes = rng.integers(0, 365 * 24 * 60, len(xy))
    hours = rng.integers(1, 4, len(xy))
    kinds = rng.integers(0, len(KINDS), len(xy))
    out = []
    for (x, y), m, h, k in zip(xy, minutes, hours, kinds, strict=True):
        begin = start + timedelta(minutes=int(m))
        out.append(Activity(KINDS[k], begin, begin + timedelta(hours=int(h)), geometry=Point(x, y)))
    return out


# -- heatmap ----------------------------------------------------------------------------


def bench_heatmap(xy: np.ndarray, boundary: shapely.Geometry, quick: bool) -> None:
    west, south, east, north = boundary.bounds
    grid = Grid.covering(west, south, east, north, GRID_CELLS)
    n = len(xy)
    compute, density = best_of(lambda: kernel_density(xy, grid, RADIUS_M), 3 if quick else 7)
    draw, image = best_of(lambda: heat_image(density), 3 if quick else 5)
    layer = len(image.data_url())

    # Peer 1: scipy's gaussian_kde on the same 500×500 cell centres, bandwidth = our radius
    # (scipy's factor is relative to the data's spread). Timed on a subset, scaled by N.
    subset = min(n, 200 if quick else 2_000)
    xs, ys = grid.centres()
    cx, cy = np.meshgrid(xs, ys)
    sample = xy[:subset].T
    factor = RADIUS_M / float(np.sqrt(np.linalg.det(np.cov(sample))) ** 0.5)
    kde = gaussian_kde(sample, bw_method=factor)
    start = time.perf_counter()
    kde(np.vstack([cx.ravel(), cy.ravel()]))
    kde_time = (time.perf_counter() - start) * n / subset

    # Peer 2: folium's HeatMap of the raw points (what the map would otherwise ship).
    lon, lat = transform_xy(xy[:, 0], xy[:, 1], SWEREF99TM, WGS84)
    m = folium.Map(location=[57.84, 14.81], zoom_start=11, tiles=None)
    start = time.perf_counter()
    folium.plugins.HeatMap(np.column_stack([lat, lon]).round(6).tolist(), radius=15).add_to(m)
    html = m.get_root().render()
    folium_time = time.perf_counter() - start
    raw = len(html.encode("utf-8"))

    report(
        f"heatmap_compute_{n // 1000}k_{GRID_CELLS}x{GRID_CELLS}",
        compute * 1000,
        "ms",
        f"{kde_time / compute:,.0f}× faster than scipy gaussian_kde on the same grid: "
        f"{kde_time:,.1f} s, timed on {subset:,} points and scaled to {n:,}; goal ≤ 50 ms",
    )
    report(
        "heatmap_draw_png",
        draw * 1000,
        "ms",
        f"warping to the web map and PNG encoding; folium HeatMap HTML took {folium_time:.2f} s",
    )
    report(
        f"heatmap_layer_{n // 1000}k",
        layer / 1e6,
        "MB",
        f"{raw / layer:,.0f}× smaller than folium HeatMap HTML of the raw points: "
        f"{raw / 1e6:.1f} MB; goal ≤ 1 MB and ≥ 4× smaller",
    )
    # The layer's size for any N: the grid fixes it.
    sizes = {}
    rng = np.random.default_rng(11)
    for count in (1_000, 10_000) if quick else (1_000, 10_000, 100_000, 1_000_000):
        pts = synthetic_points(count, boundary, rng) if count != n else xy
        sizes[count] = len(heat_image(kernel_density(pts, grid, RADIUS_M)).data_url())
    largest = max(sizes, key=lambda k: sizes[k])
    report(
        "heatmap_layer_max_any_n",
        sizes[largest] / 1e6,
        "MB",
        "largest of N = "
        + ", ".join(f"{k:,}: {v / 1e3:.0f} kB" for k, v in sizes.items())
        + "; goal ≤ 1 MB",
    )


# -- coverage ---------------------------------------------------------------------------


def bench_coverage(
    xy: np.ndarray, areas: list[Any], activities: list[Activity], quick: bool
) -> None:
    n = len(xy)
    hours = np.array([a.hours for a in activities])
    compute, (counts, _) = best_of(lambda: area_totals(areas, xy, hours), 3 if quick else 7)

    # Peer: a plain Python loop over shapely `contains`, on a subset, scaled to all points.
    subset = min(n, 200 if quick else 2_000)
    points = [Point(x, y) for x, y in xy[:subset]]
    start = time.perf_counter()
    loop_counts = [sum(1 for p in points if area.contains(p)) for area in areas]
    loop_time = (time.perf_counter() - start) * n / subset
    check, _ = area_totals(areas, xy[:subset], hours[:subset])
    assert loop_counts == check.tolist(), "the vectorised counts differ from the loop"

    doc = load_promise_file(REPO / "data" / "promises" / "aneby-2023-2024.yaml")
    year = opened_year(doc)
    promise, _ = best_of(lambda: progress(doc, year, activities), 2 if quick else 3)
    report(
        f"coverage_areas_{n // 1000}k_x_{len(areas)}",
        compute,
        "s",
        f"{loop_time / compute:,.0f}× faster than a Python loop over shapely contains: "
        f"{loop_time:,.1f} s, timed on {subset:,} points and scaled; "
        f"{int(counts.sum()):,} activity-area hits; goal ≤ 0.3 s and ≥ 50×",
    )
    report(
        f"coverage_promise_{n // 1000}k",
        promise,
        "s",
        f"done and hours per commitment for the promise year; with the areas "
        f"{promise + compute:.2f} s in all",
    )


# -- the heatmap page in Chromium -------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(script: Path, env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run script` on a free port; returns the process and its URL when healthy."""
    port = _free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none", "--server.enableStaticServing", "true",
    ]  # fmt: skip
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **env}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, cwd=REPO, env=full_env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit(f"streamlit did not start:\n{log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's own process group, by its PID."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


TRIVIAL_PAGE = """
import folium
import streamlit as st
from streamlit_folium import st_folium
from ui.offline import use_vendored_assets

use_vendored_assets()
st.title("Karta")
m = folium.Map(location=[57.84, 14.81], zoom_start=12, tiles=None)
folium.CircleMarker([57.84, 14.81], radius=8).add_to(m)
st_folium(m, returned_objects=[], key="m", height=600)
"""

# A map's frame: st_folium's component, or a map drawn as its own page (ui/map_render.py),
# whose accessible name starts with "Karta".
MAP_FRAMES = "iframe[src*='/component/streamlit_folium.st_folium/'], iframe[title^='Karta']"
_IN_MAP = """() => {{
    const frame = document.querySelector("__MAP_FRAMES__");
    const doc = frame && frame.contentDocument;
    const el = doc && doc.querySelector({selector!r});
    return !!(el && {ready});
}}""".replace("__MAP_FRAMES__", MAP_FRAMES)
MAP_ONLY_PAGE = """
from datetime import date

import streamlit as st

from ui.heatmaps import heat_map, heat_view
from ui.map_render import show_map

st.title("Värmekarta")
start, end = date.fromisoformat("{start}"), date.fromisoformat("{end}")
view, _ = heat_view("aneby-2023-2024", start, end, 300.0, [], None)
show_map(heat_map(view), name="Karta: Värmekarta", height=600)
"""

DRAWN = {
    "overview": """() => [...document.querySelectorAll('h4')]
        .some(h => h.textContent.includes('Gäller hela löftet'))""",
    "image": _IN_MAP.format(
        selector="img.leaflet-image-layer", ready="el.complete && el.naturalWidth > 0"
    ),
    "vector": _IN_MAP.format(selector="path.leaflet-interactive", ready="true"),
}
# Any page is drawn when its script run has ended (Streamlit marks its root with the run's
# state), its title is shown, no element is still a placeholder and every map and calendar
# frame has drawn itself. Streamlit fetches each kind of element's code (a select box, a
# component's frame) the first time a page shows one, and shows a grey placeholder
# (`stSkeleton`) until it has arrived: the run ends before that, and a map's frame does not
# exist yet, so without the placeholder test a page with a map or calendar counted as drawn
# while the user still saw 6–27 placeholders and no map.
_IDLE = """(() => {
    const app = document.querySelector("[data-testid=stApp]");
    return !!app && app.getAttribute("data-test-script-state") === "notRunning"
        && !!document.querySelector("h1")
        && !document.querySelector("[data-testid=stSkeleton]");
})()"""
_FRAMES = """[...document.querySelectorAll(
        "__MAP_FRAMES__, iframe[title^='Kalender']"
    )].every(f => f.contentDocument && f.contentDocument.querySelector(
        ".leaflet-map-pane, .fc-view"))""".replace("__MAP_FRAMES__", MAP_FRAMES)
DRAWN["page"] = f"() => {_IDLE} && {_FRAMES}"
for _name in ("overview", "image", "vector"):
    DRAWN[_name] = f"() => {_IDLE} && ({DRAWN[_name]})()"
# Counts the script runs a tab has seen end, so an interaction is timed until the run it
# started has ended (not the run before it). Counted from the attribute's old values: an
# observer that read the attribute itself missed a run that began and ended between two of
# its calls (the main thread busy), and a wait for the next run then never ended.
COUNT_RUNS = """
window.__runs = 0;
new MutationObserver((records) => {
    for (const r of records) {
        if (r.attributeName === "data-test-script-state" && r.oldValue === "running") {
            window.__runs += 1;
        }
    }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ["data-test-script-state"]});
"""


# Every request to another host than this machine (map tiles): refused, as CI and police
# networks do. Only these are routed through Playwright: a handler for every request held
# each of the page's own ~110 requests for a round trip to this Python process, which
# added 0.2 s to a page with the sidebar's widget code and a map frame (Karta 2.47 s →
# 2.23 s, the trivial page 1.73 s → 1.68 s, same tabs at load 1–4): not what a browser does.
INTERNET = re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost)[:/])")


def _offline(route: Any) -> None:
    """Refuse a request to the internet."""
    route.abort("internetdisconnected")


def _chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, as the browser tests start it."""
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking"],
    )  # fmt: skip


def _offline_context(browser: Any) -> Any:
    """A fresh tab's context (no cache, no cookies) without the internet."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(COUNT_RUNS)
    context.route(INTERNET, _offline)
    return context


def _timed_visits(
    targets: dict[str, tuple[str, str]],
    loads: int,
    between: Callable[[], None],
    first: bool = False,
    warm: bool = False,
) -> dict[str, list[float]]:
    """Seconds from `goto` until the map is drawn, in fresh tabs, for each target.

    Targets are visited in turn (ours, the peer, ours, …), so both see the same load on
    a shared machine. One untimed visit each first (the server imports the page's modules,
    as any server does that has shown the page before), then `between()`, then `loads`
    timed rounds. With `first`, that first visit is timed too and comes first in the list.

    Each visit is a new browser context (no cache, no cookies), unless `warm`: then each
    target's tabs share one context, so from the second visit on the browser has Streamlit's
    code and the map's scripts in its cache, as a planner's browser has on the second visit
    of the week.
    """
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {name: [] for name in targets}
    with sync_playwright() as p:
        browser = _chromium(p)
        kept = {name: _offline_context(browser) for name in targets} if warm else {}
        for round_ in range(loads + 1):
            if round_ == 1:
                between()
            for name, (url, drawn) in targets.items():
                context = kept.get(name) or _offline_context(browser)
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url)
                try:
                    page.wait_for_function(DRAWN[drawn], timeout=120_000, polling="raf")
                except Exception:
                    page.screenshot(path=f"/tmp/bench-timeout-{name}.png", full_page=True)
                    raise RuntimeError(f"{name} ({url}) was not drawn ({drawn})") from None
                if round_ > 0 or first:
                    times[name].append(time.perf_counter() - start)
                page.close()
                if not warm:
                    context.close()
        for context in kept.values():
            context.close()
        browser.close()
    return times


def _add_one(url: str, activity: Activity) -> None:
    """Log one more activity: the stamp changes, so the cached surface is not reused."""
    store = Store(url)
    with store.session(Actor("benchmark")) as s:
        s.add_activity(activity)
    store.dispose()


def bench_page(activities: list[Activity], quick: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="lofteskartan-bench-") as tmp:
        folder = Path(tmp)
        url_db = f"sqlite:///{folder / 'bench.sqlite'}"
        store = Store(url_db)
        actor = Actor("benchmark")
        note("building the database for the page benchmark")
        initialise(store, actor, [REPO / "data" / "promises"])
        with store.session(actor) as s:
            s.add_activities_bulk(activities, document_id="aneby-2023-2024")
            doc = s.promise_document()
        year = opened_year(doc)

        def server_part() -> Any:
            with store.session(actor) as s:
                return load_heat(s, doc, year.start_at, year.end_at, RADIUS_M)

        server, view = best_of(server_part, 2 if quick else 3)
        store.dispose()
        (folder / "static").symlink_to(REPO / "static", target_is_directory=True)
        trivial = folder / "trivial_map.py"
        trivial.write_text(TRIVIAL_PAGE, encoding="utf-8")
        map_only = folder / "heat_map_only.py"
        page = MAP_ONLY_PAGE.replace("{start}", f"{year.start}").replace("{end}", f"{year.end}")
        map_only.write_text(page, encoding="utf-8")
        loads = 3 if quick else 6

        note("timing the heatmap page and a trivial Streamlit + folium page in Chromium")
        ours_proc, ours_url = _serve(
            REPO / "app.py", {"LOFTESKARTAN_DB": url_db}, folder / "app.log"
        )
        peer_proc, peer_url = _serve(trivial, {}, folder / "trivial.log")
        # The same map without the app around it (menu, sidebar, filters), to tell the
        # heatmap's own cost from the page's.
        bare_proc, bare_url = _serve(map_only, {"LOFTESKARTAN_DB": url_db}, folder / "bare.log")
        try:
            # After the untimed visits one activity is added, so the first timed visit
            # computes the surface anew (as after any change); later ones reuse it.
            times = _timed_visits(
                {
                    "ours": (f"{ours_url}/Varmekarta", "image"),
                    "peer": (peer_url, "vector"),
                    "bare": (bare_url, "image"),
                },
                loads,
                lambda: _add_one(url_db, activities[0]),
            )
        finally:
            for proc in (ours_proc, peer_proc, bare_proc):
                _stop(proc)
        ours, peer, bare = times["ours"], times["peer"], times["bare"]
    n = len(activities)
    report(
        f"heatmap_page_{n // 1000}k_server_part",
        server,
        "s",
        f"reading {view.layer.events:,} activities from SQLite and computing the layer "
        f"in-process (geo.followup.heat.load_heat), the part of a first visit that grows with N",
    )
    # The first visit computes the surface; later visits with the same filters reuse it
    # until an activity or place changes (ui/heatmaps.py: heat_view).
    first, later = ours[0], statistics.median(ours[1:])
    trivial = statistics.median(peer[1:])
    report(
        f"heatmap_page_{n // 1000}k_first_visit",
        first,
        "s",
        f"{first / peer[0]:.2f}× a trivial Streamlit + folium page loaded right after it: "
        f"{peer[0]:.2f} s; recomputes the surface after one new activity; goal ≤ 2 s",
    )
    report(
        f"heatmap_page_{n // 1000}k_later_visits",
        later,
        "s",
        f"{later / trivial:.2f}× the trivial page: {trivial:.2f} s, medians of {loads - 1} "
        "fresh tabs each, in turn; same filters, surface reused; goal ≤ 2 s",
    )
    map_only = statistics.median(bare[1:])
    report(
        f"heatmap_map_only_{n // 1000}k_later_visits",
        map_only,
        "s",
        f"{map_only / trivial:.2f}× the trivial page; the same map and surface without the "
        "app's menu, sidebar and filters",
    )


# -- the Karta and Översikt pages ------------------------------------------------------


def _karta_database(
    folder: Path, name: str, activities: list[Activity], areas: list[Any] | None
) -> tuple[str, list[tuple[int, float]]]:
    """A database with the promise and `activities`, at the `areas` as places when given
    (each activity at a random one, without an own position). Returns its URL and the map
    script's size in MB after 1 %, 10 % and all of the activities (the map as built
    in-process: what the page sends to the browser)."""
    url = f"sqlite:///{folder / name}"
    store = Store(url)
    actor = Actor("benchmark")
    initialise(store, actor, [REPO / "data" / "promises"])
    with store.session(actor) as s:
        if areas is not None:
            ids = [
                s.add_place(Place(PlaceKind.CENTRAL_AREA, f"Område {i + 1}", area)).id
                for i, area in enumerate(areas)
            ]
            rng = np.random.default_rng(7)
            chosen = rng.integers(0, len(ids), len(activities))
            activities = [
                replace(a, geometry=None, place_id=ids[int(k)])
                for a, k in zip(activities, chosen, strict=True)
            ]
        doc = s.promise_document()
        base = load_base_layers(s, doc.kommunkod)
    year = opened_year(doc)
    sizes = []
    done = 0
    for share in (0.01, 0.1, 1.0):
        upto = int(len(activities) * share)
        with store.session(actor) as s:
            s.add_activities_bulk(activities[done:upto], document_id=doc.id)
        done = upto
        with store.session(actor) as s:
            data = load_map_data(s, doc, year.start_at, year.end_at, base)
        html = (
            # No background setting: the benchmark's database is not the app's (LOFTESKARTAN_DB).
            overview_map(
                data.bounds, data.base, data.places, data.activities, data.attributions, None
            )
            .get_root()
            .render()
        )
        sizes.append((upto, len(html.encode("utf-8")) / 1e6))
    store.dispose()
    return url, sizes


def _karta_server_part(url: str, repeat: int) -> tuple[float, float]:
    """Seconds for what a Karta visit does on the server once base layers are kept
    (read and count the activities, build and render the folium map), and for Översikt's
    figures (`status_report`)."""
    store = Store(url)
    actor = Actor("benchmark")
    with store.session(actor) as s:
        doc = s.promise_document()
        base = load_base_layers(s, doc.kommunkod)
    year = opened_year(doc)

    def karta() -> None:
        with store.session(actor) as s:
            data = load_map_data(s, doc, year.start_at, year.end_at, base)
        overview_map(
            data.bounds, data.base, data.places, data.activities, data.attributions, None
        ).get_root().render()

    karta_time, _ = best_of(karta, repeat)
    overview_time, _ = best_of(
        lambda: status_report(
            store, actor, doc.id, year.start.year, year.start + timedelta(days=200)
        ),
        repeat,
    )
    store.dispose()
    return karta_time, overview_time


def bench_karta(activities: list[Activity], areas: list[Any], quick: bool, browser: bool) -> None:
    n = len(activities)
    k = f"{n // 1000}k"
    with tempfile.TemporaryDirectory(prefix="lofteskartan-karta-") as tmp:
        folder = Path(tmp)
        note(f"building two databases of {n:,} activities for the Karta benchmark")
        placed_url, placed_sizes = _karta_database(folder, "places.sqlite", activities, areas)
        own_url, own_sizes = _karta_database(folder, "own.sqlite", activities, None)
        repeat = 2 if quick else 3
        placed_karta, placed_overview = _karta_server_part(placed_url, repeat)
        own_karta, _ = _karta_server_part(own_url, repeat)
        report(
            f"karta_server_part_{k}_at_places",
            placed_karta,
            "s",
            f"{n:,} activities at {len(areas)} places: counting them and building the map "
            "in-process (base layers kept, as the page keeps them)",
        )
        report(
            f"karta_map_script_{k}_at_places",
            placed_sizes[-1][1],
            "MB",
            "the map page's script for N = "
            + ", ".join(f"{count:,}: {size:.2f} MB" for count, size in placed_sizes),
        )
        report(
            f"karta_server_part_{k}_own_positions",
            own_karta,
            "s",
            f"the same {n:,} activities, each at its own position and no place (the worst case)",
        )
        report(
            f"karta_map_script_{k}_own_positions",
            own_sizes[-1][1],
            "MB",
            "for N = " + ", ".join(f"{count:,}: {size:.2f} MB" for count, size in own_sizes),
        )
        report(
            f"overview_server_part_{k}",
            placed_overview,
            "s",
            "Översikt's figures (geo.followup.status.status_report: done, hours, planned, "
            "tertials)",
        )
        if not browser:
            return
        (folder / "static").symlink_to(REPO / "static", target_is_directory=True)
        trivial = folder / "trivial_map.py"
        trivial.write_text(TRIVIAL_PAGE, encoding="utf-8")
        loads = 2 if quick else 4
        note("timing the Karta and Översikt pages in Chromium")
        app = REPO / "app.py"
        placed_proc, placed = _serve(app, {"LOFTESKARTAN_DB": placed_url}, folder / "p.log")
        own_proc, own = _serve(app, {"LOFTESKARTAN_DB": own_url}, folder / "o.log")
        peer_proc, peer_url = _serve(trivial, {}, folder / "trivial.log")
        try:
            times = _timed_visits(
                {
                    "placed": (f"{placed}/Karta", "vector"),
                    "own": (f"{own}/Karta", "vector"),
                    "overview": (placed, "overview"),
                    "peer": (peer_url, "vector"),
                },
                loads,
                lambda: None,
            )
        finally:
            for proc in (placed_proc, own_proc, peer_proc):
                _stop(proc)
    trivial_time = statistics.median(times["peer"])
    for name, line, what in (
        ("placed", f"karta_page_{k}_at_places", f"{n:,} activities at {len(areas)} places"),
        ("own", f"karta_page_{k}_own_positions", "each activity at its own position"),
        ("overview", f"oversikt_page_{k}", "until the last commitment table is shown"),
    ):
        value = statistics.median(times[name])
        report(
            line,
            value,
            "s",
            f"{value / trivial_time:.2f}× a trivial Streamlit + folium page: {trivial_time:.2f} s; "
            f"{what}; medians of {loads} fresh tabs, in turn",
        )


# -- ten promises in one database (issue 13, "Scale") -----------------------------------

# Ten kommuner of Jönköpings län (SCB's codes and names); the first is the one timed.
SCALE_KOMMUNER = (
    ("0604", "Aneby"),
    ("0686", "Eksjö"),
    ("0682", "Nässjö"),
    ("0684", "Sävsjö"),
    ("0687", "Tranås"),
    ("0685", "Vetlanda"),
    ("0680", "Jönköping"),
    ("0683", "Värnamo"),
    ("0662", "Gislaved"),
    ("0617", "Gnosjö"),
)
POLICE_AREAS = {"0680": "Jönköping", "0683": "Värnamo", "0662": "Värnamo", "0617": "Värnamo"}


def _promise_file_for(folder: Path, kod: str, name: str) -> Path:
    """Aneby's promise file with the id, kommun and police area changed: example data."""
    slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    area = POLICE_AREAS.get(kod, "Höglandet")
    text = (REPO / "data" / "promises" / "aneby-2023-2024.yaml").read_text(encoding="utf-8")
    text = (
        text.replace("aneby-2023-2024", f"{slug}-2023-2024")
        .replace('"0604"', f'"{kod}"')
        .replace("Lokalpolisområde Höglandet", f"Lokalpolisområde {area}")
        .replace("Aneby", name)
    )
    path = folder / f"{slug}-2023-2024.yaml"
    path.write_text(f"# Exempeldata (benchmarks/run.py): Anebys löfte för {name}.\n{text}")
    return path


def _scale_database(
    url: str, kommuner: list[tuple[str, str]], size: int, folder: Path
) -> PromiseDocument:
    """A database holding the promises of `kommuner`, each with 200 central areas and `size`
    example activities inside its kommun (same seed per kommun, so the first kommun's data
    is the same whether it is alone or among ten). Returns the first kommun's promise."""
    store = Store(url)
    actor = Actor("benchmark")
    files = [_promise_file_for(folder, kod, name) for kod, name in kommuner]
    initialise(store, actor, files)
    boundaries = read_layer(BASE_DIR / "jonkopings_lan_kommuner_scb.geojson").set_index("kommunkod")
    with store.session(actor) as s:
        for file, (kod, _) in zip(files, kommuner, strict=True):
            doc = load_promise_file(file)
            boundary = boundaries.geometry[kod]
            rng = np.random.default_rng(int(kod))
            inner = boundary.representative_point()
            centres = (
                ANEBY_TATORTER
                if kod == "0604"
                else synthetic_points(3, boundary, rng, [(inner.x, inner.y)])
            )
            xy = synthetic_points(size, boundary, rng, centres)
            for i, area in enumerate(synthetic_areas(boundary, rng)):
                s.add_place(
                    Place(PlaceKind.CENTRAL_AREA, f"Område {i + 1}", area, is_example=True), kod
                )
            start = opened_year(doc).start_at
            activities = [replace(a, is_example=True) for a in synthetic_activities(xy, start, rng)]
            s.add_activities_bulk(activities, document_id=doc.id)
    store.dispose()
    return load_promise_file(files[0])


def _page_loaders(url: str, doc: PromiseDocument, repeat: int) -> dict[str, float]:
    """Best seconds of the three pages' loaders for `doc`: Översikt's figures
    (`status_report`), Karta's data (`load_map_data`, base layers kept as the page keeps
    them) and Värmekarta's layer (`load_heat`)."""
    store = Store(url)
    actor = Actor("benchmark")
    year = opened_year(doc)
    with store.session(actor) as s:
        base = load_base_layers(s, doc.kommunkod)

    def karta() -> Any:
        with store.session(actor) as s:
            return load_map_data(s, doc, year.start_at, year.end_at, base)

    def heat() -> Any:
        with store.session(actor) as s:
            return load_heat(s, doc, year.start_at, year.end_at, RADIUS_M)

    day = year.start + timedelta(days=200)
    times = {
        "oversikt": best_of(
            lambda: status_report(store, actor, doc.id, year.start.year, day), repeat
        )[0],
        "karta": best_of(karta, repeat)[0],
        "varmekarta": best_of(heat, repeat)[0],
    }
    store.dispose()
    return times


def bench_scale(size: int, quick: bool) -> None:
    k = f"{size // 1000}k"
    with tempfile.TemporaryDirectory(prefix="lofteskartan-scale-") as tmp:
        folder = Path(tmp)
        note(f"building a database of {len(SCALE_KOMMUNER)} promises × {size:,} activities")
        start = time.perf_counter()
        ten_url = f"sqlite:///{folder / 'ten.sqlite'}"
        doc = _scale_database(ten_url, list(SCALE_KOMMUNER), size, folder)
        built = time.perf_counter() - start
        note(f"built in {built:.0f} s; now one holding only {doc.id}")
        one_url = f"sqlite:///{folder / 'one.sqlite'}"
        _scale_database(one_url, list(SCALE_KOMMUNER[:1]), size, folder)
        # Best of 3 in turn, four rounds each: both see the same load on a shared machine
        # (with two rounds, single figures moved by up to 0.4× between runs).
        one: dict[str, float] = {}
        ten: dict[str, float] = {}
        for _ in range(1 if quick else 4):
            for times, url in ((one, one_url), (ten, ten_url)):
                for page, seconds in _page_loaders(url, doc, 2 if quick else 3).items():
                    times[page] = min(seconds, times.get(page, seconds))
    total = len(SCALE_KOMMUNER) * size
    for page, what in (
        ("oversikt", "Översikt's figures (status_report)"),
        ("karta", "Karta's data (load_map_data)"),
        ("varmekarta", "Värmekarta's layer (load_heat)"),
    ):
        report(
            f"scale_{page}_{k}_of_{total // 1000}k",
            ten[page],
            "s",
            f"{ten[page] / one[page]:.2f}× the same promise alone in its database: "
            f"{one[page]:.3f} s; {what} for one of {len(SCALE_KOMMUNER)} promises of {size:,} "
            f"activities each; goal ≤ 1.2×",
        )


# -- every page and the app's shell (issue 16) -------------------------------------------

# The menu's pages with their addresses ("" is the first page, Översikt) and when each is drawn.
SHELL_PAGES = (
    ("oversikt", "", "overview"),
    ("karta", "Karta", "vector"),
    ("platser", "Platser", "page"),
    ("planering", "Planering", "page"),
    ("logga", "Logga", "page"),
    ("polisomrade", "Polisomrade", "page"),
    ("uppfoljning", "Uppfoljning", "page"),
    ("varmekarta", "Varmekarta", "image"),
    ("lagesbild", "Lagesbild", "page"),
    ("export", "Export", "page"),
    ("kontrollplatser", "Kontrollplatser", "page"),
    ("loftesredigering", "Loftesredigering", "page"),
    ("admin", "Admin", "page"),
)

# The trivial page with a widget: the peer of an interaction (a rerun after a widget change).
TRIVIAL_WIDGET_PAGE = TRIVIAL_PAGE.replace(
    "folium.CircleMarker([57.84, 14.81], radius=8)",
    "folium.CircleMarker([57.84, 14.81], radius=8, color=colour)",
).replace(
    'st.title("Karta")',
    'st.title("Karta")\ncolour = st.radio("Färg", ["blue", "red"], horizontal=True)',
)

# The app's shell around a page that draws only its title: app.py's sign-in gate, menu and
# sidebar, and what every page calls first (through_app, the promise and year, the actor).
SHELL_MAIN = """
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, {repo!r})
import streamlit as st

import app

here = Path(__file__).parent
app.PAGE_TABLE = (replace(app.PAGE_TABLE[0], file=str(here / "shell_page.py")), *app.PAGE_TABLE[1:])
st.set_page_config(page_title="Löfteskartan", layout="wide")
app._main()
"""
SHELL_PAGE = """
import streamlit as st

from ui.entry import through_app
from ui.state import current_actor, selection

through_app()
sel = selection()
current_actor()
st.title("Karta")
"""
TITLE_PAGE = """
import streamlit as st

st.title("Karta")
"""


def _script_run_seconds(script: Path, env: dict[str, str], repeat: int) -> float:
    """Median seconds of a warm script run in Streamlit's AppTest, in this process."""
    from streamlit.testing.v1 import AppTest

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        at = AppTest.from_file(str(script), default_timeout=120)
        at.run()
        assert not at.exception, at.exception
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return statistics.median(times)


def _interaction_times(
    url: str,
    drawn: str,
    prepare: Callable[[Any], bool],
    act: Callable[[Any], None],
    loads: int,
    shown: str | None = None,
) -> list[float]:
    """Seconds from a widget change until the run it started has drawn the page, in fresh tabs.

    `prepare` gets the tab ready and says whether it started a run (switching to a view):
    that run is waited for, so it is not timed as part of the change. `shown`, a script that
    is true once the change is on the page, ends the wait instead of the run counter.
    """
    from playwright.sync_api import sync_playwright

    ready = DRAWN[drawn].removeprefix("() => ")
    times = []
    with sync_playwright() as p:
        browser = _chromium(p)
        for _ in range(loads):
            context = _offline_context(browser)
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(DRAWN[drawn], timeout=120_000, polling="raf")
            runs = page.evaluate("window.__runs")
            if prepare(page):
                page.wait_for_function(
                    f"() => window.__runs > {runs} && {ready}", timeout=120_000, polling="raf"
                )
                runs = page.evaluate("window.__runs")
            start = time.perf_counter()
            act(page)
            done = (
                f"() => {shown} && {ready}" if shown else f"() => window.__runs > {runs} && {ready}"
            )
            try:
                page.wait_for_function(done, timeout=120_000, polling="raf")
            except Exception:
                shot = f"/tmp/bench-interaction-{act.__name__}.png"
                page.screenshot(path=shot, full_page=True)
                raise RuntimeError(
                    f"{act.__name__} on {url}: no new run drawn within 120 s (runs "
                    f"{runs} → {page.evaluate('window.__runs')}; screenshot {shot})"
                ) from None
            times.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return times


def _no_preparation(page: Any) -> bool:
    return False


def _type_week(page: Any) -> bool:
    """Planering: type another day of the month into the week's date field (not yet sent:
    the field sends its value when it is left, and the user's typing is not the app's time)."""
    day = page.get_by_role("spinbutton", name="day, Vecka (välj en dag i veckan)")
    # A day at least a week from the shown one, so the week always changes.
    shown = int(day.inner_text() or 1)
    day.click()
    page.keyboard.type("22" if shown < 15 else "05")
    return False


def _leave_date_field(page: Any) -> None:
    page.get_by_role("heading", name="Planering").click()  # leaving the field commits it


def _list_view(page: Any) -> bool:
    page.get_by_role("radio", name="Lista", exact=True).click(force=True)
    return True


def _week_filter(page: Any) -> None:
    """Planering's list: the filter "Bara vald vecka" off (or on again)."""
    page.get_by_text("Bara vald vecka").click()


def _colour(page: Any) -> None:
    page.get_by_role("radio", name="red", exact=True).click(force=True)


# The trivial page's circle drawn red: the end of the rerun `_colour` starts. That rerun is
# quick enough for Streamlit to draw it without the page ever being marked "running": the
# run counter once stayed at 1 for 120 s with the circle already red on the screen.
RED_CIRCLE = """(() => {
    const frame = document.querySelector("__MAP_FRAMES__");
    const circle = frame && frame.contentDocument
        && frame.contentDocument.querySelector("path.leaflet-interactive");
    return !!circle && circle.getAttribute("stroke") === "red";
})()""".replace("__MAP_FRAMES__", MAP_FRAMES)


def _shell_folder(folder: Path, activities: list[Activity]) -> dict[str, str]:
    """The database with the activities, the peers' scripts and `static/` in `folder`;
    returns the environment that points the app at the database."""
    url_db = f"sqlite:///{folder / 'shell.sqlite'}"
    store = Store(url_db)
    places = demo_places()
    note(
        f"building the database for every page ({len(activities):,} activities, "
        f"{len(places)} example places)"
    )
    initialise(store, Actor("benchmark"), [REPO / "data" / "promises"])
    with store.session(Actor("benchmark")) as s:
        s.add_activities_bulk(activities, document_id="aneby-2023-2024")
        # The demo's example places, as many as Aneby's promise names: without them Platser
        # drew an empty table and Kontrollplatser stopped at "choose candidates", lighter
        # pages than a planner ever sees.
        for place in places:
            s.add_place(place)
    store.dispose()
    (folder / "static").symlink_to(REPO / "static", target_is_directory=True)
    scripts = {
        "trivial": TRIVIAL_PAGE,
        "trivial_widget": TRIVIAL_WIDGET_PAGE,
        "shell_main": SHELL_MAIN.format(repo=str(REPO)),
        "shell_page": SHELL_PAGE,
        "title": TITLE_PAGE,
    }
    for name, text in scripts.items():
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    return {"LOFTESKARTAN_DB": url_db}


def _interactions(ours: str, widget: str, loads: int) -> dict[str, list[float]]:
    """The two interactions on Planering and the trivial page's rerun, `loads` fresh tabs each."""
    planering = f"{ours}/Planering"
    return {
        "peer": _interaction_times(widget, "vector", _no_preparation, _colour, loads, RED_CIRCLE),
        "week": _interaction_times(planering, "page", _type_week, _leave_date_field, loads),
        "filter": _interaction_times(planering, "page", _list_view, _week_filter, loads),
    }


def _report_interactions(interactions: dict[str, list[float]], k: str, loads: int) -> None:
    peer_rerun = statistics.median(interactions["peer"])
    for name, what in (
        ("week", "Planering: another week picked in the date field"),
        ("filter", 'Planering\'s list: the filter "Bara vald vecka" switched'),
    ):
        value = statistics.median(interactions[name])
        report(
            f"interaction_{name}_{k}",
            value,
            "s",
            f"{value / peer_rerun:.2f}× the trivial page's rerun after a radio button: "
            f"{peer_rerun:.2f} s; {what}; until the page is drawn again; medians of {loads}; "
            "goal ≤ 1.2×",
        )


def bench_interactions(activities: list[Activity], quick: bool) -> None:
    """Only the two interactions and their peer (`--only interactions`): minutes, not the
    whole shell part's quarter of an hour."""
    k = f"{len(activities) // 1000}k"
    loads = 2 if quick else 3
    with tempfile.TemporaryDirectory(prefix="lofteskartan-interactions-") as tmp:
        folder = Path(tmp)
        env = _shell_folder(folder, activities)
        procs = []
        try:
            ours_proc, ours = _serve(REPO / "app.py", env, folder / "app.log")
            procs.append(ours_proc)
            widget_proc, widget = _serve(folder / "trivial_widget.py", {}, folder / "widget.log")
            procs.append(widget_proc)
            # The first visit imports the pages' modules: not part of an interaction.
            _timed_visits({"ours": (f"{ours}/Planering", "page")}, 0, lambda: None)
            note("timing two interactions and a widget change on the trivial page")
            interactions = _interactions(ours, widget, loads)
        finally:
            for proc in procs:
                _stop(proc)
    _report_interactions(interactions, k, loads)


def bench_shell(activities: list[Activity], quick: bool) -> None:
    n = len(activities)
    k = f"{n // 1000}k"
    with tempfile.TemporaryDirectory(prefix="lofteskartan-shell-") as tmp:
        folder = Path(tmp)
        env = _shell_folder(folder, activities)
        repeat = 5 if quick else 15
        note("timing the shell's script run in-process (AppTest)")
        shell_run = _script_run_seconds(folder / "shell_main.py", env, repeat)
        title_run = _script_run_seconds(folder / "title.py", env, repeat)
        report(
            "shell_server_run",
            shell_run - title_run,
            "s",
            f"the app's shell, a warm script run (sign-in gate, menu, sidebar's promise and year, "
            f"through_app, the actor) with {n:,} activities: {shell_run:.3f} s, less a page that "
            f"only draws its title: {title_run:.3f} s; medians of {repeat}; goal ≤ 0.15 s",
        )
        # Five rounds: with three, one busy moment on a shared 2-core machine moved a page's
        # median by 0.2× between two runs of the same code.
        loads = 2 if quick else 5
        note("timing every page and the shell in Chromium (fresh tabs, in turn)")
        procs = []
        try:
            ours_proc, ours = _serve(REPO / "app.py", env, folder / "app.log")
            procs.append(ours_proc)
            shell_proc, shell = _serve(folder / "shell_main.py", env, folder / "shell.log")
            procs.append(shell_proc)
            peer_proc, peer = _serve(folder / "trivial.py", {}, folder / "trivial.log")
            procs.append(peer_proc)
            title_proc, title = _serve(folder / "title.py", {}, folder / "title.log")
            procs.append(title_proc)
            widget_proc, widget = _serve(folder / "trivial_widget.py", {}, folder / "widget.log")
            procs.append(widget_proc)
            targets = {"peer": (peer, "vector"), "title": (title, "page"), "shell": (shell, "page")}
            targets |= {name: (f"{ours}/{address}", drawn) for name, address, drawn in SHELL_PAGES}
            times = _timed_visits(targets, loads, lambda: None, first=True)
            note("timing later visits with the browser's cache kept (every page, in turn)")
            warm = _timed_visits(targets, loads, lambda: None, warm=True)
            note("timing two interactions and a widget change on the trivial page")
            try:
                interactions: dict[str, list[float]] | None = _interactions(ours, widget, loads)
            except Exception as exc:  # the pages' figures stand without them
                note(f"the interactions stopped: {type(exc).__name__}: {exc}".splitlines()[0])
                interactions = None
        finally:
            for proc in procs:
                _stop(proc)
    peer_first, peer_later = times["peer"][0], statistics.median(times["peer"][1:])
    title_later = statistics.median(times["title"][1:])
    shell_later = statistics.median(times["shell"][1:])
    report(
        f"shell_page_{k}_later_visits",
        shell_later,
        "s",
        f"{shell_later / title_later:.2f}× a Streamlit page that only draws its title: "
        f"{title_later:.2f} s; the app's shell around an empty page; medians of {loads}",
    )
    for name, _, _ in SHELL_PAGES:
        first, later = times[name][0], statistics.median(times[name][1:])
        report(
            f"page_{name}_{k}_first_visit",
            first,
            "s",
            f"{first / peer_first:.2f}× the trivial Streamlit + folium page's first visit: "
            f"{peer_first:.2f} s; the first visit after the server started",
        )
        report(
            f"page_{name}_{k}_later_visits",
            later,
            "s",
            f"{later / peer_later:.2f}× the trivial page: {peer_later:.2f} s; medians of {loads} "
            "fresh tabs, in turn; goal ≤ 1.2×",
        )
        cached, peer_cached = statistics.median(warm[name]), statistics.median(warm["peer"])
        report(
            f"page_{name}_{k}_later_visits_cached",
            cached,
            "s",
            f"{cached / peer_cached:.2f}× the trivial page: {peer_cached:.2f} s; medians of "
            f"{loads} new tabs in a browser that has visited the page before (its cache kept)",
        )
    if interactions is not None:
        _report_interactions(interactions, k, loads)


def machine() -> str:
    """CPU model, cores, memory and load, for the README."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory = f"{int(mem) / 1e6:.0f} GB"
    except OSError:
        memory = "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}, Python {platform.python_version()}, "
        f"load average {load:.1f} at the start"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 activities: a smoke run")
    parser.add_argument("--skip-browser", action="store_true", help="no page load in Chromium")
    parser.add_argument(
        "--only",
        choices=("heatmap", "coverage", "page", "karta", "scale", "shell", "interactions"),
        help="one part of the run",
    )
    parser.add_argument(
        "--scale-size",
        type=int,
        help="activities per promise in the ten-promise database (100,000; --quick: 2,000)",
    )
    args = parser.parse_args()
    n = 2_000 if args.quick else 100_000
    print(f"# {datetime.now(STOCKHOLM):%Y-%m-%d %H:%M} on {machine()}", flush=True)
    rng = np.random.default_rng(604)
    boundary = aneby()
    note(f"making {n:,} activities and {AREAS} areas over Aneby")
    xy = synthetic_points(n, boundary, rng)
    areas = synthetic_areas(boundary, rng)
    doc = load_promise_file(REPO / "data" / "promises" / "aneby-2023-2024.yaml")
    year = opened_year(doc)
    activities = synthetic_activities(xy, year.start_at, rng)
    if args.only in (None, "heatmap"):
        bench_heatmap(xy, boundary, args.quick)
    if args.only in (None, "coverage"):
        bench_coverage(xy, areas, activities, args.quick)
    if args.only in (None, "page") and not args.skip_browser:
        bench_page(activities, args.quick)
    if args.only in (None, "karta"):
        bench_karta(activities, areas, args.quick, not args.skip_browser)
    if args.only in (None, "scale"):
        bench_scale(args.scale_size or n, args.quick)
    if args.only in (None, "shell") and not args.skip_browser:
        bench_shell(activities, args.quick)
    if args.only == "interactions" and not args.skip_browser:
        bench_interactions(activities, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
