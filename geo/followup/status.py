"""The status report behind `lofteskartan status`, the home page and the follow-up page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from geo.records.models import STOCKHOLM, Actor
from geo.records.pace import PaceForecast, pace_forecast
from geo.records.periods import Period, promise_year, promise_year_containing
from geo.records.progress import (
    CommitmentProgress,
    commitment_match,
    progress_from_tallies,
    tertial_slices,
)
from geo.records.promise import Commitment, PromiseDocument, TargetRule
from geo.records.targets import (
    milestone_status,
    on_request_status,
    per_status,
    slices_per,
    target_slices,
)
from geo.store import Session, Store
from geo.swedish import count


@dataclass(frozen=True)
class StatusReport:
    """Progress for one promise document in one promise year, as seen on `today`.

    `forecasts` lines up with `rows`; `tertials` holds the same figures per tertial slice
    of the year (see `geo.records.progress.tertial_slices`).
    """

    document: PromiseDocument
    period: Period
    rows: tuple[CommitmentProgress, ...]
    today: date
    forecasts: tuple[PaceForecast, ...] = ()
    tertials: tuple[tuple[Period, tuple[CommitmentProgress, ...]], ...] = ()
    unassigned: int = 0

    @property
    def unassigned_text(self) -> str:
        """A Swedish warning when records of no promise are left out of every figure, or ""."""
        if not self.unassigned:
            return ""
        return (
            f"{count(self.unassigned, 'post', 'poster')} (aktiviteter, planerade aktiviteter och "
            "regler) hör inte till något medborgarlöfte (sparade av en äldre version i en "
            "databas med flera löften) "
            "och räknas därför inte här."
        )


def status_report(
    store: Store, actor: Actor, document_id: str | None, year: int | None, today: date
) -> StatusReport:
    """Progress, pace and tertials per commitment for the promise year starting in `year`.

    Parameters
    ----------
    store, actor : where to read and on whose behalf.
    document_id : the promise document, or None for the only one or the one in force `today`
        (`geo.records.promise_choice.choose_document`).
    year : calendar year the promise year starts in; None for the year containing `today`.
    today : the day the pace forecast is made for (the caller reads the clock, not this).
    """
    with store.session(actor) as s:
        doc = s.promise_document(document_id, today)
        period = promise_year(doc, year) if year else promise_year_containing(doc, today)
        slices = tertial_slices(period)
        # Counted in SQL per tertial slice: the year is their sum, and no activity is
        # read one by one (100,000 records would take seconds to build).
        bounds = [sl.start_at for sl in slices] + [slices[-1].end_at]
        done = s.count_activities(bounds, doc.id)
        planned = s.count_planned(bounds, doc.id)
        left_out = s.unassigned_records()
        rows = tuple(progress_from_tallies(doc, period, done, planned))
        forecasts = tuple(_forecast(s, doc, period, row, today) for row in rows)
    tertials = tuple(
        (
            sl,
            tuple(
                progress_from_tallies(
                    doc,
                    sl,
                    [d for d in done if d.slice == i],
                    [p for p in planned if p.slice == i],
                )
            ),
        )
        for i, sl in enumerate(slices)
    )
    return StatusReport(doc, period, rows, today, forecasts, tertials, left_out)


def _forecast(
    s: Session, doc: PromiseDocument, year: Period, row: CommitmentProgress, today: date
) -> PaceForecast:
    """The status of one commitment by its target's shape (`geo.records.targets`)."""
    c = row.commitment
    target = c.target
    if target is None or target.rule is TargetRule.ON_REQUEST:
        return on_request_status(row.done) if target else pace_forecast(row.done, None, year, today)
    if target.rule is TargetRule.BY_DATE:
        first = s.first_activity_start(commitment_match(doc, c.id), doc.id)
        done_on = first.astimezone(STOCKHOLM).date() if first else None
        return milestone_status(target, done_on, today)
    if not slices_per(target):
        return pace_forecast(row.done, target, year, today)
    stretches = target_slices(target, year, doc)
    bounds = [p.start_at for p in stretches] + [stretches[-1].end_at]
    tallies = s.count_activities(bounds, doc.id)
    counts = [
        (
            p,
            progress_from_tallies(doc, p, [t for t in tallies if t.slice == i])[
                _index(doc, c)
            ].done,
        )
        for i, p in enumerate(stretches)
    ]
    return per_status(target, counts, today)


def _index(doc: PromiseDocument, commitment: Commitment) -> int:
    """The commitment's place in the document (the order `progress` gives its rows in)."""
    return doc.commitments.index(commitment)


def status_rows(report: StatusReport) -> list[dict[str, Any]]:
    """One JSON-ready dict per commitment (the `status --json` contract).

    Keys: id, title, kind, promise, responsible, target, target_rule, target_text, done,
    remaining, planned, hours, period_start, period_end, status (`i_fas`, `risk`, `efter`;
    `klar`, `inte_klar`, `forsenad` for a milestone; null without a target or on request),
    done_on (a milestone's klar date), periods (label, start, end, done per stretch of a
    `per` target), status_text, forecast (activities by the end of the year at
    the pace so far, null before the year or without a target), forecast_text, and tertials
    (label, start, end, done, planned per tertial slice of the year).
    """
    rows = []
    for i, p in enumerate(report.rows):
        c = p.commitment
        pace = report.forecasts[i] if report.forecasts else None
        rows.append(
            {
                "id": c.id,
                "title": c.text,
                "kind": c.kind.value,
                "promise": c.promise_id,
                "responsible": c.responsible.value,
                # A number for "minst N"/"exakt N" per year (format 1's meaning); an object
                # (README, "status --json") for the shapes format 2 adds.
                "target": c.target.as_json() if c.target and _new_shape(c) else p.target,
                "target_rule": c.target.rule.value if c.target else None,
                "target_text": c.target.describe() if c.target else None,
                "done_on": pace.done_on.isoformat() if pace and pace.done_on else None,
                "periods": [
                    {
                        "label": sl.label,
                        "start": sl.start.isoformat(),
                        "end": sl.end.isoformat(),
                        "done": n,
                    }
                    for sl, n in (pace.slices if pace else ())
                ],
                "done": p.done,
                "remaining": p.remaining,
                "planned": p.planned,
                "hours": p.hours,
                "period_start": report.period.start.isoformat(),
                "period_end": report.period.end.isoformat(),
                "status": pace.status.value if pace and pace.status else None,
                "status_text": pace.status.label if pace and pace.status else None,
                "forecast": pace.forecast if pace else None,
                "forecast_text": pace.text if pace else None,
                "tertials": [
                    {
                        "label": slice_.label,
                        "start": slice_.start.isoformat(),
                        "end": slice_.end.isoformat(),
                        "done": figures[i].done,
                        "planned": figures[i].planned,
                    }
                    for slice_, figures in report.tertials
                ],
            }
        )
    return rows


def _new_shape(c: Commitment) -> bool:
    """True for a target format 1 could not write (per, klart_senast, vid_behov)."""
    return c.target is not None and (not c.target.is_counted or c.target.per is not None)
