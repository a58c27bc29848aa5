"""Swedish public holidays (helgdagar) computed for any year, with no data file.

Fixed presence is not held on holidays: "varje tisdag 13–15" skips långfredagen's week only
if långfredagen is a Tuesday, and so on. The list follows lagen (1989:253) om allmänna
helgdagar, plus the days Swedish workplaces treat as holidays although the law does not
(julafton, nyårsafton and midsommarafton). Easter is computed with the anonymous Gregorian
algorithm (Meeus/Jones/Butcher), valid for every Gregorian year.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Påskdagen for `year` (Gregorian calendar).

    Parameters
    ----------
    year : a year from 1583 on.

    Returns
    -------
    The date of Easter Sunday, e.g. 2024-03-31.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _first_weekday_from(start: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) on or after `start`."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@lru_cache(maxsize=64)
def _holidays(year: int) -> tuple[tuple[date, str], ...]:
    easter = easter_sunday(year)
    midsummer_eve = _first_weekday_from(date(year, 6, 19), 4)  # Friday 19–25 June
    all_saints = _first_weekday_from(date(year, 10, 31), 5)  # Saturday 31 Oct – 6 Nov
    days = [
        (date(year, 1, 1), "nyårsdagen"),
        (date(year, 1, 6), "trettondedag jul"),
        (easter - timedelta(days=2), "långfredagen"),
        (easter, "påskdagen"),
        (easter + timedelta(days=1), "annandag påsk"),
        (date(year, 5, 1), "första maj"),
        (easter + timedelta(days=39), "Kristi himmelfärdsdag"),
        (easter + timedelta(days=49), "pingstdagen"),
        (date(year, 6, 6), "Sveriges nationaldag"),
        (midsummer_eve, "midsommarafton"),
        (midsummer_eve + timedelta(days=1), "midsommardagen"),
        (all_saints, "alla helgons dag"),
        (date(year, 12, 24), "julafton"),
        (date(year, 12, 25), "juldagen"),
        (date(year, 12, 26), "annandag jul"),
        (date(year, 12, 31), "nyårsafton"),
    ]
    return tuple(sorted(days))


def swedish_holidays(year: int) -> dict[date, str]:
    """Holidays and non-working eves of `year`: date → Swedish name, in date order.

    Parameters
    ----------
    year : the calendar year.

    Returns
    -------
    16 days: the public holidays of the law plus julafton, nyårsafton and midsommarafton
    (not holidays by law, but nobody staffs a police office then). Pingstdagen and
    nationaldagen can fall on a Sunday; they are listed anyway.
    """
    return dict(_holidays(year))


def holiday_name(day: date) -> str | None:
    """The holiday's Swedish name, or None on an ordinary day."""
    return swedish_holidays(day.year).get(day)
