"""Progress against the promise: what each commitment has done in a period.

An activity counts toward the commitment it names, or, when it names none, toward the
document's only commitment of the same kind. Activities of a kind the document does not
promise count toward nothing (they are still shown in the log).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from geo.records.kinds import Kind
from geo.records.models import Activity, PlannedActivity, PlanStatus
from geo.records.periods import Period, tertials_in
from geo.records.promise import Commitment, PromiseDocument


class AgainstTarget:
    """What a count of one commitment's done activities says against its yearly target.

    Shared by the progress here and the summary rows of an export, where `done` may be
    None (suppressed in a public file).
    """

    commitment: Commitment
    done: int | None

    @property
    def target(self) -> int | None:
        """The number promised for the year, or None where the text gives none."""
        return self.commitment.target_count

    @property
    def remaining(self) -> int | None:
        """How many are still to do; None without a number or when `done` is suppressed."""
        target = self.commitment.target
        if target is None or self.done is None:
            return None
        return target.remaining(self.done)


@dataclass(frozen=True)
class CommitmentProgress(AgainstTarget):
    """Läge för en aktivitet i löftet: target, done and planned in one period."""

    commitment: Commitment
    period: Period
    done: int
    hours: float
    planned: int

    @property
    def is_met(self) -> bool | None:
        """True once the target is reached; None without a target."""
        target = self.commitment.target
        return target.is_met(self.done) if target else None


class _CommitmentLookup:
    """The rule of the module docstring, worked out once per document (fast on 100k).

    `commitment_for`, `progress`, `progress_from_tallies` and `commitment_match` (the form
    the store turns into SQL) all use it, so the rule is written once.
    """

    def __init__(self, doc: PromiseDocument) -> None:
        self.ids = {c.id for c in doc.commitments}
        self.by_kind = {
            kind: same[0].id
            for kind in {c.kind for c in doc.commitments}
            if len(same := doc.commitments_of_kind(kind)) == 1
        }

    def __call__(self, item: Activity | PlannedActivity | Tally) -> str | None:
        return self.find(item.kind, item.commitment_id)

    def find(self, kind: Kind, commitment_id: str | None) -> str | None:
        """The id counted toward by an item of `kind` naming `commitment_id` (or none)."""
        if commitment_id is not None:
            return commitment_id if commitment_id in self.ids else None
        return self.by_kind.get(kind)


def commitment_for(
    doc: PromiseDocument, kind_or_activity: Activity | PlannedActivity | Tally
) -> Commitment | None:
    """The commitment an activity counts toward (see the module docstring)."""
    commitment_id = _CommitmentLookup(doc)(kind_or_activity)
    return doc.commitment(commitment_id) if commitment_id is not None else None


def commitment_chooser(
    doc: PromiseDocument,
) -> Callable[[Kind, str | None], Commitment | None]:
    """For checking a new activity before it is stored: the commitment it will count toward.

    The returned function takes the activity's kind and the commitment id it names (or None)
    and gives what `commitment_for` will give once it is stored, or None when that is no
    commitment or a commitment of another kind. The import refuses such a row rather than
    store an activity that counts toward nothing (or toward the wrong thing).
    """
    lookup = _CommitmentLookup(doc)

    def choose(kind: Kind, commitment_id: str | None) -> Commitment | None:
        found = lookup.find(kind, commitment_id)
        commitment = doc.commitment(found) if found is not None else None
        return commitment if commitment is not None and commitment.kind == kind else None

    return choose


@dataclass(frozen=True)
class CommitmentMatch:
    """Which activities count toward one commitment, as a filter a query can apply.

    Those naming `commitment_id`, and, when `unnamed_kind` is set, those naming no
    commitment whose kind is `unnamed_kind` (the commitment is the only one of its kind).
    The store applies it in SQL (`Session.activity_locations`); `counts` is the same filter
    in Python, and a test checks that both pick the activities `commitment_for` gives.
    """

    commitment_id: str
    unnamed_kind: Kind | None

    def counts(self, item: Activity | PlannedActivity | Tally) -> bool:
        """True when `item` counts toward this commitment."""
        if item.commitment_id is not None:
            return item.commitment_id == self.commitment_id
        return self.unnamed_kind is not None and item.kind == self.unnamed_kind


def commitment_match(doc: PromiseDocument, commitment_id: str) -> CommitmentMatch:
    """The rule of `commitment_for`, turned around: what counts toward this commitment.

    Raises KeyError for a commitment the document does not have.
    """
    commitment = doc.commitment(commitment_id)
    takes_unnamed = _CommitmentLookup(doc).by_kind.get(commitment.kind) == commitment_id
    return CommitmentMatch(commitment_id, commitment.kind if takes_unnamed else None)


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
    # Comparing instants against the period's local midnights is the same as comparing local
    # (Stockholm) dates, whatever zone a time was written in, and avoids a conversion per row.
    start, end = period.start_at, period.end_at
    return _summed(
        doc,
        period,
        ((a, 1, a.hours) for a in activities if start <= a.start < end),
        ((p, 1, 0.0) for p in planned if p.status is PlanStatus.PLANNED and start <= p.start < end),
    )


def _summed(
    doc: PromiseDocument,
    period: Period,
    done: Iterable[tuple[Activity | Tally, int, float]],
    planned: Iterable[tuple[PlannedActivity | Tally, int, float]],
) -> list[CommitmentProgress]:
    """Sum (item, count, hours) per commitment the items count toward, in document order."""
    counts = {c.id: 0 for c in doc.commitments}
    hours = {c.id: 0.0 for c in doc.commitments}
    upcoming = {c.id: 0 for c in doc.commitments}
    lookup = _CommitmentLookup(doc)
    for item, n, h in done:
        c = lookup(item)
        if c is not None:
            counts[c] += n
            hours[c] += h
    for plan, n, _ in planned:
        c = lookup(plan)
        if c is not None:
            upcoming[c] += n
    return [
        CommitmentProgress(c, period, counts[c.id], round(hours[c.id], 2), upcoming[c.id])
        for c in doc.commitments
    ]


@dataclass(frozen=True)
class Tally:
    """Antal: how many activities of one kind, naming one commitment (or none), in one slice.

    What the store counts in SQL instead of handing over every row
    (`Session.count_activities`, `Session.count_planned`): at 100,000 activities, building
    each record costs seconds and the overview needs only these sums. `slice` is the index
    of the period (of those the counts were asked for) the activities started in; `hours`
    is their summed duration (the recorded `timmar` wins, as in `Activity.hours`).
    """

    kind: Kind
    commitment_id: str | None
    slice: int
    count: int
    hours: float = 0.0


def progress_from_tallies(
    doc: PromiseDocument,
    period: Period,
    done: Iterable[Tally],
    planned: Iterable[Tally] = (),
) -> list[CommitmentProgress]:
    """`progress` from counts: done, hours and planned per commitment in `period`.

    Parameters
    ----------
    doc : the promise document whose commitments are followed up.
    period : the period the tallies were counted for (the caller picks the slices that
        lie inside it: all of them for the year, one for a tertial).
    done : counts of logged activities.
    planned : counts of planned activities still to do (not cancelled, not done).

    Returns
    -------
    One entry per commitment, in the document's order; the same figures `progress` gives
    for the activities behind the tallies.
    """
    return _summed(
        doc, period, ((t, t.count, t.hours) for t in done), ((t, t.count, 0.0) for t in planned)
    )


def tertial_slices(period: Period) -> list[Period]:
    """The tertials overlapping `period`, each cut to the part inside it.

    Aneby's year 2023-05-30 – 2024-05-29 gives T2 2023 from 30 May, T3 2023, T1 2024 and
    T2 2024 up to 29 May. Each slice keeps its tertial's label.
    """
    slices = []
    for tertial in tertials_in(period):
        whole = tertial.period
        slices.append(
            Period(max(whole.start, period.start), min(whole.end, period.end), whole.label)
        )
    return slices


def progress_by_tertial(
    doc: PromiseDocument,
    period: Period,
    activities: Sequence[Activity],
    planned: Sequence[PlannedActivity] = (),
) -> list[tuple[Period, list[CommitmentProgress]]]:
    """`progress` for each tertial slice of `period` (see `tertial_slices`), in order.

    Every activity inside `period` falls in exactly one slice, so the slices' done counts
    add up to the year's.
    """
    return [(s, progress(doc, s, activities, planned)) for s in tertial_slices(period)]
