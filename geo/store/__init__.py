"""The store: the package that talks to the database.

`Store(url)` opens a SQLite file or a PostgreSQL + PostGIS database (chosen by the URL,
normally from `LOFTESKARTAN_DB`). All reads and writes go through a unit of work,

    with store.session(actor) as s:
        place = s.add_place(place)

which is one transaction: everything in the block is written, or (on any error) nothing.
Every write records who and when, bumps the record's version and appends to the audit log.

Where things are:

- `engine`: `Store` (the URL, the engine, create and upgrade, units of work, the busy-lock
  translation) and `database_url`;
- `core`: `SessionCore`, what every write builds on (role checks, classification rules such as
  "at least as strict as its place", stamps, the version check, the audit) and `now`;
- `session`: `Session`, composed of one part per record kind: `documents` (medborgarlöften and
  their commitments), `places`, `activities`, `plans` (planned activities and schedule rules),
  `findings` (with their photos), `base_layers`, `indicators`, `events` (police events),
  `counts` (lean reads for the map and the overview), `trail` (the audit log, rows for
  backups) and `settings`;
- `mapping`: rows to records and back, by record kind;
- `schema` (the tables), `migrations` (their upgrades), `backup` (backup and restore files,
  laid out by `geopackage`) and `audit` (the audit log for people).

The store is the only package that talks to the database, but not every module in it goes
through a `Session`: `backup` reads rows through `Store.snapshot` and writes the GeoPackage
with its own SQLite engine, and `Store.restore` fills the tables directly. Outside the package,
`geo/signin/sign_in_guard.py` keeps its sign-in attempts table (created and written there with
SQLAlchemy on `Store.engine`, outside the audit log) next to ours.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from geo.store.core import now
from geo.store.engine import ENV_VAR, Store, database_url, default_database_path
from geo.store.session import Session

__all__ = [
    "ENV_VAR",
    "IntegrityError",
    "Session",
    "Store",
    "database_url",
    "default_database_path",
    "now",
]
