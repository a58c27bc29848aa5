"""The audit log (ändringslogg) for people: Swedish labels, what changed, CSV for Excel.

`Session.audit_log` returns the raw entries (who, when, what, values before and after);
this module turns them into rows an administrator can read and a CSV file Excel opens
correctly (UTF-8 with BOM, semicolons) without running formulas hidden in user text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from geo.files.tabular import neutralise
from geo.records.models import STOCKHOLM

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
COLUMNS = ("Tid", "Användare", "Åtgärd", "Tabell", "Post", "Ändringar", "Före", "Efter")
_SHORT = 80


def action_label(action: str) -> str:
    """Swedish word for an audit action ("update" -> "ändrad"); unknown ones as they are."""
    return ACTIONS.get(action, action)


def table_label(table: str) -> str:
    """Swedish name of a table ("places" -> "Platser"); unknown ones as they are."""
    return TABLES.get(table, table)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """What changed, one "field: old → new" per line (new records: "field: value")."""
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    lines = []
    for key in after:
        if key not in before:
            if not before:
                lines.append(f"{key}: {_short(after[key])}")
            else:
                lines.append(f"{key}: – → {_short(after[key])}")
        elif before[key] != after[key]:
            lines.append(f"{key}: {_short(before[key])} → {_short(after[key])}")
    for key in before:
        if key not in after and after:
            lines.append(f"{key}: {_short(before[key])} → –")
    return "\n".join(lines)


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
                "Ändringar": changes(e.get("before"), e.get("after")),
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
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in audit_rows(entries):
        writer.writerow([neutralise(row[c]) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
