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
from datetime import date, datetime, time, timedelta
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


# -- export (a command group: other modules append registrars to EXPORT_COMMANDS) --------

Registrar = Callable[[argparse._SubParsersAction], None]


def _date(text: str) -> date:
    """--from/--to take ISO dates."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" är inget datum (skriv t.ex. 2024-03-05)'
        ) from None


def _register_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="skriv ut data till filer (kalender, öppettider ...)")
    group = p.add_subparsers(dest="export_command", metavar="VAD", parser_class=_Parser)
    group.required = True
    for register in EXPORT_COMMANDS:
        register(group)


def _register_export_ics(group: argparse._SubParsersAction) -> None:
    p = group.add_parser("ics", help="planerade aktiviteter som iCalendar-fil (.ics)")
    p.add_argument("out", type=Path, metavar="UT", help="filen att skriva (- för stdout)")
    p.add_argument(
        "--audience",
        choices=["public", "internal"],
        default="internal",
        help="public: bara öppna närvarotider; internal: allt du får se (standard)",
    )
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATUM", help="från och med")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATUM", help="till och med")
    p.add_argument("--document", metavar="ID", help="medborgarlöftets id (standard: det senaste)")
    p.set_defaults(handler=_cmd_export_ics)


def _period(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    """Local midnights for --from (inclusive) and the day after --to (exclusive)."""
    from geo.models import STOCKHOLM

    start = end = None
    if args.date_from is not None:
        start = datetime.combine(args.date_from, time(0), tzinfo=STOCKHOLM)
    if args.date_to is not None:
        end = datetime.combine(args.date_to + timedelta(days=1), time(0), tzinfo=STOCKHOLM)
    if start is not None and end is not None and end <= start:
        raise UsageError("--to ligger före --from.")
    return start, end


def _write_output(out: Path, data: bytes) -> None:
    """Write to a file (atomically, so a reader never sees half a feed) or to stdout."""
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if out.parent and not out.parent.exists():
        raise UsageError(f"Mappen {out.parent} finns inte.")
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)


def _cmd_export_ics(args: argparse.Namespace, store: Store) -> int:
    from geo.publish import Audience, calendar_feed, visible_classifications

    store.require_schema()
    actor = cli_actor()
    start, end = _period(args)
    with store.session(actor) as s:
        doc = s.promise_document(args.document)
        plans = s.list_planned(start, end)
        activities = s.list_activities(start, end)
        places = {p.id: p for p in s.list_places(include_retired=True) if p.id is not None}
    audience = Audience(args.audience)
    public = audience is Audience.PUBLIC
    title = "polisens öppettider" if public else "planering"
    feed = calendar_feed(
        plans,
        places,
        audience,
        visible=visible_classifications(actor),
        activities=activities,
        document_id=doc.id,
        name=f"{doc.kommun_name}: {title}",
    )
    _write_output(args.out, feed)
    if str(args.out) != "-":
        events = feed.count(b"BEGIN:VEVENT")
        print(f"{args.out}: {events} händelser ({'publik' if public else 'intern'} kalender).")
    return 0


def _register_export_opening_hours(group: argparse._SubParsersAction) -> None:
    p = group.add_parser("opening-hours", help="öppettider för kommunens webbplats (text/HTML)")
    p.add_argument("out", type=Path, metavar="UT", help="filen att skriva (- för stdout)")
    p.add_argument("--format", choices=["text", "html"], default="text", help="standard: text")
    p.add_argument("--weeks", type=int, default=4, help="antal veckor framåt (standard 4)")
    p.add_argument("--today", type=_date, metavar="DATUM", help="räkna från detta datum")
    p.add_argument("--document", metavar="ID", help="medborgarlöftets id (standard: det senaste)")
    p.set_defaults(handler=_cmd_export_opening_hours)


def _cmd_export_opening_hours(args: argparse.Namespace, store: Store) -> int:
    from geo.publish import opening_hours, public_times

    store.require_schema()
    today = args.today or date.today()
    with store.session(cli_actor()) as s:
        doc = s.promise_document(args.document)
        rules = s.list_schedule_rules(doc.id)
        plans = s.list_planned()
        places = {p.id: p for p in s.list_places(include_retired=True) if p.id is not None}
    text = opening_hours(public_times(rules, plans, places, today, args.weeks))
    _write_output(args.out, (text.html if args.format == "html" else text.text).encode("utf-8"))
    return 0


EXPORT_COMMANDS: list[Registrar] = [_register_export_ics, _register_export_opening_hours]


# -- import (a command group: other modules append registrars to IMPORT_COMMANDS) --------


def _register_import(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="läs in data från filer (aktiviteter ...)")
    group = p.add_subparsers(dest="import_command", metavar="VAD", parser_class=_Parser)
    group.required = True
    for register in IMPORT_COMMANDS:
        register(group)


def _register_import_activities(group: argparse._SubParsersAction) -> None:
    p = group.add_parser(
        "activities",
        help="genomförda aktiviteter från CSV (Excel) eller GeoJSON",
        description="Mall: data/templates/aktiviteter.csv. En felaktig rad och inget läses in; "
        "samma fil två gånger lägger inte till något.",
    )
    p.add_argument("file", type=Path, metavar="FIL")
    p.add_argument("--document", metavar="ID", help="medborgarlöftets id (standard: det senaste)")
    p.set_defaults(handler=_cmd_import_activities)


def _cmd_import_activities(args: argparse.Namespace, store: Store) -> int:
    from geo.activity_import import import_activities

    result = import_activities(store, cli_actor(), args.file, args.document)
    print(result.message(args.file.name))
    return 0


IMPORT_COMMANDS: list[Registrar] = [_register_import_activities]


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_init,
    _register_status,
    _register_serve,
    _register_export,
    _register_import,
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
