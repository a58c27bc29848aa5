"""Benchmark: site suggestions (exact sparse MCLP) against PySAL spopt's MCLP and greedy.

Run from the repository root:

    python benchmarks/siting.py            # both instances, spopt included (about a minute)
    python benchmarks/siting.py --repeat 5

Two instances, both 500 candidates × 5,000 weighted demand points, radius 300 m, in
SWEREF 99 TM metres, made from fixed seeds so every run sees the same numbers:

- uniform: candidates and demand spread evenly over 10 km × 10 km, k = 10;
- clustered: five "traps" (two inner clusters reachable from one middle site, two outer
  clusters each reachable only together with an inner one from an outer site) plus
  background points, k = 10. Greedy takes the five middle sites first and is clearly worse.

Every line reads `name: value unit (ratio vs peer)`. spopt is an optional dependency
(`pip install -e '.[bench]'`); without it the peer is the same MCLP written densely in PuLP
(every candidate × demand pair), which is what spopt builds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.planning.siting import covered_weight, greedy_mclp, solve_mclp  # noqa: E402

E0, N0 = 450_000.0, 6_400_000.0  # somewhere in Jönköpings län, SWEREF 99 TM
K, RADIUS = 10, 300.0
N_CANDIDATES, N_DEMAND = 500, 5_000


def uniform_instance(seed: int = 2024) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """500 candidates and 5,000 demand points (weights 1–5) evenly over 10 km × 10 km."""
    rng = np.random.default_rng(seed)
    cand = rng.uniform(0, 10_000, (N_CANDIDATES, 2)) + (E0, N0)
    demand = rng.uniform(0, 10_000, (N_DEMAND, 2)) + (E0, N0)
    weights = rng.integers(1, 6, N_DEMAND).astype(float)
    return cand, demand, weights


def clustered_instance(seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Five greedy traps in a 10 km × 10 km area, filled up with background points.

    Each trap, along a random direction: a middle candidate at 0 reaches two inner clusters
    at ±200 m (200 points each); outer candidates at ±450 m reach one inner cluster and one
    outer cluster at ±700 m (160 points). Middle: 400 points, outer: 360. Greedy picks the
    five middles first (400 > 360) and then gains only 160 per outer site; the optimum takes
    the ten outer sites.
    """
    rng = np.random.default_rng(seed)
    centres = [(2_000, 2_000), (8_000, 2_000), (5_000, 5_000), (2_000, 8_000), (8_000, 8_000)]
    cand: list[np.ndarray] = []
    demand: list[np.ndarray] = []
    for cx, cy in centres:
        angle = rng.uniform(0, np.pi)
        axis = np.array([np.cos(angle), np.sin(angle)])
        centre = np.array([cx, cy], dtype=float)
        for offset in (0.0, -450.0, 450.0):
            cand.append(centre + offset * axis)
        for offset, size in ((-200.0, 200), (200.0, 200), (-700.0, 160), (700.0, 160)):
            demand.append(centre + offset * axis + rng.normal(0, 10, (size, 2)))
    traps = np.vstack(demand)
    background = rng.uniform(0, 10_000, (N_DEMAND - len(traps), 2))
    others = rng.uniform(0, 10_000, (N_CANDIDATES - len(cand), 2))
    all_cand = np.vstack([np.array(cand), others]) + (E0, N0)
    all_demand = np.vstack([traps, background]) + (E0, N0)
    return all_cand, all_demand, np.ones(len(all_demand))


def spopt_mclp(cand: np.ndarray, demand: np.ndarray, weights: np.ndarray) -> tuple[int, ...]:
    """spopt's MCLP from a dense cost matrix, solved with the same bundled CBC."""
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    cost = cdist(demand, cand)  # clients × facilities, as spopt wants it
    model = MCLP.from_cost_matrix(cost, weights, service_radius=RADIUS, p_facilities=K)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    return tuple(j for j, clients in enumerate(model.fac2cli) if len(clients) or _chosen(model, j))


def _chosen(model: Any, j: int) -> bool:
    """Whether spopt opened facility j (its x variable is 1), also when it serves nobody."""
    variable = model.fac_vars[j]
    return bool(variable.value() and variable.value() > 0.5)


def dense_pulp_mclp(cand: np.ndarray, demand: np.ndarray, weights: np.ndarray) -> tuple[int, ...]:
    """The textbook dense MCLP in PuLP (the fallback peer when spopt is not installed)."""
    import pulp
    from scipy.spatial.distance import cdist

    reach = cdist(demand, cand) <= RADIUS
    problem = pulp.LpProblem("dense", pulp.LpMaximize)
    x = [problem.add_variable(f"x{j}", cat=pulp.LpBinary) for j in range(len(cand))]
    y = [problem.add_variable(f"y{i}", cat=pulp.LpBinary) for i in range(len(demand))]
    problem += pulp.lpSum(float(w) * yi for w, yi in zip(weights, y, strict=True))
    problem += pulp.lpSum(x) == K
    for i in range(len(demand)):
        problem += y[i] <= pulp.lpSum(x[j] for j in np.flatnonzero(reach[i]))
    problem.solve(pulp.PULP_CBC_CMD(msg=False))
    return tuple(j for j, v in enumerate(x) if v.value() and v.value() > 0.5)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (CBC runs as a child)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(
    function: Callable[..., tuple[int, ...]], repeat: int, *args: Any
) -> tuple[float, float, tuple[int, ...]]:
    """Median wall and CPU seconds over `repeat` runs, and the last answer.

    CPU time is reported too because other work on a shared machine stretches wall time.
    """
    walls, cpus, answer = [], [], ()
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        answer = function(*args)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus), answer


def line(name: str, value: float, unit: str, note: str = "") -> None:
    """One result line: `name: value unit (ratio vs peer)`."""
    text = f"{value:.3f}" if value < 100 else f"{value:.0f}"
    print(f"{name}: {text} {unit}" + (f" ({note})" if note else ""), flush=True)


def machine() -> None:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for package in ("pulp", "scipy", "numpy", "spopt"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    print(f"# machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"# {platform.platform()}; {', '.join(versions)}")


def run(name: str, instance: tuple[np.ndarray, np.ndarray, np.ndarray], repeat: int) -> None:
    """Time and score ours, the peer and greedy on one instance."""
    cand, demand, weights = instance
    total = float(weights.sum())
    try:
        import spopt.locate  # noqa: F401

        peer_name, peer = "spopt", spopt_mclp
    except ImportError:
        print("# spopt is not installed: the peer is the dense PuLP formulation")
        peer_name, peer = "pulp_dense", dense_pulp_mclp

    ours_t, ours_cpu, ours = timed(solve_mclp, repeat, cand, demand, weights, K, RADIUS)
    greedy_t, greedy_cpu, greedy = timed(greedy_mclp, repeat, cand, demand, weights, K, RADIUS)
    peer_t, peer_cpu, peer_sites = timed(peer, 1, cand, demand, weights)  # slow: once is enough

    def covered(sites: tuple[int, ...]) -> float:
        return covered_weight(cand, demand, weights, sites, RADIUS)

    ours_c, peer_c, greedy_c = covered(ours), covered(peer_sites), covered(greedy)
    prefix = f"{name} ({len(cand)} candidates × {len(demand)} demand, k={K}, r={RADIUS:.0f} m)"
    print(f"# {prefix}")
    line(f"{name}.ours_time", ours_t, "s", f"{peer_t / ours_t:.1f}× faster than {peer_name}")
    line(f"{name}.{peer_name}_time", peer_t, "s", "1.0× itself")
    line(f"{name}.greedy_time", greedy_t, "s", f"{ours_t / greedy_t:.1f}× faster than ours")
    line(
        f"{name}.ours_cpu",
        ours_cpu,
        "s",
        f"{peer_cpu / ours_cpu:.1f}× less than {peer_name}",
    )
    line(f"{name}.{peer_name}_cpu", peer_cpu, "s", "1.0× itself")
    line(f"{name}.greedy_cpu", greedy_cpu, "s", f"{ours_cpu / max(greedy_cpu, 1e-3):.1f}× less")
    line(
        f"{name}.ours_covered",
        ours_c,
        "weight",
        f"{ours_c / peer_c:.4f}× {peer_name}, {100 * ours_c / total:.1f} % of {total:.0f}",
    )
    line(f"{name}.{peer_name}_covered", peer_c, "weight", f"{100 * peer_c / total:.1f} %")
    line(
        f"{name}.greedy_covered",
        greedy_c,
        "weight",
        f"{greedy_c / ours_c:.4f}× ours, {100 * greedy_c / total:.1f} %",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours and greedy (median)")
    args = parser.parse_args()
    machine()
    run("uniform", uniform_instance(), args.repeat)
    run("clustered", clustered_instance(), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
