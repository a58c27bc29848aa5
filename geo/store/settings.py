"""Settings in the meta table, and small whole-store questions (counts, example data)."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update

from geo.disclosure.access import Operation
from geo.store import schema as t
from geo.store.core import SessionCore


class Settings(SessionCore):
    """The session's methods for settings and whole-store questions."""

    def get_setting(self, key: str) -> str | None:
        """A value from the meta table (schema version, demo marker...)."""
        return self.conn.scalar(select(t.meta.c.value).where(t.meta.c.key == key))

    def set_setting(self, key: str, value: str) -> None:
        """Write a value to the meta table."""
        self._require(Operation.ADMINISTER)
        if self.get_setting(key) is None:
            self.conn.execute(insert(t.meta).values(key=key, value=value))
        else:
            self.conn.execute(update(t.meta).where(t.meta.c.key == key).values(value=value))
        self._audit("setting", "meta", key, None, {"value": value})

    def has_example_data(self) -> bool:
        """True when any example (demo) place or activity is stored."""
        for table in (t.places, t.activities):
            if self.conn.scalar(select(table.c.id).where(table.c.is_example.is_(True)).limit(1)):
                return True
        return False

    def count(self, table_name: str) -> int:
        """Rows in one table (for status lines and tests)."""
        table = t.metadata.tables[table_name]
        return int(self.conn.scalar(select(func.count()).select_from(table)) or 0)
