"""Read tables the way Swedish Excel writes them: `;`, decimal comma, UTF-8 or Windows-1252.

Planners export from Excel, which on a Swedish Windows writes CSV with semicolons, decimal
commas and (depending on the version) UTF-8 with a BOM or Windows-1252. Everything here
accepts all of those and reports problems by row number as Excel shows it (the header is
row 1), so the planner can find the cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from geo.errors import ImportFileError
from geo.files.limits import FileLimit, check_magic, check_size

MAX_COLUMNS = 200
_DELIMITERS = (";", ",", "\t")
# OWASP "CSV Injection": characters that make a spreadsheet read a cell as a formula, with
# the full-width forms some spreadsheets normalise to them. Every CSV we write (exports, the
# audit log, the app's tables) puts a `'` in front (`neutralise`); the import takes it off
# again (`unneutralise`), so an exported file imports to the same text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(text: str) -> str:
    """A text cell made safe for spreadsheets (OWASP CSV injection).

    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise("Torget")
    'Torget'
    """
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A small table as CSV for Swedish Excel: UTF-8 with a BOM, `;`, CRLF, every text cell
    neutralised; numbers as Python writes them (integers read the same in Excel).

    For tables a page offers for download; the exports write theirs row by row
    (`geo.exports.csv_zip`).
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def unneutralise(text: str) -> str:
    """A cell as it was before a CSV export neutralised it: one leading `'` before a
    formula character is dropped, any other text is left as it is.

    >>> unneutralise("'=SUM(A1)")
    '=SUM(A1)'
    >>> unneutralise("'Torget")
    "'Torget"
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


@dataclass(frozen=True)
class Row:
    """One data row: its Excel row number and its cells by (lower-case) column name."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """The trimmed cell text, '' when the column is absent or empty."""
        return (self.cells.get(column) or "").strip()


@dataclass(frozen=True)
class Table:
    """A parsed CSV file: column names (lower-case, trimmed) and rows."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str
    delimiter: str


# How much of a file the encoding check and the row reader hold at a time.
READ_BYTES = 1024 * 1024


def text_encoding(stream: BinaryIO, name: str) -> str:
    """ "utf-8-sig", "utf-8" or "cp1252": what the whole stream decodes as, read in pieces.

    A million-row file is read once in `READ_BYTES` pieces instead of being decoded into
    one text (two copies of the file at the peak); the stream is left where it started.
    """
    start = stream.tell()
    try:
        if stream.read(3) == b"\xef\xbb\xbf":
            offset = _decode_error(stream, "utf-8")
            if offset is not None:  # the BOM promises UTF-8: do not guess further
                raise ImportFileError(
                    f"{name}: filen säger att den är UTF-8, men byte {offset + 4} är det inte. "
                    'Spara filen igen som "CSV UTF-8" och försök på nytt.'
                )
            return "utf-8-sig"
        stream.seek(start)
        if _decode_error(stream, "utf-8") is None:
            return "utf-8"
        stream.seek(start)
        if _decode_error(stream, "cp1252") is None:
            return "cp1252"
        raise ImportFileError(
            f"{name}: filen går inte att läsa som text (varken UTF-8 eller Windows-1252)."
        )
    finally:
        stream.seek(start)


def _decode_error(stream: BinaryIO, encoding: str) -> int | None:
    """Where the rest of `stream` first fails to decode as `encoding` (bytes), or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    while True:
        piece = stream.read(READ_BYTES)
        try:
            decoder.decode(piece, final=not piece)
        except UnicodeDecodeError as exc:
            return offset + exc.start
        if not piece:
            return None
        offset += len(piece)


@dataclass(frozen=True)
class TableStream:
    """A CSV file read one row at a time: column names and its rows (to be read once)."""

    name: str
    columns: tuple[str, ...]
    rows: Iterator[Row]
    encoding: str
    delimiter: str


def read_table(data: bytes, name: str, limit: FileLimit | None = None) -> Table:
    """Parse CSV bytes into a Table.

    Parameters
    ----------
    data : the file's bytes.
    name : the file name, used in messages.
    limit : the import's size limit (`geo.files.limits.ACTIVITIES_LIMIT`, ...); default: the
        general upload limit.

    Raises
    ------
    ImportFileError
        Empty file, binary content, no header, too many columns, duplicate columns, or a row
        with more cells than the header.
    """
    # Size and kind first: an Excel file or a 2 GB upload is refused before it is decoded.
    if limit is None:
        check_size(len(data), name)
    else:
        limit.check(len(data), name)
    table = stream_table(io.BytesIO(data), name)
    return Table(name, table.columns, tuple(table.rows), table.encoding, table.delimiter)


def stream_table(stream: BinaryIO, name: str) -> TableStream:
    """Read CSV from a seekable binary stream one row at a time, as `read_table` reads it.

    The caller checks the file's size first. The header is read and checked here; a broken
    row further down raises ImportFileError while `rows` is read, so a caller that writes
    as it reads must do so in a transaction it can roll back (`import_activities` does).
    """
    head = stream.read(4096)
    stream.seek(0)
    check_magic(head[:512], name, ".csv")
    if b"\x00" in head:
        raise ImportFileError(f"{name}: filen är inte en textfil (CSV).")
    encoding = text_encoding(stream, name)
    # newline="" as the csv module asks: a line break inside a quoted cell stays in the cell.
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    header_line = next((line for line in text if line.strip()), None)
    if header_line is None:
        raise ImportFileError(f"{name}: filen är tom.")
    text.seek(0)
    delimiter = max(_DELIMITERS, key=header_line.count)
    if header_line.count(delimiter) + 1 > MAX_COLUMNS:
        raise ImportFileError(
            f"{name}: filen har {header_line.count(delimiter) + 1} kolumner; högst "
            f"{MAX_COLUMNS} tillåts."
        )
    # The rows are made one record at a time from the reader: the reader's list of lists
    # used to be held next to the rows, two copies of every cell at the peak (issue 11).
    records = _records(csv.reader(text, delimiter=delimiter), name)
    header: list[str] | None = None
    for record in records:
        if any(cell.strip() for cell in record):
            header = record
            break
    if header is None:
        raise ImportFileError(f"{name}: filen är tom.")
    columns = tuple(c.strip().lower() for c in header)
    if any(not c for c in columns):
        raise ImportFileError(f"{name}, rad 1: en kolumn saknar namn.")
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise ImportFileError(f"{name}, rad 1: kolumnen {', '.join(duplicates)} finns två gånger.")
    return TableStream(name, columns, _rows(records, columns, name), encoding, delimiter)


def _rows(records: Iterator[list[str]], columns: tuple[str, ...], name: str) -> Iterator[Row]:
    """The data rows after the header, numbered as Excel shows them."""
    for number, record in enumerate(records, start=2):
        joined = "".join(record)
        if not joined.strip():
            continue  # Excel leaves empty lines at the end
        if len(record) > len(columns):
            raise ImportFileError(
                f"{name}, rad {number}: {len(record)} värden men bara {len(columns)} kolumner "
                "(fel avgränsare eller ett semikolon i en text utan citattecken?)."
            )
        # Every importer reads cells from here: a `'` our export added is dropped for all
        # (looked for in the whole row first: most rows have none).
        cells = (unneutralise(cell) for cell in record) if "'" in joined else record
        yield Row(number, dict(zip(columns, cells, strict=False)))


def _records(reader: Iterator[list[str]], name: str) -> Iterator[list[str]]:
    """The reader's records, with a broken CSV as a Swedish ImportFileError."""
    try:
        yield from reader
    except csv.Error as exc:
        line = getattr(reader, "line_num", "?")
        raise ImportFileError(f"{name}, rad {line}: trasig CSV ({exc}).") from None


_PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}([ \u00a0\u202f]\d{3})+)([.,]\d+)?$")


def parse_number(text: str, where: str) -> float:
    """A number as Swedes write it: "1 234,5", "12,5", "12.5", "-3".

    `where` is prefixed to the message, e.g. "fil.csv, rad 4, kolumn lat".
    """
    cleaned = text.strip()
    if not _PLAIN_NUMBER.fullmatch(cleaned):  # most cells have no spaces to take out
        if not _NUMBER.match(cleaned):
            raise ImportFileError(f'{where}: "{text}" är inget tal.')
        cleaned = re.sub(r"[ \u00a0\u202f]", "", cleaned)
    value = float(cleaned.replace(",", "."))
    if not math.isfinite(value):  # 400 digits make float() return inf, not an error
        raise ImportFileError(f'{where}: "{text}" är ett för stort tal.')
    return value


def parse_count(text: str, where: str) -> int:
    """A whole, non-negative count (e.g. kontrollerade_fordon)."""
    value = parse_number(text, where)
    if value < 0 or value != int(value):
        raise ImportFileError(f'{where}: "{text}" ska vara ett heltal, noll eller större.')
    return int(value)
