"""The status report behind `lofteskartan status` and the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from geo.models import Actor, PromiseDocument
from geo.periods import Period, promise_year, promise_year_containing
from geo.progress import CommitmentProgress, progress
from geo.store import Store


@dataclass(frozen=True)
class StatusReport:
    """Progress for one promise document in one promise year."""

    document: PromiseDocument
    period: Period
    rows: tuple[CommitmentProgress, ...]


def status_report(
    store: Store, actor: Actor, document_id: str | None, year: int | None, today: date
) -> StatusReport:
    """Progress per commitment for the promise year starting in `year` (default: today's)."""
    with store.session(actor) as s:
        doc = s.promise_document(document_id)
        period = promise_year(doc, year) if year else promise_year_containing(doc, today)
        activities = s.list_activities(period.start_at, period.end_at)
        planned = s.list_planned(period.start_at, period.end_at)
    return StatusReport(doc, period, tuple(progress(doc, period, activities, planned)))


def status_rows(report: StatusReport) -> list[dict[str, Any]]:
    """One JSON-ready dict per commitment (the `status --json` contract)."""
    rows = []
    for p in report.rows:
        c = p.commitment
        rows.append(
            {
                "id": c.id,
                "title": c.text,
                "kind": c.kind.value,
                "promise": c.promise_id,
                "responsible": c.responsible.value,
                "target": p.target,
                "target_rule": c.target.rule.value if c.target else None,
                "target_text": c.target.describe() if c.target else None,
                "done": p.done,
                "remaining": p.remaining,
                "planned": p.planned,
                "hours": p.hours,
                "period_start": report.period.start.isoformat(),
                "period_end": report.period.end.isoformat(),
            }
        )
    return rows
