"""Format 2 of the promise file: own kinds, target shapes, parties, an area, no löften."""

from __future__ import annotations

from datetime import date

import pytest

from geo.errors import PromiseFileError
from geo.records.kinds import Classification, CommitmentKind, FileKind, PlaceNeed
from geo.records.outcomes import fields_for, validate_outcome
from geo.records.promise import Responsible, Target, TargetPer, TargetRule
from geo.records.promise_file import load_promise_file, parse_promise_text
from tests.common import ANEBY_PROMISE, REPO_ROOT, line_of

EXAMPLE = REPO_ROOT / "data" / "templates" / "exempel_format2.yaml"
ANEBY_TEXT = ANEBY_PROMISE.read_text(encoding="utf-8")


def aneby_as_format_2() -> str:
    """Aneby's promise rewritten in format 2 keys that mean the same as format 1's."""
    return (
        ANEBY_TEXT.replace("format: 1", "format: 2")
        .replace("ansvarig: båda", "ansvarig: [polis, kommun]")
        .replace("mål: {minst: 10}", "mål: {minst: 10, per: år}")
    )


@pytest.fixture(scope="module")
def example():
    return load_promise_file(EXAMPLE)


def test_the_example_file_defines_two_own_kinds_with_their_rules(example) -> None:
    neighbours, fraud = example.kinds
    assert (neighbours, neighbours.label, neighbours.place_need) == (
        "grannsamverkan",
        "Grannsamverkan",
        PlaceNeed.OPTIONAL,
    )
    assert fraud.label == "Informationskväll om bedrägerier"
    assert not fraud.needs_place
    assert fraud.default_classification is Classification.INTERNAL


def test_a_commitment_of_an_own_kind_carries_the_kind_and_its_label(example) -> None:
    kind = example.commitment("grannsamverkan-var-host").kind
    assert isinstance(kind, FileKind)
    assert kind.label == "Grannsamverkan"
    assert example.kind("grannsamverkan") is kind


def test_an_own_kind_records_hours_and_the_counts_it_lists(example) -> None:
    kind = example.kind("grannsamverkan")
    assert [f.name for f in fields_for(kind)] == ["timmar", "deltagare", "hushåll"]
    assert validate_outcome(kind, {"hushåll": 12, "deltagare": 20}) == {
        "hushåll": 12,
        "deltagare": 20,
    }


def test_a_count_the_own_kind_does_not_list_is_refused(example) -> None:
    with pytest.raises(Exception, match="hör inte till"):
        validate_outcome(example.kind("bedrägeriinformation"), {"hushåll": 3})


@pytest.mark.parametrize(
    "commitment_id,target",
    [
        ("grannsamverkan-var-host", Target(TargetRule.AT_LEAST, 1, per=TargetPer.HALF_YEAR)),
        ("bedragerikvallar", Target(TargetRule.AT_LEAST, 2)),
        ("trygghetsvandring", Target(TargetRule.EXACTLY, 1, per=TargetPer.PERIOD)),
        ("lokal", Target(TargetRule.BY_DATE, 1, due=date(2025, 6, 30))),
        ("riktade-kontroller", Target(TargetRule.ON_REQUEST)),
    ],
)
def test_the_example_targets_read_as_written(example, commitment_id, target) -> None:
    assert example.commitment(commitment_id).target == target


def test_without_loften_every_activity_serves_the_whole_promise(example) -> None:
    assert example.promises == ()
    assert all(c.promise_id is None for c in example.commitments)


def test_ansvarig_may_name_a_party_alone_or_in_a_list(example) -> None:
    c = example.commitment("grannsamverkan-var-host")
    assert c.parties == ("kommun", "fastighetsagare")
    assert c.responsible is Responsible.KOMMUN
    assert [example.party_name(p) for p in c.parties] == ["Kommunen", "Fastighetsägarna i exemplet"]


def test_the_area_is_a_square_kilometre_in_sweref(example) -> None:
    assert example.area.name == "Exempelområde (påhittad kvadrat)"
    assert example.area.geometry.area == 1_000_000


def test_format_1_and_its_format_2_rewrite_say_the_same_thing() -> None:
    one = load_promise_file(ANEBY_PROMISE)
    two = parse_promise_text(aneby_as_format_2())
    assert [
        (c.id, c.kind, c.responsible, c.promise_id, c.target_count) for c in one.commitments
    ] == [(c.id, c.kind, c.responsible, c.promise_id, c.target_count) for c in two.commitments]


def problems_of(text: str) -> str:
    with pytest.raises(PromiseFileError) as caught:
        parse_promise_text(text, source="fel.yaml")
    return str(caught.value)


def test_a_format_2_key_in_a_format_1_file_is_refused_so_format_1_keeps_its_meaning() -> None:
    text = ANEBY_TEXT + "\ntyper:\n  - id: grannsamverkan\n    namn: Grannsamverkan\n"
    message = problems_of(text)
    assert f"fel.yaml, rad {line_of(text, 'typer:')} (typer): " in message
    assert 'nyckeln "typer" kräver "format: 2"' in message


def test_a_per_target_in_a_format_1_file_is_refused() -> None:
    text = ANEBY_TEXT.replace("mål: {minst: 4}", "mål: {minst: 4, per: halvår}")
    assert "skriv målet som {minst: N} eller {exakt: N}" in problems_of(text)


@pytest.mark.parametrize(
    "target,message",
    [
        ("{minst: 1, per: månad}", '"månad" ska vara en av: halvår, tertial, år, period'),
        ("{klart_senast: snart}", "ska vara ett datum"),
        ("{vid_behov: ja}", "skriv vid behov som {vid_behov: true}"),
        ("{klart_senast: 2023-08-15, per: halvår}", "ett klart_senast-mål gäller hela perioden"),
        ("{minst: 1, exakt: 2}", "{klart_senast: ÅÅÅÅ-MM-DD} eller {vid_behov: true}"),
    ],
)
def test_a_mistaken_target_shape_names_its_line_and_key(target: str, message: str) -> None:
    text = aneby_as_format_2().replace("mål: {minst: 4}", f"mål: {target}")
    found = problems_of(text)
    assert f"rad {line_of(text, f'mål: {target}')} (aktiviteter[10].mål" in found
    assert message in found


@pytest.mark.parametrize(
    "kinds,message",
    [
        ("  - id: närvaro\n    namn: Närvaro igen\n", 'typen "närvaro" finns redan'),
        (
            "  - id: grannsamverkan\n    namn: G\n    plats: ibland\n",
            '"ibland" ska vara en av: krävs, valfri, ingen',
        ),
        (
            "  - id: grannsamverkan\n    namn: G\n    utfall: [Hushåll!]\n",
            "inget giltigt namn på ett utfall",
        ),
        (
            "  - id: grannsamverkan\n    namn: G\n    klassning: hemlig\n",
            '"hemlig" ska vara en av: öppen, intern, sekretess',
        ),
        ("  - id: grannsamverkan\n", 'nyckeln "namn" saknas'),
    ],
)
def test_a_mistaken_own_kind_names_its_line_and_key(kinds: str, message: str) -> None:
    text = aneby_as_format_2() + "\ntyper:\n" + kinds
    found = problems_of(text)
    assert "(typer[1]" in found
    assert message in found


def test_an_activity_of_an_unknown_kind_lists_the_own_kinds_too() -> None:
    text = (
        aneby_as_format_2().replace("typ: andt", "typ: nattvandring")
        + "\ntyper:\n  - id: grannsamverkan\n    namn: Grannsamverkan\n"
    )
    assert 'okänd typ "nattvandring"' in problems_of(text)
    assert "lokal_information, grannsamverkan)" in problems_of(text)


@pytest.mark.parametrize(
    "wkt,message",
    [
        ("POLYGON ((0 0, 1 0, 1 1, 0 0))", "ligger inte i Sverige i SWEREF 99 TM"),
        ("POINT (500000 6400000)", "ska vara en polygon, inte Point"),
        (
            "POLYGON ((500000 6400000, 501000 6401000, 501000 6400000, "
            "500000 6401000, 500000 6400000))",
            "korsar sig själv",
        ),
        ("ruta", "är ingen giltig WKT"),
    ],
)
def test_an_area_that_is_no_polygon_in_sweden_is_refused(wkt: str, message: str) -> None:
    text = aneby_as_format_2() + f"\nområde:\n  namn: Stadsdel\n  wkt: {wkt}\n"
    found = problems_of(text)
    assert f"rad {line_of(text, 'wkt:')} (område.wkt)" in found
    assert message in found


def test_ansvarig_naming_an_unknown_party_lists_the_known_ones() -> None:
    text = aneby_as_format_2().replace(
        "ansvarig: kommun\n    text: Kommunen ska aktivt",
        "ansvarig: [kommun, skolan]\n    text: Kommunen ska aktivt",
    )
    text += "\nparter:\n  - id: fastighetsagare\n    namn: Fastighetsägarna\n"
    found = problems_of(text)
    assert (
        "ansvarig ska vara polis, kommun eller båda, fastighetsagare (eller en lista av dem), "
        'inte "kommun, skolan"' in found
    )


def test_a_built_in_kind_still_works_in_a_format_2_file(example) -> None:
    assert example.commitment("lokal").kind is CommitmentKind.LOCAL_INFORMATION
