"""Swedish dates, weeks, numbers and plurals, and today's date in Sweden (no locale needed).

The server's locale is unknown (often C or en_US), so month names and the decimal comma are
written here rather than through `locale`. Its clock is often UTC, so "today" is asked here too.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime

from geo.records.models import STOCKHOLM

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def today(now: datetime | None = None) -> date:
    """Today's date in Sweden: the one every page, export and command counts "today" from.

    `date.today()` is the server's date, and servers often run on UTC: from midnight to 01:00
    (02:00 in summer) Swedish time it is still yesterday there ("Läget den 5 december" at
    00:55 on the 6th).

    Parameters
    ----------
    now
        The moment to ask about (any time zone); the clock when left out.
    """
    return (now or datetime.now(UTC)).astimezone(STOCKHOLM).date()


def long_date(day: date) -> str:
    """ "30 maj 2023"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def date_range(start: date, end: date) -> str:
    """ "30 maj 2023 – 29 maj 2024" (an en dash between the ends)."""
    return f"{long_date(start)} – {long_date(end)}"


def stamp(moment: datetime) -> str:
    """When an export was made: "2024-06-03 kl. 10.15" in Stockholm time."""
    local = moment.astimezone(STOCKHOLM)
    return f"{local:%Y-%m-%d} kl. {local:%H.%M}"


def iso_week(day: date) -> str:
    """ISO week as data: "2023-W36" (the ISO 8601 form, sorts correctly)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_text(day: date) -> str:
    """ISO week as Swedes say it: "vecka 36, 2023"."""
    year, week, _ = day.isocalendar()
    return f"vecka {week}, {year}"


# Thousands separators. Files (exports, texts) use a plain space; text on screen uses a
# no-break space so "1 234 m" never wraps; a map's count marker uses the narrow one to fit.
SPACE = " "
NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"


def number(value: float, decimals: int = 0, space: str = SPACE) -> str:
    """A number with decimal comma and `space` between thousands: "1 234,5".

    The one Swedish number formatter: every other one in the code calls it. `space` is the
    thousands separator (see `SPACE`, `NO_BREAK_SPACE`; "" for none).
    """
    text = f"{value:,.{decimals}f}"
    return text.replace(",", space).replace(".", ",")


def plain_number(value: float) -> str:
    """A number for a data cell: decimal comma, no thousands separator, no trailing zeros."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",")


def count(n: int, one: str, many: str, space: str = SPACE) -> str:
    """A count with the Swedish singular or plural: "1 plats", "2 platser", "0 platser".

    The one place that chooses the form, so no text says "1 platser". Swedish uses the
    singular for one only (0 takes the plural). `space` is the thousands separator, as in
    `number`.

    >>> count(1, "plats", "platser"), count(1234, "plats", "platser")
    ('1 plats', '1 234 platser')
    """
    return f"{number(n, 0, space)} {one if n == 1 else many}"


def file_slug(text: str) -> str:
    """A name as part of a file name: ASCII, lower case, underscores.

    >>> file_slug("Aneby kommun"), file_slug("Lokalpolisområde Höglandet")
    ('aneby_kommun', 'lokalpolisomrade_hoglandet')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_") or "export"
