"""Heatmaps: the density is in activities per km², keeps every activity and means metres."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from geo.followup.heat import (
    SURFACE_MIN_EVENTS,
    SURFACE_MIN_PLACES,
    Grid,
    counts_per_place,
    heat_image,
    heat_layer,
    kernel_density,
    surface_or_counts,
)
from geo.spatial.crs import sweref_to_lonlat
from geo.spatial.locations import NO_PLACE, ActivityPoints

# Around Aneby in SWEREF 99 TM.
E0, N0 = 483_000.0, 6_410_000.0


def quartic_peak_per_km2(radius_m: float) -> float:
    """The quartic kernel's height at its centre for one activity: 3 / (π r²), per km²."""
    return 3 / (math.pi * radius_m**2) * 1e6


def points(xy: np.ndarray, place_id: np.ndarray | None = None) -> ActivityPoints:
    n = len(xy)
    return ActivityPoints(
        xy[:, 0], xy[:, 1], np.full(n, NO_PLACE) if place_id is None else place_id, np.ones(n)
    )


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_the_density_integrates_to_the_number_of_activities(kernel: str) -> None:
    rng = np.random.default_rng(1)
    xy = np.column_stack([rng.uniform(E0, E0 + 3000, 1234), rng.uniform(N0, N0 + 2000, 1234)])
    grid = Grid.around(xy, 300, kernel=kernel)  # type: ignore[arg-type]
    density = kernel_density(xy, grid, 300, kernel=kernel)  # type: ignore[arg-type]
    assert density.events == 1234
    assert density.total() == pytest.approx(1234, rel=1e-5)


def test_weights_are_what_is_integrated() -> None:
    xy = np.array([[E0, N0], [E0 + 1000, N0]])
    density = kernel_density(xy, Grid.around(xy, 200), 200, weights=np.array([2.0, 3.5]))
    assert density.total() == pytest.approx(5.5, rel=1e-5)


def test_the_peak_lands_on_the_cluster() -> None:
    rng = np.random.default_rng(2)
    cluster = rng.normal((E0 + 1500, N0 + 800), 20, (60, 2))
    scattered = np.column_stack([rng.uniform(E0, E0 + 5000, 40), rng.uniform(N0, N0 + 5000, 40)])
    xy = np.vstack([cluster, scattered])
    density = kernel_density(xy, Grid.around(xy, 250), 250)
    x, y, value = density.peak()
    assert math.hypot(x - (E0 + 1500), y - (N0 + 800)) < 30
    assert value > 10 * density.at(E0 + 4000, N0 + 4000)


@pytest.mark.parametrize("cell", [2.0, 5.0, 10.0, 25.0])
def test_one_activity_has_the_quartic_height_at_its_centre_at_any_cell_size(cell: float) -> None:
    # What the user sees at a zoom level is a cell size; the radius stays 300 m on the ground.
    xy = np.array([[E0 + 0.5 * cell, N0 + 0.5 * cell]])  # on a cell centre
    grid = Grid(E0 - 400, N0 - 400, cell, int(800 / cell) + 1, int(800 / cell) + 1)
    density = kernel_density(xy, grid, 300)
    assert density.at(*xy[0]) == pytest.approx(quartic_peak_per_km2(300), rel=0.03)
    assert density.total() == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("cell", [5.0, 10.0, 20.0])
def test_the_surface_reaches_exactly_as_far_as_the_radius_in_metres(cell: float) -> None:
    xy = np.array([[E0 + 0.5 * cell, N0 + 0.5 * cell]])
    grid = Grid(E0 - 600, N0 - 600, cell, int(1200 / cell) + 1, int(1200 / cell) + 1)
    density = kernel_density(xy, grid, 300)
    xs, ys = grid.centres()
    row = int(np.argmin(np.abs(ys - xy[0, 1])))
    reach = xs[density.values[row] > 0]
    # Non-zero from one radius west to one radius east of the activity, to within one cell.
    assert reach.min() == pytest.approx(xy[0, 0] - 300, abs=cell)
    assert reach.max() == pytest.approx(xy[0, 0] + 300, abs=cell)


def test_the_same_activities_give_the_same_density_on_a_fine_and_a_coarse_grid() -> None:
    rng = np.random.default_rng(3)
    xy = rng.normal((E0, N0), 300, (500, 2))
    fine = kernel_density(xy, Grid.around(xy, 400, min_cell_m=5, max_cells=2000), 400)
    coarse = kernel_density(xy, Grid.around(xy, 400, min_cell_m=20, max_cells=2000), 400)
    assert (fine.grid.cell, coarse.grid.cell) == (5.0, 20.0)
    for x, y in [(E0, N0), (E0 + 300, N0 - 200), (E0 - 500, N0 + 100)]:
        assert coarse.at(x, y) == pytest.approx(fine.at(x, y), rel=0.05)


def test_activities_outside_the_grid_are_not_counted() -> None:
    xy = np.array([[E0 + 50, N0 + 50], [E0 + 10_000, N0]])
    density = kernel_density(xy, Grid(E0, N0, 10, 10, 10), 20)
    assert density.events == 1


def test_a_radius_must_be_positive() -> None:
    with pytest.raises(ValueError, match="radien"):
        kernel_density(np.array([[E0, N0]]), Grid(E0, N0, 10, 10, 10), 0)


# -- the image --------------------------------------------------------------------------


def test_the_image_is_a_png_over_the_activities_with_a_transparent_background() -> None:
    rng = np.random.default_rng(4)
    xy = rng.normal((E0, N0), 200, (300, 2))
    density = kernel_density(xy, Grid.around(xy, 300), 300)
    image = heat_image(density)
    png = Image.open(io.BytesIO(image.png))
    assert png.format == "PNG"
    assert png.size == (density.grid.nx, density.grid.ny)
    lon, lat = sweref_to_lonlat(E0, N0)
    assert image.west < lon < image.east and image.south < lat < image.north
    rgba = np.asarray(png.convert("RGBA"))
    assert rgba[0, 0, 3] == 0  # a corner, one radius away from everything: see-through
    assert rgba[png.size[1] // 2, png.size[0] // 2, 3] > 0  # the middle: coloured
    assert image.data_url().startswith("data:image/png;base64,")


def test_the_hottest_pixel_is_where_the_cluster_is_on_the_web_map() -> None:
    rng = np.random.default_rng(6)
    cluster = rng.normal((E0 + 2000, N0 + 1000), 15, (80, 2))
    spread = np.column_stack([rng.uniform(E0, E0 + 4000, 40), rng.uniform(N0, N0 + 3000, 40)])
    density = kernel_density(
        np.vstack([cluster, spread]), Grid.around(np.vstack([cluster, spread]), 200), 200
    )
    image = heat_image(density)
    index = np.asarray(Image.open(io.BytesIO(image.png)))
    row, col = np.unravel_index(int(np.argmax(index)), index.shape)
    lon = image.west + (col + 0.5) / index.shape[1] * (image.east - image.west)
    mercator = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    top, bottom = mercator(image.north), mercator(image.south)
    y = top - (row + 0.5) / index.shape[0] * (top - bottom)
    lat = math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)
    want_lon, want_lat = sweref_to_lonlat(E0 + 2000, N0 + 1000)
    # Within 20 m: one grid cell here is about 9 m.
    assert abs(lon - want_lon) * 111_320 * math.cos(math.radians(lat)) < 20
    assert abs(lat - want_lat) * 111_320 < 20


def test_the_layer_does_not_grow_with_the_number_of_activities() -> None:
    rng = np.random.default_rng(7)
    sizes = []
    for n in (1_000, 100_000):
        xy = np.column_stack([rng.uniform(E0, E0 + 20_000, n), rng.uniform(N0, N0 + 20_000, n)])
        grid = Grid.covering(E0, N0, E0 + 20_000, N0 + 20_000, 500)
        image = heat_image(kernel_density(xy, grid, 300))
        sizes.append(len(image.png))
        assert Image.open(io.BytesIO(image.png)).size == (500, 500)
    assert max(sizes) < 1_000_000


# -- few activities ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "events,places,surface",
    [
        (SURFACE_MIN_EVENTS - 1, 10, False),
        (SURFACE_MIN_EVENTS, SURFACE_MIN_PLACES, True),
        (500, SURFACE_MIN_PLACES - 1, False),
    ],
)
def test_a_surface_needs_enough_activities_at_enough_places(
    events: int, places: int, surface: bool
) -> None:
    drawn, reason = surface_or_counts(events, places)
    assert drawn is surface
    assert (reason == "") is surface


def test_few_activities_are_shown_as_counts_per_place_and_the_page_is_told_why() -> None:
    xy = np.array([[E0, N0]] * 6 + [[E0 + 500, N0]] * 3)
    layer = heat_layer(points(xy, np.array([7] * 6 + [8] * 3)), 300)
    assert layer.image is None and layer.density is None
    assert [(c.place_id, c.count) for c in layer.counts] == [(7, 6), (8, 3)]
    assert layer.reason.startswith("Bara 9 aktiviteter på 2 platser")
    assert f"{SURFACE_MIN_EVENTS} aktiviteter" in layer.reason


def test_activities_without_a_place_are_grouped_by_spot_to_the_metre() -> None:
    xy = np.array([[E0, N0], [E0 + 0.3, N0 - 0.2], [E0 + 40, N0]])
    counts = counts_per_place(points(xy))
    assert [(c.count, c.place_id) for c in counts] == [(2, None), (1, None)]


def test_enough_activities_give_a_surface() -> None:
    rng = np.random.default_rng(8)
    xy = rng.normal((E0, N0), 400, (50, 2))
    layer = heat_layer(points(xy), 300)
    assert layer.image is not None and layer.density is not None
    assert layer.density.total() == pytest.approx(50, rel=1e-5)
    assert layer.reason == ""
