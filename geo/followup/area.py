"""The police area's view: every medborgarlöfte of a lokalpolisområde side by side.

What the LPO chief reviews before a samverkansmöte: for each promise whose file names the
area (`polis: område:`), its commitments with target, done and status for the promise's
current follow-up year. The figures are each promise's own `status_report`; nothing is
counted here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from geo.disclosure.access import in_police_area, organisation_of
from geo.errors import NotFoundError
from geo.files.tabular import excel_csv
from geo.followup.status import StatusReport, status_report, status_rows
from geo.records.models import Actor
from geo.records.promise import PromiseDocument
from geo.store import Store
from geo.swedish import file_slug

# The side-by-side table's columns, in order (the page's and `status --area`'s headings).
AREA_COLUMNS = ("Kommun", "Löftesår", "Aktivitet", "Mål", "Gjort", "Läge")


@dataclass(frozen=True)
class AreaStatus:
    """Lokalpolisområdets läge: the status report of each promise of one police area.

    `reports` are in kommun order, then by the promise's start.
    """

    area: str
    reports: tuple[StatusReport, ...]


def police_areas(documents: Sequence[PromiseDocument]) -> list[str]:
    """The police areas the documents name, sorted, each once (as first spelled)."""
    areas: list[str] = []
    for doc in documents:
        if not any(in_police_area(doc, known) for known in areas):
            areas.append(" ".join(doc.police_area.split()))
    return sorted(areas, key=str.casefold)


def areas_to_show(actor: Actor, documents: Sequence[PromiseDocument]) -> list[str]:
    """The police areas the Polisområde page offers the actor.

    A police area's user gets its own area; anyone else (a bare `polis`, the single-user
    administrator, a kommun) the areas of the promises it works on (`documents`).
    """
    organisation = organisation_of(actor)
    if organisation is not None and organisation.is_police and organisation.unit is not None:
        return [organisation.unit]
    return police_areas(documents)


def documents_in_area(documents: Sequence[PromiseDocument], area: str) -> list[PromiseDocument]:
    """The documents whose file names `area`, by kommun and then by period start."""
    return sorted(
        (d for d in documents if in_police_area(d, area)),
        key=lambda d: (d.kommun_name.casefold(), d.period_start, d.id),
    )


def area_status(store: Store, actor: Actor, area: str, today: date) -> AreaStatus:
    """Each promise of the police area with its status for the year containing `today`.

    Only the promises the actor works on (`access.may_work_on`) are read; each promise's
    year is `promise_year_containing` (clamped to its first or last year).

    Raises
    ------
    NotFoundError
        No promise the actor works on names the area; the message lists the areas there are.
    """
    with store.session(actor) as s:
        documents = s.promise_documents()
    chosen = documents_in_area(documents, area)
    if not chosen:
        known = police_areas(documents)
        there = (
            "Polisområden i databasen: " + ", ".join(known) + "."
            if known
            else "Det finns inget medborgarlöfte som du arbetar med."
        )
        raise NotFoundError(f'Inget medborgarlöfte gäller polisområdet "{area}". {there}')
    reports = tuple(status_report(store, actor, d.id, None, today) for d in chosen)
    # The area as the promise files spell it, not as it was typed.
    return AreaStatus(" ".join(chosen[0].police_area.split()), reports)


def area_json(status: AreaStatus) -> list[dict[str, Any]]:
    """The `status --area --json` contract: one dict per promise.

    Keys: document, kommun, kommunkod, and commitments (the `status --json` list,
    `geo.followup.status.status_rows`, of that promise).
    """
    return [
        {
            "document": r.document.id,
            "kommun": r.document.kommun_name,
            "kommunkod": r.document.kommunkod,
            "commitments": status_rows(r),
        }
        for r in status.reports
    ]


def area_table(status: AreaStatus) -> list[dict[str, Any]]:
    """One row per commitment of every promise, keyed by `AREA_COLUMNS` (Swedish)."""
    rows = []
    for report in status.reports:
        for row in status_rows(report):
            values = (
                report.document.kommun_name,
                report.period.label,
                row["title"],
                row["target_text"] or "–",
                row["done"],
                row["status_text"] or "–",
            )
            rows.append(dict(zip(AREA_COLUMNS, values, strict=True)))
    return rows


def area_csv(status: AreaStatus) -> bytes:
    """`area_table` as CSV for Swedish Excel, where the police sort and compare the kommuner."""
    return excel_csv(AREA_COLUMNS, ([row[c] for c in AREA_COLUMNS] for row in area_table(status)))


def area_csv_name(area: str, day: date) -> str:
    """E.g. `lofteskartan_lokalpolisomrade_hoglandet_2024-06-03.csv`."""
    return f"lofteskartan_{file_slug(area)}_{day:%Y-%m-%d}.csv"
