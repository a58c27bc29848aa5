"""The app's shell (sign-in gate, menu, sidebar) keeps what it may between runs, never stale.

What the sidebar reads on every run is kept between runs only under a key that moves with
the data (the store's stamp, the promise file's own text): an edit shows at the next run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.installation.init import initialise, save_promise_upload
from geo.records.models import Actor, Place, PlaceKind
from geo.store import Store
from tests.common import ANEBY_PROMISE, E0, N0, PROMISE_DIR, REPO_ROOT, demo_database
from tests.markdown import shown

ADMIN = Actor("test", role="admin", organisation="polis")


@pytest.fixture
def no_examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A database with the shipped promises and no example data, opened by the app."""
    url = f"sqlite:///{tmp_path / 'tom.sqlite'}"
    store = Store(url)
    initialise(store, ADMIN, [PROMISE_DIR])
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    yield store
    store.dispose()


def _app() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _warns_of_example_data(at: AppTest) -> bool:
    return any("exempeldata" in shown(w.value) for w in at.sidebar.warning)


def test_the_example_data_warning_appears_at_the_next_run_after_example_data_is_stored(
    no_examples: Store,
) -> None:
    at = _app()
    assert not _warns_of_example_data(at)
    at.run()  # a later run, with the answer kept
    assert not _warns_of_example_data(at)

    with no_examples.session(ADMIN) as s:
        s.add_place(
            Place(
                PlaceKind.CENTRAL_AREA, "Exempel: Torget", Point(E0, N0).buffer(50), is_example=True
            ),
            "0604",
        )
    at.run()
    assert _warns_of_example_data(at)


def test_a_promise_stored_anew_shows_its_new_text_at_the_next_run(no_examples: Store) -> None:
    at = _app()
    assert [t.value for t in at.title] == ["Medborgarlöfte i Aneby kommun 2023\\-2024"]

    text = ANEBY_PROMISE.read_text(encoding="utf-8")
    renamed = text.replace(
        "titel: Medborgarlöfte i Aneby kommun 2023-2024", 'titel: "Aneby: nytt löfte"'
    )
    assert renamed != text
    save_promise_upload(no_examples, ADMIN, ANEBY_PROMISE.name, renamed)
    at.run()
    assert [shown(t.value) for t in at.title] == ["Aneby: nytt löfte"]


def test_while_the_first_page_is_read_the_server_imports_the_map_pages_code(
    tmp_path: Path,
) -> None:
    """Översikt draws no map and no table, so its run imports neither folium nor pandas; the
    server imports them in the background for the page the planner opens next (a fresh
    Python process, so nothing is imported before)."""
    url = demo_database(tmp_path / "demo.sqlite")
    script = f"""
import json, os, sys, time
os.environ["LOFTESKARTAN_DB"] = {url!r}
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(REPO_ROOT / "app.py")!r}, default_timeout=120)
at.run()
assert not at.exception, at.exception
names = ("folium", "pandas")
first = [n for n in names if n in sys.modules]
deadline = time.monotonic() + 60
while time.monotonic() < deadline and not all(n in sys.modules for n in names):
    time.sleep(0.05)
print(json.dumps({{"first": first, "later": [n for n in names if n in sys.modules]}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, cwd=REPO_ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"first": [], "later": ["folium", "pandas"]}
