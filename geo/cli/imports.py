"""`lofteskartan import WHAT FILE`: places, base layers, activities and police events.

Each importer checks the whole file before anything is kept (the activity import writes a
CSV file in chunks inside one transaction that a bad row rolls back; see the brief's
import rule); `geo.cli.IMPORT_COMMANDS` lists the registrars below.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from geo.cli import common
from geo.files.limits import PLACES_LIMIT

if TYPE_CHECKING:
    from geo.store import Store  # at run time only in `geo.cli.main`: keeps `--help` fast


def _crs_option(p: argparse.ArgumentParser) -> None:
    """--crs EPSG:NNNN: the coordinate system of the file to import."""
    p.add_argument(
        "--crs",
        metavar="EPSG:NNNN",
        help="filens koordinatsystem, t.ex. EPSG:3006 (SWEREF 99 TM) eller EPSG:4326 (WGS 84); "
        "utan det används filens eget (CSV: det som talen visar)",
    )


# -- import places --------------------------------------------------------------------------


def register_places(group: argparse._SubParsersAction) -> None:
    """Add `import places`."""
    p = common.add_command(group, "places", _cmd_import_places)
    p.add_argument("file", type=Path, metavar="FIL")
    _crs_option(p)
    common.add_document_option(p, common.PLACES_DOCUMENT_HELP)


def _cmd_import_places(args: argparse.Namespace, store: Store) -> int:
    """platser från CSV (som Excel sparar den), GeoJSON eller GeoPackage

    Läser in platser. Hela filen kontrolleras först; har en rad fel importeras ingenting.
    Kolumnerna beskrivs i README.md och i data/templates/platser.csv.
    """
    from geo.files.place_import import read_places, save_places
    from geo.records.places import load_place_context

    store.require_schema()
    # Refused from os.stat before a byte is read (issue 11: GeoJSON had no limit at all).
    data = PLACES_LIMIT.read(args.file)
    actor = common.cli_actor()
    kommunkod = common.places_kommun(store, args.document)
    with store.session(actor) as s:
        context = load_place_context(s)
    result = read_places(data, args.file.name, args.crs, context)
    print(f"Koordinatsystem: {result.crs_label} ({result.crs_reason}).")
    for note in result.notes:
        print(note)
    for warning in result.warnings:
        print(f"Varning: {warning}", file=sys.stderr)
    with store.session(actor) as s:
        saved = save_places(s, result.places, result.name, kommunkod)
    print(saved.summary(args.file.name))
    return 0


# -- import base-layer ----------------------------------------------------------------------


def register_base_layer(group: argparse._SubParsersAction) -> None:
    """Add `import base-layer`."""
    p = common.add_command(group, "base-layer", _cmd_import_base_layer)
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


def _cmd_import_base_layer(args: argparse.Namespace, store: Store) -> int:
    """ett baslager (vägar, byggnader, adresser) från GeoPackage eller GeoJSON

    Läser in ett baslager som visas på kartan utan internet. Ett lager med samma namn
    ersätts.
    """
    from geo.files.base_layer_import import (
        BaseLayerOptions,
        import_base_layer,
        read_base_layer,
    )

    store.require_schema()
    options = BaseLayerOptions(args.title, args.attribution, args.crs, args.layer)
    source = read_base_layer(args.file, args.name, options)
    print(import_base_layer(store, common.cli_actor(), source))
    if not args.attribution:
        print(
            'Tips: ange källan med --attribution (t.ex. "© OpenStreetMap-bidragsgivare '
            '(ODbL)") – den visas på kartan.',
            file=sys.stderr,
        )
    return 0


# -- import activities -----------------------------------------------------------------


def register_activities(group: argparse._SubParsersAction) -> None:
    """Add `import activities`."""
    p = common.add_command(group, "activities", _cmd_import_activities)
    p.add_argument("file", type=Path, metavar="FIL")
    common.add_document_option(p)


def _cmd_import_activities(args: argparse.Namespace, store: Store) -> int:
    """genomförda aktiviteter från CSV (Excel) eller GeoJSON

    Mall: data/templates/aktiviteter.csv. En felaktig rad och inget läses in; samma fil två
    gånger lägger inte till något.
    """
    from geo.files.activity_import import import_activities

    doc = common.chosen_document(store, args.document)
    result = import_activities(store, common.cli_actor(), args.file, doc.id, progress=_to_stderr)
    for warning in result.warnings:
        print(f"Varning: {warning}", file=sys.stderr)
    print(result.message(args.file.name))
    return 0


def _to_stderr(text: str) -> None:
    """Progress of a long import, on stderr so the summary on stdout stays one line."""
    print(text, file=sys.stderr, flush=True)


# -- import events (the police events API file) ----------------------------------------


def register_events(imports: argparse._SubParsersAction) -> None:
    """Add `import events`."""
    p = common.add_command(imports, "events", _cmd_import_events)
    p.add_argument("file", type=Path, metavar="FIL", help="JSON- eller CSV-fil")


def _cmd_import_events(args: argparse.Namespace, store: Store) -> int:
    """polisens händelser (polisen.se: API-JSON eller CSV)

    Läs in händelser från polisen.se, antingen som API:ts JSON eller som CSV med kolumnerna
    event_id, datetime, type, name, summary, url, api_location_name, api_lat, api_lon,
    municipality_code. Händelser som redan finns hoppas över.
    """
    from geo.followup.events import import_events_file

    store.require_schema()
    result = import_events_file(store, common.cli_actor(), args.file)
    print(result.describe())
    return 0
