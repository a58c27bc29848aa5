"""The internal data set (intern): everything the user may see, exact times, places, notes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from geo.disclosure import context, rows, summaries
from geo.disclosure.activity_rows import ActivityRows
from geo.disclosure.audience import OPENING_HOURS
from geo.records.kinds import Classification
from geo.swedish import iso_week

if TYPE_CHECKING:
    from geo.records.models import Activity, Finding, Place, PlannedActivity
    from geo.store import Session


def build_internal_data(session: Session, ctx: context.ExportContext) -> rows.ExportData:
    """The internal data set for `ctx`: every record the session's user may see."""
    by_id, period = ctx.by_id, ctx.period
    stored = session.list_findings(document_id=ctx.document.id)
    walks = context.walks_of(ctx.every_activity, (f.activity_id for f in stored))
    findings = [
        f
        for f in stored
        if f.activity_id not in walks or context.finding_in_scope(f, walks[f.activity_id], period)
    ]
    thumbnails = session.finding_thumbnails(
        f.id for f in findings if f.has_photo and f.id is not None
    )
    summary = summaries.period_summary(
        ctx.document, period, ctx.in_period, ctx.planned_in_period, False, ctx.k
    )
    return rows.ExportData(
        **context.shared_fields(session, ctx),
        places=tuple(_internal_place(p) for p in ctx.places),
        activities=ActivityRows(ctx.in_period, by_id),
        recent_activities=ActivityRows(ctx.recent, by_id),
        planned=tuple(_internal_plan(p, by_id) for p in ctx.planned_in_period),
        # "Upcoming activities that may be shared": a meeting pack is handed round, so plans
        # classified sekretess stay out of it even internally.
        upcoming=tuple(
            _internal_plan(p, by_id)
            for p in ctx.upcoming
            if p.classification is not Classification.SECRET
        ),
        findings=tuple(
            _internal_finding(f, walks.get(f.activity_id), thumbnails.get(f.id or 0))
            for f in findings
        ),
        cells=context.cells_of(ctx, ctx.in_period, min_count=1),
        summary=summary,
        tertials=tuple(summaries.tertial_summaries(ctx, public=False)),
        stretches=summaries.stretch_counts(ctx, (), public=False),
        recent=summaries.period_summary(
            ctx.document, ctx.recent_period, ctx.recent, [], False, ctx.k
        ),
        last_meeting=ctx.last_meeting,
        counted_until=None,
    )


def _internal_place(place: Place) -> rows.PlaceRow:
    return rows.PlaceRow(
        kind=place.kind,
        name=place.name,
        geometry=place.geometry,
        classification=place.classification,
        note=place.note,
        attributes=dict(place.attributes),
        id=place.id,
        retired=place.is_retired,
        is_example=place.is_example,
        version=place.version,
    )


def _internal_plan(plan: PlannedActivity, places: Mapping[int, Place]) -> rows.PlannedRow:
    place = places.get(plan.place_id) if plan.place_id is not None else None
    return rows.PlannedRow(
        kind=plan.kind,
        commitment_id=plan.commitment_id,
        week=iso_week(context.day_of(plan.start)),
        start=plan.start,
        end=plan.end,
        place_name=place.name if place else "",
        geometry=plan.geometry or (place.geometry if place else None),
        team=plan.team,
        status=plan.status,
        classification=plan.classification,
        note=plan.note,
        opening_hours=context.plain_text(place.attributes.get(OPENING_HOURS, "")) if place else "",
        id=plan.id,
        is_example=plan.is_example,
    )


def _internal_finding(
    finding: Finding, walk: Activity | None, thumbnail: bytes | None
) -> rows.FindingRow:
    return rows.FindingRow(
        category=finding.category,
        owner=finding.owner,
        status=finding.status,
        due_week=iso_week(finding.due) if finding.due else "",
        walk_week=iso_week(context.day_of(walk.start)) if walk else "",
        geometry=finding.geometry,
        classification=finding.classification,
        description=finding.description,
        action=finding.action,
        due=finding.due,
        walk_date=context.day_of(walk.start) if walk else None,
        id=finding.id,
        # Only a walk the reader may see is named: a finding's link must not tell that a
        # hidden (sekretess) activity exists.
        activity_id=walk.id if walk else None,
        has_photo=finding.has_photo,
        thumbnail=thumbnail,
    )
