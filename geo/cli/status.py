"""`lofteskartan status`: the state of each activity in the promise, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from geo.cli import common

if TYPE_CHECKING:
    from geo.store import Store  # at run time only in `geo.cli.main`: keeps `--help` fast


def _year(text: str) -> int:
    """--year takes the calendar year a promise year starts in."""
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f'"{text}" är inget år (skriv t.ex. 2023)')
    return int(text)


def register_status(sub: argparse._SubParsersAction) -> None:
    """Add `status`."""
    p = sub.add_parser("status", help="läget per aktivitet i löftet")
    p.add_argument("--year", type=_year, metavar="ÅÅÅÅ", help="löftesåret som börjar detta år")
    which = p.add_mutually_exclusive_group()
    common.add_document_option(which)
    which.add_argument(
        "--area",
        metavar="POLISOMRÅDE",
        help="alla löften i lokalpolisområdet sida vid sida, vart och ett för sitt "
        'nuvarande löftesår (t.ex. "Lokalpolisområde Höglandet")',
    )
    p.add_argument("--json", action="store_true", help="skriv JSON i stället för en tabell")
    p.set_defaults(handler=_cmd_status)


def _cmd_status(args: argparse.Namespace, store: Store) -> int:
    from geo.followup.status import status_report, status_rows
    from geo.swedish import today as swedish_today

    today = swedish_today()
    if args.area is not None:
        return _area_status(args, store, today)
    doc = common.chosen_document(store, args.document, today)
    report = status_report(store, common.cli_actor(), doc.id, args.year, today=today)
    if report.unassigned_text:
        print(report.unassigned_text, file=sys.stderr)
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
        title = _cut(row["title"], 40)
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


def _area_status(args: argparse.Namespace, store: Store, today: date) -> int:
    """`status --area`: every promise of the police area, one table with a kommun column."""
    from geo.followup.area import AREA_COLUMNS, area_json, area_status, area_table

    if args.year is not None:
        raise common.UsageError(
            "--year går inte att ange med --area: varje löfte visas för sitt nuvarande "
            "löftesår. Ange --document ID för ett annat år av ett löfte."
        )
    store.require_schema()
    status = area_status(store, common.cli_actor(), args.area, today)
    if args.json:
        print(json.dumps(area_json(status), ensure_ascii=False, indent=2))
        return 0
    print(f"{status.area}: {len(status.reports)} medborgarlöften. Läget den {today}.")
    for report in status.reports:
        doc, period = report.document, report.period
        print(f"  {doc.kommun_name} ({doc.id}): {period.label} ({period.start} – {period.end})")
    print()
    widths = (16, 18, 40, 8, 6)
    print(
        " ".join(f"{name:<{w}}" for name, w in zip(AREA_COLUMNS, widths[:3], strict=False))
        + f" {AREA_COLUMNS[3]:>8} {AREA_COLUMNS[4]:>6}  {AREA_COLUMNS[5]}"
    )
    for row in area_table(status):
        cells = [_cut(str(row[name]), w) for name, w in zip(AREA_COLUMNS, widths, strict=False)]
        print(
            f"{cells[0]:<16} {cells[1]:<18} {cells[2]:<40} {cells[3]:>8} {cells[4]:>6}  "
            f"{row[AREA_COLUMNS[5]]}"
        )
    return 0


def _cut(text: str, width: int) -> str:
    """Text cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"
