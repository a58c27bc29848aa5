"""Many logged activities as columns: what an export reads instead of a record per activity.

A million `Activity` records hold a datetime, a geometry and a dict each (about 2 KB), so
an export of a police region's year ran out of memory. `ActivityTable` holds the same
facts as NumPy columns (about 100 bytes an activity); its counts (`tallies`) are summed
over the columns, and a record is made only for the few an export shows one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from geo.records.kinds import Classification, CommitmentKind, Kind
from geo.records.models import STOCKHOLM, Activity, Outcome
from geo.records.periods import Period
from geo.records.progress import Tally
from geo.records.promise import PromiseDocument

if TYPE_CHECKING:
    import pandas as pd

NO_PLACE = -1
"""`place_id` of an activity without a place."""


@dataclass(frozen=True)
class ActivityTable:
    """Genomförda aktiviteter as parallel columns, row i one activity, oldest first.

    `start` and `end` are POSIX seconds, `day` the local (Stockholm) date of the start,
    `x`, `y` the activity's own position in EPSG:3006 (a point inside a line or area; NaN
    without), `place_id` its place (`NO_PLACE` without), `hours` as `Activity.hours` gives
    them and `outcome` each recorded figure by name (NaN where a row has none). `kind`,
    `commitment_id`, `classification` and `note` hold shared objects, one reference a row.
    """

    id: np.ndarray
    kind: np.ndarray
    commitment_id: np.ndarray
    place_id: np.ndarray
    x: np.ndarray
    y: np.ndarray
    start: np.ndarray
    end: np.ndarray
    day: np.ndarray
    hours: np.ndarray
    classification: np.ndarray
    note: np.ndarray
    is_example: np.ndarray
    outcome: Mapping[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.id.size)

    @classmethod
    def empty(cls) -> ActivityTable:
        """A table of no activities."""
        return cls.concat([])

    @classmethod
    def concat(cls, parts: list[ActivityTable]) -> ActivityTable:
        """The rows of `parts` one after the other (a read's chunks joined).

        `parts` is emptied: each column is let go of in the chunks once it is joined, so a
        million rows are never held twice over.
        """
        chunks = [{f.name: getattr(p, f.name) for f in fields(cls)} for p in parts]
        sizes = [len(p) for p in parts]
        parts.clear()
        columns = {
            f.name: _joined([c.pop(f.name) for c in chunks], f.name)
            for f in fields(cls)
            if f.name != "outcome"
        }
        names = sorted({name for c in chunks for name in c["outcome"]})
        outcome = {
            name: _joined(
                [c["outcome"].pop(name, _nan(n)) for c, n in zip(chunks, sizes, strict=True)],
                "hours",
            )
            for name in names
        }
        return cls(**columns, outcome=outcome)

    def take(self, mask: np.ndarray) -> ActivityTable:
        """The rows where `mask` is true (or at the positions it lists), in order."""
        if mask.dtype == bool and mask.all():
            return self  # every row (a year's export): no copy of a million rows
        rows = np.flatnonzero(mask) if mask.dtype == bool else mask
        if rows.size and rows[-1] - rows[0] + 1 == rows.size and (np.diff(rows) > 0).all():
            # Rows in a row (the table is in time order, so any period's are): a view.
            mask = slice(int(rows[0]), int(rows[-1]) + 1)  # type: ignore[assignment]
        columns = {f.name: getattr(self, f.name)[mask] for f in fields(self) if f.name != "outcome"}
        return ActivityTable(**columns, outcome={n: v[mask] for n, v in self.outcome.items()})

    def with_kinds(self, doc: PromiseDocument) -> ActivityTable:
        """The table with own kinds as the promise names them (`with_promise_kinds`)."""
        named = {k: k if isinstance(k, CommitmentKind) else doc.kind(k) for k in set(self.kind)}
        kinds = np.array([named[k] for k in self.kind], dtype=object) if len(self) else self.kind
        return _replace(self, kind=kinds)

    def starting_in(self, period: Period) -> np.ndarray:
        """A mask: the activities whose local start date is inside `period`."""
        first, last = np.datetime64(period.start, "D"), np.datetime64(period.end, "D")
        return (self.day >= first) & (self.day <= last)

    @cached_property
    def _daily(self) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """Count, hours and outcome sums per kind, named commitment and local day: the few
        thousand rows every period's tallies are summed from (a frame of every activity
        for each period held 100 MB at a million)."""
        import pandas as pd  # here: the store imports this module, and `status` needs no pandas

        kind_no, kinds = pd.factorize(self.kind)
        commitment_no, commitments = pd.factorize(self.commitment_id)  # None is -1
        frame = pd.DataFrame(
            {
                "k": kind_no,
                "c": commitment_no,
                "day": self.day,
                "n": np.ones(len(self), dtype=np.int64),
                "hours": self.hours,
                **{f"o_{name}": values for name, values in self.outcome.items()},
            }
        )
        daily = frame.groupby(["k", "c", "day"], sort=True).sum(min_count=1).reset_index()
        # The kinds and commitments stay out of the frame: pandas would make a missing
        # commitment NaN, which is not None and would count toward no commitment.
        return daily, kinds, commitments

    def tallies(self, period: Period) -> list[OutcomeTally]:
        """Counts, hours and outcome sums per kind and named commitment in `period`: what
        `progress_from_tallies` and the summaries add up."""
        daily, kinds, commitments = self._daily
        first, last = np.datetime64(period.start, "D"), np.datetime64(period.end, "D")
        inside = daily[(daily["day"] >= first) & (daily["day"] <= last)]
        out = []
        for (k, c), rows in inside.groupby(["k", "c"], sort=True):
            outcome = {
                name: float(rows[f"o_{name}"].sum())
                for name in self.outcome
                if rows[f"o_{name}"].notna().any()
            }
            out.append(
                OutcomeTally(
                    kinds[k],
                    None if c < 0 else commitments[c],
                    0,
                    int(rows["n"].sum()),
                    float(rows["hours"].sum()),
                    outcome,
                )
            )
        return out

    def last_day(self, mask: np.ndarray) -> date | None:
        """The latest local start date among the rows `mask` keeps, or None."""
        return _as_date(self.day[mask].max()) if mask.any() else None

    def first_day(self, mask: np.ndarray) -> date | None:
        """The earliest local start date among the rows `mask` keeps, or None."""
        return _as_date(self.day[mask].min()) if mask.any() else None

    def of_kinds(self, *kinds: Kind) -> np.ndarray:
        """A mask: the rows of these kinds (compared by code, as every rule compares them)."""
        codes = {k.value for k in kinds}
        return np.array([k.value in codes for k in self.kind], dtype=bool)

    def where(self, rule: Callable[[Activity], bool]) -> np.ndarray:
        """A mask: the rows `rule` keeps, for a rule that reads only an activity's kind,
        named commitment, classification and place (`commitment_match(...).counts`,
        `may_be_placed_publicly`): asked of one record per distinct combination."""
        answers: dict[tuple[object, ...], bool] = {}
        out = np.zeros(len(self), dtype=bool)
        keys = zip(
            (k.value for k in self.kind),
            self.commitment_id,
            self.classification,
            self.place_id.tolist(),
            strict=True,
        )
        for i, key in enumerate(keys):
            answer = answers.get(key)
            if answer is None:
                answer = answers[key] = rule(self.record(i))
            out[i] = answer
        return out

    def started(self, index: int) -> datetime:
        """The start of row `index` as a Stockholm time."""
        return datetime.fromtimestamp(float(self.start[index]), STOCKHOLM)

    def ended(self, index: int) -> datetime:
        """The end of row `index` as a Stockholm time."""
        return datetime.fromtimestamp(float(self.end[index]), STOCKHOLM)

    def outcome_of(self, index: int) -> dict[str, float]:
        """The figures recorded for row `index`, by name."""
        out = {}
        for name, values in self.outcome.items():
            value = values[index]
            if not np.isnan(value):
                out[name] = int(value) if float(value).is_integer() else float(value)
        return out

    def record(self, index: int) -> Activity:
        """Row `index` as an `Activity` without its own geometry (for the few an export
        needs as records: the safety walks findings hang off)."""
        return Activity(
            kind=self.kind[index],
            start=self.started(index),
            end=self.ended(index),
            commitment_id=self.commitment_id[index],
            place_id=None if self.place_id[index] == NO_PLACE else int(self.place_id[index]),
            outcome=self.outcome_of(index),
            classification=self.classification[index],
            note=self.note[index],
            id=int(self.id[index]),
            is_example=bool(self.is_example[index]),
        )


@dataclass(frozen=True)
class OutcomeTally(Tally):
    """A `Tally` with the sum of each recorded figure of its activities."""

    outcome: Mapping[str, float] = field(default_factory=dict)


def table_from_columns(
    ids: Sequence[int],
    kinds: Sequence[Kind],
    commitment_ids: Sequence[str | None],
    place_ids: Sequence[int | None],
    xy: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    outcomes: Sequence[Mapping[str, float]],
    classifications: Sequence[Classification],
    notes: Sequence[str],
    is_example: Sequence[bool],
) -> ActivityTable:
    """A table from a read's columns (one chunk of rows); times in POSIX seconds."""
    n = len(ids)
    local_start = _local(start)
    # Python subtracts two Stockholm times on the wall clock (a night across the autumn
    # change counts an hour less than passed): `Activity.hours` does, so these do.
    wall_hours = (_local(end) - local_start) / np.timedelta64(1, "h") if n else np.zeros(0)
    names = sorted({name for o in outcomes for name in o})
    outcome = {
        name: np.array([o.get(name, np.nan) for o in outcomes], dtype=float) for name in names
    }
    recorded = outcome.get(Outcome.HOURS.value)
    hours = wall_hours if recorded is None else np.where(np.isnan(recorded), wall_hours, recorded)
    return ActivityTable(
        id=np.asarray(ids, dtype=np.int64),
        kind=_objects(kinds),
        commitment_id=_objects(commitment_ids),
        place_id=np.array([NO_PLACE if p is None else p for p in place_ids], dtype=np.int64),
        x=np.asarray(xy[:, 0] if n else np.zeros(0), dtype=float),
        y=np.asarray(xy[:, 1] if n else np.zeros(0), dtype=float),
        start=np.asarray(start, dtype=float),
        end=np.asarray(end, dtype=float),
        day=local_start.astype("datetime64[D]") if n else np.zeros(0, dtype="datetime64[D]"),
        hours=np.asarray(hours, dtype=float),
        classification=_objects(classifications),
        note=_objects(notes),
        is_example=np.asarray(is_example, dtype=bool),
        outcome=outcome,
    )


def _local(seconds: np.ndarray) -> np.ndarray:
    """POSIX seconds as Stockholm wall-clock times (naive datetime64, to the microsecond)."""
    import pandas as pd  # as in `_daily`

    utc = pd.to_datetime(np.round(np.asarray(seconds, dtype=float) * 1e6), unit="us", utc=True)
    return utc.tz_convert(STOCKHOLM).tz_localize(None).to_numpy()


def _objects(values: Sequence[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _nan(n: int) -> np.ndarray:
    return np.full(n, np.nan)


_EMPTY_DTYPES: dict[str, Any] = {
    "id": np.int64,
    "place_id": np.int64,
    "is_example": bool,
    "day": "datetime64[D]",
    "kind": object,
    "commitment_id": object,
    "classification": object,
    "note": object,
}


def _joined(arrays: Sequence[np.ndarray], name: str) -> np.ndarray:
    if not arrays:
        return np.zeros(0, dtype=_EMPTY_DTYPES.get(name, float))
    return np.concatenate(arrays)


def _replace(table: ActivityTable, **changes: object) -> ActivityTable:
    columns = {f.name: getattr(table, f.name) for f in fields(table)}
    return ActivityTable(**(columns | changes))  # type: ignore[arg-type]


def _as_date(day: np.datetime64) -> date:
    return day.astype("datetime64[D]").item()  # type: ignore[no-any-return]
