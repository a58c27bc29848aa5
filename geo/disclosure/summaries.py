"""Counts per commitment for a period, and their suppression for the public (primary and secondary).

The rules (smallest count k, "visas inte", no subtraction) are in `geo.disclosure.audience`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from geo.disclosure.audience import COUNT_OUTCOMES, period_part
from geo.disclosure.context import ExportContext, day_of
from geo.disclosure.rows import PeriodSummary, StretchCount, SummaryRow
from geo.records.activity_table import ActivityTable
from geo.records.models import PlannedActivity
from geo.records.periods import Period, promise_years, tertials_in
from geo.records.progress import commitment_for, progress, progress_from_tallies
from geo.records.promise import PromiseDocument
from geo.records.targets import slices_per, target_slices


def tertial_summaries(ctx: ExportContext, public: bool) -> list[PeriodSummary]:
    """One summary per tertial of the period that has begun (public: that has ended)."""
    out = []
    for tertial in tertials_in(ctx.period):
        part = period_part(ctx.period, tertial.period, tertial.label)
        if part.start > ctx.today or (public and (ctx.until is None or part.end > ctx.until)):
            continue  # a tertial that has not begun (public: not ended) has nothing to report
        plans = [p for p in ctx.planned_in_period if part.contains(day_of(p.start))]
        out.append(period_summary(ctx.document, part, ctx.in_period, plans, public, ctx.k))
    return out


def _protect(value: int, k: int) -> int | None:
    """Primary suppression: 1 to k-1 events are withheld (None); 0 and >= k are shown."""
    return None if 0 < value < k else value


def period_summary(
    doc: PromiseDocument,
    period: Period,
    activities: ActivityTable,
    planned: Sequence[PlannedActivity],
    public: bool,
    k: int,
) -> PeriodSummary:
    """Done, hours and outcome sums per commitment of the `activities` starting in `period`;
    suppressed for the public.

    Counted per (kind, named commitment) over the table's columns (`ActivityTable.tallies`):
    a record per activity ran a million out of memory, and the commitment rule is asked
    once per pair, not once per activity.
    """
    sums: dict[str, dict[str, float]] = {c.id: {} for c in doc.commitments}
    tallies = activities.tallies(period)
    for tally in tallies:
        c = commitment_for(doc, tally)
        if c is None:
            continue
        for name, value in tally.outcome.items():
            if name in COUNT_OUTCOMES:
                sums[c.id][name] = sums[c.id].get(name, 0) + value
    counted = progress_from_tallies(doc, period, tallies)
    plans = progress(doc, period, [], planned)
    rows = []
    for d, p in zip(counted, plans, strict=True):
        p = replace(p, done=d.done, hours=d.hours)
        found = sums[p.commitment.id]
        # In the Outcome enum's order, so every export lists them the same way.
        outcomes = {name: int(round(found[name])) for name in COUNT_OUTCOMES if name in found}
        if not public:
            rows.append(SummaryRow(p.commitment, p.done, p.hours, p.planned, outcomes))
            continue
        done = _protect(p.done, k)
        shown = {name: _protect(v, k) for name, v in outcomes.items()}
        withheld = (["genomfort"] if done is None else []) + [
            n for n, v in shown.items() if v is None
        ]
        rows.append(
            SummaryRow(
                p.commitment,
                done,
                p.hours if done is not None else None,
                None,
                shown,
                tuple(withheld),
            )
        )
    return PeriodSummary(period, tuple(rows))


def protect_parts(total: PeriodSummary, parts: list[PeriodSummary]) -> list[PeriodSummary]:
    """Secondary suppression: never leave one hidden part next to a shown total.

    If exactly one tertial's value is suppressed while the period total is shown, the
    hidden value is the total minus the others; suppressing the smallest other non-zero
    tertial as well prevents that. Applied to `done` and to every outcome sum.
    """
    if len(parts) < 2:
        return parts
    rows = [list(part.rows) for part in parts]
    for c_index, total_row in enumerate(total.rows):
        measures: list[str | None] = [None, *total_row.outcomes.keys()]
        for measure in measures:
            total_value = _value(total_row, measure)
            if total_value is None:
                continue
            values = [_value(r[c_index], measure) for r in rows]
            if sum(v is None for v in values) != 1:
                continue
            shown = [(v, i) for i, v in enumerate(values) if v]
            if not shown:
                continue
            _, index = min(shown)
            rows[index][c_index] = _withhold(rows[index][c_index], measure)
    return [replace(part, rows=tuple(r)) for part, r in zip(parts, rows, strict=True)]


def _value(row: SummaryRow, measure: str | None) -> int | None:
    """`done` (measure None) or one outcome sum (0 when the row has none)."""
    if measure is None:
        return row.done
    return row.outcomes.get(measure, 0)


def _withhold(row: SummaryRow, measure: str | None) -> SummaryRow:
    """A copy of a row with one value suppressed."""
    if measure is None:
        return replace(row, done=None, hours=None, suppressed=(*row.suppressed, "genomfort"))
    outcomes = dict(row.outcomes) | {measure: None}
    return replace(row, outcomes=outcomes, suppressed=(*row.suppressed, measure))


def stretch_counts(
    ctx: ExportContext, tertials: Sequence[PeriodSummary], public: bool
) -> tuple[StretchCount, ...]:
    """Each `per` target's count in its stretches inside the export's period that have ended.

    For the public, a commitment's stretch counts are all shown or all withheld. They are
    shown only when every tertial count of it is shown (after `protect_parts`) and every
    piece a stretch and a tertial have in common holds 0 or at least k: a halvår and the
    tertials beside it would otherwise give a small or hidden count by subtraction (våren
    minus T1 is May–June).
    """
    doc, period = ctx.document, ctx.period
    last = ctx.until if public else ctx.today - timedelta(days=1)
    if last is None:
        return ()
    parts = [period_part(period, t.period, t.label) for t in tertials_in(period)]
    out: list[StretchCount] = []
    for index, c in enumerate(doc.commitments):
        if c.target is None or not slices_per(c.target):
            continue
        stretches = [
            p
            for year in promise_years(doc)
            for p in target_slices(c.target, year, doc)
            if period.start <= p.start and p.end <= min(period.end, last)
        ]
        if not stretches:
            continue
        done = [_done(doc, p, ctx, index) for p in stretches]
        if public and not _may_show(doc, ctx, index, stretches, parts, tertials):
            out += [StretchCount(c.id, p, None) for p in stretches]
        else:
            out += [StretchCount(c.id, p, n) for p, n in zip(stretches, done, strict=True)]
    return tuple(out)


def _done(doc: PromiseDocument, period: Period, ctx: ExportContext, index: int) -> int:
    """How many activities count toward the commitment at `index` in `period`."""
    return progress_from_tallies(doc, period, ctx.in_period.tallies(period))[index].done


def _may_show(
    doc: PromiseDocument,
    ctx: ExportContext,
    index: int,
    stretches: Sequence[Period],
    parts: Sequence[Period],
    tertials: Sequence[PeriodSummary],
) -> bool:
    """True when no stretch count of the commitment at `index` can give away a small one."""
    if any(t.rows[index].done is None for t in tertials):
        return False
    for stretch in stretches:
        for part in parts:
            start, end = max(stretch.start, part.start), min(stretch.end, part.end)
            if start > end:
                continue
            piece = Period(start, end, part.label)
            if _protect(_done(doc, piece, ctx, index), ctx.k) is None:
                return False
        if _protect(_done(doc, stretch, ctx, index), ctx.k) is None:
            return False
    return True
