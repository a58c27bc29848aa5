"""The audit log (ändringslogg) for people: Swedish sentences, what changed, CSV for Excel.

`Session.audit_log` returns the raw entries (who, when, what, values before and after);
this module turns them into rows an administrator can read ("Aktivitet ändrad: antal
kontrollerade fordon 12 → 14") and a CSV file Excel opens correctly (UTF-8 with BOM,
semicolons) without running formulas hidden in user text. `FIELDS` is the one table of
Swedish names for the stored fields; the raw values stay in the CSV's Före/Efter columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from geo.files.tabular import excel_csv
from geo.records.models import STOCKHOLM
from geo.records.outcomes import OUTCOME_FIELDS, OutcomeField
from geo.swedish import NO_BREAK_SPACE, count

ACTIONS = {
    "create": "skapad",
    "update": "ändrad",
    "retire": "avvecklad",
    "replace": "ersatt",
    "delete": "borttagen",
    "setting": "inställning",
    "restore": "återställning",
    "import": "import",
    "photo_added": "foto tillagt",
    "photo_replaced": "foto bytt",
    "photo_removed": "foto borttaget",
}
TABLES = {
    "places": "Platser",
    "activities": "Genomförda aktiviteter",
    "planned_activities": "Planerade aktiviteter",
    "findings": "Iakttagelser",
    "base_layers": "Baslager",
    "promise_documents": "Medborgarlöften",
    "meta": "Inställningar",
    "users": "Användare",
    "recurrence_rules": "Återkommande planer",
    "indicators": "Indikatorer",
    "events": "Händelser",
}
# One record of each table, as the sentence names it, and whether the word is an en-word,
# an ett-word or a plural: "Plats ändrad", "Baslager ändrat", "Händelser importerade".
RECORDS: dict[str, tuple[str, str]] = {
    "places": ("Plats", "en"),
    "activities": ("Aktivitet", "en"),
    "planned_activities": ("Planerad aktivitet", "en"),
    "findings": ("Iakttagelse", "en"),
    "base_layers": ("Baslager", "ett"),
    "promise_documents": ("Medborgarlöfte", "ett"),
    "meta": ("Inställning", "en"),
    "users": ("Användare", "en"),
    "recurrence_rules": ("Återkommande plan", "en"),
    "indicators": ("Indikator", "en"),
    "events": ("Händelser", "plural"),
}
# The participle for an en-word, an ett-word and a plural.
_PARTICIPLES: dict[str, tuple[str, str, str]] = {
    "create": ("skapad", "skapat", "skapade"),
    "update": ("ändrad", "ändrat", "ändrade"),
    "retire": ("avvecklad", "avvecklat", "avvecklade"),
    "replace": ("ersatt", "ersatt", "ersatta"),
    "delete": ("borttagen", "borttaget", "borttagna"),
    "setting": ("ändrad", "ändrat", "ändrade"),
    "import": ("importerad", "importerat", "importerade"),
    "assign": ("kopplad till löftet", "kopplat till löftet", "kopplade till löftet"),
    "restore": ("återställd", "återställt", "återställda"),
}
_GENDERS = ("en", "ett", "plural")


def _outcome_label(field: OutcomeField) -> str:
    """ "antal kontrollerade fordon", "timmar", "varav unga (21 år och yngre)"."""
    label = field.label.removesuffix(" (antal)")
    label = label[0].lower() + label[1:]
    counted = field.integer and field.maximum != 1 and not label.startswith("varav")
    return f"antal {label}" if counted else label


# The Swedish name of every stored field an audit entry may hold (one home: the Administration
# page, the CSV and the tests read it). An outcome count is named as its form names it.
FIELDS: dict[str, str] = {
    "action": "åtgärd",
    "activity_id": "aktivitet",
    "added": "tillagda",
    "attributes": "egenskaper",
    "attribution": "källhänvisning",
    "category": "kategori",
    "classification": "klassning",
    "commitment_id": "aktivitet i löftet",
    "description": "beskrivning",
    "document_id": "medborgarlöfte",
    "due": "klart senast",
    "end_at": "slut",
    "features": "objekt",
    "foto": "foto",
    "geom": "läge på kartan",
    "ids": "id",
    "indicator": "indikator",
    "is_example": "exempeldata",
    "key": "nyckel",
    "kind": "typ",
    "kommun_name": "kommun",
    "kommunkod": "kommunkod",
    "name": "namn",
    "note": "anteckning",
    "outcome": "utfall",
    "owner": "ansvarig",
    "period_end": "period till",
    "period_start": "period från",
    "place_id": "plats",
    "planned_id": "planerad aktivitet",
    "responsible": "ansvarig",
    "retired_at": "avvecklad",
    "rule": "regel",
    "rule_id": "återkommande plan",
    "seed": "frö",
    "sha256": "kontrollsumma",
    "signed_on": "undertecknat",
    "source": "källa",
    "source_name": "fil",
    "source_ref": "rad i filen",
    "source_text": "filens text",
    "start_at": "start",
    "status": "status",
    "team": "grupp",
    "term": "termin",
    "title": "titel",
    "unit": "enhet",
    "value": "värde",
} | {f.name: _outcome_label(f) for fields in OUTCOME_FIELDS.values() for f in fields}
COLUMNS = ("Tid", "Användare", "Åtgärd", "Tabell", "Post", "Ändringar", "Före", "Efter")
# What the Administration page shows: the sentence, not the stored values.
SCREEN_COLUMNS = ("Tid", "Användare", "Ändringar", "Post")
_SHORT = 80
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def action_label(action: str) -> str:
    """Swedish word for an audit action ("update" -> "ändrad"); unknown ones as they are."""
    return ACTIONS.get(action, action)


def table_label(table: str) -> str:
    """Swedish name of a table ("places" -> "Platser"); unknown ones as they are."""
    return TABLES.get(table, table)


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries an administrator asked to see: every field None means all."""

    table: str | None = None
    action: str | None = None
    actor: str | None = None
    start: date | None = None
    end: date | None = None  # the last day shown, whole
    limit: int = 1000

    def times(self) -> tuple[datetime | None, datetime | None]:
        """The first moment shown and the moment after the last (Stockholm midnights)."""
        start = datetime.combine(self.start, time(), STOCKHOLM) if self.start else None
        end = datetime.combine(self.end + timedelta(1), time(), STOCKHOLM) if self.end else None
        return start, end

    def summary(self) -> str:
        """The filter as one Swedish line ("Urval: tabell Platser · alla åtgärder · …").

        The filter's fields sit in a panel that may be closed, so this line is what tells a
        reader (and a screen reader) which rows the table holds.
        """
        if self.start and self.end:
            dates = f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"
        elif self.start:
            dates = f"från och med {self.start:%Y-%m-%d}"
        elif self.end:
            dates = f"till och med {self.end:%Y-%m-%d}"
        else:
            dates = "alla datum"
        parts = [
            f"tabell {table_label(self.table)}" if self.table else "alla tabeller",
            f"åtgärd {action_label(self.action)}" if self.action else "alla åtgärder",
            f"användare {self.actor}" if self.actor else "alla användare",
            dates,
            f"högst {count(self.limit, 'rad', 'rader', NO_BREAK_SPACE)}",
        ]
        return "Urval: " + " · ".join(parts)


def field_label(key: str) -> str:
    """Swedish name of a stored field ("start_at" -> "start"); unknown ones as they are."""
    return FIELDS.get(key, key.replace("_", " "))


def _value(value: Any) -> str:
    """A stored value as Swedish text: ja/nej, – for none, moments in Stockholm time."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(STOCKHOLM)
        return f"{moment:%Y-%m-%d %H:%M}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, list):
        text = ", ".join(_value(v) for v in value)
    else:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())  # one line in a table cell
    text = text.replace(".", ",") if isinstance(value, float) else text
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _flat(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields, with a nested count or property (outcome, attributes) as fields of its own."""
    flat: dict[str, Any] = {}
    for key, value in (values if isinstance(values, Mapping) else {}).items():
        if key in ("outcome", "attributes") and isinstance(value, Mapping):
            flat |= {str(k): v for k, v in value.items()}
        else:
            flat[key] = value
    return flat


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """What changed, in Swedish: "antal kontrollerade fordon 12 → 14; anteckning – → Regn".

    A new record lists its values ("namn Torget; typ närvaro"), leaving out the empty ones;
    a change lists only the fields that changed. A map drawing is named, not spelt out.
    """
    old, new = _flat(before), _flat(after)
    parts = []
    for key, value in new.items():
        label = field_label(key)
        if key == "geom":
            if (old and old.get(key) != value) or (not old and value is not None):
                parts.append(f"{label} {'ändrat' if old else 'satt'}")
        elif not old:
            if value not in (None, "", {}, []):
                parts.append(f"{label} {_value(value)}")
        elif key not in old or old[key] != value:
            parts.append(f"{label} {_value(old.get(key))} → {_value(value)}")
    if new:
        parts += [f"{field_label(k)} {_value(v)} → –" for k, v in old.items() if k not in new]
    return "; ".join(parts)


def sentence(entry: Mapping[str, Any]) -> str:
    """One audit entry as a Swedish sentence: "Aktivitet ändrad: timmar 2 → 3".

    The record's word and the action agree in gender ("Plats skapad", "Baslager skapat",
    "Händelser importerade"); actions without a participle say their word ("Iakttagelse:
    foto tillagt").
    """
    table, action = str(entry["table_name"]), str(entry["action"])
    noun, gender = RECORDS.get(table, (table_label(table), "en"))
    forms = _PARTICIPLES.get(action)
    if forms is None:
        head = f"{noun}: {action_label(action)}"
    else:
        head = f"{noun} {forms[_GENDERS.index(gender)]}"
    if table == "meta" and entry.get("record_id") is not None:
        head += f" ({entry['record_id']})"
    what = changes(entry.get("before"), entry.get("after"))
    return f"{head}: {what}" if what else head


def audit_rows(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One display row per audit entry, keys `COLUMNS`, times in Stockholm."""
    rows = []
    for e in entries:
        at = e["at"]
        when = at.astimezone(STOCKHOLM) if isinstance(at, datetime) else at
        rows.append(
            {
                "Tid": when.strftime("%Y-%m-%d %H:%M:%S") if isinstance(when, datetime) else "",
                "Användare": str(e["actor"]),
                "Åtgärd": action_label(str(e["action"])),
                "Tabell": table_label(str(e["table_name"])),
                "Post": "" if e.get("record_id") is None else str(e["record_id"]),
                "Ändringar": sentence(e),
                "Före": ""
                if e.get("before") is None
                else json.dumps(e["before"], ensure_ascii=False),
                "Efter": ""
                if e.get("after") is None
                else json.dumps(e["after"], ensure_ascii=False),
            }
        )
    return rows


def audit_csv(entries: Iterable[Mapping[str, Any]]) -> bytes:
    """The entries as CSV for Swedish Excel: UTF-8 with BOM, `;`, every cell neutralised."""
    return excel_csv(COLUMNS, ([row[c] for c in COLUMNS] for row in audit_rows(entries)))
