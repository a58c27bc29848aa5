"""Use cases of planning and logging, on one unit of work (`Store.session`).

Pages and the CLI call these instead of composing store calls themselves, so a rule is
always stored with its occurrences, an activity logged for a plan always marks the plan
done, every outcome and finding passes `geo.records.outcomes` before it is written, and no
plan or log is saved outside the chosen follow-up year (`geo.records.periods`), where no
list, calendar or figure of that year would show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from geo.errors import ValidationError
from geo.files.photos import Photo
from geo.planning.random_plan import RandomPlanSpec, generate, planned_from_visits
from geo.planning.schedule import describe_rule, planned_from_rule, short_when
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Finding,
    FindingStatus,
    Indicator,
    Place,
    PlannedActivity,
    PlanStatus,
    ScheduleRule,
)
from geo.records.outcomes import validate_finding, validate_indicator, validate_outcome
from geo.records.periods import Period, outside_year_message
from geo.records.recurrence import Expansion, RecurrenceRule
from geo.store import Session


@dataclass(frozen=True)
class SavedPlan:
    """What was stored: the rule and the planned activities it made."""

    rule: ScheduleRule
    planned: tuple[PlannedActivity, ...]
    expansion: Expansion | None = None


# A plan's start is stored to the second: the stored twin of a plan starts in this window.
_ONE_SECOND = timedelta(seconds=1)


def require_in_year(
    session: Session, document_id: str | None, year: Period | None, starts: Iterable[datetime]
) -> None:
    """Refuse, before anything is written, a record that starts outside the chosen year.

    Parameters
    ----------
    session : the unit of work the record is to be saved in.
    document_id : its promise (None: the only one, as the store assigns it).
    year : the follow-up year chosen in the sidebar; None accepts any year of the promise.
    starts : when each record to be saved starts.

    Raises
    ------
    ValidationError
        Naming the year (or the other promise of the kommun) the first such date belongs to.
    """
    documents = session.promise_documents()
    if not documents:  # saved before any promise: assigned to the first one stored
        return
    doc = session.promise_document(document_id)
    for day in sorted({start.astimezone(STOCKHOLM).date() for start in starts}):
        message = outside_year_message(doc, year, day, documents)
        if message:
            raise ValidationError(message)


def save_single(
    session: Session,
    plan: PlannedActivity,
    document_id: str | None,
    year: Period | None = None,
) -> PlannedActivity:
    """Store one planned activity (not recurring) inside the follow-up year `year`.

    A plan the same as one already stored (kind, commitment, place and times; not cancelled)
    is refused: a second click on "Spara planering" stored a copy, which then showed as a
    clash with itself.
    """
    require_in_year(session, document_id, year, [plan.start])
    if _already_planned(session, plan, document_id):
        raise ValidationError(
            f"{plan.kind.label} {short_when(plan.start, plan.end)} är redan planerad (samma "
            "tid, plats och aktivitet i löftet). Inget sparades."
        )
    return session.add_planned(plan, document_id=document_id)


def _already_planned(session: Session, plan: PlannedActivity, document_id: str | None) -> bool:
    """Whether a stored, not cancelled plan has the same kind, commitment, place and times."""
    return any(
        p.kind == plan.kind
        and p.commitment_id == plan.commitment_id
        and p.place_id == plan.place_id
        and p.end == plan.end
        and p.status is not PlanStatus.CANCELLED
        for p in session.list_planned(plan.start, plan.start + _ONE_SECOND, document_id)
    )


def save_recurring(
    session: Session,
    rule: RecurrenceRule,
    kind: CommitmentKind,
    document_id: str | None,
    *,
    place: Place | None = None,
    commitment_id: str | None = None,
    team: str = "",
    classification: Classification | None = None,
    note: str = "",
    year: Period | None = None,
) -> SavedPlan:
    """Store a recurrence rule and one planned activity per occurrence.

    Without a `classification` the plans get the kind's (`default_plan_classification`).
    Raises ValidationError when the rule gives no occurrence at all (every date a holiday or
    cancelled), since such a rule is surely a mistake, or when an occurrence falls outside
    the follow-up year `year` (`require_in_year`).
    """
    if classification is None:
        classification = kind.default_plan_classification
    place_id = place.id if place else None
    plans, expansion = planned_from_rule(
        rule,
        kind,
        place_id=place_id,
        commitment_id=commitment_id,
        team=team,
        classification=classification,
        note=note,
    )
    if not plans:
        raise ValidationError("Regeln ger inga tillfällen mellan start- och slutdatum.")
    require_in_year(session, document_id, year, [p.start for p in plans])
    stored_rule = session.add_schedule_rule(
        ScheduleRule(
            kind,
            rule.to_json(),
            describe_rule(rule, place),
            commitment_id=commitment_id,
            place_id=place_id,
            team=team,
            classification=classification,
        ),
        document_id=document_id,
    )
    stored = tuple(
        session.add_planned(replace(p, rule_id=stored_rule.id), document_id=document_id)
        for p in plans
    )
    return SavedPlan(stored_rule, stored, expansion)


def save_random_plan(
    session: Session,
    spec: RandomPlanSpec,
    document_id: str | None,
    *,
    team: str = "",
    commitment_id: str | None = None,
    year: Period | None = None,
) -> SavedPlan:
    """Generate a randomised presence plan and store it with its seed, inside `year`."""
    visits = generate(spec)
    plans = planned_from_visits(visits, spec, team=team, commitment_id=commitment_id)
    require_in_year(session, document_id, year, [p.start for p in plans])
    stored_rule = session.add_schedule_rule(
        ScheduleRule(
            CommitmentKind.PRESENCE,
            spec.to_json(),
            spec.describe(),
            commitment_id=commitment_id,
            team=team,
            classification=Classification.INTERNAL,
            seed=spec.seed,
        ),
        document_id=document_id,
    )
    stored = tuple(
        session.add_planned(replace(p, rule_id=stored_rule.id), document_id=document_id)
        for p in plans
    )
    return SavedPlan(stored_rule, stored)


def regenerate_random_plan(rule: ScheduleRule) -> list[PlannedActivity]:
    """The plan a stored randomised rule gives when generated again (for an audit)."""
    spec = RandomPlanSpec.from_json(rule.rule)
    if rule.seed is not None and rule.seed != spec.seed:
        raise ValidationError("Regelns frö stämmer inte med den sparade planen.")
    return planned_from_visits(generate(spec), spec, team=rule.team)


def log_activity(
    session: Session,
    activity: Activity,
    document_id: str | None,
    planned: PlannedActivity | None = None,
    year: Period | None = None,
) -> Activity:
    """Log a done activity; for a planned one, link it and mark the plan genomförd.

    The outcome is checked against the kind's rules and stored normalised (totals filled
    in from their parts). An activity that was not planned must say where it was done when
    its kind needs a place (`CommitmentKind.needs_place`, as the import checks); a planned
    one keeps the place its plan has. It must start inside the follow-up year `year`
    (`require_in_year`).
    """
    if not isinstance(activity.kind, CommitmentKind):
        # A promise's own kind: its rules (place, counts) are the promise file's, so they are
        # read from the document the activity is logged for, never from a kind's bare code.
        doc = session.promise_document(document_id, activity.start.date())
        kind = doc.kind(activity.kind)
        if kind not in doc.kinds:
            raise ValidationError(f'{doc.title} har ingen aktivitetstyp "{activity.kind}".')
        activity = replace(activity, kind=kind)
    outcome = validate_outcome(activity.kind, dict(activity.outcome))
    if (
        planned is None
        and activity.kind.needs_place
        and activity.place_id is None
        and activity.geometry is None
    ):
        raise ValidationError(activity.kind.missing_place_message)
    if planned is not None:
        if planned.status is PlanStatus.CANCELLED:
            raise ValidationError("Aktiviteten är inställd och kan inte markeras som genomförd.")
        if planned.status is PlanStatus.DONE:
            raise ValidationError("Aktiviteten är redan markerad som genomförd.")
        activity = replace(activity, planned_id=planned.id)
    require_in_year(session, document_id, year, [activity.start])
    stored = session.add_activity(replace(activity, outcome=outcome), document_id=document_id)
    if planned is not None:
        session.update_planned(replace(planned, status=PlanStatus.DONE))
    return stored


def cancel_planned(session: Session, planned: PlannedActivity) -> PlannedActivity:
    """Mark a planned activity inställd (it stays in the plan and the feeds, as cancelled)."""
    if planned.status is PlanStatus.DONE:
        raise ValidationError("En genomförd aktivitet kan inte ställas in.")
    return session.update_planned(replace(planned, status=PlanStatus.CANCELLED))


def add_finding(session: Session, finding: Finding, photo: Photo | None = None) -> Finding:
    """Record a checked finding from a safety walk, with its photo if one was taken.

    `photo` comes from `geo.files.photos.clean_photo`, which refuses a bad file before anything
    is written; finding and photo are then stored in the same unit of work.
    """
    walk = session.get_activity(finding.activity_id)
    if walk.kind is not CommitmentKind.SAFETY_WALK:
        raise ValidationError("Iakttagelser hör till trygghetsvandringar.")
    stored = session.add_finding(validate_finding(finding))
    return stored if photo is None else session.set_finding_photo(stored, photo)


def change_finding(
    session: Session,
    finding: Finding,
    *,
    status: FindingStatus | None = None,
    action: str | None = None,
    owner: str | None = None,
) -> Finding:
    """Follow a finding up: new status, action or owner (checked, version-safe)."""
    changed = replace(
        finding,
        status=status if status is not None else finding.status,
        action=action if action is not None else finding.action,
        owner=owner if owner is not None else finding.owner,
    )
    return session.update_finding(validate_finding(changed))


def save_indicator(session: Session, indicator: Indicator) -> Indicator:
    """Store the kommun's figure for a term (checked; replaces the same term's figure)."""
    return session.save_indicator(validate_indicator(indicator))
