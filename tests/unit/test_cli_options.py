"""Options that several commands share read and complain the same way everywhere."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from geo import cli

# What to type before the date, named by the command and option it tests.
DATE_OPTIONS = {
    "export ics --from": ["export", "ics", "ut.ics", "--from"],
    "export ics --to": ["export", "ics", "ut.ics", "--to"],
    "export map-html --from": ["export", "map-html", "ut.html", "--from"],
    "export followup --to": ["export", "followup", "ut.zip", "--to"],
    "export meeting-pdf --meeting-date": ["export", "meeting-pdf", "ut.pdf", "--meeting-date"],
    "export meeting-pdf --since": ["export", "meeting-pdf", "ut.pdf", "--since"],
    "export opening-hours --today": ["export", "opening-hours", "-", "--today"],
    "suggest-sites --start": ["suggest-sites", "--k", "2", "--radius", "300", "--start"],
}


@pytest.mark.parametrize("words", DATE_OPTIONS.values(), ids=DATE_OPTIONS.keys())
def test_every_date_option_reads_an_iso_date_with_spaces_around_it(words: list[str]) -> None:
    args = cli.build_parser().parse_args([*words, " 2024-03-05 "])
    assert date(2024, 3, 5) in vars(args).values()


@pytest.mark.parametrize("words", DATE_OPTIONS.values(), ids=DATE_OPTIONS.keys())
def test_every_date_option_refuses_a_non_date_with_the_same_swedish_example(
    words: list[str],
) -> None:
    with pytest.raises(cli.UsageError) as refused:
        cli.build_parser().parse_args([*words, "2024-02-30"])
    assert f'argument {words[-1]}: "2024-02-30" är inget datum (skriv t.ex. 2024-03-05)' in str(
        refused.value
    )


@pytest.mark.parametrize(
    "words,default",
    [
        (["export", "ics", "ut.ics"], "internal"),
        (["export", "map-png", "ut.png"], "internal"),
        (["export", "followup", "ut.zip"], "public"),
    ],
)
def test_exports_read_audience_and_period_into_the_same_fields(
    words: list[str], default: str
) -> None:
    parser = cli.build_parser()
    assert parser.parse_args(words).audience == default
    args = parser.parse_args([*words, "--from", "2024-01-01", "--to", "2024-04-30"])
    assert (args.date_from, args.date_to) == (date(2024, 1, 1), date(2024, 4, 30))


def _every_parser(parser: argparse.ArgumentParser, words: str) -> list[tuple[str, str]]:
    """(command words, its --help text) for `lofteskartan` and every subcommand below it."""
    found = [(words, parser.format_help())]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _every_parser(sub, f"{words} {name}")
    return found


def test_every_help_text_is_in_swedish_with_every_option_explained() -> None:
    helps = _every_parser(cli.build_parser(), "lofteskartan")
    assert len(helps) > 20  # every command and subcommand was reached
    for words, text in helps:
        assert text.startswith("användning: "), words
        for english in ("usage:", "options:", "positional arguments", "show this help"):
            assert english not in text, f"{words}: {english}"
    export_csv = dict(helps)["lofteskartan export csv"]
    assert "--from DATUM          första dagen" in export_csv
    assert "--to DATUM            sista dagen" in export_csv
