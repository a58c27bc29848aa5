"""The promise editor's form: one widget per key of a format 2 file, each with its errors.

The form only reads widgets into the file's keys (`geo.records.promise_writer`); the parser
checks them, and its Swedish message for a key is shown under that key's widget.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from geo.records.kinds import Classification, CommitmentKind, PlaceNeed
from geo.records.kommuner import kommun_names
from geo.records.promise import FollowUpYears, TargetPer
from geo.records.promise_file import WHOLE_DOCUMENT
from geo.records.promise_writer import (
    TARGET_SHAPES,
    kommun_file_name,
    responsible_value,
    target_choice,
)
from ui.text import plain

# Where each field's errors go: filled after the whole form is read and checked.
Slots = dict[str, Any]

EDITOR_PAGE = Path(__file__).resolve().parents[1] / "pages" / "8_Loftesredigering.py"
# The editor's promise picker, and the flag another page sets to open next year's promise.
EDITOR_SOURCE = "editor_source"
EDITOR_START_NEXT = "editor_start_next"


class Form:
    """Widgets keyed by the file's key path; `generation` starts them afresh on a new source."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.slots: Slots = {}

    def _key(self, path: str) -> str:
        return f"ed{self.generation}:{path}"

    def field(self, path: str, widget: Callable[..., Any], label: str, **kwargs: Any) -> Any:
        """A widget for one key, with a place under it for the key's errors."""
        value = widget(plain(label), key=self._key(path), **kwargs)
        self.slots[path] = st.empty()
        return value

    def text(self, path: str, label: str, value: Any, area: bool = False) -> str:
        """A text key ("" when the raw value is missing)."""
        widget = st.text_area if area else st.text_input
        return str(self.field(path, widget, label, value=str(value or "")))

    def day(self, path: str, label: str, value: date | None) -> date | None:
        """A date key (dd-mm-åååå shown, ÅÅÅÅ-MM-DD written)."""
        return self.field(path, st.date_input, label, value=value, format="YYYY-MM-DD")

    def choice(self, path: str, label: str, options: list[str], value: str, **kw: Any) -> str:
        """One of `options` (the first when `value` is not among them)."""
        index = options.index(value) if value in options else 0
        return str(self.field(path, st.selectbox, label, options=options, index=index, **kw))

    def rows(self, key: str, label: str, old: list[dict]) -> list[dict]:
        """How many rows a list key has; returns the old rows padded or cut to that many."""
        count = int(
            st.number_input(plain(label), 0, 50, len(old), key=self._key(f"{key}#antal"), step=1)
        )
        self.slots[key] = st.empty()
        return (old + [{}] * count)[:count]

    def show(self, problems: dict[str, list[str]]) -> None:
        """Each problem under its field (or, for a key without a widget, under its list)."""
        for path, messages in problems.items():
            slot = self.slots.get(path) or self.slots.get(path.split("[")[0].split(".")[0])
            text = "\n\n".join(plain(m) for m in messages)
            (slot.error if slot is not None else st.error)(text)


def promise_form(form: Form, raw: dict[str, Any]) -> dict[str, Any]:
    """Draw the form with `raw`'s values; returns the keys of the file as the user left them."""
    out: dict[str, Any] = {"format": 2}
    st.subheader("Löftet")
    out["id"] = form.text("id", "Id (små bokstäver, siffror och -)", raw.get("id"))
    out["titel"] = form.text("titel", "Titel", raw.get("titel"))
    names = kommun_names()
    kommun = raw.get("kommun") or {}
    kod = form.choice(
        "kommun.kod",
        "Kommun",
        sorted(names, key=lambda k: names[k]),
        kommun.get("kod", ""),
        format_func=lambda k: f"{names[k]} ({k})",
    )
    out["kommun"] = {"namn": kommun_file_name(kod), "kod": kod}
    police = (raw.get("polis") or {}).get("område")
    out["polis"] = {"område": form.text("polis.område", "Lokalpolisområde", police)}
    if signed := form.day("undertecknat", "Undertecknat", raw.get("undertecknat")):
        out["undertecknat"] = signed
    period = raw.get("period") or {}
    days = {
        "från": form.day("period.från", "Perioden börjar", period.get("från")),
        "till": form.day("period.till", "Perioden slutar", period.get("till")),
    }
    # A date left empty is a missing key: the parser then names it ("saknas").
    out["period"] = {k: v for k, v in days.items() if v is not None}
    out["uppföljningsår"] = form.choice(
        "uppföljningsår",
        "Uppföljningsår",
        [r.value for r in FollowUpYears],
        raw.get("uppföljningsår", ""),
        format_func=lambda v: FollowUpYears(v).label.capitalize(),
    )
    follow_up = form.text("uppföljning", "Uppföljning (valfri text)", raw.get("uppföljning"), True)
    if follow_up:
        out["uppföljning"] = follow_up
    if raw.get("område"):
        out["område"] = raw["område"]  # kept as the file had it: drawn on no form
    _table(form, out, raw, "undertecknare", "Undertecknare", ("namn", "titel", "organisation"))
    _table(form, out, raw, "parter", "Parter utöver kommun och polis", ("id", "namn"))
    _kinds(form, out, raw)
    _table(form, out, raw, "löften", "Löften (kan utelämnas)", ("id", "titel"))
    _commitments(form, out, raw)
    return out


def _table(
    form: Form, out: dict, raw: dict, key: str, label: str, columns: tuple[str, ...]
) -> None:
    """A list key whose rows are text columns (undertecknare, parter, löften)."""
    st.subheader(plain(label))
    rows = form.rows(key, f"Antal: {label.lower()}", list(raw.get(key) or []))
    table = []
    for i, row in enumerate(rows):
        cells = st.columns(len(columns))
        with_values = {}
        for column, cell in zip(columns, cells, strict=True):
            with cell:
                with_values[column] = form.text(
                    f"{key}[{i + 1}].{column}", f"{column.capitalize()} {i + 1}", row.get(column)
                )
        table.append(with_values)
    if table:
        out[key] = table


def _kinds(form: Form, out: dict, raw: dict) -> None:
    """typer: the promise's own kinds."""
    st.subheader("Egna aktivitetstyper")
    kinds = []
    for i, row in enumerate(form.rows("typer", "Antal egna typer", list(raw.get("typer") or []))):
        at = f"typer[{i + 1}]"
        left, middle, right = st.columns(3)
        with left:
            kind = {"id": form.text(f"{at}.id", f"Typens id {i + 1}", row.get("id"))}
            kind["namn"] = form.text(f"{at}.namn", f"Namn {i + 1}", row.get("namn"))
        with middle:
            kind["plats"] = form.choice(
                f"{at}.plats", f"Plats {i + 1}", [p.value for p in PlaceNeed], row.get("plats", "")
            )
            counts = form.text(
                f"{at}.utfall", f"Utfall {i + 1} (komma mellan)", ", ".join(row.get("utfall", []))
            )
        with right:
            kind["klassning"] = form.choice(
                f"{at}.klassning",
                f"Klassning {i + 1}",
                [c.value for c in Classification],
                row.get("klassning", Classification.INTERNAL.value),
            )
        if counts.strip():
            kind["utfall"] = [c.strip() for c in counts.split(",") if c.strip()]
        kinds.append(kind)
    if kinds:
        out["typer"] = kinds


def _commitments(form: Form, out: dict, raw: dict) -> None:
    """aktiviteter: each with its löfte, kind, responsible parties, text and target."""
    st.subheader("Aktiviteter")
    promises = [p["id"] for p in out.get("löften", [])]
    kinds = [k.value for k in CommitmentKind] + [k["id"] for k in out.get("typer", [])]
    parties = ["polis", "kommun"] + [p["id"] for p in out.get("parter", [])]
    rows = form.rows("aktiviteter", "Antal aktiviteter", list(raw.get("aktiviteter") or []))
    commitments = []
    for i, row in enumerate(rows):
        at = f"aktiviteter[{i + 1}]"
        st.markdown(f"**Aktivitet {plain(str(i + 1))}**")
        left, right = st.columns(2)
        with left:
            commitment = {"id": form.text(f"{at}.id", f"Aktivitetens id {i + 1}", row.get("id"))}
            if promises:
                commitment["löfte"] = form.choice(
                    f"{at}.löfte", f"Löfte {i + 1}", [*promises, WHOLE_DOCUMENT], row.get("löfte")
                )
            commitment["typ"] = form.choice(f"{at}.typ", f"Typ {i + 1}", kinds, row.get("typ"))
            who = row.get("ansvarig", [])
            if isinstance(who, str):
                who = ["polis", "kommun"] if who == "båda" else [who]
            names = form.field(
                f"{at}.ansvarig",
                st.multiselect,
                f"Ansvariga {i + 1}",
                options=parties,
                default=[p for p in who if p in parties],
            )
            commitment["ansvarig"] = responsible_value(names) if names else ""
            commitment["text"] = form.text(f"{at}.text", f"Text {i + 1}", row.get("text"), True)
        with right:
            _target(form, at, i, row.get("mål") or {}, commitment)
        commitments.append(commitment)
    out["aktiviteter"] = commitments


def _target(form: Form, at: str, i: int, old: dict, commitment: dict) -> None:
    """mål: the shape and, as the shape needs, a number, a `per` or a date."""
    shape = next((k for k in TARGET_SHAPES if k and k in old), "")
    shape = form.choice(
        f"{at}.mål", f"Mål {i + 1}", list(TARGET_SHAPES), shape, format_func=TARGET_SHAPES.get
    )
    old_count = old.get(shape) if isinstance(old.get(shape), int) else 1
    count = form.field(
        f"{at}.mål.{shape or 'antal'}", st.number_input, f"Antal {i + 1}", value=old_count, step=1
    )
    pers = ["", *(p.value for p in TargetPer)]
    per = form.choice(
        f"{at}.mål.per",
        f"Per {i + 1}",
        pers,
        old.get("per", ""),
        format_func=lambda v: TargetPer(v).label if v else "uppföljningsår (standard)",
    )
    due = form.day(f"{at}.mål.klart_senast", f"Klart senast {i + 1}", old.get("klart_senast"))
    target = target_choice(shape, int(count), per, due)
    if target is not None:
        commitment["mål"] = target
