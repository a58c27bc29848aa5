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
    print(f"{'Löfte':<16} {'Aktivitet':<40} {'Mål':>8} {'Gjort':>6} {'Kvar':>5} {'Planerat':>8}")
    for row in status_rows(report):
        target = row["target_text"] or "–"
        remaining = "–" if row["remaining"] is None else str(row["remaining"])
        title = row["title"] if len(row["title"]) <= 40 else row["title"][:39] + "…"
        print(
            f"{row['promise'] or 'hela löftet':<16} {title:<40} {target:>8} {row['done']:>6} "
            f"{remaining:>5} {row['planned']:>8}"
        )
    return 0


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


# -- export (issue 6) -------------------------------------------------------------------
#
# `lofteskartan export FORMAT OUT ...`: one command group. Each entry of EXPORT_COMMANDS
# is a registrar `f(formats)` that adds one or more subcommands to the group's
# subparsers (`formats.add_parser("places", ...)`, with `set_defaults(handler=...)` like
# any other command). Issue 6 adds map-html, map-png, meeting-pdf, gpkg, csv, followup;
# other exports (places, ics) append their own registrar to the list.


def _export_date(text: str) -> date:
    """--from/--to/--meeting-date take ISO dates."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" är inget datum (skriv t.ex. 2024-03-14)'
        ) from None


def _export_count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f'"{text}" är inget heltal')
    return int(text)


def _export_metres(text: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" är inget tal (meter)') from None


def _register_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="exportera kartor, mötesunderlag, data och uppföljning",
        description="Exportera till fil. --audience public ger en version som får publiceras.",
    )
    formats = p.add_subparsers(dest="export_command", metavar="FORMAT", parser_class=_Parser)
    formats.required = True
    for register in EXPORT_COMMANDS:
        register(formats)


_EXPORT_HELP = {
    "map-html": "kartan som en fristående HTML-fil som fungerar utan internet",
    "map-png": "kartbild (PNG) för utskrift",
    "meeting-pdf": "mötesunderlag för samverkansmötet (PDF)",
    "gpkg": "all data som GeoPackage (EPSG:3006) för QGIS",
    "csv": "all data som CSV för Excel (zip med en fil per tabell)",
    "followup": "uppföljning per tertial för polisen.se: texter och karta (zip)",
}


def _register_issue6_exports(formats: argparse._SubParsersAction) -> None:
    from geo.aggregate import DEFAULT_CELL_SIZE_M, DEFAULT_MIN_COUNT, GridShape

    for name, help_text in _EXPORT_HELP.items():
        p = formats.add_parser(name, help=help_text, description=help_text)
        p.add_argument("out", type=Path, metavar="UT", help="filen som skrivs")
        p.add_argument(
            "--audience",
            choices=["internal", "public"],
            default="public" if name == "followup" else "internal",
            help="internal (allt du får se) eller public (får publiceras); standard: "
            + ("public" if name == "followup" else "internal"),
        )
        p.add_argument("--from", dest="date_from", type=_export_date, metavar="DATUM")
        p.add_argument("--to", dest="date_to", type=_export_date, metavar="DATUM")
        p.add_argument("--document", metavar="ID", help="medborgarlöftets id")
        p.add_argument(
            "--min-count",
            type=_export_count,
            default=DEFAULT_MIN_COUNT,
            metavar="K",
            help=f"minsta antal som visas offentligt (standard {DEFAULT_MIN_COUNT})",
        )
        p.add_argument(
            "--cell-size",
            type=_export_metres,
            default=DEFAULT_CELL_SIZE_M,
            metavar="M",
            help=f"rutstorlek i meter (standard {DEFAULT_CELL_SIZE_M:g})",
        )
        p.add_argument(
            "--grid", choices=[g.value for g in GridShape], default=GridShape.SQUARE.value
        )
        if name in ("map-html", "followup"):
            p.add_argument(
                "--no-tiles", action="store_true", help="ingen bakgrundskarta från internet"
            )
        if name == "map-png":
            p.add_argument(
                "--view", choices=["oversikt", "tathet"], default="oversikt", help="vilken karta"
            )
        if name == "meeting-pdf":
            p.add_argument(
                "--meeting-date", type=_export_date, metavar="DATUM", help="mötets datum"
            )
            p.add_argument(
                "--since",
                type=_export_date,
                metavar="DATUM",
                help='första dagen för "genomfört sedan förra mötet" '
                "(standard: dagen efter förra loggade samverkansmötet)",
            )
        p.set_defaults(handler=_cmd_export, export_format=name)


def _cmd_export(args: argparse.Namespace, store: Store) -> int:
    from geo.aggregate import GridShape
    from geo.audience import Audience, AudienceRules, ExportRequest, default_period
    from geo.exports import ExportFormat, ExportOptions, make_export, write_export
    from geo.store import now

    out: Path = args.out
    if out.is_dir():
        raise UsageError(f"{out} är en mapp: ange ett filnamn.")
    if not out.parent.is_dir():
        raise UsageError(f"Mappen {out.parent} finns inte.")
    store.require_schema()
    actor = cli_actor()
    with store.session(actor) as s:
        doc = s.promise_document(args.document)
    made_at = now()
    period = default_period(doc, made_at.date())
    request = ExportRequest(
        audience=Audience(args.audience),
        start=args.date_from or period.start,
        end=args.date_to or period.end,
        made_at=made_at,
        rules=AudienceRules(args.min_count, args.cell_size, GridShape(args.grid)),
        document_id=doc.id,
        meeting_date=getattr(args, "meeting_date", None),
        since=getattr(args, "since", None),
    )
    options = ExportOptions(
        tiles=not getattr(args, "no_tiles", False),
        density_png=getattr(args, "view", "oversikt") == "tathet",
    )
    result = make_export(store, actor, ExportFormat(args.export_format), request, options)
    write_export(result.payload, out)
    print(f"{result.summary} -> {out}")
    return 0


EXPORT_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_issue6_exports,
]


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_init,
    _register_status,
    _register_serve,
    _register_export,
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
