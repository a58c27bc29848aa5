"""`lofteskartan export WHAT OUT`: places, maps, meeting pack, data, calendars, opening hours.

`geo.cli.EXPORT_COMMANDS` lists the registrars below; each adds one or more subcommands to
the group's subparsers (`formats.add_parser("places", ...)`, with `set_defaults(handler=...)`
like any other command).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from geo.cli import common

if TYPE_CHECKING:
    from geo.records.models import Activity
    from geo.store import Store  # at run time only in `geo.cli.main`: keeps `--help` fast


def _add_audience_and_period(
    p: argparse.ArgumentParser,
    audiences: Sequence[str],
    default: str,
    audience_help: str,
    from_help: str | None = None,
    to_help: str | None = None,
) -> None:
    """--audience (who may see the file) and --from/--to (the days it covers, inclusive).

    The help texts and the order of the choices differ between the data exports and the
    calendar.
    """
    p.add_argument("--audience", choices=list(audiences), default=default, help=audience_help)
    p.add_argument(
        "--from", dest="date_from", type=common.iso_date, metavar="DATUM", help=from_help
    )
    p.add_argument("--to", dest="date_to", type=common.iso_date, metavar="DATUM", help=to_help)


def _write_output(out: Path, data: bytes, public: bool) -> None:
    """Write `data` to a file (see `_output`) or to stdout."""
    with _output(out, public) as f:
        f.write(data)


# -- export places: the place file others can edit and bring back ---------------------------


def register_places(group: argparse._SubParsersAction) -> None:
    """Add `export places`."""
    p = common.add_command(group, "places", _cmd_export_places)
    p.add_argument("out", type=Path, metavar="UT.gpkg|UT.geojson")
    common.add_document_option(p, common.PLACES_DOCUMENT_HELP)


def _cmd_export_places(args: argparse.Namespace, store: Store) -> int:
    """kommunens aktiva platser till GeoPackage (.gpkg) eller GeoJSON (.geojson)

    Skriver kommunens aktiva platser med samma kolumnnamn som importen, så att filen kan
    läsas in igen. Filen är intern: den innehåller alla klassningar.
    """
    from geo.exports.places import export_places
    from geo.records.kinds import Classification
    from geo.swedish import count as swedish_count

    kommunkod = common.places_kommun(store, args.document)
    with store.session(common.cli_actor()) as s:
        places = s.list_places(kommunkod=kommunkod)
    written = export_places(places, args.out)
    secret = sum(p.classification is Classification.SECRET for p in places)
    print(f"{swedish_count(written, 'plats', 'platser')} skrevs till {args.out}.")
    if secret:
        print(f"Obs: {secret} av dem har klassning sekretess. Filen är intern.", file=sys.stderr)
    return 0


# -- export map-html, map-png, meeting-pdf, gpkg, csv, followup ---------------------------


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
    "meeting-html": "samma mötesunderlag som tillgänglig webbsida (HTML, för skärmläsare)",
    "gpkg": "all data som GeoPackage (EPSG:3006) för QGIS",
    "csv": "all data som CSV för Excel (zip med en fil per tabell)",
    "followup": "uppföljning per tertial för polisen.se: texter och karta (zip)",
}


def register_formats(formats: argparse._SubParsersAction) -> None:
    """Add `export map-html`, `map-png`, `meeting-pdf`, `meeting-html`, `gpkg`, `csv` and
    `followup`."""
    from geo.spatial.grid_options import DEFAULT_CELL_SIZE_M, DEFAULT_MIN_COUNT, GridShape

    for name, help_text in _EXPORT_HELP.items():
        p = formats.add_parser(name, help=help_text, description=help_text)
        p.add_argument("out", type=Path, metavar="UT", help="filen som skrivs")
        default = "public" if name == "followup" else "internal"
        _add_audience_and_period(
            p,
            ["internal", "public"],
            default,
            "internal (allt du får se) eller public (får publiceras); standard: " + default,
            from_help="första dagen (standard: uppföljningsåret som pågår i dag, eller det "
            "närmaste; en offentlig fil gäller alltid ett helt uppföljningsår)",
            to_help="sista dagen (standard: slutet av samma uppföljningsår)",
        )
        common.add_document_option(p)
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
        if name in ("meeting-pdf", "meeting-html"):
            p.add_argument(
                "--meeting-date", type=common.iso_date, metavar="DATUM", help="mötets datum"
            )
            p.add_argument(
                "--since",
                type=common.iso_date,
                metavar="DATUM",
                help='första dagen för "genomfört sedan förra mötet" '
                "(standard: dagen efter förra loggade samverkansmötet)",
            )
            p.add_argument(
                "--activity-list",
                action="store_true",
                help="skriv också hela listan över aktiviteter sedan förra mötet som CSV "
                "bredvid (UT_aktiviteter.csv); mötesunderlaget listar bara de viktigaste när "
                "de är fler än 40",
            )
        p.set_defaults(handler=_cmd_export, export_format=name)


def _cmd_export(args: argparse.Namespace, store: Store) -> int:
    from geo.disclosure.audience import Audience, AudienceRules, ExportRequest, default_period
    from geo.exports.make import ExportFormat, ExportOptions, make_exports, write_export
    from geo.spatial.grid_options import GridShape
    from geo.store import now

    out: Path = args.out
    if out.is_dir():
        raise common.UsageError(f"{out} är en mapp: ange ett filnamn.")
    if not out.parent.is_dir():
        raise common.UsageError(f"Mappen {out.parent} finns inte.")
    actor = common.cli_actor()
    made_at = now()
    doc = common.chosen_document(store, args.document, made_at.date())
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
    public = request.audience is Audience.PUBLIC
    listed = getattr(args, "activity_list", False)
    if listed and public:
        raise common.UsageError(
            "--activity-list finns bara för --audience internal: den offentliga versionen "
            "visar inga enskilda aktiviteter."
        )
    formats = [ExportFormat(args.export_format)]
    if listed:
        formats.append(ExportFormat.MEETING_CSV)
    # One read for both: the list holds exactly the pack's "since the last meeting".
    results = make_exports(store, actor, formats, request, options, _progress_on_stderr)
    paths = [out, out.with_name(f"{out.stem}_aktiviteter.csv")]
    for result, path in zip(results, paths, strict=False):
        write_export(result.payload, path, public=public)
        print(f"{result.summary} -> {path}")
    return 0


def _progress_on_stderr(done: int, total: int) -> None:
    """How far a long export has come, on stderr (stdout keeps the one line per file): at
    the start, about every tenth and the end, not once for each chunk read."""
    from geo.exports.make import LARGE_EXPORT
    from geo.store.core import STREAM_ROWS
    from geo.swedish import number

    if total < LARGE_EXPORT or (0 < done < total and done % max(1, total // 10) >= STREAM_ROWS):
        return
    print(f"Läser aktiviteter: {number(done)} av {number(total)}", file=sys.stderr, flush=True)
    if done == total:
        print("Skriver filen …", file=sys.stderr, flush=True)


# -- export ics, opening-hours ---------------------------------------------------------------


def register_ics(group: argparse._SubParsersAction) -> None:
    """Add `export ics`."""
    p = group.add_parser("ics", help="planerade aktiviteter som iCalendar-fil (.ics)")
    p.add_argument("out", type=Path, metavar="UT", help="filen att skriva (- för stdout)")
    _add_audience_and_period(
        p,
        ["public", "internal"],
        "internal",
        "public: bara öppna närvarotider; internal: allt du får se (standard)",
        from_help="från och med",
        to_help="till och med",
    )
    common.add_document_option(p)
    p.set_defaults(handler=_cmd_export_ics)


def _period(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    """Local midnights for --from (inclusive) and the day after --to (exclusive)."""
    from geo.records.models import STOCKHOLM

    start = end = None
    if args.date_from is not None:
        start = datetime.combine(args.date_from, time(0), tzinfo=STOCKHOLM)
    if args.date_to is not None:
        end = datetime.combine(args.date_to + timedelta(days=1), time(0), tzinfo=STOCKHOLM)
    if start is not None and end is not None and end <= start:
        raise common.UsageError("--to ligger före --from.")
    return start, end


def _cmd_export_ics(args: argparse.Namespace, store: Store) -> int:
    from geo.disclosure.audience import Audience
    from geo.disclosure.publish import visible_classifications, write_calendar
    from geo.records.models import with_promise_kinds
    from geo.swedish import count as swedish_count

    actor = common.cli_actor()
    start, end = _period(args)
    doc = common.chosen_document(store, args.document)
    audience = Audience(args.audience)
    public = audience is Audience.PUBLIC
    title = "polisens öppettider" if public else "planering"
    with store.session(actor) as s, _output(args.out, public) as out:
        plans = with_promise_kinds(s.list_planned(start, end, document_id=doc.id), doc)
        # Read a chunk at a time: the internal feed may list a million logged activities.
        logged = (
            s.iter_activities(start, end, doc.id, unplanned=True, progress=_progress_on_stderr)
            if not public
            else iter(())
        )
        events = write_calendar(
            out,
            plans,
            s.places_by_id(doc.kommunkod),
            audience,
            visible=visible_classifications(actor),
            activities=(a for chunk in _batched(logged) for a in with_promise_kinds(chunk, doc)),
            document_id=doc.id,
            name=f"{doc.kommun_name}: {title}",
        )
    if str(args.out) != "-":
        print(
            f"{args.out}: {swedish_count(events, 'händelse', 'händelser')} "
            f"({'publik' if public else 'intern'} kalender)."
        )
    return 0


def _batched(activities: Iterator[Activity], size: int = 10_000) -> Iterator[list[Activity]]:
    """The stream in lists of `size` (`with_promise_kinds` names a list's own kinds)."""
    while chunk := list(itertools.islice(activities, size)):
        yield chunk


@contextmanager
def _output(out: Path, public: bool) -> Iterator[BinaryIO]:
    """Stdout, or a file that appears only when whole, so a reader never sees half a feed
    (`geo.exports.make.written_whole`: a public file is 0644, an internal one 0600)."""
    from geo.exports.make import written_whole

    if str(out) == "-":
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    if out.parent and not out.parent.exists():
        raise common.UsageError(f"Mappen {out.parent} finns inte.")
    with written_whole(out, public) as f:
        yield f


def register_opening_hours(group: argparse._SubParsersAction) -> None:
    """Add `export opening-hours`."""
    p = group.add_parser("opening-hours", help="öppettider för kommunens webbplats (text/HTML)")
    p.add_argument("out", type=Path, metavar="UT", help="filen att skriva (- för stdout)")
    p.add_argument("--format", choices=["text", "html"], default="text", help="standard: text")
    p.add_argument(
        "--weeks",
        type=common.weeks_ahead,
        default=4,
        help="resten av veckan och så många hela veckor till (standard 4)",
    )
    p.add_argument("--today", type=common.iso_date, metavar="DATUM", help="räkna från detta datum")
    common.add_document_option(p)
    p.set_defaults(handler=_cmd_export_opening_hours)


def _cmd_export_opening_hours(args: argparse.Namespace, store: Store) -> int:
    from geo.disclosure.publish import opening_hours, public_times
    from geo.swedish import today as swedish_today

    today = args.today or swedish_today()
    doc = common.chosen_document(store, args.document, today)
    with store.session(common.cli_actor()) as s:
        rules = s.list_schedule_rules(doc.id)
        plans = s.list_planned(document_id=doc.id)
        places = s.places_by_id(doc.kommunkod)
    text = opening_hours(public_times(rules, plans, places, today, args.weeks))
    # Opening hours are for the kommun's web site: public by nature.
    data = (text.html if args.format == "html" else text.text).encode("utf-8")
    _write_output(args.out, data, public=True)
    return 0
