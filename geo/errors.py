"""Exceptions with messages a planner can act on.

Every message is Swedish and says what is wrong and where (file, line, row, key), so the
user can fix the input without reading code. Callers catch `LofteskartanError` at the edge
(CLI exit code 2, a red box in the app); anything else is a bug.
"""

from __future__ import annotations


class LofteskartanError(Exception):
    """Base class: input or state the user can fix. The message is Swedish."""


class PromiseFileError(LofteskartanError):
    """A promise file (medborgarlöfte in YAML, see `data/promises/`) is not valid."""


class ValidationError(LofteskartanError):
    """A record (place, activity, plan) breaks a rule of the domain."""


class ImportFileError(LofteskartanError):
    """An import file could not be read or has bad rows; nothing was written."""


class NotFoundError(LofteskartanError):
    """A record that was asked for does not exist."""


class ConflictError(LofteskartanError):
    """Someone else saved the same record first (optimistic version check)."""


class PermissionDenied(LofteskartanError):
    """The user's role or organisation does not allow the operation."""


class SchemaError(LofteskartanError):
    """The database was made by a newer (or unknown) version of Löfteskartan."""


class DatabaseBusy(LofteskartanError):
    """Another writer (usually a long import) holds the database longer than we wait.

    Raised by the store for SQLite's "database is locked" and PostgreSQL's lock timeout, so
    every caller (command line, page) shows the same Swedish message instead of SQL.
    """

    MESSAGE = "Databasen används av en annan import just nu. Försök igen om en stund."

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class AmbiguousChoiceError(LofteskartanError):
    """Several records could be meant and the user named none (e.g. which medborgarlöfte)."""
