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


# -- import and export: command groups other modules add subcommands to --------------------

Registrar = Callable[[argparse._SubParsersAction], None]


def _register_group(
    sub: argparse._SubParsersAction, name: str, help_text: str, registrars: list[Registrar]
) -> None:
    """A command with subcommands (`import places`, `export places`, ...)."""
    p = sub.add_parser(name, help=help_text)
    group = p.add_subparsers(dest=f"{name}_what", metavar="VAD", parser_class=_Parser)
    group.required = True
    for register in registrars:
        register(group)


def _register_import(sub: argparse._SubParsersAction) -> None:
    _register_group(sub, "import", "läs in data från filer", IMPORT_COMMANDS)


def _register_export(sub: argparse._SubParsersAction) -> None:
    _register_group(sub, "export", "skriv data till filer", EXPORT_COMMANDS)


def _crs_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--crs",
        metavar="EPSG:NNNN",
        help="filens koordinatsystem, t.ex. EPSG:3006 (SWEREF 99 TM) eller EPSG:4326 (WGS 84); "
        "utan det används filens eget (CSV: det som talen visar)",
    )


def _read_file(path: Path) -> bytes:
    """A file's bytes, or a Swedish message when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"Filen {path} finns inte.") from None
    except IsADirectoryError:
        raise UsageError(f"{path} är en mapp, inte en fil.") from None
    except OSError as exc:
        raise UsageError(f"Filen {path} går inte att läsa ({exc.strerror}).") from None


# -- import places (issue 3) ----------------------------------------------------------------


def _register_import_places(group: argparse._SubParsersAction) -> None:
    p = group.add_parser(
        "places",
        help="platser från CSV (som Excel sparar den), GeoJSON eller GeoPackage",
        description="Läser in platser. Hela filen kontrolleras först; har en rad fel "
        "importeras ingenting. Kolumnerna beskrivs i README.md och i data/templates/platser.csv.",
    )
    p.add_argument("file", type=Path, metavar="FIL")
    _crs_option(p)
    p.set_defaults(handler=_cmd_import_places)


def _cmd_import_places(args: argparse.Namespace, store: Store) -> int:
    from geo.place_import import read_places, save_places
    from geo.places import load_place_context

    store.require_schema()
    data = _read_file(args.file)
    actor = cli_actor()
    with store.session(actor) as s:
        context = load_place_context(s)
    result = read_places(data, args.file.name, args.crs, context)
    print(f"Koordinatsystem: {result.crs_label} ({result.crs_reason}).")
    if result.ignored_columns:
        print(f"Kolumner som inte läses: {', '.join(result.ignored_columns)}.")
    for warning in result.warnings:
        print(f"Varning: {warning}", file=sys.stderr)
    with store.session(actor) as s:
        saved = save_places(s, result.places)
    print(
        f"{len(saved.added)} platser importerades från {args.file.name}"
        + (f"; {len(saved.already_stored)} fanns redan." if saved.already_stored else ".")
    )
    return 0


# -- import base-layer (issue 3) ------------------------------------------------------------


def _register_import_base_layer(group: argparse._SubParsersAction) -> None:
    p = group.add_parser(
        "base-layer",
        help="ett baslager (vägar, byggnader, adresser) från GeoPackage eller GeoJSON",
        description="Läser in ett baslager som visas på kartan utan internet. Ett lager med "
        "samma namn ersätts.",
    )
    p.add_argument("file", type=Path, metavar="FIL")
    p.add_argument("--name", required=True, metavar="NAMN", help="kort namn, t.ex. vagar")
    p.add_argument("--title", metavar="TEXT", help="namnet i kartans lagerlista")
    p.add_argument(
        "--attribution",
        metavar="TEXT",
        help='källan som visas på kartan, t.ex. "© OpenStreetMap-bidragsgivare (ODbL)"',
    )
    p.add_argument("--layer", metavar="LAGER", help="lagret i en GeoPackage med flera lager")
    _crs_option(p)
    p.set_defaults(handler=_cmd_import_base_layer)


def _cmd_import_base_layer(args: argparse.Namespace, store: Store) -> int:
    from geo.base_layer_import import import_base_layer, read_base_layer

    store.require_schema()
    source = read_base_layer(
        args.file, args.name, args.title, args.attribution, args.crs, args.layer
    )
    print(import_base_layer(store, cli_actor(), source))
    if not args.attribution:
        print(
            'Tips: ange källan med --attribution (t.ex. "© OpenStreetMap-bidragsgivare '
            '(ODbL)") – den visas på kartan.',
            file=sys.stderr,
        )
    return 0


# -- export places (issue 3) ----------------------------------------------------------------


def _register_export_places(group: argparse._SubParsersAction) -> None:
    p = group.add_parser(
        "places",
        help="alla aktiva platser till GeoPackage (.gpkg) eller GeoJSON (.geojson)",
        description="Skriver alla aktiva platser med samma kolumnnamn som importen, så att "
        "filen kan läsas in igen. Filen är intern: den innehåller alla klassningar.",
    )
    p.add_argument("out", type=Path, metavar="UT.gpkg|UT.geojson")
    p.set_defaults(handler=_cmd_export_places)


def _cmd_export_places(args: argparse.Namespace, store: Store) -> int:
    from geo.models import Classification
    from geo.place_import import export_places

    store.require_schema()
    with store.session(cli_actor()) as s:
        places = s.list_places()
    count = export_places(places, args.out)
    secret = sum(p.classification is Classification.SECRET for p in places)
    print(f"{count} platser skrevs till {args.out}.")
    if secret:
        print(f"Obs: {secret} av dem har klassning sekretess. Filen är intern.", file=sys.stderr)
    return 0


# Subcommands of `lofteskartan import` and `lofteskartan export`: add a registrar that takes
# the group's subparsers (see `_register_import_places`) and append it here.
IMPORT_COMMANDS: list[Registrar] = [
    _register_import_places,
    _register_import_base_layer,
]
EXPORT_COMMANDS: list[Registrar] = [
    _register_export_places,
]

COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_init,
    _register_status,
    _register_serve,
    _register_import,
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
