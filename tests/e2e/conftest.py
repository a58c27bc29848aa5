"""Browser-test harness: a real ``streamlit run`` server and Debian's Chromium, offline.

Fixtures
--------
``streamlit_server(script, env=None, *, timeout=60.0, port=None) -> str``
    Factory. Starts ``streamlit run script`` on a free loopback port with the repository root
    as working directory, waits for ``/_stcore/health`` and returns the base URL. Every
    server it started is stopped (process group, by PID) at teardown.
``demo_url``, ``planted_url``
    SQLite databases: the demo (`init --demo`), and tests/export_fixtures.py's planted records.
``browser``
    Session-wide Chromium from ``/usr/bin/chromium`` (never ``playwright install``).
``page``
    A fresh 1400x2000 page whose context aborts every request to a host other than
    127.0.0.1/localhost, so a test that sees the map draw has shown it draws offline.
``browser_log``
    What ``page`` saw: aborted URLs, console errors, uncaught page errors, HTTP errors.

Helpers: :func:`wait_for_map` and :func:`screenshot`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    Locator,
    Page,
    Route,
    ViewportSize,
    expect,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from geo.signin.users import add_user
from geo.store import Store
from tests.common import REPO_ROOT, demo_database, fail_or_skip
from tests.export_fixtures import plant

ARTIFACTS = REPO_ROOT / "test-artifacts"
# LOFTESKARTAN_CHROMIUM lets the suite prove that a missing browser fails on CI.
CHROMIUM = Path(os.environ.get("LOFTESKARTAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1400, "height": 2000}
# st_folium's component (Logga's map for a finding) or a map drawn as its own page
# (ui/map_render.py, Platser's drawing map in ui/map_input.py), whose accessible name starts
# with "Karta".
MAP_FRAME = "iframe[src*='/component/streamlit_folium.st_folium/'], iframe[title^='Karta']"
# Planering's calendar (ui/calendar.py), by its accessible name ("Kalender: Vecka").
CALENDAR_FRAME = "iframe[title^='Kalender']"
# Vector paths Aneby's base layers draw: its boundary, the län's 13 kommuner, its 3 tätorter.
BASE_PATHS = 1 + 13 + 3
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Schemes that never touch the network.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome-extension"})

StartServer = Callable[..., str]
# The password of the users `app_with_local_user` adds.
PASSWORD = "korrekt häst batteri"


@dataclass
class BrowserLog:
    """What the browser reported while a test ran."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)


# -- streamlit server -----------------------------------------------------------------------


def _free_port() -> int:
    """Ask the OS for a free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    """True when Streamlit's health endpoint answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _wait_until_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Poll the health endpoint until it answers, the server dies or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _healthy(url):
            return
        try:
            # Doubles as the pause between polls: returns early only if the server died.
            code = proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"streamlit exited with {code} before answering:\n{_tail(log)}")
    pytest.fail(f"streamlit did not answer {url}/_stcore/health in {timeout} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    """Last lines of a server log, for failure messages."""
    if not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server's process group (its PID is the group id): TERM, then KILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture
def streamlit_server(tmp_path: Path) -> Iterator[StartServer]:
    """Factory fixture: ``start(script, env=None, *, timeout=60.0, port=None) -> base_url``.

    ``env`` is laid over the test's environment; ``LOFTESKARTAN_DB`` is only passed on when
    the test gives it, so a browser test never touches the developer's own database. The
    server's output goes to ``tmp_path/streamlit-<port>.log`` and is shown if it fails to
    start.
    """
    started: list[subprocess.Popen[bytes]] = []

    def start(
        script: Path | str,
        env: Mapping[str, str] | None = None,
        *,
        timeout: float = 60.0,
        port: int | None = None,
    ) -> str:
        port = port or _free_port()  # a test that must know the URL first passes its own
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
            "--server.enableStaticServing",
            "true",
        ]
        full_env = {k: v for k, v in os.environ.items() if k != "LOFTESKARTAN_DB"}
        full_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
        )
        full_env.update(env or {})
        log = tmp_path / f"streamlit-{port}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group, so teardown can stop it whole
            )
        started.append(proc)
        url = f"http://127.0.0.1:{port}"
        _wait_until_healthy(url, proc, log, timeout)
        return url

    yield start
    for proc in started:
        _stop(proc)


# -- data -------------------------------------------------------------------------------------


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    """A SQLite database made by `lofteskartan init --demo`: Aneby with its example data."""
    return demo_database(tmp_path / "demo.sqlite")


@pytest.fixture
def planted_url(tmp_path: Path) -> str:
    """A SQLite database with the records tests/export_fixtures.py plants to leak."""
    url = f"sqlite:///{tmp_path}/planted.sqlite"
    store = Store(url)
    plant(store)
    store.dispose()
    return url


def app_with_local_user(
    start: StartServer, database: str, folder: Path, name: str, role: str, organisation: str
) -> str:
    """Start app.py with a users file holding one user (password "korrekt häst batteri")."""
    users = folder / "users.json"
    add_user(users, name, PASSWORD, role, organisation)
    return start(
        REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": database, "LOFTESKARTAN_USERS": str(users)}
    )


# -- browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the whole session."""
    if not CHROMIUM.exists():
        fail_or_skip(f"{CHROMIUM} is missing; install it with: sudo apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    """Blocked requests, console/page errors and HTTP >= 400 responses seen by ``page``."""
    return BrowserLog()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so ``page`` can tell that a test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(
    browser: Browser, browser_log: BrowserLog, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A tall page that can reach only the loopback interface.

    When the test fails, the page and ``browser_log`` are saved as
    ``test-artifacts/failed-<test>.png`` and ``.log``.
    """
    context = browser.new_context(viewport=VIEWPORT)

    def only_loopback(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            browser_log.blocked.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", only_loopback)
    new_page = context.new_page()
    new_page.on(
        "console",
        lambda msg: browser_log.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    new_page.on("pageerror", lambda error: browser_log.page_errors.append(str(error)))
    new_page.on(
        "response",
        lambda r: (
            browser_log.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None
        ),
    )
    yield new_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        name = "failed-" + "".join(c if c.isalnum() else "_" for c in request.node.name)
        screenshot(new_page, name)
        (ARTIFACTS / f"{name}.log").write_text(f"{browser_log}\n", encoding="utf-8")
    context.close()


# -- helpers ----------------------------------------------------------------------------------


def hover_when_still(page: Page, shape: Locator) -> None:
    """Hover over a shape once the map has stopped moving (it fits its bounds as it opens).

    Hovered while the map still moved, the pointer could land on the tätort under the shape
    first, and that layer's tooltip stayed open beside the shape's.
    """
    page.mouse.move(0, 0)  # off the map: no tooltip is open
    last = None
    for _ in range(50):
        box = shape.bounding_box()
        if box is not None and box == last:
            break
        last = box
        page.wait_for_timeout(100)
    shape.hover()


def choose_radio(page: Page, name: str) -> None:
    """Pick the radio option `name` and wait until it reads as picked.

    Streamlit's radio input sits hidden behind its label, so it is clicked by force, without
    Playwright's wait for a still element. A click that lands while a rerun redraws the page
    can be lost: in CI, Planering stayed on "Planera" for 120 s after a click on "Slumpad
    närvaro" that came just after a save. So the click is repeated until the option is picked,
    as a person would click again.
    """
    radio = page.get_by_role("radio", name=name, exact=True)
    for _ in range(3):
        radio.click(force=True)
        try:
            expect(radio).to_be_checked(timeout=10_000)
            return
        except AssertionError:
            continue
    expect(radio).to_be_checked()


def show_all_places(page: Page) -> Locator:
    """Open Platser's "Alla platser" panel (closed on every new visit); its table.

    The panel runs only while open, so its table arrives with the run the click starts.
    """
    panel = page.get_by_test_id("stExpander").filter(has_text="Alla platser").locator("details")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    table = page.get_by_test_id("stDataFrame").first
    table.wait_for()
    return table


def wait_for_map(page: Page, min_paths: int, *, index: int = 0, timeout: float = 30_000) -> int:
    """Wait until the ``index``-th map has ``min_paths`` vector paths; return the count.

    Counts ``path.leaflet-interactive`` (GeoJSON, polygons, lines, circle markers) inside the
    map's frame. Tiles are not counted: they never load offline. The frame is looked
    up again on every poll: Streamlit may replace it while the page reruns, and a handle to
    the old one would wait forever.
    """
    count_paths = """([sel, i]) => {
        const frame = document.querySelectorAll(sel)[i];
        const doc = frame && frame.contentDocument;
        return doc ? doc.querySelectorAll('path.leaflet-interactive').length : -1;
    }"""
    try:
        page.wait_for_function(
            f"args => ({count_paths})(args) >= args[2]",
            arg=[MAP_FRAME, index, min_paths],
            timeout=timeout,
        )
    except PlaywrightTimeoutError as exc:
        drawn = page.evaluate(count_paths, [MAP_FRAME, index])
        raise AssertionError(f"map {index} drew {drawn} shapes, expected {min_paths}") from exc
    return int(page.evaluate(count_paths, [MAP_FRAME, index]))


def screenshot(page: Page, name: str) -> Path:
    """Save the viewport to ``<repo>/test-artifacts/<name>.png`` and return the path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def type_date_part(page: Page, part: str, field: str, text: str, then_shown: str) -> None:
    """Type `text` into one part ("day", "month") of a date field and wait until the page
    shows `then_shown`; leaving the field (a click on the heading) commits it."""
    page.get_by_role("spinbutton", name=f"{part}, {field}").click()
    page.keyboard.type(text)
    page.get_by_role("heading", name="Planering").click()
    page.get_by_text(then_shown).wait_for()
