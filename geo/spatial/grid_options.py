"""The choices of a counting grid: its shape, the cell size and the smallest count shown.

Kept apart from `geo.spatial.aggregate` (the counting, which needs shapely) so that the command
line can offer them as options and defaults without importing shapely and NumPy for
`lofteskartan --help`.
"""

from __future__ import annotations

import enum

DEFAULT_CELL_SIZE_M = 500.0
DEFAULT_MIN_COUNT = 3
MIN_CELL_SIZE_M = 200.0
MAX_CELL_SIZE_M = 10_000.0


class GridShape(enum.StrEnum):
    """Rutnät: squares (`ruta`) or hexagons (`hexagon`)."""

    SQUARE = "ruta"
    HEXAGON = "hexagon"
