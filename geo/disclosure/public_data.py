"""The public data set (offentlig): what may be published, built by leaving things out.

Every rule of what a public file may hold is in `geo.disclosure.audience`'s docstring; this
module applies them: only öppen records at public places, no free text, plans only as the
police office's opening hours by week, findings without text, activities only as cells with
at least k, and counts suppressed as `AudienceRules` says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from geo.disclosure.audience import OPENING_HOURS, PUBLIC_OFFICE_ATTRIBUTES
from geo.disclosure.context import (
    ExportContext,
    cells_of,
    day_of,
    finding_in_scope,
    plain_text,
    shared_fields,
    walks_of,
)
from geo.disclosure.public import is_opening_hours, is_public_place, may_be_placed_publicly
from geo.disclosure.rows import ExportData, FindingRow, PlaceRow, PlannedRow
from geo.disclosure.summaries import (
    period_summary,
    protect_parts,
    stretch_counts,
    tertial_summaries,
)
from geo.records.activity_table import ActivityTable
from geo.records.kinds import Classification
from geo.records.models import Activity, Finding, Place, PlaceKind, PlannedActivity
from geo.records.periods import Period
from geo.swedish import iso_week

if TYPE_CHECKING:
    from geo.store import Session


def build_public_data(session: Session, ctx: ExportContext) -> ExportData:
    """The public data set for `ctx` (read as `PUBLIC_READER`, checked by `read_context`)."""
    by_id, period, k = ctx.by_id, ctx.period, ctx.k
    stored = session.list_findings(document_id=ctx.document.id)
    walks = walks_of(ctx.in_period, (f.activity_id for f in stored))
    counted = Period(period.start, ctx.until or period.start, period.label)
    summary = period_summary(ctx.document, period, ctx.in_period, [], True, k)
    tertials = protect_parts(summary, tertial_summaries(ctx, public=True))
    # "Since the last meeting" would be a range chosen by whoever exports; the public
    # is shown the last tertial that has ended instead, as protected in the table.
    empty = Period(period.start, period.start, period.label)
    recent = (
        tertials[-1]
        if tertials
        else period_summary(ctx.document, empty, ActivityTable.empty(), [], True, k)
    )
    return ExportData(
        **shared_fields(session, ctx),
        places=tuple(_public_place(p) for p in ctx.places if is_public_place(p)),
        activities=(),
        recent_activities=(),
        planned=tuple(
            _public_plan(p, by_id)
            for p in ctx.planned_all
            if period.contains(day_of(p.start)) and is_opening_hours(p, by_id)
        ),
        upcoming=tuple(_public_plan(p, by_id) for p in ctx.upcoming if is_opening_hours(p, by_id)),
        findings=tuple(
            _public_finding(f, walks[f.activity_id])
            for f in stored
            if f.activity_id in walks
            and finding_in_scope(f, walks[f.activity_id], counted)
            and f.classification is Classification.OPEN
            and walks[f.activity_id].classification is Classification.OPEN
        ),
        # Only öppen activities at public places (or none) are placed on a public map, and
        # only as cells with >= k. The store already makes an activity at a sekretess place
        # sekretess; the place check here also covers databases written before that rule.
        cells=cells_of(
            ctx,
            ctx.in_period.take(ctx.in_period.where(lambda a: may_be_placed_publicly(a, by_id))),
            min_count=k,
        ),
        summary=summary,
        tertials=tuple(tertials),
        stretches=stretch_counts(ctx, tertials, public=True),
        recent=recent,
        last_meeting=None,
        counted_until=ctx.until,
    )


def _public_place(place: Place) -> PlaceRow:
    keep = PUBLIC_OFFICE_ATTRIBUTES if place.kind is PlaceKind.POLICE_OFFICE else ()
    return PlaceRow(
        kind=place.kind,
        name=place.name,
        geometry=place.geometry,
        classification=place.classification,
        note="",
        attributes={k: place.attributes[k] for k in keep if k in place.attributes},
        id=None,
        retired=False,
        is_example=place.is_example,
    )


def _public_plan(plan: PlannedActivity, places: Mapping[int, Place]) -> PlannedRow:
    place = places[plan.place_id]  # type: ignore[index]  # checked by is_opening_hours
    return PlannedRow(
        kind=plan.kind,
        commitment_id=plan.commitment_id,
        week=iso_week(day_of(plan.start)),
        start=None,
        end=None,
        place_name=place.name,
        geometry=place.geometry,
        team="",
        status=plan.status,
        classification=plan.classification,
        note="",
        opening_hours=plain_text(place.attributes.get(OPENING_HOURS, "")),
        id=None,
        is_example=plan.is_example,
    )


def _public_finding(finding: Finding, walk: Activity) -> FindingRow:
    return FindingRow(
        category=finding.category,
        owner=finding.owner,
        status=finding.status,
        due_week=iso_week(finding.due) if finding.due else "",
        walk_week=iso_week(day_of(walk.start)),
        geometry=finding.geometry,
        classification=finding.classification,
        # No text, dates, ids or photo: those keep `FindingRow`'s empty defaults.
    )
