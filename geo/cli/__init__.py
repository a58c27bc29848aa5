"""The `lofteskartan` command (also `python -m geo`).

A thin shell around the domain, like a page. Contract relied on by scripts:
exit 0 on success; 2 on bad input or usage, with a Swedish message on stderr and nothing
written; 1 only for a bug.

This module holds `main`, the parser and the lists of commands. The commands themselves live
in one module per group: `geo.cli.admin` (init, serve, users, backup, restore),
`geo.cli.status`, `geo.cli.sites` (suggest-sites), `geo.cli.imports` and `geo.cli.export`;
what they share is in `geo.cli.common`. A new command is a registrar `register_x(sub)` in the
module of its group, appended to `COMMANDS`, `IMPORT_COMMANDS` or `EXPORT_COMMANDS` below.
Its help is its handler's docstring, in Swedish (`geo.cli.common.add_command`).

This package is the command-line room: the exit codes, the Swedish usage messages and how
arguments are read have their home here; the work itself is done by the other rooms of `geo`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from geo.cli import admin, check, export, imports, sites, status
from geo.cli.common import Registrar, SwedishParser, UsageError, cli_actor, subcommands
from geo.errors import LofteskartanError

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
    sub = subcommands(parser, "command", "KOMMANDO")
    for register in COMMANDS:
        register(sub)
    return parser


# -- import and export: command groups other modules add subcommands to --------------------


def _register_group(
    sub: argparse._SubParsersAction, name: str, help_text: str, registrars: list[Registrar]
) -> None:
    """A command with subcommands (`import places`, `export places`, ...)."""
    p = sub.add_parser(name, help=help_text)
    group = subcommands(p, f"{name}_what", "VAD")
    for register in registrars:
        register(group)


def _register_import(sub: argparse._SubParsersAction) -> None:
    _register_group(sub, "import", "läs in data från filer", IMPORT_COMMANDS)


def _register_export(sub: argparse._SubParsersAction) -> None:
    _register_group(sub, "export", "skriv data till filer", EXPORT_COMMANDS)


# Subcommands of `lofteskartan import` and `lofteskartan export`: add a registrar that takes
# the group's subparsers (see `geo.cli.imports.register_places`) and append it here. The
# groups read these lists when the parser is built, so a test may extend them.
IMPORT_COMMANDS: list[Registrar] = [
    imports.register_places,
    imports.register_base_layer,
    imports.register_activities,
    imports.register_events,
]
EXPORT_COMMANDS: list[Registrar] = [
    export.register_places,
    export.register_formats,
    export.register_ics,
    export.register_opening_hours,
]

COMMANDS: list[Registrar] = [
    admin.register_init,
    status.register_status,
    check.register_check,
    admin.register_serve,
    sites.register_suggest_sites,
    _register_import,
    _register_export,
    admin.register_users,
    admin.register_backup,
    admin.register_restore,
]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        from geo.store import Store  # after parsing: `--help` and usage errors need no database

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
