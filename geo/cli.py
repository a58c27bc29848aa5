"""The `lofteskartan` command (also `python -m geo`).

A thin shell around the domain, like a page. Contract relied on by scripts:
exit 0 on success; 2 on bad input or usage, with a Swedish message on stderr and nothing
written; 1 only for a bug.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from geo.errors import LofteskartanError
from geo.models import Actor
from geo.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent
PROMISE_DIR = REPO_ROOT / "data" / "promises"

Handler = Callable[[argparse.Namespace, Store], int]


class UsageError(LofteskartanError):
    """The command line itself is wrong."""


_ARGPARSE_SV = (
    ("the following arguments are required", "de här argumenten saknas"),
    ("unrecognized arguments", "okända argument"),
    ("invalid choice", "ogiltigt val"),
    ("choose from", "välj bland"),
    ("expected one argument", "väntade ett värde"),
    ("invalid int value", "inget heltal"),
    ("argument", "argument"),
)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are Swedish and raise instead of exiting."""

    def error(self, message: str) -> NoReturn:
        for english, swedish in _ARGPARSE_SV:
            message = message.replace(english, swedish)
        raise UsageError(f"{message}\nSe `{self.prog} --help`.")


def cli_actor() -> Actor:
    """Who runs the command: the operating-system user, as an administrator."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "okänd"
    return Actor(f"cli:{user}", role="admin")


def _year(text: str) -> int:
    """--year takes the calendar year a promise year starts in."""
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f'"{text}" är inget år (skriv t.ex. 2023)')
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; subcommands are registered by `COMMANDS` below."""
    parser = _Parser(
        prog="lofteskartan",
        description="Löfteskartan: planera och följ upp medborgarlöften på en karta.",
        epilog="Databasen väljs med LOFTESKARTAN_DB (en SQLAlchemy-URL); utan den används "
        "en SQLite-fil (se README.md).",
    )
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)
    sub.required = True
    for register in COMMANDS:
        register(sub)
    return parser


# -- init -------------------------------------------------------------------------------


def _register_init(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init", help="skapa eller uppgradera databasen och läs in löften och baslager"
    )
    p.add_argument("--demo", action="store_true", help="lägg till exempeldata för Aneby")
    p.add_argument(
        "--promise",
        action="append",
        type=Path,
        metavar="FIL",
        help="löftesfil(er) att läsa in (standard: alla i data/promises/)",
    )
    p.set_defaults(handler=_cmd_init)


def _cmd_init(args: argparse.Namespace, store: Store) -> int:
    from geo.setup import initialise  # keeps `--help` fast

    for line in initialise(store, cli_actor(), args.promise or [PROMISE_DIR], demo=args.demo):
        print(line)
    return 0


# -- status -----------------------------------------------------------------------------


def _register_status(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="läget per aktivitet i löftet")
    p.add_argument("--year", type=_year, metavar="ÅÅÅÅ", help="löftesåret som börjar detta år")
    p.add_argument("--document", metavar="ID", help="medborgarlöftets id (standard: det senaste)")
    p.add_argument("--json", action="store_true", help="skriv JSON i stället för en tabell")
    p.set_defaults(handler=_cmd_status)


def _cmd_status(args: argparse.Namespace, store: Store) -> int:
    from geo.status import status_report, status_rows

    store.require_schema()
    report = status_report(store, cli_actor(), args.document, args.year, today=date.today())
    if args.json:
        print(json.dumps(status_rows(report), ensure_ascii=False, indent=2))
        return 0
    period = report.period
    print(f"{report.document.title} – {period.label} ({period.start} – {period.end})")
    print(f"Läget den {report.today}.")
    print(
        f"{'Löfte':<16} {'Aktivitet':<40} {'Mål':>8} {'Gjort':>6} {'Kvar':>5} {'Planerat':>8} "
        f"{'Prognos':>8}  Läge"
    )
    rows = status_rows(report)
    for row in rows:
        target = row["target_text"] or "–"
        remaining = "–" if row["remaining"] is None else str(row["remaining"])
        forecast = "–" if row["forecast"] is None else str(row["forecast"])
        title = row["title"] if len(row["title"]) <= 40 else row["title"][:39] + "…"
        print(
            f"{row['promise'] or 'hela löftet':<16} {title:<40} {target:>8} {row['done']:>6} "
            f"{remaining:>5} {row['planned']:>8} {forecast:>8}  {row['status_text'] or '–'}"
        )
    print()
    for row in rows:
        if row["status"] is not None:
            print(f"{row['id']}: {row['forecast_text']}")
    if report.tertials:
        print()
        labels = [s.label.split(" (")[0] for s, _ in report.tertials]
        print("Genomförda per tertial (delen inom löftesåret):")
        print(f"{'Aktivitet':<24} " + " ".join(f"{label:>8}" for label in labels))
        for row in rows:
            print(f"{row['id']:<24} " + " ".join(f"{t['done']:>8}" for t in row["tertials"]))
    return 0


# -- import -----------------------------------------------------------------------------
#
# `lofteskartan import KIND FILE`: one subcommand per kind of file. To add one, write a
# `_register_import_x(imports)` that calls `imports.add_parser("x", ...)` and sets a
# `handler`, and append it to IMPORT_COMMANDS (see `_register_import_events`).


def _register_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="läs in en fil (händelser, ...)")
    imports = p.add_subparsers(dest="import_kind", metavar="TYP", parser_class=_Parser)
    imports.required = True
    for register in IMPORT_COMMANDS:
        register(imports)


def _register_import_events(imports: argparse._SubParsersAction) -> None:
    p = imports.add_parser(
        "events",
        help="polisens händelser (polisen.se: API-JSON eller CSV)",
        description="Läs in händelser från polisen.se, antingen som API:ts JSON eller som "
        "CSV med kolumnerna event_id, datetime, type, name, summary, url, api_location_name, "
        "api_lat, api_lon, municipality_code. Händelser som redan finns hoppas över.",
    )
    p.add_argument("file", type=Path, metavar="FIL", help="JSON- eller CSV-fil")
    p.set_defaults(handler=_cmd_import_events)


def _cmd_import_events(args: argparse.Namespace, store: Store) -> int:
    from geo.events import import_events_file

    store.require_schema()
    result = import_events_file(store, cli_actor(), args.file)
    print(result.describe())
    return 0


IMPORT_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_import_events,
]


# -- serve ------------------------------------------------------------------------------


def _register_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="starta appen i webbläsaren")
    p.add_argument("--port", type=int, default=8501, help="port (standard 8501)")
    p.set_defaults(handler=_cmd_serve)


def _cmd_serve(args: argparse.Namespace, store: Store) -> int:
    store.require_schema()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "app.py"),
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.enableStaticServing",
        "true",
    ]
    print(f"Löfteskartan startar på http://127.0.0.1:{args.port} (avsluta med Ctrl+C)")
    os.chdir(REPO_ROOT)
    os.execv(sys.executable, command)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_init,
    _register_status,
    _register_import,
    _register_serve,
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
