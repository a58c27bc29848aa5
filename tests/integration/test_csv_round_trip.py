"""CSV injection: our export neutralises formula cells, our import gives the text back.

Excel must not run `=SUM(A1)` from an exported file, so the export writes `'=SUM(A1)`
(OWASP). A planner who exports places, edits the file and imports it again must still get
`=SUM(A1)`: the import drops exactly that one apostrophe, and only before a formula
character.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from shapely.geometry import box

from geo.disclosure.audience import Audience, ExportRequest
from geo.exports.make import ExportFormat, ExportOptions, load_export_data, render
from geo.files.place_import import read_places, save_places
from geo.installation.init import initialise
from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.store import Store
from tests.common import REPO_ROOT
from tests.export_fixtures import ACTOR, MADE_AT, MEETING, OFFICE, PERIOD

# name -> note: every formula character OWASP lists, plus text that must stay as it is.
TEXTS = {
    "=SUM(A1)": "+46 8 123 45",
    "+1": "-2+3",
    "-Torget": "@SUM(A1)",
    "@Stationen": "'Citat' som börjar med apostrof",
}


def _exported_places(store: Store) -> list[list[str]]:
    request = ExportRequest(Audience.INTERNAL, PERIOD[0], PERIOD[1], MADE_AT, meeting_date=MEETING)
    data = load_export_data(store, ACTOR, request)
    payload = render(data, ExportFormat.CSV, ExportOptions())
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        text = archive.read("intern_platser.csv").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_exported_formula_text_is_neutralised_and_imports_back_unchanged(
    db_url: str, tmp_path: Path
) -> None:
    source = Store(f"sqlite:///{tmp_path}/source.sqlite")
    initialise(source, ACTOR, [REPO_ROOT / "data" / "promises"])
    with source.session(ACTOR) as s:
        for i, (name, note) in enumerate(TEXTS.items()):
            x, y = OFFICE[0] + 100 * i, OFFICE[1]
            area = box(x, y, x + 50, y + 50)
            s.add_place(Place(PlaceKind.CENTRAL_AREA, name, area, Classification.OPEN, note))
    rows = _exported_places(source)
    source.dispose()
    header, body = rows[0], rows[1:]
    cells = [dict(zip(header, row, strict=True)) for row in body]
    assert sorted((c["namn"], c["anteckning"]) for c in cells) == sorted(
        [
            ("'=SUM(A1)", "'+46 8 123 45"),
            ("'+1", "'-2+3"),
            ("'-Torget", "'@SUM(A1)"),
            ("'@Stationen", "'Citat' som börjar med apostrof"),
        ]
    )
    # The place import's columns, the cells exactly as exported (apostrophes and all).
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["namn", "typ", "klassning", "anteckning", "geometri"])
    for c in cells:
        writer.writerow([c["namn"], c["typ"], c["klassning"], c["anteckning"], c["wkt_sweref99tm"]])
    data = ("\ufeff" + out.getvalue()).encode("utf-8")

    target = Store(db_url)
    try:
        initialise(target, ACTOR, [REPO_ROOT / "data" / "promises"])
        with target.session(ACTOR) as s:
            save_places(s, read_places(data, "platser.csv").places)
        with target.session(ACTOR) as s:
            stored = {p.name: p.note for p in s.list_places()}
    finally:
        target.dispose()
    assert stored == TEXTS
