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
from typing import Any, NoReturn

from geo.errors import LofteskartanError
from geo.models import Actor, PlaceKind
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
    """Who runs the command: the operating-system user, as an administrator of the police.

    Whoever can run the command line on the database's machine is its operator and can read
    the database file anyway, so the command line has every right, sekretess included.
    """
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "okänd"
    return Actor(f"cli:{user}", role="admin", organisation="polis")


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


# -- import events (issue 5) -----------------------------------------------------------


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


# -- suggest-sites (issue 7) ------------------------------------------------------------


def _metres(text: str) -> float:
    """A distance in metres; decimal comma allowed ("12,5")."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" är inget antal meter') from None


def _weighted(text: str) -> tuple[str, float]:
    """NAME or NAME:VIKT (a layer or file with its weight, e.g. olyckor.csv:2)."""
    name, sep, weight = text.rpartition(":")
    if sep and name and not Path(text).exists():
        try:
            return name, float(weight.replace(",", "."))
        except ValueError:
            pass
    return text, 1.0


def _weekday(text: str) -> int:
    """måndag … söndag (the first three letters are enough)."""
    from geo.rotation import WEEKDAYS

    for i, day in enumerate(WEEKDAYS):
        if len(text) >= 3 and day.startswith(text.strip().lower()):
            return i
    raise argparse.ArgumentTypeError(f'"{text}" är ingen veckodag (skriv t.ex. onsdag)')


def _clock(text: str) -> time:
    """HH:MM."""
    try:
        return time.fromisoformat(text.strip().zfill(5))
    except ValueError:
        raise argparse.ArgumentTypeError(f'"{text}" är ingen tid (skriv t.ex. 07:00)') from None


def _day(text: str) -> date:
    """ÅÅÅÅ-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" är inget datum (skriv t.ex. 2024-09-02)'
        ) from None


def _register_suggest_sites(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "suggest-sites",
        help="föreslå trafikkontrollplatser som tillsammans täcker mest av efterfrågan",
        description="Väljer högst K platser bland kandidaterna så att så mycket som möjligt av "
        "den viktade efterfrågan ligger inom RADIE meter från en vald plats (exakt lösning). "
        "Kandidater: lagrade trafikkontrollplatser, --candidates och --road-layer. "
        "Efterfrågan: --demand och --layer; utan dem lagren overtradelser och centrum.",
    )
    p.add_argument("--k", type=int, required=True, metavar="K", help="högst så många platser")
    p.add_argument(
        "--radius", type=_metres, required=True, metavar="METER", help="täckningsradie i meter"
    )
    p.add_argument(
        "--candidates",
        action="append",
        type=Path,
        default=[],
        metavar="FIL",
        help="kandidater ur fil (CSV/GeoPackage/GeoJSON): punkter, eller vägar (linjer) som "
        "blir en punkt var --spacing meter",
    )
    p.add_argument(
        "--road-layer",
        metavar="NAMN",
        help="baslager med vägar (linjer) att lägga kandidater längs",
    )
    p.add_argument(
        "--spacing",
        type=_metres,
        default=250.0,
        metavar="METER",
        help="avstånd mellan kandidater längs vägar (standard 250)",
    )
    p.add_argument(
        "--no-sites", action="store_true", help="ta inte med de lagrade trafikkontrollplatserna"
    )
    p.add_argument(
        "--demand",
        action="append",
        type=_weighted,
        default=[],
        metavar="FIL[:VIKT]",
        help="efterfrågan ur fil; varje punkts vikt är dess kolumn vikt (1 om den saknas), "
        "gånger VIKT för hela filen",
    )
    p.add_argument(
        "--layer",
        action="append",
        type=_weighted,
        default=[],
        metavar="LAGER[:VIKT]",
        help="efterfrågan ur databasen: overtradelser (tidigare trafikkontroller, viktade med "
        "antal överträdelser) eller centrum (centrumområdena)",
    )
    p.add_argument("--json", action="store_true", help="skriv JSON i stället för text")
    rot = p.add_argument_group("rotation")
    rot.add_argument("--weeks", type=int, metavar="N", help="gör en rotationsplan för N veckor")
    rot.add_argument(
        "--min-gap",
        type=int,
        default=1,
        metavar="M",
        help="veckor en plats vilar innan den används igen (standard 1: aldrig två veckor i rad)",
    )
    rot.add_argument("--seed", type=int, metavar="S", help="frö för samma plan igen")
    rot.add_argument("--per-week", type=int, default=1, metavar="P", help="platser per vecka")
    rot.add_argument(
        "--start", type=_day, metavar="DATUM", help="första veckans måndag (standard: nästa)"
    )
    rot.add_argument(
        "--save",
        action="store_true",
        help="lägg in rotationen i planeringen som planerade trafikkontroller",
    )
    rot.add_argument(
        "--day",
        type=_weekday,
        default=2,
        metavar="DAG",
        help="veckodag för kontrollen (standard onsdag)",
    )
    rot.add_argument(
        "--time", type=_clock, default=time(7, 0), metavar="HH:MM", help="starttid (standard 07:00)"
    )
    rot.add_argument(
        "--hours", type=_metres, default=2.0, metavar="TIMMAR", help="längd i timmar (standard 2)"
    )
    rot.add_argument(
        "--document", metavar="ID", help="medborgarlöfte för --save (standard: det senaste)"
    )
    p.set_defaults(handler=_cmd_suggest_sites)


def _cmd_suggest_sites(args: argparse.Namespace, store: Store) -> int:
    from geo import siting
    from geo import siting_inputs as inputs
    from geo.rotation import monday_after, new_seed, plan_rotation, planned_controls, save_rotation
    from geo.siting_io import read_candidates, read_demand

    siting.check_k_and_radius(args.k, args.radius)
    if args.weeks is None and (args.save or args.seed is not None or args.start):
        raise UsageError("--seed, --start och --save gäller rotationen: ange också --weeks N.")
    # Read and check every file before touching the database.
    file_candidates = [read_candidates(path, spacing=args.spacing) for path in args.candidates]
    file_layers = [read_demand(Path(name), layer_weight=w) for name, w in args.demand]
    store_layer_names = list(args.layer)
    if not args.demand and not args.layer:
        store_layer_names = [(inputs.VIOLATIONS_LAYER, 1.0), (inputs.CENTRAL_AREAS_LAYER, 1.0)]
    for name, _ in store_layer_names:
        if name not in inputs.STORE_LAYER_TITLES:
            known = ", ".join(inputs.STORE_LAYER_TITLES)
            raise UsageError(f'Lagret "{name}" finns inte (finns: {known}).')
    needs_store = bool(store_layer_names) or not args.no_sites or args.road_layer or args.save
    store_candidates: list[siting.Candidate] = []
    road: list[siting.Candidate] = []
    layers: list[siting.DemandLayer] = []
    document_id = None
    if needs_store:
        store.require_schema()
        with store.session(cli_actor()) as s:
            if not args.no_sites:
                sites = s.list_places(PlaceKind.TRAFFIC_CONTROL_SITE)
                store_candidates = inputs.site_candidates(sites)
            if args.road_layer:
                road = inputs.base_layer_candidates(s, args.road_layer, args.spacing)
            if store_layer_names:
                offered = inputs.store_demand_layers(s)
                layers = [offered[name].with_weight(w) for name, w in store_layer_names]
            if args.save:
                document_id = s.promise_document(args.document).id
    candidates = inputs.combine_candidates(store_candidates, *file_candidates, road)
    if not candidates:
        raise UsageError(
            "Det finns inga kandidatplatser: lägg in trafikkontrollplatser, eller ange "
            "--candidates FIL eller --road-layer NAMN."
        )
    result = siting.suggest_sites(candidates, [*layers, *file_layers], args.k, args.radius)

    plan = None
    if args.weeks is not None:
        seed = new_seed() if args.seed is None else args.seed
        plan = plan_rotation(
            result.chosen_candidates,
            [site.covered_weight for site in result.chosen],
            args.weeks,
            args.min_gap,
            seed,
            args.start or monday_after(date.today()),
            args.per_week,
        )
    saved = 0
    if plan is not None and args.save:
        controls = planned_controls(plan, args.day, args.time, args.hours)
        with store.session(cli_actor()) as s:
            saved = len(save_rotation(s, controls, document_id))

    if args.json:
        print(json.dumps(_siting_json(result, plan, saved), ensure_ascii=False, indent=2))
        return 0
    _print_siting(result, plan, saved, seed_given=args.seed is not None)
    return 0


def _siting_json(result: Any, plan: Any, saved: int) -> dict[str, Any]:
    from geo.siting import result_rows

    out: dict[str, Any] = {
        "k": result.k,
        "radius_m": result.radius,
        "candidates": len(result.candidates),
        "total_weight": round(result.total_weight, 6),
        "covered_weight": round(result.covered_weight, 6),
        "covered_share": None if result.covered_share is None else round(result.covered_share, 6),
        "reachable_weight": round(result.reachable_weight, 6),
        "layers": [
            {
                "name": layer.name,
                "points": len(layer),
                "weight": round(float(layer.effective_weights.sum()), 6),
            }
            for layer in result.layers
        ],
        "sites": result_rows(result),
    }
    if plan is not None:
        out["rotation"] = {
            "seed": plan.seed,
            "min_gap": plan.min_gap,
            "per_week": plan.per_week,
            "weeks": [
                {
                    "week": w.number,
                    "monday": w.monday.isoformat(),
                    "sites": [
                        {"key": c.key, "name": c.name, "place_id": c.place_id} for c in w.sites
                    ],
                }
                for w in plan.weeks
            ],
            "saved": saved,
        }
    return out


def _print_siting(result: Any, plan: Any, saved: int, seed_given: bool) -> None:
    from geo.siting import format_number, format_share

    radius = format_number(result.radius)
    print(
        f"Förslag: {len(result.chosen)} av högst {result.k} kontrollplatser, radie {radius} m, "
        f"{len(result.candidates)} kandidater"
    )
    if result.total_weight <= 0:
        print("Ingen efterfrågan att täcka (total vikt 0): inga platser föreslås.")
    else:
        print(
            f"Täckt efterfrågan: {format_share(result.covered_share)} "
            f"({format_number(result.covered_weight)} av {format_number(result.total_weight)} "
            "i vikt)"
        )
    if 0 < len(result.chosen) < result.k:
        print(
            f"Fler än {len(result.chosen)} platser skulle inte täcka något mer "
            f"(inom räckhåll: {format_number(result.reachable_weight)})."
        )
    if result.chosen:
        print(f"{'Nr':>3}  {'Plats':<36} {'Täcker':>8} {'Bara den':>9}  Varför")
        for site in result.chosen:
            name = site.candidate.name
            name = name if len(name) <= 36 else name[:35] + "…"
            print(
                f"{site.rank:>3}  {name:<36} {format_number(site.covered_weight):>8} "
                f"{format_number(site.unique_weight):>9}  {site.reason}"
            )
    if plan is None:
        return
    weeks = "vecka" if plan.min_gap == 1 else "veckor"
    print(
        f"\nRotation {len(plan.weeks)} veckor från {plan.weeks[0].monday} (vila {plan.min_gap} "
        f"{weeks}, {plan.per_week} per vecka, frö {plan.seed}):"
    )
    for w in plan.weeks:
        week = f"v.{w.monday.isocalendar().week}"
        print(f"{w.number:>3}. {week:<5} {w.monday}: {', '.join(c.name for c in w.sites)}")
    if not seed_given:
        print(f"Samma plan igen: --seed {plan.seed}")
    if saved:
        print(f"{saved} planerade trafikkontroller lades in i planeringen (frö {plan.seed}).")


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
    for note in result.notes:
        print(note)
    for warning in result.warnings:
        print(f"Varning: {warning}", file=sys.stderr)
    with store.session(actor) as s:
        saved = save_places(s, result.places, result.name)
    print(saved.summary(args.file.name))
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


def _date(text: str) -> date:
    """--from/--to take ISO dates."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'"{text}" är inget datum (skriv t.ex. 2024-03-05)'
        ) from None


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


# -- import activities (issue 4) -------------------------------------------------------


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


# Subcommands of `lofteskartan import` and `lofteskartan export`: add a registrar that takes
# the group's subparsers (see `_register_import_places`) and append it here.
IMPORT_COMMANDS: list[Registrar] = [
    _register_import_places,
    _register_import_base_layer,
    _register_import_activities,
    _register_import_events,
]
EXPORT_COMMANDS: list[Registrar] = [
    _register_export_places,
    _register_issue6_exports,
    _register_export_ics,
    _register_export_opening_hours,
]


# -- users, backup, restore (issue 8) ---------------------------------------------------


def _register_users(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "users",
        help="hantera användarfilen för inloggning på en dator (utan inloggningstjänst)",
        description="Användarfilen är LOFTESKARTAN_USERS, annars users.json bredvid "
        "SQLite-databasen. Finns filen frågar appen efter användarnamn och lösenord.",
    )
    users = p.add_subparsers(dest="users_command", metavar="ÅTGÄRD", parser_class=_Parser)
    users.required = True
    add = users.add_parser("add", help="lägg till en användare")
    add.add_argument("username", metavar="ANVÄNDARNAMN")
    add.add_argument(
        "--role", required=True, metavar="ROLL", help="läsare, planerare eller administratör"
    )
    add.add_argument("--organisation", required=True, metavar="ORG", help="kommun eller polis")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="läs lösenordet från standard in (första raden) i stället för att fråga",
    )
    add.set_defaults(handler=_cmd_users_add)
    remove = users.add_parser("remove", help="ta bort en användare")
    remove.add_argument("username", metavar="ANVÄNDARNAMN")
    remove.set_defaults(handler=_cmd_users_remove)
    listing = users.add_parser("list", help="visa användarna (aldrig lösenorden)")
    listing.set_defaults(handler=_cmd_users_list)


def _read_password(from_stdin: bool) -> str:
    """The new user's password: stdin's first line, or asked twice at the terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("Ange --password-stdin när lösenordet inte skrivs in vid terminalen.")
    first = getpass.getpass("Lösenord: ")
    if getpass.getpass("Samma lösenord igen: ") != first:
        raise UsageError("Lösenorden var olika; ingen användare lades till.")
    return first


def _audit_user_change(store: Store, action: str, user: object, before: bool) -> None:
    """Record a users-file change in the database's audit log, when there is a database."""
    from geo.users import User

    assert isinstance(user, User)
    if store.schema_version() is None:
        return
    values = {"role": user.role.value, "organisation": user.organisation.value}
    with store.session(cli_actor()) as s:
        s.record_change(
            action, "users", user.username, values if before else None, None if before else values
        )


def _cmd_users_add(args: argparse.Namespace, store: Store) -> int:
    from geo.users import add_user, users_path

    path = users_path(database=store.url)
    password = _read_password(args.password_stdin)
    user = add_user(path, args.username, password, args.role, args.organisation)
    _audit_user_change(store, "create", user, before=False)
    print(
        f"Användaren {user.username} ({user.role.label}, {user.organisation.label}) "
        f"lades till i {path}."
    )
    return 0


def _cmd_users_remove(args: argparse.Namespace, store: Store) -> int:
    from geo.users import remove_user, users_path

    path = users_path(database=store.url)
    user = remove_user(path, args.username)
    _audit_user_change(store, "delete", user, before=True)
    print(f"Användaren {user.username} togs bort ur {path}.")
    return 0


def _cmd_users_list(args: argparse.Namespace, store: Store) -> int:
    from geo.users import list_users, users_path

    path = users_path(database=store.url)
    users = list_users(path)
    if not users:
        print(f"Inga användare i {path} (appen körs då som en enda lokal administratör).")
        return 0
    print(f"{'Användarnamn':<30} {'Roll':<14} {'Organisation':<12} Skapad")
    for u in users:
        print(f"{u.username:<30} {u.role.label:<14} {u.organisation.value:<12} {u.created_at}")
    return 0


def _register_backup(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="spara hela databasen i en GeoPackage-fil")
    p.add_argument("out", type=Path, metavar="UT.gpkg")
    p.add_argument("--force", action="store_true", help="skriv över en befintlig fil")
    p.set_defaults(handler=_cmd_backup)


def _cmd_backup(args: argparse.Namespace, store: Store) -> int:
    from geo.backup import backup

    summary = backup(store, cli_actor(), args.out, overwrite=args.force)
    print(summary.describe())
    print("Filen innehåller sekretessuppgifter: förvara den som databasen.")
    return 0


def _register_restore(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("restore", help="återställ databasen från en säkerhetskopia")
    p.add_argument("source", type=Path, metavar="IN.gpkg")
    p.add_argument(
        "--replace",
        action="store_true",
        help="ersätt allt i en databas som redan har uppgifter (annars måste den vara tom)",
    )
    p.set_defaults(handler=_cmd_restore)


def _cmd_restore(args: argparse.Namespace, store: Store) -> int:
    from geo.backup import restore

    counts = restore(store, cli_actor(), args.source, replace_existing=args.replace)
    print(f"Återställde {sum(counts.values())} rader i {len(counts)} tabeller från {args.source}.")
    return 0


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_init,
    _register_status,
    _register_serve,
    _register_suggest_sites,
    _register_import,
    _register_export,
    _register_users,
    _register_backup,
    _register_restore,
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
