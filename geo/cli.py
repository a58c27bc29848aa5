"""The `lofteskartan` command (also `python -m geo`).

A thin shell around the domain, like a page. Contract relied on by scripts:
exit 0 on success; 2 on bad input or usage, with a Swedish message on stderr and nothing
written; 1 only for a bug.

This module holds `main`, the parser and the lists of commands. The commands themselves live
in one module per group: `geo.cli_admin` (init, serve, users, backup, restore),
`geo.cli_status`, `geo.cli_sites` (suggest-sites), `geo.cli_import` and `geo.cli_export`;
what they share is in `geo.cli_common`. A new command is a registrar `register_x(sub)` in the
module of its group, appended to `COMMANDS`, `IMPORT_COMMANDS` or `EXPORT_COMMANDS` below.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from geo import cli_admin, cli_export, cli_import, cli_sites, cli_status
from geo.cli_common import Registrar, SwedishParser, UsageError, cli_actor
from geo.errors import LofteskartanError
from geo.store import Store

__all__ = [
    "COMMANDS",
    "EXPORT_COMMANDS",
    "IMPORT_COMMANDS",
    "UsageError",
    "build_parser",
    "cli_actor",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; subcommands are registered by `COMMANDS` below."""
    parser = SwedishParser(
        prog="lofteskartan",
        description="Löfteskartan: planera och följ upp medborgarlöften på en karta.",
        epilog="Databasen väljs med LOFTESKARTAN_DB (en SQLAlchemy-URL); utan den används "
        "en SQLite-fil (se README.md).",
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=SwedishParser)
    sub.required = True
    for register in COMMANDS:
        register(sub)
    return parser


# -- import and export: command groups other modules add subcommands to --------------------


def _register_group(
    sub: argparse._SubParsersAction, name: str, help_text: str, registrars: list[Registrar]
) -> None:
    """A command with subcommands (`import places`, `export places`, ...)."""
    p = sub.add_parser(name, help=help_text)
    group = p.add_subparsers(dest=f"{name}_what", metavar="VAD", parser_class=SwedishParser)
    group.required = True
    for register in registrars:
        register(group)


def _register_import(sub: argparse._SubParsersAction) -> None:
    _register_group(sub, "import", "läs in data från filer", IMPORT_COMMANDS)


def _register_export(sub: argparse._SubParsersAction) -> None:
    _register_group(sub, "export", "skriv data till filer", EXPORT_COMMANDS)


# Subcommands of `lofteskartan import` and `lofteskartan export`: add a registrar that takes
# the group's subparsers (see `geo.cli_import.register_places`) and append it here. The
# groups read these lists when the parser is built, so a test may extend them.
IMPORT_COMMANDS: list[Registrar] = [
    cli_import.register_places,
    cli_import.register_base_layer,
    cli_import.register_activities,
    cli_import.register_events,
]
EXPORT_COMMANDS: list[Registrar] = [
    cli_export.register_places,
    cli_export.register_formats,
    cli_export.register_ics,
    cli_export.register_opening_hours,
]

COMMANDS: list[Registrar] = [
    cli_admin.register_init,
    cli_status.register_status,
    cli_admin.register_serve,
    cli_sites.register_suggest_sites,
    _register_import,
    _register_export,
    cli_admin.register_users,
    cli_admin.register_backup,
    cli_admin.register_restore,
]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        store = Store()
        try:
            return int(args.handler(args, store))
        finally:
            store.dispose()
    except LofteskartanError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `lofteskartan status --json | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
