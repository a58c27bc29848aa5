"""The one reader of GeoPackage and GeoJSON files through pyogrio, with one set of messages.

Places (`place_import`), base layers (`base_layer_import`) and siting files (`siting_io`) all
read vector files here: the size is checked against the caller's limit before GDAL sees the
file, an upload is written to a temporary file with its own suffix (GDAL tells a GeoPackage
by its extension), and every GDAL/pyogrio error becomes one Swedish `ImportFileError` that
names the user's file, never the temporary path.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import ImportFileError
from geo.files.limits import FileLimit

if TYPE_CHECKING:
    import geopandas as gpd

FORMAT_NAMES = {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def format_name(name: str) -> str:
    """The format a file's suffix says, in the words of the messages ("GeoPackage")."""
    return FORMAT_NAMES.get(Path(name).suffix.lower(), "GeoPackage eller GeoJSON")


def unreadable(name: str, detail: str = "") -> ImportFileError:
    """The one message for a file GDAL cannot open or read."""
    reason = f" ({detail})" if detail else ""
    return ImportFileError(f"{name}: filen går inte att läsa som {format_name(name)}{reason}.")


def _unreadable_errors() -> tuple[type[Exception], ...]:
    """What GDAL/pyogrio raise for a file it cannot read.

    pyogrio's errors are many (source, layer, field, feature, geometry, CRS) and GDAL's text
    can fail to decode (a UnicodeDecodeError, a ValueError): all mean "cannot read".
    """
    from pyogrio import errors

    return (
        errors.DataSourceError,
        errors.DataLayerError,
        errors.FieldError,
        errors.FeatureError,
        errors.GeometryError,
        errors.CRSError,
        OSError,
        ValueError,
    )


@contextmanager
def upload_on_disk(data: bytes, name: str, limit: FileLimit) -> Iterator[Path]:
    """An upload's bytes as a temporary file with the upload's suffix, checked first.

    Raises ImportFileError when the bytes are over `limit` or empty.
    """
    limit.check(len(data), name)
    if not data.strip(b"\x00 \n"):
        raise ImportFileError(f"{name}: filen är tom.")
    with tempfile.TemporaryDirectory(prefix="lofteskartan-") as folder:
        path = Path(folder) / f"upload{Path(name).suffix.lower()}"
        path.write_bytes(data)
        yield path


def layers(path: Path, name: str) -> tuple[list[str], list[str]]:
    """The file's layers with geometry, and all its layers (tables without geometry too).

    Raises ImportFileError when GDAL cannot open the file or it has no layer with geometry.
    """
    import pyogrio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            listed = pyogrio.list_layers(path)
    except _unreadable_errors():
        raise unreadable(name) from None
    spatial = [str(layer) for layer, geometry_type in listed if geometry_type]
    if not spatial:
        raise ImportFileError(f"{name}: filen har inga lager med geometri.")
    return spatial, [str(layer) for layer, _ in listed]


def read_layer(path: Path, name: str, layer: str | None = None) -> gpd.GeoDataFrame:
    """One layer (the first when `layer` is None) as a GeoDataFrame in the file's own CRS.

    Raises ImportFileError, naming `name` rather than `path`, for any error GDAL reports.
    """
    import geopandas as gpd  # only for vector files: it takes a while to import

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return gpd.read_file(path, layer=layer, engine="pyogrio")
    except _unreadable_errors() as exc:
        raise unreadable(name, str(exc).replace(str(path), name)) from None
