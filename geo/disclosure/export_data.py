"""Build the one data set every export is made from, for its audience.

`geo.disclosure.audience` holds the rules, `rows` the rows both data sets share, `context` the
records read once and `summaries` the counts with their suppression;
`public_data` and `internal_data` each build one audience's set from the same context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.disclosure.audience import Audience, ExportRequest
from geo.disclosure.context import read_context
from geo.disclosure.internal_data import build_internal_data
from geo.disclosure.public_data import build_public_data
from geo.disclosure.rows import ExportData
from geo.progress_report import Progress

if TYPE_CHECKING:
    from geo.store import Session


def build_export_data(
    session: Session,
    request: ExportRequest,
    progress: Progress | None = None,
) -> ExportData:
    """Read the store and build the data set for `request.audience`.

    Parameters
    ----------
    session : an open unit of work (read only here); for a public request, one opened as
        `PUBLIC_READER` (see `geo.exports.make.load_export_data`).
    request : audience, dates, rules and meeting.
    progress : told (activities read, activities in all) as the store is read in chunks.

    Returns
    -------
    ExportData with only what the audience may see (see `geo.disclosure.audience`).

    Raises
    ------
    ValidationError
        A public request outside the fixed set (`check_public_request`).
    """
    ctx = read_context(session, request, progress)
    if request.audience is Audience.PUBLIC:
        return build_public_data(session, ctx)
    return build_internal_data(session, ctx)
