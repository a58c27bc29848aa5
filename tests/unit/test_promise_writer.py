"""The promise editor's file: written as format 2 and read back as the same promise."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo.planning.next_year import next_year_promise
from geo.records.promise import PromiseDocument, TargetRule
from geo.records.promise_file import load_promise_file, parse_promise_text
from geo.records.promise_writer import as_format_2, field_problems, promise_mapping, promise_text
from tests.common import REPO_ROOT

ANEBY = REPO_ROOT / "data" / "promises" / "aneby-2023-2024.yaml"
EXAMPLE = REPO_ROOT / "data" / "templates" / "exempel_format2.yaml"


def _kinds(doc: PromiseDocument) -> list[tuple]:
    # A FileKind compares as its code only: compare what the file says about it too.
    return [
        (str(k), k.label, k.place_need, k.outcomes, k.default_classification) for k in doc.kinds
    ]


@pytest.mark.parametrize("path", [ANEBY, EXAMPLE], ids=["aneby-format-1", "exempel-format-2"])
def test_a_written_promise_reads_back_as_the_same_promise(path: Path) -> None:
    doc = load_promise_file(path)
    text = promise_text(doc)
    back = parse_promise_text(text, path.name)
    assert back == as_format_2(doc)
    assert _kinds(back) == _kinds(doc)
    assert promise_text(back) == text  # written again, the file does not change


def test_a_format_1_promise_is_written_as_format_2_with_its_parties_named() -> None:
    doc = load_promise_file(ANEBY)
    back = parse_promise_text(promise_text(doc))
    assert back.format == 2
    walks = back.commitment("trygghetsvandringar")
    assert walks.parties == ("polis", "kommun")
    assert walks.target is not None and walks.target.count == 2


def test_each_field_of_an_edited_promise_gets_the_parsers_swedish_message() -> None:
    raw = promise_mapping(load_promise_file(EXAMPLE))
    raw["id"] = "Stora Bokstäver"
    raw["kommun"] = {"namn": "Malå kommun", "kod": "0604"}
    raw["period"] = {"från": date(2025, 1, 1), "till": date(2024, 1, 1)}
    raw["aktiviteter"][1]["mål"] = {"minst": -1}
    raw["aktiviteter"][2]["typ"] = "okänd"
    problems = field_problems(raw)
    assert set(problems) == {
        "id",
        "kommun.kod",
        "period.till",
        "aktiviteter[2].mål",
        "aktiviteter[3].typ",
    }
    assert "giltigt id" in problems["id"][0]
    assert problems["aktiviteter[2].mål"] == ["målet får inte vara negativt"]
    assert problems["aktiviteter[3].typ"][0].startswith('okänd typ "okänd"')


def test_a_valid_promise_has_no_field_problems() -> None:
    assert field_problems(promise_mapping(load_promise_file(EXAMPLE))) == {}


def test_next_years_promise_follows_on_the_day_after_for_as_long() -> None:
    doc = load_promise_file(ANEBY)
    new = next_year_promise(doc)
    assert (new.id, new.title) == ("aneby-2024-2025", "Medborgarlöfte i Aneby kommun 2024-2025")
    # 2023-05-30 – 2024-05-29 is one year (with 29 February 2024): so is the next.
    assert (new.period_start, new.period_end) == (date(2024, 5, 30), date(2025, 5, 29))
    assert new.commitments == as_format_2(doc).commitments
    assert parse_promise_text(promise_text(new)) == new


def test_next_years_milestone_moves_with_the_period_and_an_id_without_years_gets_nasta() -> None:
    new = next_year_promise(load_promise_file(EXAMPLE))
    assert new.id == "exempel-format2-nasta"
    assert (new.period_start, new.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    milestone = new.commitment("lokal").target
    assert milestone is not None and milestone.rule is TargetRule.BY_DATE
    assert milestone.due == date(2026, 6, 30)


def test_a_period_of_days_not_years_moves_by_its_length() -> None:
    doc = load_promise_file(EXAMPLE)
    short = next_year_promise(
        PromiseDocument(**{**doc.__dict__, "period_end": date(2025, 3, 31)}), "kort"
    )
    assert (short.period_start, short.period_end) == (date(2025, 4, 1), date(2025, 6, 29))
