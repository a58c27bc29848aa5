"""`export` and `import` are command groups other modules extend through registrar lists."""

from __future__ import annotations

import argparse

import pytest

from geo import cli


def _register_example(group: argparse._SubParsersAction) -> None:
    p = group.add_parser("exempel", help="test")
    p.add_argument("out")
    p.set_defaults(handler=lambda args, store: 0)


@pytest.mark.parametrize(
    "registry,command", [("EXPORT_COMMANDS", "export"), ("IMPORT_COMMANDS", "import")]
)
def test_a_registrar_appended_to_a_group_becomes_a_subcommand(
    registry: str, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, registry, [*getattr(cli, registry), _register_example])
    args = cli.build_parser().parse_args([command, "exempel", "fil.x"])
    assert args.out == "fil.x"


def test_the_groups_hold_this_issues_commands() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["export", "ics", "ut.ics", "--audience", "public"]).audience == (
        "public"
    )
    assert parser.parse_args(["export", "opening-hours", "-"]).format == "text"
    assert str(parser.parse_args(["import", "activities", "a.csv"]).file) == "a.csv"


def test_a_group_without_a_subcommand_is_a_swedish_usage_error() -> None:
    with pytest.raises(cli.UsageError, match="de här argumenten saknas: VAD"):
        cli.build_parser().parse_args(["import"])
