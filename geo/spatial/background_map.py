"""The background map an administrator chooses: an XYZ, WMTS or WMS address and its source.

OpenStreetMap's tiles are the default background, but many kommun and police networks block
them, and planners place things by the street. An administrator can give the kommun's own map
server or an open one such as Lantmäteriet's topographic web map; every map then draws it
first, with OpenStreetMap as a second choice in the layer list. The vector layers (kommun,
tätorter, places) never depend on it: they draw offline as before.

The choice is one setting in the store (`SETTING`), checked here before it is saved.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from geo.errors import ValidationError
from geo.records.labelled_enum import LabelledEnum

if TYPE_CHECKING:
    from geo.store import Session

SETTING = "bakgrundskarta"
MAX_URL = 2000
MAX_ATTRIBUTION = 300
DEFAULT_TITLE = "Bakgrundskarta"
# A tile address's placeholders as Leaflet fills them; {s} a subdomain, {r} "@2x" on sharp
# screens, {-y} the row counted from the south (TMS).
XYZ_PLACEHOLDERS = frozenset({"z", "x", "y", "-y", "s", "r"})
# WMTS's own names for the same (KVP and REST templates), turned into Leaflet's.
WMTS_NAMES = {"TileMatrix": "z", "TileCol": "x", "TileRow": "y"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class BackgroundKind(LabelledEnum):
    """Which kind of map service the address is."""

    XYZ = "xyz", "XYZ-plattor (…/{z}/{x}/{y}.png)"
    WMTS = "wmts", "WMTS (plattor i Web Mercator, EPSG:3857)"
    WMS = "wms", "WMS"


@dataclass(frozen=True)
class BackgroundMap:
    """Bakgrundskarta: a map service, the source to show with it, and its name in the list.

    `url` is a tile template with Leaflet's placeholders ({z}, {x}, {y}) for XYZ and WMTS,
    and the service address for WMS, whose `layers` names the layers to draw.
    """

    kind: BackgroundKind
    url: str
    attribution: str
    layers: str = ""
    title: str = DEFAULT_TITLE

    def to_setting(self) -> str:
        """The map as the stored setting (JSON)."""
        return json.dumps(asdict(self), ensure_ascii=False)


def _check_address(url: str) -> None:
    """An http(s) address with a host and nothing that could leave a string or a tag."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            f"Adressen ”{url}” är ingen webbadress. Den ska börja med https:// (eller http://) "
            "och ett servernamn, t.ex. https://karta.kommun.se/…"
        )
    if any(c.isspace() or c in "\"'<>\\`" for c in url):
        raise ValidationError(
            "Adressen får inte innehålla mellanslag, citattecken, < > eller \\. Koda dem som "
            "i en webbläsares adressfält (t.ex. %20 för mellanslag)."
        )
    if len(url) > MAX_URL:
        raise ValidationError(f"Adressen är längre än {MAX_URL} tecken.")


def _tile_template(url: str, kind: BackgroundKind) -> str:
    """A tile template with Leaflet's placeholders; WMTS names are turned into them."""
    if kind is BackgroundKind.WMTS:
        for wmts, leaflet in WMTS_NAMES.items():
            url = url.replace("{" + wmts + "}", "{" + leaflet + "}")
    found = _PLACEHOLDER.findall(url)
    unknown = sorted(set(found) - XYZ_PLACEHOLDERS)
    if unknown:
        names = ", ".join("{" + u + "}" for u in unknown)
        raise ValidationError(
            f"Adressen har platshållare som kartan inte känner: {names}. Använd {{z}}, {{x}} "
            "och {y}"
            + (
                " (eller {TileMatrix}, {TileCol} och {TileRow})."
                if kind is BackgroundKind.WMTS
                else "."
            )
        )
    missing = [p for p in ("z", "x") if p not in found]
    if "y" not in found and "-y" not in found:
        missing.append("y")
    if missing:
        names = ", ".join("{" + m + "}" for m in missing)
        raise ValidationError(
            f"Adressen till en plattjänst ({kind.value.upper()}) saknar {names}: kartan fyller "
            "i zoomnivå, kolumn och rad i dem, t.ex. https://server/{z}/{x}/{y}.png."
        )
    return url


def parse_background_map(
    kind: BackgroundKind | str,
    url: str,
    attribution: str,
    layers: str = "",
    title: str = "",
) -> BackgroundMap:
    """A checked background map from what an administrator typed.

    Raises
    ------
    ValidationError
        In Swedish: not an http(s) address, a tile address without {z}/{x}/{y} or with an
        unknown placeholder, a WMS address with placeholders or without layers, no source.
    """
    try:
        kind = BackgroundKind(kind)
    except ValueError:
        raise ValidationError(
            f"Okänd typ av karttjänst: ”{kind}”. Välj XYZ, WMTS eller WMS."
        ) from None
    url, attribution, layers = url.strip(), attribution.strip(), layers.strip()
    if not url:
        raise ValidationError("Skriv kartjänstens adress.")
    _check_address(url)
    if kind is BackgroundKind.WMS:
        if _PLACEHOLDER.search(url):
            raise ValidationError(
                "En WMS-adress har inga platshållare som {z}: ange tjänstens adress (t.ex. "
                "https://karta.kommun.se/wms) och lagrens namn i fältet Lager."
            )
        if not layers:
            raise ValidationError(
                "Ange vilka lager WMS-tjänsten ska rita (namn med komma emellan)."
            )
    else:
        url = _tile_template(url, kind)
        layers = ""
    if not attribution:
        raise ValidationError(
            "Ange kartans källa (t.ex. © Lantmäteriet): den visas på kartan, som licensen kräver."
        )
    if len(attribution) > MAX_ATTRIBUTION:
        raise ValidationError(f"Källan är längre än {MAX_ATTRIBUTION} tecken.")
    return BackgroundMap(kind, url, attribution, layers, title.strip() or DEFAULT_TITLE)


def from_setting(text: str | None) -> BackgroundMap | None:
    """The stored background map, or None when none is chosen (or the setting is emptied).

    A stored value is checked again, so a hand-edited database cannot put an unchecked
    address on every map.
    """
    if not text:
        return None
    try:
        values = json.loads(text)
        return parse_background_map(
            values["kind"],
            values["url"],
            values["attribution"],
            values.get("layers", ""),
            values.get("title", ""),
        )
    except (ValueError, KeyError, TypeError, ValidationError):
        return None


def stored_background_map(session: Session) -> BackgroundMap | None:
    """The background map chosen for this installation, if any."""
    return from_setting(session.get_setting(SETTING))


def save_background_map(session: Session, background: BackgroundMap | None) -> None:
    """Choose the background map (None: back to OpenStreetMap only); administrators only."""
    session.set_setting(SETTING, background.to_setting() if background else "")
