"""Named test geometries, times and files shared by every test module.

Geometries are tiny and round, in SWEREF 99 TM (EPSG:3006) metres near Aneby, so expected
lengths, areas and coordinates are exact: a 100 m × 100 m square has an area of 10 000 m².
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import sqlalchemy as sa
from shapely.geometry import LineString, Point, Polygon, box

from geo.files.activity_import import FileReading, ImportedActivity
from geo.installation.init import initialise
from geo.records.models import STOCKHOLM, Actor, Place
from geo.records.places import PlaceContext
from geo.records.promise import PromiseDocument
from geo.spatial.crs import sweref_to_lonlat
from geo.store import Store, schema

REPO_ROOT = Path(__file__).resolve().parents[1]
PROMISE_DIR = REPO_ROOT / "data" / "promises"
ANEBY_PROMISE = PROMISE_DIR / "aneby-2023-2024.yaml"
BASE_DIR = REPO_ROOT / "data" / "base"

# South-west corner of every test geometry (E, N), a few km south-west of Aneby centre.
E0, N0 = 480000.0, 6410000.0

SQUARE_100M: Polygon = box(E0, N0, E0 + 100, N0 + 100)
"""100 m × 100 m: area 10 000 m², perimeter 400 m."""

CENTRE_OF_SQUARE = Point(E0 + 50, N0 + 50)

ROUTE_1KM = LineString([(E0, N0), (E0 + 1000, N0)])
"""Straight 1 km route due east."""

POINT_WITH_CENTIMETRES = Point(E0 + 12.34, N0 + 56.78)
"""A point whose centimetres must survive a round trip through the database."""


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Europe/Stockholm (aware, as every time in the domain)."""
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def line_of(text: str, snippet: str) -> int:
    """The 1-based line where `snippet` starts; it must occur exactly once in `text`."""
    assert text.count(snippet) == 1, f"{snippet!r} occurs {text.count(snippet)} times"
    return text[: text.index(snippet)].count("\n") + 1


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the schema, by table name."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in schema.metadata.tables.items()
            }
    finally:
        engine.dispose()


TRANAS_PROMISE_YAML = """\
format: 1
id: tranas-2024-2025
titel: Medborgarlöfte i Tranås kommun 2024-2025
undertecknat: 2024-03-15

kommun:
  namn: Tranås kommun
  kod: "0687"

polis:
  område: Lokalpolisområde Höglandet

löften:
  - id: trygghet
    titel: Öka tryggheten i centrum.

aktiviteter:
  - id: narvaro-centrum
    löfte: trygghet
    typ: närvaro
    ansvarig: polis
    text: Polisen ska vara närvarande i centrum fredagskvällar.
  - id: trygghetsvandringar
    löfte: alla
    typ: trygghetsvandring
    ansvarig: båda
    text: Kommunen och polisen ska genomföra tre trygghetsvandringar.
    mål: {exakt: 3}
"""
"""A minimal valid promise for another kommun (Tranås, 0687), without a `period:` key."""

UMEA_PROMISE_YAML = (
    TRANAS_PROMISE_YAML.replace("tranas-2024-2025", "umea-2024-2025")
    .replace("Tranås kommun", "Umeå kommun")
    .replace('"0687"', '"2480"')
    .replace("Lokalpolisområde Höglandet", "Lokalpolisområde Umeå")
)
"""The same promise for a kommun of another police area (Umeå, 2480, Lokalpolisområde Umeå)."""


class CheckedFile(NamedTuple):
    """An activity file read and checked as the import reads it, with nothing written."""

    items: list[ImportedActivity]
    warnings: tuple[str, ...]


def check_activity_file(
    data: bytes,
    name: str,
    doc: PromiseDocument,
    places: list[Place] | None = None,
    context: PlaceContext | None = None,
) -> CheckedFile:
    """Every row of `data` checked against `doc` (`FileReading`, the import's reader)."""
    reading = FileReading(name, "ab" * 32, doc, places or [], context=context)
    items = [item for chunk in reading.chunks(io.BytesIO(data)) for item in chunk]
    return CheckedFile(items, reading.warnings())


def fail_or_skip(message: str) -> None:
    """A missing browser or database: skip on a laptop, fail on CI (a skip must never turn
    CI green). Both conftests use this one rule; tests/integration/test_ci_never_skips.py
    proves it both ways."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true, so this fails instead of skipping)", pytrace=False)
    pytest.skip(message)


def run_cli(db_url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m geo ARGS` from the repository root against the database at `db_url`."""
    env = os.environ | {"LOFTESKARTAN_DB": db_url, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "geo", *map(str, args)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


# A moment inside Aneby's 2023-2024 promise year: the demo as it was made then.
SEED_YEAR_CLOCK = datetime(2024, 1, 9, 9, 0, tzinfo=UTC)


def demo_database(path: Path, actor: Actor | None = None) -> str:
    """A SQLite file at `path` as `lofteskartan init --demo` makes it; returns its URL.

    It holds the shipped promise files and the demo data (Aneby with its example data), made
    as on a day of the seed's own year (`SEED_YEAR_CLOCK`): the pages' tests read Aneby's
    2023-2024 figures, so no example follow-on year is added (tests/integration/test_init.py
    covers that one).
    """
    url = f"sqlite:///{path}"
    store = Store(url)
    try:
        initialise(store, actor or Actor("test"), [PROMISE_DIR], demo=True, now=SEED_YEAR_CLOCK)
    finally:
        store.dispose()
    return url


def finding_positions(url: str, description: str) -> list[tuple[float, float]]:
    """(lat, lon) of each stored finding with this description (every one has a point)."""
    store = Store(url)
    try:
        with store.session(Actor("test")) as s:
            points = [f.geometry for f in s.list_findings() if f.description == description]
    finally:
        store.dispose()
    assert all(isinstance(p, Point) for p in points), points
    return [sweref_to_lonlat(p.x, p.y)[::-1] for p in points if isinstance(p, Point)]


def aneby_copy(document: str, kommun: str, code: str, start: date, end: date) -> str:
    """Aneby's promise file made into another kommun's: the same commitments (and commitment
    ids), its own id, kommun name (without "kommun"), code, signing day (`start`) and period."""
    return (
        ANEBY_PROMISE.read_text(encoding="utf-8")
        .replace("id: aneby-2023-2024", f"id: {document}")
        .replace("Aneby kommun", f"{kommun} kommun")
        .replace('kod: "0604"', f'kod: "{code}"')
        .replace("undertecknat: 2023-05-30", f"undertecknat: {start:%Y-%m-%d}")
        .replace(
            "period: {från: 2023-05-30, till: 2024-05-29}",
            f"period: {{från: {start:%Y-%m-%d}, till: {end:%Y-%m-%d}}}",
        )
    )


def add_user_in_process(
    monkeypatch: pytest.MonkeyPatch, database: Path, users: Path, organisation: str
) -> int:
    """`lofteskartan init` on a SQLite file, then `users add lisa --role planerare
    --organisation ORGANISATION --password-stdin` into `users`, in this process (so the
    test sees the umask and the output). Returns the exit code of `users add`."""
    from geo.cli import main

    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{database}")
    monkeypatch.setenv("LOFTESKARTAN_USERS", str(users))
    monkeypatch.setattr("sys.stdin", io.StringIO("ett långt lösenord 123\n"))
    assert main(["init"]) == 0
    return main(
        ["users", "add", "lisa", "--role", "planerare", "--organisation", organisation]
        + ["--password-stdin"]
    )


def open_app_page(db_url: str, monkeypatch: Any, page: str) -> Any:
    """The app on `db_url` (as the default local user) switched to `page` ("pages/X.py"),
    run once: a Streamlit `AppTest` (imported here so unit tests do not load Streamlit)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    at.run()
    return at


def open_tab(at: Any, key: str, label: str) -> Any:
    """Open the tab `label` of the tabs with `key` and run, as a click on it does.

    AppTest cannot click a tab; a tab set that runs only its open tab (`on_change="rerun"`)
    keeps the open one's label in session state under its key, which is what a click sets.
    """
    assert label in [t.label for t in at.tabs], [t.label for t in at.tabs]
    at.session_state[key] = label
    return at.run()


def open_panel(at: Any, key: str, is_open: bool = True) -> Any:
    """Open (or close) the panel with `key` and run, as a click on its heading does.

    A panel that runs only while open (`ui.views.panel_runs_when_open`) keeps whether it is
    open in session state under its key, which is what a click sets.
    """
    at.session_state[key] = is_open
    return at.run()


def form_field(at: Any, form: str, field: str) -> str:
    """The key of `form`'s `field` in the round the page shows now (a save starts the next,
    `ui.planning.form_key`)."""
    from ui.planning import form_key, round_key  # Streamlit's import: only AppTests pay it

    round_ = at.session_state[round_key(form)] if round_key(form) in at.session_state else 0
    return form_key(form, field, int(round_))


def plan_field(at: Any, field: str) -> str:
    """The key of Planering's plan form's `field` now."""
    from ui.planning import PLAN_FORM

    return form_field(at, PLAN_FORM, field)


def finding_field(at: Any, field: str) -> str:
    """The key of Logga's new finding's `field` now."""
    from ui.planning import FINDING_FORM

    return form_field(at, FINDING_FORM, field)


# An identity provider's settings for AppTest (`at.secrets`): the app reads its users' claims
# from `at.user`, so no provider is reached.
OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-hemlighet",
        "client_id": "lofteskartan",
        "client_secret": "hemligt",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


def signed_in_by_oidc(at: Any, **claims: object) -> Any:
    """`at` (an AppTest) signed in through the identity provider with these claims."""
    at.secrets = dict(OIDC_SECRETS)
    at.user = {"is_logged_in": True, "iat": int(time.time()), **claims}
    return at


def drawn_maps(at: Any) -> list[str]:
    """The maps an AppTest run drew, in order.

    A map drawn as its own page (`ui.map_render`) is a frame whose `srcdoc` is the page,
    script and all; a map drawn or clicked on (`ui.map_input`) is a component whose data
    holds that page.
    """
    maps = []
    for element in at.main:
        proto = getattr(element, "proto", None)
        if getattr(proto, "srcdoc", ""):
            maps.append(str(proto.srcdoc))
        elif getattr(proto, "component_name", "") == "lofteskartan_input_map":
            maps.append(str(json.loads(proto.json)["page"]))
    return maps


def map_script(at: Any) -> str:
    """The script of the one map an AppTest run drew (the whole page of a map drawn by
    `ui.map_render`)."""
    (only,) = drawn_maps(at)
    return only


def map_page_scripts(at: Any) -> list[str]:
    """The file names of the scripts the page of the map an AppTest run drew loads."""
    return [src.rsplit("/", 1)[-1] for src in re.findall(r'<script src="([^"]+)"', map_script(at))]


def activity_table_of(activities: list[Any]) -> Any:
    """The columns a store read gives for these `Activity` records (`ActivityTable`): each
    one's own position as a point inside its geometry, NaN without."""
    import numpy as np

    from geo.records.activity_table import table_from_columns

    xy = np.full((len(activities), 2), np.nan)
    for i, a in enumerate(activities):
        if a.geometry is not None and not a.geometry.is_empty:
            point = a.geometry.representative_point()
            xy[i] = (point.x, point.y)
    return table_from_columns(
        ids=[n + 1 for n in range(len(activities))],
        kinds=[a.kind for a in activities],
        commitment_ids=[a.commitment_id for a in activities],
        place_ids=[a.place_id for a in activities],
        xy=xy,
        start=np.array([a.start.timestamp() for a in activities]),
        end=np.array([a.end.timestamp() for a in activities]),
        outcomes=[dict(a.outcome) for a in activities],
        classifications=[a.classification for a in activities],
        notes=[a.note for a in activities],
        is_example=[False for _ in activities],
    )
