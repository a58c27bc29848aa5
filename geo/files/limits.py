"""Hostile and broken input: checks every importer and upload runs before it trusts a file.

Files come from planners' machines and e-mail; some are broken, a few may be made to hurt.
Each check here refuses *before* the expensive or dangerous step, with a Swedish message
that says what is wrong and what to do:

- size: an upload larger than `LOFTESKARTAN_MAX_UPLOAD_MB` (default 50) is refused from its
  size (file system or stream length) before it is read into memory; a photo of a finding
  (`geo.files.photos`) may be at most 20 MB, or the upload limit if that is smaller;
- type: the first bytes must match the extension (a GeoPackage starts with
  "SQLite format 3\\0", a zip with "PK", GeoJSON with "{"; CSV is text, not an Excel file);
- zip bombs: members, total unpacked size and compression ratio are checked from the zip's
  directory, and unpacking stops the moment a member grows past what it declared;
- JSON nesting: brackets are counted before `json.loads` (which would recurse until Python
  gives up), and GeoJSON must be a FeatureCollection or Feature;
- CSV width: `geo.files.tabular` refuses more than 200 columns from the header line.

Streamlit's own limit (`server.maxUploadSize` in `.streamlit/config.toml`) stops bigger
uploads in the browser; this module is the check that also holds for the command line.

It is also the one home of three other bounds every caller asks (issue 11):

- `FileLimit`: each import (activities, events, places, base layers, siting files) has its
  own size limit and environment variable, checked from `os.stat` or the upload's length
  before a byte is read; the defaults keep the peak memory of an import under 500 MB
  (measured by `benchmarks/import_memory.py`);
- `check_date`: the supported date range, 1990-01-01 to 2100-12-31, for every date a user
  types or a file holds (far dates overflowed Python's `date` deep inside exports);
  `check_parsed_date` says the same as a ValueError for the time parsers;
- `busy_timeout_seconds`: how long a writer waits for another one before it is told, in
  Swedish, that the database is busy.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from geo.errors import ImportFileError, LofteskartanError, ValidationError

UPLOAD_ENV = "LOFTESKARTAN_MAX_UPLOAD_MB"
DEFAULT_UPLOAD_MB = 50
# A phone's full-resolution JPEG is 3–12 MB (a 50-megapixel one up to ~20 MB).
DEFAULT_PHOTO_MB = 20
MB = 1024 * 1024

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip with members; an empty zip
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "en zip-fil (till exempel en Excel-fil .xlsx)"),
    (SQLITE_MAGIC, "en SQLite-databas eller GeoPackage"),
    (b"\xd0\xcf\x11\xe0", "en gammal Office-fil (till exempel .xls)"),
    (b"%PDF", "en PDF"),
    (b"\x89PNG", "en PNG-bild"),
    (b"\xff\xd8\xff", "en JPEG-bild"),
    (b"GIF8", "en GIF-bild"),
    (b"\x1f\x8b", "en gzip-komprimerad fil"),
)
_SUFFIX_NAMES = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".csv": "CSV",
    ".txt": "CSV",
    ".zip": "zip",
}


@dataclass(frozen=True)
class Limits:
    """How much an upload may be; defaults are generous for a kommun's real files."""

    max_bytes: int = DEFAULT_UPLOAD_MB * MB
    max_unzipped_bytes: int = 4 * DEFAULT_UPLOAD_MB * MB
    max_ratio: float = 100.0  # real shapefiles and CSV compress 3–20 times
    max_members: int = 1000
    max_json_depth: int = 64  # GeoJSON needs 6 (MultiPolygon coordinates in a collection)
    max_photo_bytes: int = DEFAULT_PHOTO_MB * MB

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """Limits with the upload size from `LOFTESKARTAN_MAX_UPLOAD_MB` (photos: at most that)."""
        env = os.environ if env is None else env
        text = env.get(UPLOAD_ENV, "").strip()
        if not text:
            return cls()
        size = int(_megabytes(UPLOAD_ENV, text, example=50) * MB)
        return cls(
            max_bytes=size,
            max_unzipped_bytes=4 * size,
            max_photo_bytes=min(DEFAULT_PHOTO_MB * MB, size),
        )


def _megabytes(variable: str, text: str, example: float) -> float:
    """A size setting in megabytes ("12,5" allowed), or a Swedish error naming `variable`."""
    try:
        mb = float(text.replace(",", "."))
    except ValueError:
        mb = -1.0
    if not 0 < mb <= 100_000:
        raise ImportFileError(
            f'{variable}="{text}" ska vara ett antal megabyte större än noll, t.ex. {example:g}.'
        )
    return mb


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",").replace(",0", "") + " MB"


def check_size(size: int, name: str, limits: Limits | None = None) -> None:
    """Refuse a file larger than the upload limit, from its size alone."""
    limits = limits or Limits.from_env()
    if size > limits.max_bytes:
        raise ImportFileError(
            f"{name} är {_mb(size)}; största tillåtna fil är {_mb(limits.max_bytes)} "
            f"(ändras med {UPLOAD_ENV}). Dela upp filen eller ta bort kolumner som inte behövs."
        )


@dataclass(frozen=True)
class FileLimit:
    """The size limit of one kind of import file, raised by an administrator with `env`.

    Parameters
    ----------
    what : the kind of file in Swedish, for the message ("aktivitetsfilen").
    env : the environment variable that sets the limit in megabytes.
    default_mb : the limit when `env` is not set.
    """

    what: str
    env: str
    default_mb: float

    def max_bytes(self, env: Mapping[str, str] | None = None) -> int:
        """The limit in bytes: `env` (megabytes, "12,5" allowed) or the default."""
        env = os.environ if env is None else env
        text = env.get(self.env, "").strip()
        if not text:
            return int(self.default_mb * MB)
        return int(_megabytes(self.env, text, example=self.default_mb) * MB)

    def check(self, size: int, name: str) -> None:
        """Refuse a file larger than this limit, from its size alone (nothing is read)."""
        limit = self.max_bytes()
        if size > limit:
            raise ImportFileError(
                f"{name} är {_mb(size)}; största tillåtna {self.what} är {_mb(limit)}. "
                "Dela upp filen, eller be en administratör höja gränsen med "
                f"miljövariabeln {self.env} (i megabyte)."
            )

    def check_path(self, path: Path) -> int:
        """Check a file's size from `os.stat` before it is opened; returns the size."""
        path = Path(path)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise ImportFileError(f"Filen {path} finns inte.") from None
        except OSError as exc:
            raise ImportFileError(f"Filen {path} går inte att läsa ({exc.strerror}).") from None
        if path.is_dir():
            raise ImportFileError(f"{path} är en mapp, inte en fil.")
        self.check(info.st_size, path.name)
        return info.st_size

    def read(self, path: Path) -> bytes:
        """A file's bytes, refused from its size before anything is read.

        The read stops one byte past the limit, so a file that grows while it is read (or
        a device that reports no size) still cannot fill the memory.
        """
        path = Path(path)
        self.check_path(path)
        try:
            with path.open("rb") as f:
                data = f.read(self.max_bytes() + 1)
        except OSError as exc:
            raise ImportFileError(f"Filen {path} går inte att läsa ({exc.strerror}).") from None
        self.check(len(data), path.name)
        return data


# The defaults are what `benchmarks/import_memory.py` measured to stay under 500 MB peak
# (see benchmarks/README.md); each is far above a kommun's real files of that kind.
# Activities: about 130,000 rows, a year of a police region's activities (issue 17), in
# about 420 MB since the import writes in bulk (benchmarks/scale.py).
ACTIVITIES_LIMIT = FileLimit("aktivitetsfil", "LOFTESKARTAN_MAX_ACTIVITIES_MB", 10)
EVENTS_LIMIT = FileLimit("händelsefil", "LOFTESKARTAN_MAX_EVENTS_MB", 20)
PLACES_LIMIT = FileLimit("platsfil", "LOFTESKARTAN_MAX_PLACES_MB", 20)
BASE_LAYER_LIMIT = FileLimit("baslagerfil", "LOFTESKARTAN_MAX_BASE_LAYER_MB", 40)
SITING_LIMIT = FileLimit("fil med platsförslag eller efterfrågan", "LOFTESKARTAN_MAX_SITING_MB", 5)
IMPORT_LIMITS = (ACTIVITIES_LIMIT, EVENTS_LIMIT, PLACES_LIMIT, BASE_LAYER_LIMIT, SITING_LIMIT)


# -- dates and numbers ----------------------------------------------------------------------

# Medborgarlöften began around 2019; a century either way of any real one is plenty, and it
# keeps `date + timedelta` far from Python's year 9999 everywhere (ics, tertials, weeks).
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_RANGE_TEXT = f"{EARLIEST_DATE.isoformat()} – {LATEST_DATE.isoformat()}"
MAX_WEEKS_AHEAD = 260  # opening hours: five years of weeks is more than anyone publishes


def check_date(day: date, what: str = "") -> date:
    """`day`, or ValidationError (Swedish) when it is outside the supported range.

    Parameters
    ----------
    day : a date (a datetime's `.date()` for times).
    what : where it came from, put before the message, e.g. "fil.csv, rad 3".
    """
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        prefix = f"{what}: " if what else ""
        raise ValidationError(
            f"{prefix}{day.isoformat()} ligger utanför de datum Löfteskartan hanterar "
            f"({DATE_RANGE_TEXT})."
        )
    return day


def check_parsed_date(day: date, written: str) -> date:
    """`check_date` for the time parsers, which report ValueError naming the text as written.

    `written` starts the message, e.g. '"9999-12-31 23:00"' or 'tiden "9999-12-31 23:00"'.
    """
    try:
        return check_date(day)
    except ValidationError:
        raise ValueError(
            f"{written} ligger utanför de datum Löfteskartan hanterar ({DATE_RANGE_TEXT})"
        ) from None


# -- waiting for another writer -------------------------------------------------------------

BUSY_ENV = "LOFTESKARTAN_DB_BUSY_SECONDS"
DEFAULT_BUSY_SECONDS = 30.0


def busy_timeout_seconds(env: Mapping[str, str] | None = None) -> float:
    """How long a writer waits for a lock held by another (default 30 s, `BUSY_ENV`).

    Long enough for an ordinary save to finish behind a large import, short enough that a
    person is told within half a minute that the database is busy.
    """
    env = os.environ if env is None else env
    text = env.get(BUSY_ENV, "").strip()
    if not text:
        return DEFAULT_BUSY_SECONDS
    try:
        seconds = float(text.replace(",", "."))
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ValidationError(f'{BUSY_ENV}="{text}" ska vara ett antal sekunder, t.ex. 30.')
    return seconds


def read_path(path: Path, limits: Limits | None = None) -> bytes:
    """A file's bytes, refused from its size before anything is read."""
    limits = limits or Limits.from_env()
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"Filen {path} finns inte.") from None
    check_size(size, path.name, limits)
    with path.open("rb") as f:
        return read_stream(f, path.name, size, limits)


def read_stream(
    stream: BinaryIO, name: str, size: int | None = None, limits: Limits | None = None
) -> bytes:
    """Read an upload, refusing it from its declared or seekable length first.

    The read itself stops one byte past the limit, so a stream that lied about its
    length (or grows while read) still cannot fill the memory.
    """
    limits = limits or Limits.from_env()
    if size is None and stream.seekable():
        here = stream.tell()
        size = stream.seek(0, io.SEEK_END) - here
        stream.seek(here)
    if size is not None:
        check_size(size, name, limits)
    data = stream.read(limits.max_bytes + 1)
    check_size(len(data), name, limits)
    return data


def check_magic(head: bytes, name: str, suffix: str | None = None) -> str:
    """Check that a file's first bytes are what its extension says; returns the suffix.

    Parameters
    ----------
    head : the first bytes of the file (100 are plenty).
    name : the file name, for the message (and for the extension when `suffix` is None).
    suffix : the extension to check against (".gpkg", ".geojson", ".json", ".csv", ".zip").
    """
    suffix = (suffix or PurePosixPath(name).suffix).lower()
    if suffix not in _SUFFIX_NAMES:
        known = ", ".join(sorted(_SUFFIX_NAMES))
        raise ImportFileError(f"{name}: filtypen {suffix or '(ingen)'} stöds inte ({known}).")
    kind = _SUFFIX_NAMES[suffix]
    if not head:
        raise ImportFileError(f"{name}: filen är tom.")
    actual = next((what for magic, what in _BINARY_MAGICS if head.startswith(magic)), None)
    if kind == "GeoPackage":
        if not head.startswith(SQLITE_MAGIC):
            raise ImportFileError(
                f"{name} är ingen GeoPackage (den börjar inte som en SQLite-databas)"
                + (f"; den ser ut som {actual}." if actual else ".")
            )
    elif kind == "zip":
        if not head.startswith(ZIP_MAGICS):
            raise ImportFileError(
                f"{name} är ingen zip-fil" + (f"; den ser ut som {actual}." if actual else ".")
            )
    elif kind == "GeoJSON":
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if not text.startswith(b"{"):
            raise ImportFileError(
                f"{name} är ingen GeoJSON (den ska börja med {{)"
                + (f"; den ser ut som {actual}." if actual else ".")
            )
    else:  # CSV
        if actual is not None:
            raise ImportFileError(
                f"{name} är ingen CSV-fil; den ser ut som {actual}. Spara filen som "
                '"CSV UTF-8 (kommaavgränsad)" i Excel och försök igen.'
            )
        if b"\x00" in head:
            raise ImportFileError(f"{name}: filen är inte en textfil (CSV).")
    return suffix


def check_json_depth(
    data: bytes | str,
    name: str,
    max_depth: int = 64,
    error: type[LofteskartanError] = ImportFileError,
) -> None:
    """Refuse JSON nested deeper than `max_depth`, by counting brackets outside strings.

    `json.loads` recurses once per level: a file of a million "[" makes it raise
    RecursionError (or worse) before it can say what is wrong.
    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    depth = 0
    in_string = escaped = False
    line = 1
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise error(
                    f"{name}, rad {line}: JSON-strukturen är djupare än {max_depth} nivåer; "
                    "en riktig GeoJSON-fil behöver högst ett tiotal. Filen läses inte."
                )
        elif char in "]}":
            depth -= 1
        if char == "\n":
            line += 1


def parse_json(
    text: str,
    name: str,
    max_depth: int = 64,
    error: type[LofteskartanError] = ImportFileError,
) -> Any:
    """`json.loads` after the depth check, with the one Swedish message for broken JSON.

    Every JSON the app reads (GeoJSON, polisen.se's events, the users file) says what is
    wrong in the same words: the name, the line and column, and the parser's reason. The
    depth check comes first because a deeply nested file would crash `json.loads` (found by
    the hypothesis test in tests/integration/test_importers_fuzz.py).
    """
    check_json_depth(text, name, max_depth, error)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            f"{name}, rad {exc.lineno}, kolumn {exc.colno}: ogiltig JSON ({exc.msg}); "
            "inget lästes in."
        ) from None
    except (RecursionError, ValueError) as exc:  # e.g. a number too long to convert
        raise error(f"{name}: ogiltig JSON ({exc}); inget lästes in.") from None


_GEOJSON_TYPES = ("FeatureCollection", "Feature")


def parse_geojson(
    data: bytes, name: str, limits: Limits | None = None, limit: FileLimit | None = None
) -> dict[str, Any]:
    """Parse GeoJSON bytes after every check above; returns the object (not yet geometries).

    Refuses (ImportFileError, in Swedish, naming the feature) a file that is too large, not
    JSON, nested too deep, not a FeatureCollection or Feature, or whose features are not
    objects with a `geometry` object (or null) and `properties` object (or null).
    `limit` is the import's own size limit (default: the general upload limit).
    """
    limits = limits or Limits.from_env()
    if limit is None:
        check_size(len(data), name, limits)
    else:
        limit.check(len(data), name)
    check_magic(data[:100], name, ".geojson")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name}: GeoJSON ska vara UTF-8, men byte {exc.start + 1} är det inte."
        ) from None
    value = parse_json(text, name, limits.max_json_depth)
    if not isinstance(value, dict) or value.get("type") not in _GEOJSON_TYPES:
        found = value.get("type") if isinstance(value, dict) else type(value).__name__
        raise ImportFileError(
            f'{name}: GeoJSON ska ha "type": "FeatureCollection" eller "Feature" '
            f"(filen har {json.dumps(found, ensure_ascii=False)[:60]})."
        )
    features = [value] if value["type"] == "Feature" else value.get("features")
    if not isinstance(features, list):
        raise ImportFileError(f'{name}: en FeatureCollection ska ha en lista "features".')
    for n, feature in enumerate(features, start=1):
        where = f"{name}, objekt {n}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ImportFileError(f'{where}: ska vara ett objekt med "type": "Feature".')
        geometry = feature.get("geometry")
        if geometry is not None and not (
            isinstance(geometry, dict) and isinstance(geometry.get("type"), str)
        ):
            raise ImportFileError(f'{where}: "geometry" ska vara en geometri eller null.')
        properties = feature.get("properties")
        if properties is not None and not isinstance(properties, dict):
            raise ImportFileError(f'{where}: "properties" ska vara ett objekt eller null.')
    return value


def _safe_member_name(member: str, name: str) -> str:
    """A zip member's path, refusing absolute paths and `..` (files outside the folder)."""
    path = PurePosixPath(member.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise ImportFileError(f'{name}: filen "{member}" i zip-filen pekar utanför mappen.')
    return str(path)


def unzip(data: bytes, name: str, limits: Limits | None = None) -> dict[str, bytes]:
    """The members of a zipped upload (shapefile parts, a CSV), checked for zip bombs.

    Refuses, before unpacking, a zip with too many members, encrypted members, paths
    outside the folder, a total unpacked size over the limit, or a member packed more
    than `max_ratio` times; while unpacking, a member that grows past its declared size.
    """
    limits = limits or Limits.from_env()
    check_size(len(data), name, limits)
    check_magic(data[:4], name, ".zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ImportFileError(f"{name}: zip-filen är trasig ({exc}).") from None
    if len(infos) > limits.max_members:
        raise ImportFileError(
            f"{name} innehåller {len(infos)} filer; högst {limits.max_members} tillåts."
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise ImportFileError(
            f"{name} packas upp till {_mb(total)}; högst {_mb(limits.max_unzipped_bytes)} "
            "tillåts. Filen läses inte (den kan vara en så kallad zip-bomb)."
        )
    members: dict[str, bytes] = {}
    for info in infos:
        member = _safe_member_name(info.filename, name)
        if info.flag_bits & 0x1:
            raise ImportFileError(f'{name}: filen "{member}" är krypterad och kan inte läsas.')
        # Tiny files may compress very well (a few kB of spaces); only big ones can hurt.
        if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ImportFileError(
                f'{name}: filen "{member}" är packad mer än {limits.max_ratio:.0f} gånger '
                "(en så kallad zip-bomb). Filen läses inte."
            )
        try:
            with archive.open(info) as f:
                content = f.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ImportFileError(
                f'{name}: filen "{member}" i zip-filen är trasig ({exc}).'
            ) from None
        if len(content) > info.file_size:
            raise ImportFileError(
                f'{name}: filen "{member}" är större än zip-filen påstår. Filen läses inte.'
            )
        members[member] = content
    return members
