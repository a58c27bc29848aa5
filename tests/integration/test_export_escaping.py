"""User text in exports is text, never markup: the HTML map escapes it, the PDF prints it.

A place name or note is typed by a planner (or imported from a file someone sent). In the
exported HTML map an `<img onerror=...>` or `<script>` in it must not run, and in the
meeting PDF it must read exactly as typed.
"""

from __future__ import annotations

import html
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.disclosure.audience import Audience, ExportRequest
from geo.exports.make import ExportFormat, ExportOptions, load_export_data, render
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Place, PlaceKind
from geo.store import Store
from tests.export_fixtures import ACTOR, DOCUMENT, MADE_AT, MEETING, OFFICE, PERIOD, plant

NAME = "<img src=x onerror=alert(1)>"
NOTE = "<script>alert(2)</script>"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('xss')}/xss.sqlite")
    plant(store)
    with store.session(ACTOR) as s:
        place = s.add_place(
            Place(
                PlaceKind.POLICE_OFFICE,
                NAME,
                Point(OFFICE[0] + 100, OFFICE[1]),
                Classification.OPEN,
                NOTE,
                {"öppettider": NOTE},
            )
        )
        # An activity there: the internal pack lists it with its place name and note.
        start = datetime(2023, 9, 12, 15, tzinfo=STOCKHOLM)
        s.add_activity(
            Activity(
                CommitmentKind.PRESENCE,
                start,
                start.replace(hour=17),
                place_id=place.id,
                classification=Classification.OPEN,
                note=NOTE,
            ),
            document_id=DOCUMENT,
        )
    yield store
    store.dispose()


def _export(store: Store, fmt: ExportFormat) -> bytes:
    request = ExportRequest(Audience.INTERNAL, PERIOD[0], PERIOD[1], MADE_AT, meeting_date=MEETING)
    return render(load_export_data(store, ACTOR, request), fmt, ExportOptions())


def test_html_map_holds_the_payloads_only_escaped(store: Store) -> None:
    page = _export(store, ExportFormat.MAP_HTML).decode("utf-8")
    assert "<img src=x" not in page
    assert "<script>alert(2)" not in page
    # The name is there, as JSON data with < and > escaped, shown as text by the map.
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page


def test_meeting_pdf_prints_the_payload_as_text(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "pack.pdf"
    path.write_bytes(_export(store, ExportFormat.MEETING_PDF))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert NAME in text
    assert NOTE in text


def test_meeting_web_page_holds_the_payloads_only_escaped(store: Store) -> None:
    page = _export(store, ExportFormat.MEETING_HTML).decode("utf-8")
    assert "<img src=x" not in page
    assert "<script>alert(2)" not in page
    assert html.escape(NAME) in page and html.escape(NOTE) in page


@pytest.mark.parametrize("name", ["$$", "$\\frac{$ väg", "a $x^2$ b"])
def test_a_place_name_with_dollar_signs_is_drawn_as_text_not_read_as_maths(
    store: Store, name: str
) -> None:
    # Matplotlib reads `$…$` as maths: "$$" used to stop the map image and the meeting pack.
    data = load_export_data(
        store, ACTOR, ExportRequest(Audience.INTERNAL, *PERIOD, MADE_AT, meeting_date=MEETING)
    )
    places = tuple(replace(p, name=name) if p.name == NAME else p for p in data.places)
    renamed = replace(data, places=places)
    image = render(renamed, ExportFormat.MAP_PNG, ExportOptions())
    pack = render(renamed, ExportFormat.MEETING_PDF, ExportOptions())
    assert image.startswith(b"\x89PNG") and pack.startswith(b"%PDF")
