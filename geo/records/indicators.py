"""Kommunens indikatorer: school attendance and ANDT figures per term, with their trend.

The kommun enters figures it already has (from its own school statistics or the ANDT
survey) per term: `VT2024` is the spring term 2024, `HT2023` the autumn term 2023. Only
aggregated figures for the whole kommun: never a pupil.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geo.errors import ValidationError
from geo.records.models import Indicator

SUGGESTED = (
    ("Skolnärvaro grundskolan", "%"),
    ("Elever med hög frånvaro (över 15 %)", "%"),
    ("ANDT: elever i åk 9 som använt narkotika", "%"),
    ("ANDT: elever i åk 9 som röker eller snusar", "%"),
)
"""Names offered in the editor; any other name may be used."""

_TERM = re.compile(r"^\s*(VT|HT)\s*-?\s*(\d{4})\s*$", re.IGNORECASE)


def normalise_term(text: str) -> str:
    """ "ht 2023", "HT-2023" → "HT2023". Raises ValueError (Swedish) for anything else."""
    match = _TERM.match(str(text))
    if not match:
        raise ValueError(f'terminen "{text}" ska skrivas som VT2024 eller HT2023')
    return f"{match.group(1).upper()}{match.group(2)}"


def term_order(term: str) -> tuple[int, int]:
    """Sort key: VT2024 (spring) comes before HT2024 (autumn), which comes before VT2025."""
    normal = normalise_term(term)
    return int(normal[2:]), 0 if normal.startswith("VT") else 1


def _number(value: Any) -> float:
    """A figure from the editor: a number, or text with a decimal comma ("92,5")."""
    if isinstance(value, bool):
        raise ValueError("värdet ska vara ett tal")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", ".").replace(" ", ""))
        except ValueError:
            raise ValueError(f'värdet "{value}" är inget tal') from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError("värdet saknas")
    return number


def _blank(value: Any) -> bool:
    """True for empty cells (None, "", NaN) as the editor returns them."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


def indicators_from_table(records: Sequence[Mapping[str, Any]], kommunkod: str) -> list[Indicator]:
    """Check the rows of the indicator editor and turn them into records.

    Each row has `Indikator`, `Termin`, `Värde`, optional `Enhet` and `Kommentar`. Empty
    rows are ignored. Raises ValidationError naming every bad row (numbered from 1, as in
    the editor) at once, so nothing is saved until all are right.
    """
    out: list[Indicator] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(records, start=1):
        name, term, value = row.get("Indikator"), row.get("Termin"), row.get("Värde")
        if all(_blank(v) for v in (name, term, value)):
            continue
        try:
            if _blank(name):
                raise ValueError("indikatorns namn saknas")
            clean_name = str(name).strip()
            clean_term = normalise_term(str(term if not _blank(term) else ""))
            number = _number(value)
            key = (clean_name.lower(), clean_term)
            if key in seen:
                raise ValueError(
                    f"{clean_name} {clean_term} finns redan på rad {seen[key]} (en rad per termin)"
                )
            seen[key] = n
            unit = "" if _blank(row.get("Enhet")) else str(row.get("Enhet")).strip()
            note = "" if _blank(row.get("Kommentar")) else str(row.get("Kommentar")).strip()
            out.append(Indicator(kommunkod, clean_name, clean_term, number, unit, note))
        except ValueError as exc:
            problems.append(f"rad {n}: {exc}")
    if problems:
        raise ValidationError(
            "Indikatorerna sparades inte:\n" + "\n".join(f"- {p}" for p in problems)
        )
    return out


@dataclass(frozen=True)
class Trend:
    """Utveckling: one indicator's values term by term and the latest change."""

    name: str
    unit: str
    terms: tuple[str, ...]
    values: tuple[float, ...]

    @property
    def latest(self) -> float:
        """The value of the most recent term."""
        return self.values[-1]

    @property
    def change(self) -> float | None:
        """Latest minus the term before (None with only one term)."""
        return None if len(self.values) < 2 else round(self.values[-1] - self.values[-2], 6)

    def describe(self) -> str:
        """E.g. "92,5 % i HT2023 (+1,5 sedan VT2023)"."""
        unit = f" {self.unit}" if self.unit else ""
        text = f"{_sv(self.latest)}{unit} i {self.terms[-1]}"
        if self.change is None:
            return text + " (första mätningen)"
        sign = "+" if self.change > 0 else "±" if self.change == 0 else "−"
        return text + f" ({sign}{_sv(abs(self.change))} sedan {self.terms[-2]})"


def _sv(number: float) -> str:
    """A number the Swedish way: decimal comma, no trailing zeros."""
    return f"{number:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def trends(indicators: Iterable[Indicator]) -> list[Trend]:
    """One trend per indicator name, terms in time order; names in first-seen order."""
    groups: dict[str, list[Indicator]] = {}
    for i in indicators:
        groups.setdefault(i.indicator, []).append(i)
    out = []
    for name, items in groups.items():
        items.sort(key=lambda i: term_order(i.term))
        unit = next((i.unit for i in reversed(items) if i.unit), "")
        out.append(Trend(name, unit, tuple(i.term for i in items), tuple(i.value for i in items)))
    return out


def demo_indicators(kommunkod: str) -> list[Indicator]:
    """Invented example figures (marked `is_example`, note "Exempeldata")."""
    rows = [
        ("Skolnärvaro grundskolan", "%", [("VT2023", 91.8), ("HT2023", 92.6), ("VT2024", 93.1)]),
        ("ANDT: elever i åk 9 som använt narkotika", "%", [("VT2023", 6.0), ("VT2024", 5.0)]),
    ]
    return [
        Indicator(kommunkod, name, term, value, unit, "Exempeldata", is_example=True)
        for name, unit, values in rows
        for term, value in values
    ]
