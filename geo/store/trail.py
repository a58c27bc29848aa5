"""The audit trail and whole-table reads: who changed what, and rows for backups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from geo.disclosure import access
from geo.disclosure.access import Operation
from geo.errors import PermissionDenied
from geo.records.kinds import Classification
from geo.store import schema as t
from geo.store.core import SessionCore
from geo.store.mapping import mentions_secret


class Trail(SessionCore):
    """The session's methods for the audit log and backups."""

    def audit_entries(self, limit: int = 1000) -> list[dict[str, Any]]:
        """The newest audit entries first (administrators; sekretess left out, see audit_log)."""
        return self.audit_log(limit=limit)

    def audit_log(
        self,
        table_name: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int | None = 1000,
    ) -> list[dict[str, Any]]:
        """Audit entries, newest first, filtered; for administrators only.

        Entries about sekretess records (by their values, or because the record is sekretess
        now) are left out for administrators who may not see sekretess.
        """
        self._require(Operation.AUDIT)
        log = t.audit_log
        query = select(log).order_by(log.c.id.desc())
        if table_name:
            query = query.where(log.c.table_name == table_name)
        if actor:
            query = query.where(log.c.actor == actor)
        if action:
            query = query.where(log.c.action == action)
        if start is not None:
            query = query.where(log.c.at >= start)
        if end is not None:
            query = query.where(log.c.at < end)
        if access.sees_secret(self.actor):
            rows = self.conn.execute(query if limit is None else query.limit(limit))
            return [dict(r._mapping) for r in rows]
        hidden = self._secret_record_keys()
        entries = []
        for r in self.conn.execute(query):
            entry = dict(r._mapping)
            if (entry["table_name"], entry["record_id"]) in hidden or mentions_secret(entry):
                continue
            entries.append(entry)
            if limit is not None and len(entries) >= limit:
                break
        return entries

    def _secret_record_keys(self) -> set[tuple[str, str]]:
        """(table, id) of every record classified sekretess, in any table that classifies."""
        keys: set[tuple[str, str]] = set()
        for table in t.metadata.sorted_tables:
            if "classification" in table.c and "id" in table.c:
                query = select(table.c.id).where(
                    table.c.classification == Classification.SECRET.value
                )
                keys.update((table.name, str(i)) for i in self.conn.scalars(query))
        return keys

    def record_change(
        self,
        action: str,
        table_name: str,
        record_id: str | None,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        """Audit a change made outside the database (e.g. the users file); role-checked."""
        self._audit(action, table_name, record_id, before, after)

    def table_rows(self, table_name: str) -> Iterator[dict[str, Any]]:
        """Every row of one table as stored (for backups): police administrators only."""
        self._require(Operation.BACKUP)
        if not access.sees_secret(self.actor):
            raise PermissionDenied(
                "En säkerhetskopia innehåller sekretessuppgifter: bara polisens "
                "administratörer kan göra en."
            )
        table = t.metadata.tables[table_name]
        order = list(table.primary_key.columns) or list(table.c)
        for row in self.conn.execute(select(table).order_by(*order)):
            yield dict(row._mapping)
