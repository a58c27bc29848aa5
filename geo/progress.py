"""Progress against the promise: what each commitment has done in a period.

An activity counts toward the commitment it names, or, when it names none, toward the
document's only commitment of the same kind. Activities of a kind the document does not
promise count toward nothing (they are still shown in the log).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geo.models import (
    STOCKHOLM,
    Activity,
    Commitment,
    PlannedActivity,
    PlanStatus,
    PromiseDocument,
)
from geo.periods import Period


@dataclass(frozen=True)
class CommitmentProgress:
    """Läge för en aktivitet i löftet: target, done and planned in one period."""

    commitment: Commitment
    period: Period
    done: int
    hours: float
    planned: int

    @property
    def target(self) -> int | None:
        """The number promised for the year, or None where the text gives none."""
        return self.commitment.target.count if self.commitment.target else None

    @property
    def remaining(self) -> int | None:
        """How many are still to do, or None where there is no number."""
        target = self.commitment.target
        return target.remaining(self.done) if target else None

    @property
    def is_met(self) -> bool | None:
        """True once the target is reached; None without a target."""
        target = self.commitment.target
        return target.is_met(self.done) if target else None


def commitment_for(
    doc: PromiseDocument, kind_or_activity: Activity | PlannedActivity
) -> Commitment | None:
    """The commitment an activity counts toward (see the module docstring)."""
    item = kind_or_activity
    if item.commitment_id is not None:
        try:
            return doc.commitment(item.commitment_id)
        except KeyError:
            return None
    same_kind = doc.commitments_of_kind(item.kind)
    return same_kind[0] if len(same_kind) == 1 else None


def progress(
    doc: PromiseDocument,
    period: Period,
    activities: Iterable[Activity],
    planned: Iterable[PlannedActivity] = (),
) -> list[CommitmentProgress]:
    """Done and planned counts per commitment for activities starting inside `period`.

    Parameters
    ----------
    doc : the promise document whose commitments are followed up.
    period : inclusive dates (a promise year or a tertial); local dates decide.
    activities : logged activities (any period; those outside are ignored).
    planned : planned activities; cancelled and done plans are not counted as planned.

    Returns
    -------
    One entry per commitment, in the document's order.
    """
    done = {c.id: 0 for c in doc.commitments}
    hours = {c.id: 0.0 for c in doc.commitments}
    upcoming = {c.id: 0 for c in doc.commitments}
    for a in activities:
        c = commitment_for(doc, a)
        # The local (Stockholm) date decides, whatever zone the time was written in.
        if c is not None and period.contains(a.start.astimezone(STOCKHOLM).date()):
            done[c.id] += 1
            hours[c.id] += a.hours
    for p in planned:
        c = commitment_for(doc, p)
        day = p.start.astimezone(STOCKHOLM).date()
        if c is not None and p.status is PlanStatus.PLANNED and period.contains(day):
            upcoming[c.id] += 1
    return [
        CommitmentProgress(c, period, done[c.id], round(hours[c.id], 2), upcoming[c.id])
        for c in doc.commitments
    ]
