"""The progress bar a page shows while a large file is written (`ui/progress.py`)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def saving_places(done_so_far: int, total: int) -> None:
    """A page writing `total` places that has got to `done_so_far`, row by row."""
    from ui.progress import progress_bar

    report = progress_bar("Sparar platserna …")
    for done in range(1, done_so_far + 1):
        report(done, total)


@pytest.mark.parametrize(
    "done, total, value, text",
    [
        (1, 4, 25, "Sparar platserna … 1 av 4"),
        (4, 4, 100, "Sparar platserna … 4 av 4"),
        (2500, 10_000, 25, "Sparar platserna … 2 500 av 10 000"),
    ],
)
def test_the_bar_shows_how_many_of_the_rows_are_written(
    done: int, total: int, value: int, text: str
) -> None:
    at = AppTest.from_function(saving_places, args=(done, total), default_timeout=30).run()
    (bar,) = at.get("progress")
    assert bar.proto.value == value
    assert bar.proto.text == text
