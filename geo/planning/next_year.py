"""Nästa års löfte: next year's promise made from this one, and stored with its recurring work.

A kommun signs a new medborgarlöfte when the old period ends, mostly with the same
commitments. The new one starts the day after the old one ends, for as long; the signing
date is the user's to set (it starts as the new period's first day). The kommun's places
already belong to the kommun (`geo/store/places.py`), so the new promise reads them as it
is; the recurring presence rules (the police's fixed hours at the office and in the centre)
are stored again for the new period, with their planned activities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from geo.installation.init import _save_documents
from geo.planning.use_cases import save_recurring
from geo.records.kinds import CommitmentKind
from geo.records.models import ScheduleRule
from geo.records.periods import _add_months
from geo.records.promise import PromiseDocument
from geo.records.promise_file import parse_promise_text
from geo.records.promise_writer import as_format_2, promise_text
from geo.records.recurrence import RecurrenceRule
from geo.store import Session

_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


def _add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February as the follow-up years take it: 28 February)."""
    return _add_months(day, 12 * years)


def _whole_years(start: date, end: date) -> int | None:
    """How many whole years [start, end] is, or None."""
    for years in range(1, 6):
        if _add_years(start, years) - timedelta(days=1) == end:
            return years
    return None


def move_day(day: date, doc: PromiseDocument) -> date:
    """A date of this promise moved to next year's (by whole years when the period is)."""
    years = _whole_years(doc.period_start, doc.period_end)
    if years is not None:
        return _add_years(day, years)
    return day + (doc.period_end - doc.period_start + timedelta(days=1))


def _move_years_in(text: str, doc: PromiseDocument) -> str:
    """ "Aneby 2023-2024" → "Aneby 2024-2025": years in an id or title move with the period."""
    shift = move_day(doc.period_start, doc).year - doc.period_start.year
    return _YEAR.sub(lambda m: str(int(m.group(0)) + shift), text) if shift else text


def next_year_promise(doc: PromiseDocument, new_id: str | None = None) -> PromiseDocument:
    """Next year's promise: the period moved by its length, the same commitments to edit.

    Parameters
    ----------
    doc : this year's promise.
    new_id : the new promise's id; by default the years in the old id move with the period
        ("aneby-2023-2024" → "aneby-2024-2025"), or "-nasta" is added.

    Returns
    -------
    A format 2 document; its signing date is the new period's first day until the user
    sets it, and milestones (`klart_senast`) move with the period.
    """
    moved_id = _move_years_in(doc.id, doc)
    title = _move_years_in(doc.title, doc)
    commitments = tuple(
        replace(c, target=replace(c.target, due=move_day(c.target.due, doc)))
        if c.target is not None and c.target.due is not None
        else c
        for c in as_format_2(doc).commitments
    )
    start = doc.period_end + timedelta(days=1)
    return replace(
        doc,
        id=new_id or (moved_id if moved_id != doc.id else f"{doc.id}-nasta"),
        title=title,
        signed_on=start,
        period_start=start,
        period_end=move_day(doc.period_end, doc),
        commitments=commitments,
        format=2,
    )


@dataclass(frozen=True)
class NextYear:
    """What "Nästa års löfte" stored: the promise, its file and the presence rules carried."""

    document: PromiseDocument
    text: str
    rules: tuple[ScheduleRule, ...]
    lines: tuple[str, ...]


def save_next_year(session: Session, old: PromiseDocument, new: PromiseDocument) -> NextYear:
    """Store next year's promise and carry this one's recurring presence rules into it.

    Parameters
    ----------
    session : one unit of work: nothing is stored if the file or a rule is refused.
    old : the promise the rules are read from.
    new : next year's promise (from `next_year_promise`, perhaps edited).

    Returns
    -------
    The stored document, its file text and the new rules (each with its planned activities).

    Raises
    ------
    PromiseFileError
        The new promise is not a valid file (the parser's message, with the key).
    ValidationError, PermissionDenied
        As the promise upload and the planner refuse them.
    """
    text = promise_text(new)
    document = parse_promise_text(text, f"{new.id}.yaml")
    lines = _save_documents(session, [(f"{new.id}.yaml", document, text)])
    carried = []
    for rule in session.list_schedule_rules(old.id):
        moved = _moved_presence_rule(rule, old, document)
        if moved is None:
            continue
        place = session.get_place(rule.place_id) if rule.place_id is not None else None
        commitment = rule.commitment_id
        if commitment is not None and commitment not in {c.id for c in document.commitments}:
            commitment = None
        saved = save_recurring(
            session,
            moved,
            CommitmentKind.PRESENCE,
            document.id,
            place=place,
            commitment_id=commitment,
            team=rule.team,
            classification=rule.classification,
        )
        carried.append(saved.rule)
    lines.append(f"{len(carried)} återkommande närvaroregler fördes över till {document.id}.")
    return NextYear(document, text, tuple(carried), tuple(lines))


def _moved_presence_rule(
    rule: ScheduleRule, old: PromiseDocument, new: PromiseDocument
) -> RecurrenceRule | None:
    """A recurring presence rule's days moved into the new period (None for other rules).

    A randomised plan (it has a seed) is drawn anew each year, so it is not carried; the
    old rule's cancelled dates were last year's and are dropped.
    """
    if rule.kind is not CommitmentKind.PRESENCE or rule.seed is not None:
        return None
    recurrence = RecurrenceRule.from_json(rule.rule)
    first = max(move_day(recurrence.first_day, old), new.period_start)
    last = min(move_day(recurrence.last_day, old), new.period_end)
    if last < first:
        return None
    return replace(recurrence, first_day=first, last_day=last, cancelled=())
