"""Signing in for real, in Chromium: OpenID Connect against a mock provider, and a password.

The OIDC test runs a real `streamlit run` whose secrets point at `oidc-provider-mock` on
127.0.0.1 (no internet): the browser goes to the provider, picks a user whose ID token
carries `lofteskartan_roll` and `organisation`, comes back signed in, and the role is
applied by the store: a police planner's map has the two sekretess places, a kommun viewer's
map does not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import werkzeug.serving
from oidc_provider_mock import User
from oidc_provider_mock import app as mock_provider
from playwright.sync_api import Page

from tests.e2e.conftest import (
    BASE_PATHS,
    PASSWORD,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    _free_port,
    app_with_local_user,
    screenshot,
    wait_for_map,
)

pytestmark = pytest.mark.browser

# What the demo map draws besides the base layers: its places.
DEMO_PLACES = 9
SECRET_DEMO_PLACES = 2

USERS = [
    User(
        sub="anna",
        claims={
            "email": "anna@polisen.se",
            "lofteskartan_roll": "planerare",
            "organisation": "polis",
        },
    ),
    User(
        sub="kalle",
        claims={"email": "kalle@aneby.se", "lofteskartan_roll": "läsare", "organisation": "kommun"},
    ),
]


def _text(locator: Any) -> str:
    """What a reader sees: ui.text.plain() puts an invisible word joiner before an @."""
    return str(locator.inner_text()).replace("\u2060", "")


def oidc_server(start: StartServer, provider: str, demo_url: str, tmp_path: Path) -> str:
    """The app on a free port, signing in at `provider` (OIDC secrets in `tmp_path`)."""
    port = _free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "en-lång-slumpad-hemlighet-bara-för-testet"\n'
        'client_id = "lofteskartan"\n'
        'client_secret = "hemligt"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return start(
        REPO_ROOT / "app.py",
        {
            "LOFTESKARTAN_DB": demo_url,
            "LOFTESKARTAN_USERS": str(tmp_path / "users.json"),
            "STREAMLIT_SECRETS_FILES": str(secrets),
        },
        port=port,
    )


@pytest.fixture
def provider() -> Iterator[str]:
    """The mock OpenID provider on a free loopback port, in a thread; yields its base URL."""
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, mock_provider(user_claims=USERS), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _sign_in_at_provider(page: Page, base: str, sub: str) -> None:
    page.goto(base)
    page.get_by_role("heading", name="Logga in").wait_for()
    page.get_by_role("button", name="Logga in").click()
    # The provider's own page: pick the predefined user (its ID token has our claims).
    page.get_by_role("button", name=sub, exact=True).click()
    page.get_by_text("Inloggad som").wait_for(timeout=30_000)


def test_sign_in_with_openid_connect_applies_the_role_and_organisation_from_the_token(
    streamlit_server: StartServer,
    page: Page,
    browser_log: BrowserLog,
    demo_url: str,
    provider: str,
    tmp_path: Path,
) -> None:
    base = oidc_server(streamlit_server, provider, demo_url, tmp_path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    _sign_in_at_provider(page, base, "anna")
    sidebar = page.locator("[data-testid='stSidebar']")
    assert "Inloggad som anna@polisen.se (planerare, Polisen)" in sidebar.inner_text().replace(
        "\u2060", ""
    )  # plain() joins @
    assert sidebar.get_by_text("Administration").count() == 0  # a planner's menu
    page.get_by_role("link", name="Karta", exact=True).click()
    assert wait_for_map(page, BASE_PATHS + DEMO_PLACES) == BASE_PATHS + DEMO_PLACES
    screenshot(page, "inloggad-oidc-polis")

    page.get_by_role("button", name="Logga ut").click()
    # Streamlit ends the session at the provider too (RP-initiated logout); confirm there.
    page.get_by_role("button", name="End session").click()
    page.get_by_role("heading", name="Logga in").wait_for()

    _sign_in_at_provider(page, base, "kalle")
    assert "Inloggad som kalle@aneby.se (läsare, Kommunen)" in sidebar.inner_text().replace(
        "\u2060", ""
    )  # plain() joins @
    page.get_by_role("link", name="Karta", exact=True).click()
    visible = BASE_PATHS + DEMO_PLACES - SECRET_DEMO_PLACES
    assert wait_for_map(page, visible) == visible  # the sekretess places are not sent
    assert dialogs == []
    assert browser_log.page_errors == []


def test_sign_in_with_a_local_password_and_open_the_audit_log(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    base = app_with_local_user(
        streamlit_server, demo_url, tmp_path, "admin", "administratör", "polis"
    )
    page.goto(base)
    page.get_by_role("heading", name="Logga in").wait_for()
    page.get_by_label("Lösenord").wait_for()
    assert page.locator("[data-testid='stSidebarNav']").count() == 0  # no menu before sign-in
    screenshot(page, "logga-in-lokalt")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Inloggad som").wait_for()
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("heading", name="Administration").wait_for()
    page.get_by_text("ändringar, nyast först").wait_for()
    page.locator("table.lofteskartan-tabell").first.wait_for()  # the audit log
    screenshot(page, "administration")


def test_a_bookmark_to_a_page_on_a_fresh_server_still_asks_for_the_password_first(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    base = app_with_local_user(
        streamlit_server, demo_url, tmp_path, "planerare", "planerare", "kommun"
    )
    # The very first visit after the server started goes straight to the map's address.
    page.goto(f"{base}/Karta")
    page.get_by_role("heading", name="Logga in").wait_for()
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    assert page.get_by_role("heading", name="Karta").count() == 0
    page.get_by_label("Användarnamn").fill("planerare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Karta").wait_for()
    menu = page.locator("[data-testid='stSidebarNav']").inner_text().split("\n")
    # The app's own menu (titles from the pages), not Streamlit's file names ("app", "Varmekarta").
    assert "Värmekarta" in menu
    assert "app" not in menu and "Varmekarta" not in menu
    assert "Administration" not in menu  # a planner has no admin page
