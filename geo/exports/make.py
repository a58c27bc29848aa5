"""Making an export: one entry point for the command line and the app's download buttons.

`make_export(store, actor, fmt, request)` builds the audience's data set once
(geo.disclosure.audience) and renders it as the asked format. The result is bytes, a suggested file
name and a MIME type; `write_export` puts it on disk so that a file is either complete or
not there (the CLI's "nothing written" on error).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from geo.disclosure import access
from geo.disclosure.access import Operation
from geo.disclosure.audience import PUBLIC_READER, Audience, ExportRequest
from geo.disclosure.export_data import build_export_data
from geo.disclosure.rows import ExportData
from geo.files.private_files import PRIVATE_FILE_MODE, PUBLIC_FILE_MODE
from geo.progress_report import Progress
from geo.records.labelled_enum import LabelledEnum
from geo.records.models import STOCKHOLM, Actor
from geo.store import Store
from geo.swedish import file_slug, number


class ExportFormat(LabelledEnum):
    """What can be exported: the CLI's `export` subcommand and the name buttons and messages use."""

    MAP_HTML = "map-html", "Karta (HTML)"
    MAP_PNG = "map-png", "Kartbild (PNG)"
    MEETING_PDF = "meeting-pdf", "Mötesunderlag (PDF)"
    MEETING_HTML = "meeting-html", "Mötesunderlag (tillgänglig webbsida)"
    MEETING_CSV = "meeting-csv", "Mötesunderlagets aktivitetslista (CSV)"
    GPKG = "gpkg", "Data (GeoPackage)"
    CSV = "csv", "Data (CSV för Excel, zip)"
    FOLLOWUP = "followup", "Uppföljning för polisen.se (text och karta, zip)"

    @property
    def extension(self) -> str:
        """File name extension, with the dot."""
        return _FILES[self].extension

    @property
    def mime(self) -> str:
        """MIME type for downloads."""
        return _FILES[self].mime


@dataclass(frozen=True)
class _File:
    """The file a format gives: its extension, MIME type and the word for it in file names."""

    extension: str
    mime: str
    kind: str


_FILES = {
    ExportFormat.MAP_HTML: _File(".html", "text/html", "karta"),
    ExportFormat.MAP_PNG: _File(".png", "image/png", "kartbild"),
    ExportFormat.MEETING_PDF: _File(".pdf", "application/pdf", "motesunderlag"),
    ExportFormat.MEETING_HTML: _File(".html", "text/html", "motesunderlag"),
    ExportFormat.MEETING_CSV: _File(".csv", "text/csv", "motesunderlag_aktiviteter"),
    ExportFormat.GPKG: _File(".gpkg", "application/geopackage+sqlite3", "data"),
    ExportFormat.CSV: _File(".zip", "application/zip", "data_csv"),
    ExportFormat.FOLLOWUP: _File(".zip", "application/zip", "uppfoljning"),
}


@dataclass(frozen=True)
class ExportResult:
    """A finished export: the bytes, a file name to suggest, its MIME type, one line of news."""

    payload: bytes
    file_name: str
    mime: str
    summary: str


@dataclass(frozen=True)
class ExportOptions:
    """Per-format choices: map tiles in HTML, which static map."""

    tiles: bool = True
    density_png: bool = False


@dataclass(frozen=True)
class ExportChoice:
    """One export a person can ask for: the format, its options and a line saying what it is."""

    format: ExportFormat
    options: ExportOptions
    description: str

    @property
    def label(self) -> str:
        """The name on its button: "Karta (HTML)", "Täthetskarta (PNG)"."""
        return "Täthetskarta (PNG)" if self.options.density_png else self.format.label


# What the Export page offers, in the order it shows them.
EXPORT_CHOICES = (
    ExportChoice(
        ExportFormat.MEETING_PDF,
        ExportOptions(),
        "Mötesunderlag i PDF: läget, kartor, planerat, iakttagelser och en sida för beslut.",
    ),
    ExportChoice(
        ExportFormat.MEETING_HTML,
        ExportOptions(),
        "Samma mötesunderlag som webbsida, för skärmläsare: rubriker, tabeller och "
        "beskrivna bilder (PDF-filen kan inte märkas upp så att en skärmläsare hittar dem).",
    ),
    ExportChoice(
        ExportFormat.MAP_HTML,
        ExportOptions(),
        "Kartan som en fil som öppnas i webbläsaren, även utan internet.",
    ),
    ExportChoice(
        ExportFormat.MAP_PNG, ExportOptions(), "Kartbild för utskrift eller presentation."
    ),
    ExportChoice(
        ExportFormat.MAP_PNG, ExportOptions(density_png=True), "Täthetskarta: aktiviteter per ruta."
    ),
    ExportChoice(
        ExportFormat.GPKG, ExportOptions(), "All data i en GeoPackage för QGIS (SWEREF 99 TM)."
    ),
    ExportChoice(
        ExportFormat.CSV, ExportOptions(), "All data som CSV för Excel, en fil per tabell (zip)."
    ),
    ExportChoice(
        ExportFormat.FOLLOWUP, ExportOptions(), "Text per tertial och karta för polisen.se (zip)."
    ),
)

# Offered beside the meeting pack when asked for (internal only): the pack lists at most 40
# activities one by one, this file every one since the last meeting.
MEETING_LIST_CHOICE = ExportChoice(
    ExportFormat.MEETING_CSV,
    ExportOptions(),
    "Alla aktiviteter sedan förra mötet som CSV för Excel: hela listan bakom mötesunderlaget.",
)


def file_name_for(
    kommun_name: str, audience: Audience, fmt: ExportFormat, made_at: datetime, density: bool
) -> str:
    """E.g. `lofteskartan_aneby_kommun_offentlig_karta_2024-06-03.html`."""
    kind = "tathetskarta" if fmt is ExportFormat.MAP_PNG and density else _FILES[fmt].kind
    made = made_at.astimezone(STOCKHOLM)
    return (
        f"lofteskartan_{file_slug(kommun_name)}_{audience.file_tag}_{kind}_"
        f"{made:%Y-%m-%d}{fmt.extension}"
    )


def suggested_name(data: ExportData, fmt: ExportFormat, density: bool = False) -> str:
    """The file name for an export of `data` (see `file_name_for`)."""
    return file_name_for(data.document.kommun_name, data.audience, fmt, data.made_at, density)


# From this many activities an export takes long enough (seconds to minutes) that the app
# and the command line show how far it has come.
LARGE_EXPORT = 20_000


def _reader(actor: Actor, request: ExportRequest) -> Actor:
    """Whom the data set is read as: `PUBLIC_READER` for a public one, once `actor` is
    known to be allowed to export (the same public file comes out whoever asks)."""
    access.require(actor, Operation.EXPORT)
    return PUBLIC_READER if request.audience is Audience.PUBLIC else actor


def load_export_data(
    store: Store, actor: Actor, request: ExportRequest, progress: Progress | None = None
) -> ExportData:
    """Build the audience's data set in one read-only unit of work (see `_reader`)."""
    store.require_schema()
    with store.session(_reader(actor, request)) as session:
        return build_export_data(session, request, progress)


def activities_to_export(store: Store, actor: Actor, request: ExportRequest) -> int:
    """How many activities an export of `request` reads: with `LARGE_EXPORT`, whether to
    show progress."""
    store.require_schema()
    with store.session(_reader(actor, request)) as session:
        return session.activity_count(request.document_id)


def render(data: ExportData, fmt: ExportFormat, options: ExportOptions) -> bytes:
    """Render an already built data set in one format."""
    if fmt is ExportFormat.MAP_HTML:
        from geo.exports.map_html import render_map_html

        return render_map_html(data, tiles=options.tiles).encode("utf-8")
    if fmt is ExportFormat.MAP_PNG:
        from geo.exports.map_frame import MapView
        from geo.exports.map_image import render_map_png

        view = MapView.DENSITY if options.density_png else MapView.OVERVIEW
        return render_map_png(data, view)
    if fmt is ExportFormat.MEETING_PDF:
        from geo.exports.meeting_pdf import render_meeting_pdf

        return render_meeting_pdf(data)
    if fmt is ExportFormat.MEETING_HTML:
        from geo.exports.meeting_html import render_meeting_html

        return render_meeting_html(data)
    if fmt is ExportFormat.MEETING_CSV:
        from geo.exports.meeting_pack import meeting_activities_csv

        return meeting_activities_csv(data)
    if fmt is ExportFormat.GPKG:
        from geo.exports.gpkg import gpkg_bytes

        with tempfile.TemporaryDirectory(prefix="lofteskartan-") as folder:
            return gpkg_bytes(data, Path(folder))
    if fmt is ExportFormat.CSV:
        from geo.exports.csv_zip import csv_zip_bytes

        return csv_zip_bytes(data)
    from geo.exports.followup_texts import followup_zip_bytes

    return followup_zip_bytes(data, tiles=options.tiles)


def make_export(
    store: Store,
    actor: Actor,
    fmt: ExportFormat,
    request: ExportRequest,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Build the data set for `request.audience` and render it as `fmt`.

    Parameters
    ----------
    store, actor : where to read and on whose behalf.
    fmt : the format.
    request : audience, period, rules, meeting.
    options : per-format choices (tiles, density map).
    progress : told how many activities have been read (see `Progress`).

    Returns
    -------
    ExportResult with the file's bytes and a suggested name.
    """
    return make_exports(store, actor, [fmt], request, options, progress)[0]


def make_exports(
    store: Store,
    actor: Actor,
    formats: Sequence[ExportFormat],
    request: ExportRequest,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
) -> list[ExportResult]:
    """Build the data set once and render it in each of `formats` (see `make_export`).

    The meeting pack and its activity list come from one read, so they hold the same
    activities and a large store is read once.
    """
    options = options or ExportOptions()
    data = load_export_data(store, actor, request, progress)
    results = []
    for fmt in formats:
        payload = render(data, fmt, options)
        name = suggested_name(data, fmt, options.density_png)
        summary = (
            f"{fmt.label}, {data.audience.label.lower()}, "
            f"{data.period.start:%Y-%m-%d} – {data.period.end:%Y-%m-%d}: "
            f"{number(len(payload))} byte"
        )
        results.append(ExportResult(payload, name, fmt.mime, summary))
    return results


def write_export(payload: bytes, path: Path, public: bool = False) -> None:
    """Write a file so that it is either complete or not there at all.

    Parameters
    ----------
    payload : the file's bytes.
    path : where to write it (its folder must exist).
    public : True for a file made for publishing (`--audience public`): mode 0644 so a
        web server may read it. Otherwise (internal exports may hold sekretess) the file
        keeps mkstemp's 0600 whatever the umask (see `geo.files.private_files`).
    """
    with written_whole(path, public) as out:
        out.write(payload)


@contextmanager
def written_whole(path: Path, public: bool = False) -> Iterator[BinaryIO]:
    """A file to write in pieces that appears at `path` only when the block ends without an
    error (a reader never sees half a file); the mode as in `write_export`."""
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".lofteskartan-")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.chmod(temp_name, PUBLIC_FILE_MODE if public else PRIVATE_FILE_MODE)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


__all__ = [
    "Audience",
    "ExportFormat",
    "ExportOptions",
    "ExportRequest",
    "ExportResult",
    "make_export",
    "make_exports",
    "write_export",
    "written_whole",
    "suggested_name",
]
