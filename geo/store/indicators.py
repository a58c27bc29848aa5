"""The kommun's indicators (nyckeltal) per term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import delete, select

from geo.disclosure.access import Operation
from geo.records.models import Indicator as IndicatorRecord
from geo.store import schema as t
from geo.store.core import SessionCore
from geo.store.mapping import INDICATOR_ROWS


class Indicators(SessionCore):
    """The session's methods for indicators."""

    def save_indicator(self, indicator: IndicatorRecord) -> IndicatorRecord:
        """Store the kommun's figure for a term, replacing the same indicator and term."""
        self._require(Operation.PLAN)
        values = INDICATOR_ROWS.values(indicator)
        row = self.conn.execute(
            select(t.indicators).where(
                t.indicators.c.kommunkod == indicator.kommunkod,
                t.indicators.c.indicator == indicator.indicator,
                t.indicators.c.term == indicator.term,
            )
        ).first()
        if row is None:
            return self._add_record(indicator, t.indicators, values)
        self._update_record(t.indicators, row.id, row.version, {"value": row.value}, values)
        return replace(indicator, id=row.id, version=row.version + 1)

    def list_indicators(self, kommunkod: str) -> list[IndicatorRecord]:
        """The kommun's figures, by indicator and term."""
        rows = self.conn.execute(
            select(t.indicators)
            .where(t.indicators.c.kommunkod == kommunkod)
            .order_by(t.indicators.c.indicator, t.indicators.c.term)
        )
        return [INDICATOR_ROWS.from_row(r) for r in rows]

    def save_indicators(
        self, kommunkod: str, rows: Sequence[IndicatorRecord]
    ) -> tuple[int, int, int]:
        """Make the kommun's indicators equal to `rows` (the whole edited table).

        Rows are matched on (indicator, term): new ones are added, changed ones updated and
        missing ones removed, each with an audit entry. Returns (added, changed, removed).
        """
        self._require(Operation.PLAN)
        old = {(i.indicator, i.term): i for i in self.list_indicators(kommunkod)}
        new = {(i.indicator, i.term): i for i in rows}
        added = changed = removed = 0
        for key, item in new.items():
            values = {"value": item.value, "unit": item.unit, "note": item.note}
            before = old.get(key)
            if before is None:
                full = {
                    "kommunkod": kommunkod,
                    "indicator": item.indicator,
                    "term": item.term,
                    "is_example": item.is_example,
                    **values,
                }
                self._insert_record(t.indicators, full)
                added += 1
            elif (before.value, before.unit, before.note) != (item.value, item.unit, item.note):
                assert before.id is not None
                was = {"value": before.value, "unit": before.unit, "note": before.note}
                self._update_record(t.indicators, before.id, before.version, was, values)
                changed += 1
        for key, item in old.items():
            if key not in new:
                self.conn.execute(delete(t.indicators).where(t.indicators.c.id == item.id))
                self._audit(
                    "delete",
                    "indicators",
                    item.id,
                    {"indicator": item.indicator, "term": item.term, "value": item.value},
                    None,
                )
                removed += 1
        return added, changed, removed
