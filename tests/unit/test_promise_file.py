"""The promise file: Aneby's shipped medborgarlöfte, and mistakes a planner can make in one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo.errors import PromiseFileError
from geo.records.kinds import CommitmentKind
from geo.records.promise import Responsible, Target, TargetRule
from geo.records.promise_file import load_promise_file, parse_promise_text
from tests.common import ANEBY_PROMISE, TRANAS_PROMISE_YAML, line_of

ANEBY_TEXT = ANEBY_PROMISE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def aneby():
    return load_promise_file(ANEBY_PROMISE)


def test_aneby_promise_has_three_promises_and_ten_commitments(aneby) -> None:
    assert [p.id for p in aneby.promises] == ["tillganglighet", "trafik", "narkotika"]
    assert [c.id for c in aneby.commitments] == [
        "polisnarvaro",
        "lokal-och-oppettider",
        "identifiera-unga",
        "riktade-insatser",
        "trafikkontroller",
        "trygghetsvandringar",
        "est",
        "andt",
        "skolnarvaro",
        "samverkansmoten",
    ]


@pytest.mark.parametrize(
    "commitment_id,target",
    [
        ("riktade-insatser", Target(TargetRule.AT_LEAST, 10)),
        ("trygghetsvandringar", Target(TargetRule.EXACTLY, 2)),
        ("samverkansmoten", Target(TargetRule.AT_LEAST, 4)),
    ],
)
def test_aneby_targets_read_as_written_in_the_signed_text(aneby, commitment_id, target) -> None:
    assert aneby.commitment(commitment_id).target == target


def test_aneby_target_texts_say_minst_ten_two_and_minst_four(aneby) -> None:
    texts = {c.id: c.target.describe() for c in aneby.commitments if c.target}
    assert texts == {
        "riktade-insatser": "minst 10",
        "trygghetsvandringar": "2",
        "samverkansmoten": "minst 4",
    }


def test_aneby_commitments_without_a_number_in_the_text_have_no_target(aneby) -> None:
    without = [c.id for c in aneby.commitments if c.target is None]
    assert without == [
        "polisnarvaro",
        "lokal-och-oppettider",
        "identifiera-unga",
        "trafikkontroller",
        "est",
        "andt",
        "skolnarvaro",
    ]


def test_est_meetings_and_safety_walks_serve_the_whole_document(aneby) -> None:
    whole = aneby.commitments_for(None)
    assert [c.id for c in whole] == ["trygghetsvandringar", "est", "samverkansmoten"]
    assert all(c.responsible is Responsible.BOTH for c in whole)


def test_every_other_aneby_commitment_serves_one_of_the_three_promises(aneby) -> None:
    by_promise = {p.id: [c.id for c in aneby.commitments_for(p.id)] for p in aneby.promises}
    assert by_promise == {
        "tillganglighet": ["polisnarvaro", "lokal-och-oppettider"],
        "trafik": ["trafikkontroller"],
        "narkotika": ["identifiera-unga", "riktade-insatser", "andt", "skolnarvaro"],
    }


def test_aneby_promise_was_signed_30_may_2023_for_kommun_0604(aneby) -> None:
    assert aneby.id == "aneby-2023-2024"
    assert aneby.signed_on == date(2023, 5, 30)
    assert (aneby.period_start, aneby.period_end) == (date(2023, 5, 30), date(2024, 5, 29))
    assert (aneby.kommunkod, aneby.kommun_name) == ("0604", "Aneby kommun")
    assert aneby.police_area == "Lokalpolisområde Höglandet"
    assert [s.name for s in aneby.signatories] == ["Beata Allen", "Mathias Ljung"]


def test_aneby_commitment_kinds_are_the_swedish_codes_in_the_file(aneby) -> None:
    assert aneby.commitment("riktade-insatser").kind is CommitmentKind.NARCOTICS_INTERVENTION
    assert aneby.commitment("samverkansmoten").kind is CommitmentKind.COORDINATION_MEETING
    assert aneby.commitment("trygghetsvandringar").kind is CommitmentKind.SAFETY_WALK


# -- mistakes -----------------------------------------------------------------------------
# Each case: (old text in Aneby's file, new text, the snippet on the line the error must
# name, the key path it must name, a phrase of the Swedish message).

BAD_FILES = {
    "missing key": (
        "  - id: riktade-insatser\n    löfte: narkotika\n    typ: narkotikainsats\n"
        "    ansvarig: polis\n",
        "  - id: riktade-insatser\n    löfte: narkotika\n    typ: narkotikainsats\n",
        "  - id: riktade-insatser",
        "aktiviteter[4].ansvarig",
        'nyckeln "ansvarig" saknas',
    ),
    "wrong type": (
        "mål: {minst: 10}",
        "mål: {minst: tio}",
        "mål: {minst: tio}",
        "aktiviteter[4].mål.minst",
        'ska vara ett heltal, men är texten "tio"',
    ),
    "unknown kind": (
        "    typ: est\n",
        "    typ: esst\n",
        "typ: esst",
        "aktiviteter[7].typ",
        'okänd typ "esst"',
    ),
    "unknown promise": (
        "    löfte: trafik\n",
        "    löfte: trafk\n",
        "löfte: trafk",
        "aktiviteter[5].löfte",
        'inget löfte har id "trafk"',
    ),
    "duplicate id": (
        "  - id: andt\n",
        "  - id: est\n",
        "  - id: est\n    löfte: narkotika",
        "aktiviteter[8].id",
        'id "est" finns redan',
    ),
    "misspelt key": (
        "    ansvarig: kommun\n    text: Kommunen ska aktivt",
        "    ansvarg: kommun\n    text: Kommunen ska aktivt",
        "ansvarg: kommun",
        "aktiviteter[9].ansvarg",
        'okänd nyckel "ansvarg"',
    ),
    "kommunkod with three digits": (
        'kod: "0604"',
        'kod: "604"',
        'kod: "604"',
        "kommun.kod",
        'kommunkoden ska vara fyra siffror (t.ex. "0604"), inte "604"',
    ),
    "kommunkod without quotes": (
        # YAML reads an unquoted 0604 as the octal number 388: the message must not say 388.
        'kod: "0604"',
        "kod: 0604",
        "kod: 0604",
        "kommun.kod",
        'skriv kommunkoden inom citattecken, t.ex. "0604"',
    ),
    "kommun name and code of different kommuner": (
        "namn: Aneby kommun",
        "namn: Malå kommun",
        'kod: "0604"',
        "kommun.kod",
        'namnet "Malå kommun" och kommunkoden "0604" hör inte ihop: 0604 är Aneby enligt SCB '
        "(Malå har kommunkoden 2418)",
    ),
    "kommunkod no kommun has": (
        'kod: "0604"',
        'kod: "0699"',
        'kod: "0699"',
        "kommun.kod",
        'kommunkoden "0699" finns inte i SCB:s lista över Sveriges 290 kommuner (Aneby har '
        "kommunkoden 0604)",
    ),
    "key written twice": (
        "    mål: {minst: 10}\n",
        "    mål: {minst: 10}\n    mål: {minst: 12}\n",
        "mål: {minst: 12}",
        "aktiviteter[4].mål",
        'nyckeln "mål" står två gånger',
    ),
}


def _write_variant(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert ANEBY_TEXT.count(old) == 1, old
    text = ANEBY_TEXT.replace(old, new)
    path = tmp_path / "aneby.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("old,new,at,key,phrase", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_mistake_in_the_promise_file_is_reported_with_its_line_and_key(
    tmp_path, old, new, at, key, phrase
) -> None:
    path, text = _write_variant(tmp_path, old, new)

    with pytest.raises(PromiseFileError) as raised:
        load_promise_file(path)

    message = str(raised.value)
    assert f"aneby.yaml, rad {line_of(text, at)} ({key}): {phrase}" in message


def test_a_misspelt_key_also_reports_the_correct_key_as_missing(tmp_path) -> None:
    old, new, *_ = BAD_FILES["misspelt key"]
    path, text = _write_variant(tmp_path, old, new)

    with pytest.raises(PromiseFileError) as raised:
        load_promise_file(path)

    row = line_of(text, "  - id: skolnarvaro")
    assert f'rad {row} (aktiviteter[9].ansvarig): nyckeln "ansvarig" saknas' in str(raised.value)


def test_broken_yaml_is_reported_with_its_line(tmp_path) -> None:
    path, text = _write_variant(tmp_path, "    typ: est\n", "    typ: est: mer\n")

    with pytest.raises(PromiseFileError) as raised:
        load_promise_file(path)

    assert str(raised.value).startswith(
        f"aneby.yaml, rad {line_of(text, 'typ: est: mer')}: filen är inte giltig YAML"
    )


def test_an_empty_file_is_refused_with_what_it_should_start_with(tmp_path) -> None:
    path = tmp_path / "tom.yaml"
    path.write_text("", encoding="utf-8")

    with pytest.raises(PromiseFileError) as raised:
        load_promise_file(path)

    assert str(raised.value) == 'tom.yaml: filen ska börja med nycklar som "id:" och "titel:"'


def test_a_missing_file_is_named_in_the_message(tmp_path) -> None:
    with pytest.raises(PromiseFileError, match="finns inte"):
        load_promise_file(tmp_path / "saknas.yaml")


def test_every_problem_in_a_file_is_reported_at_once(tmp_path) -> None:
    text = ANEBY_TEXT
    for old, new in [
        ('kod: "0604"', 'kod: "604"'),
        ("mål: {minst: 10}", "mål: {minst: tio}"),
        ("    löfte: trafik\n", "    löfte: trafk\n"),
        ("    typ: est\n", "    typ: esst\n"),
    ]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    path = tmp_path / "aneby.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(PromiseFileError) as raised:
        load_promise_file(path)

    kod, mal = line_of(text, 'kod: "604"'), line_of(text, "minst: tio")
    lofte, typ = line_of(text, "löfte: trafk"), line_of(text, "typ: esst")
    problems = str(raised.value).splitlines()
    assert problems[0] == "Löftesfilen har fel:"
    assert [p.split(":")[0] for p in problems[1:]] == [
        f"- aneby.yaml, rad {kod} (kommun.kod)",
        f"- aneby.yaml, rad {mal} (aktiviteter[4].mål.minst)",
        f"- aneby.yaml, rad {lofte} (aktiviteter[5].löfte)",
        f"- aneby.yaml, rad {typ} (aktiviteter[7].typ)",
    ]


def test_another_kommuns_promise_file_loads(tmp_path) -> None:
    path = tmp_path / "tranas-2024-2025.yaml"
    path.write_text(TRANAS_PROMISE_YAML, encoding="utf-8")

    doc = load_promise_file(path)

    assert (doc.id, doc.kommunkod, doc.kommun_name) == ("tranas-2024-2025", "0687", "Tranås kommun")
    assert [c.id for c in doc.commitments] == ["narvaro-centrum", "trygghetsvandringar"]
    assert doc.commitment("trygghetsvandringar").target == Target(TargetRule.EXACTLY, 3)
    assert doc.commitment("trygghetsvandringar").promise_id is None


def test_without_a_period_the_promise_runs_one_year_from_the_signing(tmp_path) -> None:
    doc = parse_promise_text(TRANAS_PROMISE_YAML)

    assert (doc.period_start, doc.period_end) == (date(2024, 3, 15), date(2025, 3, 14))


def test_a_promise_signed_on_29_february_without_a_period_runs_to_27_february() -> None:
    # The first anniversary of a 29 February signing is 28 February (as in geo.records.periods).
    text = TRANAS_PROMISE_YAML.replace("undertecknat: 2024-03-15", "undertecknat: 2024-02-29")

    doc = parse_promise_text(text)

    assert (doc.period_start, doc.period_end) == (date(2024, 2, 29), date(2025, 2, 27))


@pytest.mark.parametrize(
    "text, reason",
    [
        ("titel: Medborgarlöfte: Aneby: 2023", "ett kolon på fel ställe"),
        ('titel: "Medborgarlöfte', "saknas ett citattecken"),
        ("period: [2023-05-30", "en lista [ ... ] stängs inte"),
    ],
)
def test_broken_yaml_is_explained_in_swedish(text: str, reason: str) -> None:
    with pytest.raises(PromiseFileError, match=r"x\.yaml, rad 1: filen är inte giltig YAML") as exc:
        parse_promise_text(text, "x.yaml")
    assert reason in str(exc.value)


def test_the_same_stored_text_is_parsed_once_and_a_broken_one_is_refused_every_time() -> None:
    # Every page run reads the stored documents: the second read costs nothing.
    text = ANEBY_PROMISE.read_text(encoding="utf-8")
    assert parse_promise_text(text, "a.yaml") is parse_promise_text(text, "a.yaml")
    for _ in range(2):
        with pytest.raises(PromiseFileError):
            parse_promise_text(text.replace("undertecknat:", "undertecknad:"), "a.yaml")
