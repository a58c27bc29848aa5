"""The activity import hands a file over a chunk at a time (issue 17), warnings counted across."""

from __future__ import annotations

import io

from geo.files.activity_import import FileReading
from tests.common import E0, N0
from tests.unit.test_activity_import_commitments import DOC, HEADER, KOMMUN


def walks(n: int, east: float = E0 + 500) -> bytes:
    """A CSV of `n` safety walks in the centre, 500 m north of the kommun's corner."""
    row = f"trygghetsvandring;vandring-centrum;2024-04-02 18:00;2024-04-02 20:00;{N0 + 500};{east}"
    return "\r\n".join((HEADER, *[row] * n)).encode()


def test_the_rows_are_handed_over_a_chunk_at_a_time_and_every_row_once() -> None:
    reading = FileReading("vandringar.csv", "ab" * 32, DOC, [])
    chunks = list(reading.chunks(io.BytesIO(walks(5)), chunk_rows=2))
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    rows = [item.row for chunk in chunks for item in chunk]
    assert rows == ["rad 2", "rad 3", "rad 4", "rad 5", "rad 6"]
    assert len({item.source_ref for chunk in chunks for item in chunk}) == 5


def test_activities_outside_the_kommun_are_counted_over_every_chunk() -> None:
    outside = walks(35, east=E0 + 5000)  # 4.5 km east of the kommun's square
    reading = FileReading("vandringar.csv", "ab" * 32, DOC, [], context=KOMMUN)
    assert sum(len(chunk) for chunk in reading.chunks(io.BytesIO(outside), chunk_rows=4)) == 35
    *shown, tail = reading.warnings()
    assert len(shown) == 30
    assert shown[0].startswith("vandringar.csv, rad 2: Aktiviteten ligger utanför Aneby kommun")
    assert tail == "vandringar.csv: … och 5 aktiviteter till utanför kommunen"
