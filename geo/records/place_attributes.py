"""The attributes each place kind has, and reading a planner's values into them.

The vocabulary shared by the place form, the place files (CSV, GeoPackage, GeoJSON) and the
exports: the attributes per kind (`ATTRIBUTES`), the Swedish codes of kinds and
classifications, and the checks on a value with messages that say where the problem is.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geo.errors import ValidationError
from geo.records.kinds import Classification
from geo.records.models import PlaceKind

MAX_TEXT_LENGTH = 500
SPEED_LIMITS = tuple(range(20, 130, 10))
# Stops of a route are written in one cell/field, separated by "|" or line breaks.
STOP_SEPARATOR = " | "


class ValueType(enum.StrEnum):
    """How an attribute's value is read and shown."""

    TEXT = "text"
    SPEED = "hastighet"
    STOPS = "lista"
    WEIGHT = "vikt"


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of a place kind: its key (column/property name) and how it is shown."""

    key: str
    label: str
    type: ValueType = ValueType.TEXT
    help: str = ""
    example: str = ""


ATTRIBUTES: Mapping[PlaceKind, tuple[AttributeSpec, ...]] = {
    PlaceKind.TRAFFIC_CONTROL_SITE: (
        AttributeSpec("väg", "Väg", help="Vägnummer eller gatunamn", example="väg 32"),
        AttributeSpec(
            "hastighet",
            "Hastighetsgräns (km/h)",
            ValueType.SPEED,
            help="Skyltad hastighet: 20, 30, … 120",
            example="70",
        ),
        AttributeSpec(
            "riktning", "Riktning", help="Vilken trafik som kontrolleras", example="norrut"
        ),
        AttributeSpec(
            "motivering",
            "Varför platsen valts",
            help="T.ex. olyckor, klagomål, hastighetsmätning",
            example="klagomål på höga hastigheter",
        ),
    ),
    PlaceKind.INTERVENTION_PLACE: (
        AttributeSpec(
            "platstyp", "Typ av plats", help="T.ex. skolgård, park, parkering", example="park"
        ),
    ),
    PlaceKind.POLICE_OFFICE: (
        AttributeSpec("adress", "Adress", example="Storgatan 1"),
        AttributeSpec("öppettider", "Öppettider", example="tisdagar 13–15"),
    ),
    PlaceKind.CENTRAL_AREA: (
        AttributeSpec("syfte", "Syfte", help="Vad närvaron ska uppnå", example="kvällsnärvaro"),
        AttributeSpec(
            "vikt",
            "Vikt vid förslag av kontrollplatser",
            ValueType.WEIGHT,
            help="Hur mycket området väger när kontrollplatser föreslås (1 om tomt)",
            example="2",
        ),
    ),
    PlaceKind.WALK_ROUTE: (
        AttributeSpec(
            "hållplatser",
            "Hållplatser i ordning",
            ValueType.STOPS,
            help="En hållplats per rad (i filer: åtskilda med |)",
            example="Torget | Skolan | Stationen",
        ),
    ),
}
ALL_ATTRIBUTE_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(spec.key for specs in ATTRIBUTES.values() for spec in specs)
)


# -- reading values ---------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without Swedish rings and dots, so "Oppen" and "öppen" are the same word."""
    return text.strip().lower().translate(str.maketrans("åäö", "aao"))


def parse_kind(value: Any, where: str) -> PlaceKind:
    """The place kind from its Swedish code (`trafikkontrollplats`, ...), any case."""
    text = "" if value is None else str(value)
    for kind in PlaceKind:
        if _fold(text) == _fold(kind.value):
            return kind
    known = ", ".join(k.value for k in PlaceKind)
    if not text.strip():
        raise ValidationError(f"{where}: typ saknas (skriv en av: {known}).")
    raise ValidationError(f'{where}: okänd typ "{text}" (skriv en av: {known}).')


def parse_classification(value: Any, where: str) -> Classification:
    """Klassning from `öppen`, `intern` or `sekretess`; empty means `intern`."""
    if isinstance(value, Classification):
        return value
    text = "" if value is None else str(value)
    if not text.strip():
        return Classification.INTERNAL
    for option in Classification:
        if _fold(text) == _fold(option.value):
            return option
    known = ", ".join(c.value for c in Classification)
    raise ValidationError(f'{where}: okänd klassning "{text}" (skriv en av: {known}).')


def cell_text(value: Any) -> str:
    """A cell or property as trimmed text ('' for empty, None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _number_cell(
    value: Any, where: str, what: str, example: str, unit: str | None = None
) -> float | None:
    """A number from a cell (1.5, "1,5", with `unit` after it); None when empty.

    Raises ValidationError naming `what` ("ingen hastighet") with an `example` to write.
    """
    if isinstance(value, bool):
        raise ValidationError(f'{where}: "{value}" är ingen {what}.')
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return float(value)
    text = cell_text(value)
    if not text:
        return None
    cleaned = re.sub(unit, "", text, flags=re.IGNORECASE) if unit else text
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        raise ValidationError(
            f'{where}: "{text}" är ingen {what} (skriv t.ex. {example}).'
        ) from None


def _speed(value: Any, where: str) -> int | None:
    """A speed limit in km/h from 70, 70.0, "70" or "70 km/h"; None when empty."""
    number = _number_cell(value, where, "hastighet", "70", unit=r"\s*km/h$")
    if number is None:
        return None
    if not math.isfinite(number):  # "1e999" and "nan" are floats; int() of them raised
        raise ValidationError(f'{where}: "{cell_text(value)}" är ingen hastighet (skriv t.ex. 70).')
    if number != int(number) or int(number) not in SPEED_LIMITS:
        allowed = ", ".join(str(s) for s in SPEED_LIMITS)
        raise ValidationError(
            f"{where}: {_number_text(number)} km/h är ingen hastighetsgräns i Sverige "
            f"(skriv en av {allowed})."
        )
    return int(number)


def _weight(value: Any, where: str) -> float | None:
    """A weight: a number zero or larger ("1,5" allowed); None when empty."""
    number = _number_cell(value, where, "vikt", "2")
    if number is None:
        return None
    if not math.isfinite(number) or number < 0:
        raise ValidationError(f"{where}: vikten ska vara ett tal, noll eller större.")
    return int(number) if number == int(number) else number


def _number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number).replace(".", ",")


def parse_stops(value: Any) -> list[str]:
    """A route's stops in order, from a list or from text split on "|" or line breaks."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [cell_text(v) for v in value]
    else:
        items = re.split(r"[|\n\r]+", cell_text(value))
    return [item for item in (i.strip() for i in items) if item]


def format_stops(stops: Iterable[str]) -> str:
    """Stops as one line of text, the way files and the form write them."""
    return STOP_SEPARATOR.join(stops)


def clean_attributes(kind: PlaceKind, raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The kind's attributes from form or file values, checked and normalised.

    Empty values are left out. A filled-in attribute that belongs to another kind (a road on
    a police office) is refused rather than silently dropped.

    Parameters
    ----------
    kind : the place kind.
    raw : values by attribute key (Swedish, lower case); other keys are ignored.
    where : prefix for messages, e.g. "platser.csv, rad 4"; empty for a form, whose
        messages then name the field by its label.

    Raises
    ------
    ValidationError
        A value that cannot be read, or an attribute of another kind.
    """
    own = {spec.key for spec in ATTRIBUTES[kind]}
    for key in ALL_ATTRIBUTE_KEYS:
        if key not in own and _filled(raw.get(key)):
            owners = [k.value for k, specs in ATTRIBUTES.items() if key in {s.key for s in specs}]
            raise ValidationError(
                where_message(
                    where,
                    f"{key} gäller {', '.join(owners)}, inte {kind.value}. Töm fältet eller "
                    "ändra typ.",
                )
            )
    out: dict[str, Any] = {}
    for spec in ATTRIBUTES[kind]:
        value = raw.get(spec.key)
        here = field_where(where, spec.key, spec.label)
        if spec.type is ValueType.SPEED:
            speed = _speed(value, here)
            if speed is not None:
                out[spec.key] = speed
        elif spec.type is ValueType.WEIGHT:
            weight = _weight(value, here)
            if weight is not None:
                out[spec.key] = weight
        elif spec.type is ValueType.STOPS:
            stops = parse_stops(value)
            for stop in stops:
                check_length(stop, MAX_TEXT_LENGTH, here)
            if stops:
                out[spec.key] = stops
        else:
            text = cell_text(value)
            check_length(text, MAX_TEXT_LENGTH, here)
            if text:
                out[spec.key] = text
    return out


def _filled(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(cell_text(v) for v in value)
    return bool(cell_text(value))


def check_length(text: str, length: int, where: str) -> None:
    if len(text) > length:
        raise ValidationError(f"{where}: texten är {len(text)} tecken; högst {length} tillåts.")


def attribute_text(spec: AttributeSpec, value: Any) -> str:
    """An attribute's value as the text a form field or a table cell shows."""
    if value is None:
        return ""
    if spec.type is ValueType.STOPS:
        return format_stops(parse_stops(value))
    return str(value)


def field_where(where: str, key: str, label: str) -> str:
    """Where a field's problem is: "fil.csv, rad 4, väg" in files, the form label otherwise."""
    return f"{where}, {key}" if where else label


def where_message(where: str, text: str) -> str:
    """`where: text`, or the text as a sentence when there is no `where`."""
    return f"{where}: {text}" if where else text[:1].upper() + text[1:]
