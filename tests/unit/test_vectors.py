"""Places, base layers and siting files read GeoPackage/GeoJSON through one reader."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from geo.errors import ImportFileError
from geo.files.base_layer_import import read_base_layer_bytes
from geo.files.place_import import read_places
from geo.files.siting_io import read_features

READERS: dict[str, Callable[[bytes, str], object]] = {
    "platser": read_places,
    "baslager": lambda data, name: read_base_layer_bytes(data, name, "vagar"),
    "kontrollplatser": read_features,
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize(
    "name,data,message",
    [
        ("trasig.gpkg", b"just text", "trasig.gpkg: filen går inte att läsa som GeoPackage"),
        ("tom.gpkg", b"", "tom.gpkg: filen är tom"),
    ],
)
def test_every_importer_says_what_is_wrong_with_a_vector_file_in_the_same_words(
    reader: Callable[[bytes, str], object], name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ImportFileError, match=message):
        reader(data, name)
