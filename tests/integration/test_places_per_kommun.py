"""Places belong to a kommun, and a promise sees its own kommun's places only (issue 13).

One database holds Aneby's promises for 2023/24 and 2024/25 and Nässjö's for 2024/25, with a
boundary for each kommun: two squares side by side, 10 km wide. A place belongs to the kommun
whose boundary holds it, else to the kommun of the promise it is made for; every list, map
layer, export and siting read for a promise holds its kommun's places, whatever year they were
made in.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from shapely.geometry import Point, box

from geo.disclosure.audience import Audience, ExportRequest
from geo.disclosure.export_data import build_export_data
from geo.errors import ValidationError
from geo.files.place_import import Change, plan_import
from geo.files.place_rows import ImportedPlace
from geo.planning.siting_use_case import siting_offer
from geo.records.models import STOCKHOLM, Actor, BaseLayer, Place, PlaceKind
from geo.records.promise import PromiseDocument
from geo.records.promise_file import load_promise_file
from geo.spatial.layers import load_map_data
from geo.store import Store
from tests.common import ANEBY_PROMISE, run_cli

pytestmark = pytest.mark.store_starts("schema")

ACTOR = Actor("test")
ANEBY, NASSJO = "0604", "0682"
E0, N0 = 480000.0, 6400000.0
ANEBY_LAND = box(E0, N0, E0 + 10000, N0 + 10000)
NASSJO_LAND = box(E0 + 10000, N0, E0 + 20000, N0 + 10000)
IN_ANEBY = Point(E0 + 5000, N0 + 5000)
IN_NASSJO = Point(E0 + 15000, N0 + 5000)
OUTSIDE_BOTH = Point(E0 + 30000, N0 + 5000)


def _promise(folder: Path, promise_id: str, kommun: str, kod: str, year: int) -> Path:
    """The shipped Aneby promise file as `promise_id`, for `kommun` and May `year` to May."""
    text = (
        ANEBY_PROMISE.read_text(encoding="utf-8")
        .replace("aneby-2023-2024", promise_id)
        .replace("Aneby kommun", kommun)
        .replace('kod: "0604"', f'kod: "{kod}"')
        .replace("undertecknat: 2023-05-30", f"undertecknat: {year}-05-30")
        .replace(
            "period: {från: 2023-05-30, till: 2024-05-29}",
            f"period: {{från: {year}-05-30, till: {year + 1}-05-29}}",
        )
    )
    path = folder / f"{promise_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def promises(store: Store, tmp_path: Path) -> dict[str, PromiseDocument]:
    """Aneby 2023/24 and 2024/25, Nässjö 2024/25 and both kommun boundaries, stored."""
    files = [
        _promise(tmp_path, "aneby-2023-2024", "Aneby kommun", ANEBY, 2023),
        _promise(tmp_path, "aneby-2024-2025", "Aneby kommun", ANEBY, 2024),
        _promise(tmp_path, "nassjo-2024-2025", "Nässjö kommun", NASSJO, 2024),
    ]
    docs = {}
    with store.session(ACTOR) as s:
        for path in files:
            doc = load_promise_file(path)
            s.save_promise_document(doc, path.name, path.read_text(encoding="utf-8"))
            docs[doc.id] = doc
        for kod, name, land in ((ANEBY, "Aneby", ANEBY_LAND), (NASSJO, "Nässjö", NASSJO_LAND)):
            layer = BaseLayer(f"kommun_{kod}", f"Kommungräns {name} kommun", "Källa: test")
            s.replace_base_layer(layer, [({"kommun": f"{name} kommun"}, land)])
    return docs


@pytest.fixture
def places(store: Store, promises: dict[str, PromiseDocument]) -> None:
    """Torget in Aneby (made for Aneby's 2023/24 promise), Storgatan in Nässjö and Sjön,
    outside both boundaries, made for Nässjö's promise."""
    with store.session(ACTOR) as s:
        s.add_place(Place(PlaceKind.CENTRAL_AREA, "Torget", IN_ANEBY.buffer(50)), ANEBY)
        s.add_place(Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Storgatan", IN_NASSJO), NASSJO)
        s.add_place(Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Sjön", OUTSIDE_BOTH), NASSJO)


def _names(store: Store, kommunkod: str) -> list[str]:
    with store.session(ACTOR) as s:
        return sorted(p.name for p in s.list_places(kommunkod=kommunkod))


@pytest.mark.usefixtures("places")
def test_each_kommun_lists_only_its_own_places(store: Store) -> None:
    assert _names(store, ANEBY) == ["Torget"]
    assert _names(store, NASSJO) == ["Sjön", "Storgatan"]


@pytest.mark.usefixtures("places")
def test_a_place_made_for_aneby_in_2023_is_seen_by_anebys_2024_promise(store: Store) -> None:
    with store.session(ACTOR) as s:
        later = s.promise_document("aneby-2024-2025")
        assert [p.name for p in s.list_places(kommunkod=later.kommunkod)] == ["Torget"]


@pytest.mark.usefixtures("promises")
def test_a_place_belongs_to_the_kommun_it_lies_in_even_when_made_for_another(
    store: Store,
) -> None:
    with store.session(ACTOR) as s:
        place = s.add_place(Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Gränsvägen", IN_ANEBY), NASSJO)

    assert place.kommunkod == ANEBY
    assert _names(store, NASSJO) == []


@pytest.mark.usefixtures("promises")
def test_a_place_outside_every_boundary_without_its_promise_is_refused_and_not_stored(
    store: Store,
) -> None:
    with pytest.raises(ValidationError, match="välj vilket löfte platsen hör till"):
        with store.session(ACTOR) as s:
            s.add_place(Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Sjön", OUTSIDE_BOTH))

    assert _names(store, ANEBY) == _names(store, NASSJO) == []


@pytest.mark.usefixtures("places")
@pytest.mark.parametrize(
    ("document_id", "expected"),
    [("aneby-2024-2025", ["Torget"]), ("nassjo-2024-2025", ["Sjön", "Storgatan"])],
)
def test_the_map_of_each_kommun_draws_only_its_places(
    store: Store, document_id: str, expected: list[str]
) -> None:
    start, end = datetime(2024, 5, 30, tzinfo=STOCKHOLM), datetime(2025, 5, 30, tzinfo=STOCKHOLM)
    with store.session(ACTOR) as s:
        data = load_map_data(s, s.promise_document(document_id), start, end)

    drawn = [f["properties"]["label"] for c in data.places.values() for f in c["features"]]
    assert sorted(drawn) == expected
    assert data.place_count == len(expected)


@pytest.mark.usefixtures("places")
@pytest.mark.parametrize(
    ("document_id", "expected"),
    [("aneby-2024-2025", ["Torget"]), ("nassjo-2024-2025", ["Sjön", "Storgatan"])],
)
def test_the_internal_export_of_each_promise_holds_only_its_kommuns_places(
    store: Store, document_id: str, expected: list[str]
) -> None:
    request = ExportRequest(
        Audience.INTERNAL,
        date(2024, 5, 30),
        date(2025, 5, 29),
        datetime(2025, 6, 1, 12, tzinfo=STOCKHOLM),
        document_id=document_id,
    )
    with store.session(ACTOR) as s:
        data = build_export_data(s, request)

    assert sorted(p.name for p in data.places) == expected


@pytest.mark.usefixtures("places")
def test_siting_offers_only_the_kommuns_own_traffic_control_sites(store: Store) -> None:
    with store.session(ACTOR) as s:
        aneby, nassjo = (
            s.promise_document("aneby-2024-2025"),
            s.promise_document("nassjo-2024-2025"),
        )
    assert siting_offer(store, ACTOR, aneby).stored_sites == []
    assert len(siting_offer(store, ACTOR, nassjo).stored_sites) == 2


@pytest.mark.usefixtures("places")
def test_a_place_file_for_aneby_is_not_matched_against_nassjos_places(store: Store) -> None:
    same_as_nassjos = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Storgatan", IN_NASSJO)
    row = ImportedPlace("rad 2", same_as_nassjos)
    with store.session(ACTOR) as s:
        for_nassjo = plan_import(s, [row], "platser.csv", NASSJO)
        for_aneby = plan_import(s, [row], "platser.csv", ANEBY)

    assert [r.change for r in for_nassjo.rows] == [Change.SAME]
    assert [r.change for r in for_aneby.rows] == [Change.NEW]


@pytest.mark.usefixtures("places")
def test_a_place_changed_on_the_places_page_keeps_its_kommun(store: Store) -> None:
    with store.session(ACTOR) as s:
        (torget,) = s.list_places(kommunkod=ANEBY)
        # The form builds the place again from what the user typed.
        s.update_place(Place(torget.kind, "Stora torget", torget.geometry, id=torget.id))

    assert _names(store, ANEBY) == ["Stora torget"]


@pytest.mark.usefixtures("places")
def test_export_places_writes_the_chosen_promises_kommun_only(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "platser.geojson"

    result = run_cli(store.url, "export", "places", out, "--document", "nassjo-2024-2025")

    assert result.returncode == 0, result.stderr
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["namn"] for f in features) == ["Sjön", "Storgatan"]


@pytest.mark.usefixtures("places")
def test_with_several_kommuner_export_places_without_a_promise_stops_and_lists_them(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "platser.geojson"

    result = run_cli(store.url, "export", "places", out)

    assert result.returncode == 2
    assert "nassjo-2024-2025" in result.stderr
    assert not out.exists()
