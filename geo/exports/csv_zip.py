"""Data export as CSV in the Swedish Excel dialect: a zip with one CSV per table.

Each file opens with a double click in Excel on a Swedish Windows: `;` between cells,
decimal comma, UTF-8 with a byte order mark (so å, ä, ö survive), CRLF line ends. The zip
holds the same tables as the GeoPackage (geo.exports.tables), each file named after its
audience (`intern_platser.csv`, `offentlig_platser.csv`), plus `LASMIG.txt` describing
every file and column. Map tables carry `e_sweref99tm`/`n_sweref99tm` (a point on the
feature) and `wkt_sweref99tm` (the whole geometry, WKT with decimal points as the WKT
standard requires), in SWEREF 99 TM metres.

CSV injection: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage return (or
their full-width forms) gets a leading `'`, as OWASP recommends, so Excel shows it as text
instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from itertools import repeat
from typing import Any, TextIO

import shapely
from shapely.geometry.base import BaseGeometry

from geo.disclosure.audience import Audience
from geo.disclosure.rows import ExportData
from geo.exports.tables import INTEGER, REAL, SUPPRESSED, ExportTable, export_tables
from geo.files.tabular import neutralise
from geo.records.models import STOCKHOLM
from geo.swedish import count, plain_number, stamp

BOM = "\ufeff"
GEOMETRY_COLUMNS = ("e_sweref99tm", "n_sweref99tm", "wkt_sweref99tm")


def _cell(value: Any, kind: str, suppressed_text: str) -> str:
    """One cell as text: numbers with decimal comma, suppressed counts spelt out."""
    if value is SUPPRESSED:
        return suppressed_text
    if value is None:
        return ""
    if kind in (INTEGER, REAL) and isinstance(value, int | float):
        # Our own numbers: never a formula, so a negative number stays a number.
        return plain_number(value)
    return neutralise(str(value))


def _geometry_cells(geom: BaseGeometry | None) -> list[str]:
    """E, N of a point on the feature (decimal comma) and its WKT, to the centimetre."""
    if geom is None or geom.is_empty:
        return ["", "", ""]
    point = geom if geom.geom_type == "Point" else geom.representative_point()
    wkt = shapely.to_wkt(geom, rounding_precision=2, trim=True)
    return [plain_number(round(point.x, 2)), plain_number(round(point.y, 2)), wkt]


def write_table_csv(table: ExportTable, suppressed_text: str, out: TextIO) -> None:
    """One table as Swedish-Excel CSV (BOM, `;`, CRLF) written row by row to `out`.

    Row by row, so a table of a million activities never sits in memory as one text (with
    its bytes beside it) on its way into the zip.
    """
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header = table.column_names
    spatial = table.geometry_type is not None
    if spatial:
        header += list(GEOMETRY_COLUMNS)
    writer.writerow(header)
    geometries: Iterable[BaseGeometry | None] = table.geometries or repeat(None)
    for row, geometry in zip(table.rows, geometries, strict=False):
        cells = [
            _cell(value, column.kind, suppressed_text)
            for value, column in zip(row, table.columns, strict=True)
        ]
        if spatial:
            cells += _geometry_cells(geometry)
        writer.writerow(cells)


def table_csv(table: ExportTable, suppressed_text: str) -> bytes:
    """One table as Swedish-Excel CSV bytes (UTF-8 with BOM, `;`, CRLF)."""
    buffer = io.StringIO()
    write_table_csv(table, suppressed_text, buffer)
    return buffer.getvalue().encode("utf-8")


def file_name(data: ExportData, table: ExportTable) -> str:
    """`intern_platser.csv` / `offentlig_platser.csv`: the audience is in every name."""
    return f"{data.audience.file_tag}_{table.name}.csv"


def _readme(data: ExportData, tables: Iterable[ExportTable]) -> str:
    lines = [
        f"{data.document.title}",
        f"{data.audience.notice}",
        f"Skapad {stamp(data.made_at)} i Löfteskartan.",
        f"Period: {data.period.start:%Y-%m-%d} – {data.period.end:%Y-%m-%d}",
        "",
        "Filerna är CSV för Excel: semikolon mellan värdena, decimalkomma, UTF-8.",
        "Koordinater i SWEREF 99 TM (EPSG:3006), meter: e_sweref99tm och n_sweref99tm är en",
        "punkt på objektet, wkt_sweref99tm hela geometrin (WKT, decimalpunkt).",
        f"{data.rules.suppressed_meaning}.",
        "En text som börjar med ' har fått tecknet för att Excel inte ska läsa den som formel.",
        *_reimport_lines(data),
        "",
    ]
    for table in tables:
        lines.append(
            f"{file_name(data, table)}: {table.title} ({count(len(table.rows), 'rad', 'rader')})"
        )
        for column in table.columns:
            lines.append(f"  {column.name}: {column.description}")
        if table.geometry_type is not None:
            lines.append("  e_sweref99tm, n_sweref99tm, wkt_sweref99tm: läget (se ovan)")
        lines.append("")
    return "\r\n".join(lines)


def _reimport_lines(data: ExportData) -> list[str]:
    """How the places file imports again (README, "Importing places")."""
    lines = [
        f"{data.audience.file_tag}_platser.csv kan ändras i Excel och läsas in igen på sidan",
        "Platser eller med lofteskartan import places (spara som CSV med semikolon).",
    ]
    if data.audience is Audience.INTERNAL:
        lines.append(
            "En rad med id ändrar den platsen, en rad utan id blir en ny plats, ur_bruk = ja "
            "avvecklar platsen."
        )
    else:
        lines.append("Raderna har inget id: de blir nya platser om de inte redan finns.")
    return lines


def csv_zip_bytes(data: ExportData) -> bytes:
    """The zip of CSV files (one per table) and LASMIG.txt, as bytes."""
    tables = export_tables(data)
    buffer = io.BytesIO()
    made = data.made_at.astimezone(STOCKHOLM)
    stamp_tuple = (made.year, made.month, made.day, made.hour, made.minute, made.second)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.comment = f"{data.audience.notice}. Skapad {stamp(data.made_at)}.".encode()
        readme = zipfile.ZipInfo("LASMIG.txt", date_time=stamp_tuple)
        readme.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(readme, (BOM + _readme(data, tables)).encode("utf-8"))
        for table in tables:
            info = zipfile.ZipInfo(file_name(data, table), date_time=stamp_tuple)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Compressed as it is written: only the zip's bytes grow, never the table's text.
            with (
                archive.open(info, "w") as member,
                io.TextIOWrapper(member, encoding="utf-8", newline="") as text,
            ):
                write_table_csv(table, data.rules.suppressed_text, text)
    return buffer.getvalue()
