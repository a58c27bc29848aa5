"""In Chromium against a real server: signed-in downloads, downloads after sign-out, Host.

- Exports download for a user signed in with a users file and with OpenID Connect (the
  download callable used to read the session outside the run and do nothing).
- The audit log's CSV address stops answering once the administrator has signed out.
- A page reached by a foreign host name (DNS rebinding: the name points at 127.0.0.1) runs
  nothing but a refusal; the same server answers on 127.0.0.1.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from geo.signin.users import add_user, remove_user
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, VIEWPORT, StartServer
from tests.e2e.test_sign_in import (  # noqa: F401 (provider is a fixture)
    _sign_in_at_provider,
    oidc_server,
    provider,
)

pytestmark = pytest.mark.browser

PASSWORD = "korrekt häst batteri"
EXPORT_TIMEOUT = 120_000  # the map export of the demo data takes a few seconds on 2 cores


def _sign_in(page: Page, base: str, name: str) -> None:
    page.goto(base)
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Inloggad som").wait_for()


def _download_map(page: Page, tmp_path: Path) -> bytes:
    page.get_by_role("link", name="Export").click()
    button = page.get_by_role("button", name="Export: Karta (HTML)")
    button.wait_for()
    with page.expect_download(timeout=EXPORT_TIMEOUT) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def _wait_for_log(log: Path, text: str, timeout: float = 60.0) -> None:
    """Wait until the server's log holds `text` (polling the file, no fixed sleep)."""
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not in the server log:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)  # a poll interval, not a wait for something to happen


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_viewer_signed_in_with_a_users_file_downloads_the_map_export(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    users = tmp_path / "users.json"
    add_user(users, "kalle", PASSWORD, "läsare", "kommun")
    base = streamlit_server(
        REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url, "LOFTESKARTAN_USERS": str(users)}
    )
    _sign_in(page, base, "kalle")
    html = _download_map(page, tmp_path).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") or "<html" in html[:500]
    assert 'id="lofteskartan-data"' in html
    assert len(html) > 50_000  # the demo's layers, not an empty page


def test_a_user_removed_after_the_page_was_drawn_gets_no_export(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    users = tmp_path / "users.json"
    add_user(users, "kalle", PASSWORD, "läsare", "kommun")
    base = streamlit_server(
        REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url, "LOFTESKARTAN_USERS": str(users)}
    )
    _sign_in(page, base, "kalle")
    page.get_by_role("link", name="Export").click()
    button = page.get_by_role("button", name="Export: Karta (HTML)")
    button.wait_for()
    remove_user(users, "kalle")  # while the Export page is open
    downloads: list[object] = []
    page.on("download", lambda d: downloads.append(d))
    button.click()
    # The click runs the download's callable outside any page run; it refuses, and says so
    # in the server's log.
    log = tmp_path / f"streamlit-{urlsplit(base).port}.log"
    _wait_for_log(log, "Refused a download")
    assert downloads == []


def test_a_user_signed_in_with_openid_connect_downloads_the_map_export(
    streamlit_server: StartServer,
    page: Page,
    demo_url: str,
    provider: str,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    base = oidc_server(streamlit_server, provider, demo_url, tmp_path)
    _sign_in_at_provider(page, base, "anna")
    html = _download_map(page, tmp_path).decode("utf-8")
    assert 'id="lofteskartan-data"' in html and len(html) > 50_000


def test_the_audit_log_csv_address_stops_answering_when_the_administrator_signs_out(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    users = tmp_path / "users.json"
    add_user(users, "admin", PASSWORD, "administratör", "polis")
    base = streamlit_server(
        REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url, "LOFTESKARTAN_USERS": str(users)}
    )
    _sign_in(page, base, "admin")
    page.get_by_role("link", name="Administration").click()
    page.get_by_text("ändringar, nyast först").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Ladda ned som CSV (Excel)").click()
    address = info.value.url
    assert urlsplit(address).path.startswith("/media/")
    assert _status(address) == 200  # anyone holding the address gets the file...

    page.get_by_role("button", name="Logga ut").click()
    page.get_by_label("Lösenord").wait_for()
    assert _status(address) == 404  # ...until the administrator signs out


@pytest.fixture
def rebinding_browser(browser: Browser) -> Browser:
    """A Chromium in which attacker.example resolves to 127.0.0.1, as after DNS rebinding."""
    rebinding = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP attacker.example 127.0.0.1"],
        headless=True,
    )
    yield rebinding  # type: ignore[misc]
    rebinding.close()


def test_a_page_reached_by_a_foreign_host_name_runs_nothing_but_a_refusal(
    streamlit_server: StartServer, rebinding_browser: Browser, demo_url: str
) -> None:
    # The single-user default: whoever the app runs for is an administrator.
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    port = urlsplit(base).port
    page = rebinding_browser.new_page(viewport=VIEWPORT)
    page.goto(f"http://attacker.example:{port}/")
    page.get_by_text("Löfteskartan svarar inte på den här adressen").wait_for()
    assert page.get_by_text("Medborgarlöfte i Aneby").count() == 0
    assert page.get_by_text("Enanvändarläge").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0

    page.goto(f"{base}/")
    page.get_by_text("Medborgarlöfte i Aneby kommun").first.wait_for()
    assert page.get_by_text("Löfteskartan svarar inte").count() == 0


def test_a_host_name_in_the_setting_is_answered(
    streamlit_server: StartServer, rebinding_browser: Browser, demo_url: str
) -> None:
    base = streamlit_server(
        REPO_ROOT / "app.py",
        {"LOFTESKARTAN_DB": demo_url, "LOFTESKARTAN_ALLOWED_HOSTS": "attacker.example"},
    )
    page = rebinding_browser.new_page(viewport=VIEWPORT)
    page.goto(f"http://attacker.example:{urlsplit(base).port}/")
    page.get_by_text("Medborgarlöfte i Aneby kommun").first.wait_for()
