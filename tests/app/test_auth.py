"""Sign-in in the app (AppTest): single-user, local users file and OpenID Connect claims."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.errors import SchemaError
from geo.installation.init import read_promise_upload
from geo.records.models import Actor
from geo.signin.sign_in_guard import record_local_sign_in
from geo.signin.users import add_user, remove_user
from geo.store import Store
from tests.common import OIDC_SECRETS, REPO_ROOT, TRANAS_PROMISE_YAML, demo_database
from tests.common import signed_in_by_oidc as _oidc
from tests.markdown import shown, shown_tables

PASSWORD = "korrekt häst batteri"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "demo.sqlite"
    demo_database(path)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> str:
    """A copy per test: the database remembers that users were added (and sign-in tries)."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", demo_db)
    monkeypatch.setenv("LOFTESKARTAN_USERS", str(tmp_path / "users.json"))
    return AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)


def _sidebar_text(at: AppTest) -> str:
    """The sidebar's captions and notes as a reader sees them."""
    return shown(
        " ".join(str(getattr(e, "value", "")) for e in (*at.sidebar.caption, *at.sidebar.info))
    )


def _menu(at: AppTest) -> list[str]:
    """The page files the last run registered with st.navigation (the menu)."""
    pages = at._registered_pages.values()  # AppTest keeps them to resolve switch_page
    return sorted(Path(str(p["script_path"])).stem for p in pages if "url_pathname" in p)


def test_without_users_or_identity_provider_the_app_runs_as_one_local_administrator(
    app: AppTest,
) -> None:
    app.run()
    assert not app.exception
    assert shown(app.title[0].value) == "Medborgarlöfte i Aneby kommun 2023-2024"
    assert "Enanvändarläge" in _sidebar_text(app)
    assert "9_Admin" in _menu(app)


def test_with_a_users_file_the_app_asks_for_a_password_before_anything_else(
    app: AppTest, tmp_path: Path
) -> None:
    add_user(tmp_path / "users.json", "lisa", PASSWORD, "planerare", "kommun")
    app.run()
    assert [t.value for t in app.title] == ["Logga in"]
    assert len(app.sidebar.selectbox) == 0  # no page ran: no document, no data
    assert len(app.main.children) and "Medborgarlöfte" not in str(app.main)

    app.text_input[0].input("lisa")
    app.text_input[1].input("fel lösenord!")
    app.button[0].click()
    app.run()
    assert [e.value for e in app.error] == ["Fel användarnamn eller lösenord."]
    assert [t.value for t in app.title] == ["Logga in"]

    app.text_input[0].input("Lisa")
    app.text_input[1].input(PASSWORD)
    app.button[0].click()
    app.run()
    assert not app.exception
    assert shown(app.title[0].value) == "Medborgarlöfte i Aneby kommun 2023-2024"
    assert "Inloggad som lisa (planerare, Kommunen)" in _sidebar_text(app).replace("*", "")
    menu = _menu(app)
    assert menu[:2] == ["0_Oversikt", "1_Karta"]
    assert "9_Admin" not in menu  # a planner's menu has no admin page


def _next_run(at: AppTest) -> None:
    """The next page run as a server does it: through app.py.

    After the first run AppTest runs the current page's file alone (Streamlit's old
    multipage mode, which a real server leaves at its first `st.navigation`). That run
    registers app.py as a page; switching to it runs the entry point with its sign-in, menu
    and sidebar, then the default page. (From the sign-in page, the plain run is app.py.)
    """
    at.run()
    if any(str(p["script_path"]).endswith("app.py") for p in at._registered_pages.values()):
        at.switch_page("app.py")
        at.run()


def _try(at: AppTest, name: str, password: str) -> None:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()


def test_after_three_wrong_passwords_even_the_right_one_must_wait(
    app: AppTest, tmp_path: Path
) -> None:
    add_user(tmp_path / "users.json", "lasse", PASSWORD, "viewer", "kommun")
    app.run()
    for _ in range(3):
        _try(app, "lasse", "fel lösenord!")
        assert [e.value for e in app.error] == ["Fel användarnamn eller lösenord."]
    _try(app, "lasse", PASSWORD)  # right, but too soon: the password is not even checked
    assert len(app.error) == 1
    assert shown(app.error[0].value).startswith("För många inloggningsförsök. Vänta ")
    assert [t.value for t in app.title] == ["Logga in"]


def test_a_user_removed_from_the_file_is_signed_out_at_the_next_page_run(
    app: AppTest, tmp_path: Path
) -> None:
    users = tmp_path / "users.json"
    add_user(users, "lisa", PASSWORD, "planerare", "kommun")
    add_user(users, "admin", PASSWORD, "administratör", "polis")
    app.run()
    _try(app, "lisa", PASSWORD)
    assert "Inloggad som lisa" in _sidebar_text(app).replace("*", "")

    remove_user(users, "lisa")
    _next_run(app)
    assert [t.value for t in app.title] == ["Logga in"]
    assert "finns inte längre" in app.warning[0].value
    assert len(app.sidebar.selectbox) == 0


def test_a_changed_role_takes_effect_at_the_next_page_run(app: AppTest, tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    add_user(users, "lisa", PASSWORD, "administratör", "polis")
    app.run()
    _try(app, "lisa", PASSWORD)
    assert "9_Admin" in _menu(app)

    # An administrator edits the file by hand (same account, lower role): no new sign-in.
    data = json.loads(users.read_text(encoding="utf-8"))
    data["users"][0]["role"] = "viewer"
    data["users"][0]["organisation"] = "kommun"
    users.write_text(json.dumps(data), encoding="utf-8")
    os.utime(users, ns=(time.time_ns(), time.time_ns() + 10**9))  # mtime surely changes
    _next_run(app)
    assert "Inloggad som lisa (läsare, Kommunen)" in _sidebar_text(app).replace("*", "")
    assert "9_Admin" not in _menu(app)


def test_a_users_file_that_disappears_closes_the_app_and_never_opens_it_to_everyone(
    app: AppTest, tmp_path: Path, demo_db: str
) -> None:
    users = tmp_path / "users.json"
    add_user(users, "admin", PASSWORD, "administratör", "polis")
    record_local_sign_in(Store(demo_db))  # what `lofteskartan users add` does
    app.run()
    _try(app, "admin", PASSWORD)
    assert "Inloggad som admin" in _sidebar_text(app).replace("*", "")

    users.rename(tmp_path / "users.json.bak")
    _next_run(app)
    assert [t.value for t in app.title] == ["Logga in"]
    assert "Löfteskartan är stängd" in app.warning[0].value
    assert "Enanvändarläge" not in _sidebar_text(app)
    assert not app.text_input and not app.button and len(app.sidebar.selectbox) == 0

    # A new visitor gets the same: closed, not the single-user administrator.
    fresh = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    fresh.run()
    assert "Löfteskartan är stängd" in fresh.warning[0].value
    assert "9_Admin" not in _menu(fresh)

    # The file is back: the app asks for a password again, without the old message.
    (tmp_path / "users.json.bak").rename(users)
    _next_run(app)
    assert [t.value for t in app.title] == ["Logga in"]
    assert not app.warning and len(app.text_input) == 2


def test_the_app_remembers_local_sign_in_when_it_first_sees_a_users_file(
    app: AppTest, tmp_path: Path, demo_db: str
) -> None:
    # Users added before `init` could not be noted in the database; the app notes them.
    users = tmp_path / "users.json"
    add_user(users, "admin", PASSWORD, "administratör", "polis")
    app.run()
    assert [t.value for t in app.title] == ["Logga in"]
    users.unlink()
    app.run()
    assert "Löfteskartan är stängd" in app.warning[0].value


def test_an_unexpected_error_shows_a_swedish_message_and_no_traceback(
    app: AppTest, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("LOFTESKARTAN_RAISE_ERRORS", raising=False)
    # A bug: the status report fails with SQL in its message.
    monkeypatch.setattr(
        "geo.followup.status.status_report",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("SELECT secret FROM places")),
    )
    app.run()
    assert not app.exception
    texts = [e.value for e in app.error]
    assert len(texts) == 1 and texts[0].startswith("Något gick fel")
    assert "felet är loggat" in texts[0] and "SELECT" not in texts[0]
    assert "SELECT secret FROM places" in caplog.text  # the traceback is in the server's log


def test_a_lofteskartan_error_from_a_page_is_shown_as_its_message(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOFTESKARTAN_RAISE_ERRORS", raising=False)
    monkeypatch.setattr(
        "geo.followup.status.status_report",
        lambda *a, **k: (_ for _ in ()).throw(SchemaError("Kör `lofteskartan init` först.")),
    )
    app.run()
    assert not app.exception
    assert [shown(e.value) for e in app.error] == ["Kör `lofteskartan init` först."]


def test_an_identity_provider_user_gets_the_role_and_organisation_of_their_claims(
    app: AppTest,
) -> None:
    at = _oidc(
        app,
        email="anna@polisen.se",
        sub="1234",
        lofteskartan_roll="administratör",
        organisation="polis",
    )
    at.run()
    assert not at.exception
    assert "Inloggad som anna@polisen.se (administratör, Polisen)" in _sidebar_text(at).replace(
        "*", ""
    )
    at.switch_page("pages/9_Admin.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Administration"


def test_a_viewer_from_the_identity_provider_cannot_open_the_admin_page(app: AppTest) -> None:
    at = _oidc(app, email="kalle@aneby.se", lofteskartan_roll="läsare", organisation="kommun")
    at.run()
    menu = _menu(at)
    assert menu[:2] == ["0_Oversikt", "1_Karta"]
    # A viewer reads and exports; planning, logging and administration are not in the menu.
    hidden = ("2_Platser", "3_Planering", "4_Logga", "8_Kontrollplatser", "8_Loftesredigering")
    for page in (*hidden, "9_Admin"):
        assert page not in menu
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/9_Admin.py")


def test_a_sign_in_older_than_the_maximum_age_must_sign_in_again(app: AppTest) -> None:
    at = _oidc(app, email="anna@polisen.se", lofteskartan_roll="planner", organisation="polis")
    at.user["iat"] = int(time.time()) - 13 * 3600
    at.run()
    assert [t.value for t in at.title] == ["Logga in"]
    assert len(at.sidebar.selectbox) == 0
    assert "äldre än 12 timmar" in at.warning[0].value
    assert [b.label for b in at.button] == ["Logga in igen"]


def test_an_account_without_a_role_claim_is_not_let_in(app: AppTest) -> None:
    at = _oidc(app, email="ny@aneby.se", organisation="kommun")
    at.run()
    assert [t.value for t in at.title] == ["Logga in"]
    assert "har ingen roll i Löfteskartan" in at.warning[0].value


def test_not_yet_signed_in_with_oidc_shows_a_sign_in_button(app: AppTest) -> None:
    app.secrets = dict(OIDC_SECRETS)
    app.user = {"is_logged_in": False}
    app.run()
    assert [t.value for t in app.title] == ["Logga in"]
    assert [b.label for b in app.button] == ["Logga in"]


def test_a_shared_database_without_sign_in_lets_nobody_in(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Single-user mode would make everyone who reaches a shared server an administrator.
    monkeypatch.setenv("LOFTESKARTAN_DB", "postgresql://lofteskartan@db.example/lofteskartan")
    app.run()
    assert [t.value for t in app.title] == ["Logga in"]
    assert "ingen inloggning är inställd" in app.warning[0].value
    assert not app.text_input and not app.button


def _add_tranas(demo_db: str) -> None:
    """Tranås's promise beside the demo's Aneby (two kommuner of one police area)."""
    doc, text = read_promise_upload(TRANAS_PROMISE_YAML.encode(), "tranas-2024-2025.yaml")
    store = Store(demo_db)
    try:
        with store.session(Actor("admin")) as s:
            s.save_promise_document(doc, "tranas-2024-2025.yaml", text)
    finally:
        store.dispose()


def _tranas_and_hoglandet_users(demo_db: str, tmp_path: Path, role: str) -> Path:
    """Tranås beside Aneby, lisa of Tranås kommun and anna of Lokalpolisområde Höglandet."""
    _add_tranas(demo_db)
    users = tmp_path / "users.json"
    add_user(users, "lisa", PASSWORD, role, "kommun:0687")
    add_user(users, "anna", PASSWORD, role, "polis:Lokalpolisområde Höglandet")
    return users


def test_a_kommun_user_s_sidebar_lists_only_its_own_kommuns_promise_and_refuses_another(
    app: AppTest, tmp_path: Path, demo_db: str
) -> None:
    users = _tranas_and_hoglandet_users(demo_db, tmp_path, "planerare")
    app.run()
    _try(app, "lisa", PASSWORD)

    assert not app.exception
    assert app.sidebar.selectbox[0].options == ["Medborgarlöfte i Tranås kommun 2024-2025"]
    assert "Inloggad som lisa (planerare, Kommunen 0687)" in _sidebar_text(app).replace("*", "")

    police = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    police.run()
    _try(police, "anna", PASSWORD)
    assert sorted(police.sidebar.selectbox[0].options) == [
        "Medborgarlöfte i Aneby kommun 2023-2024",
        "Medborgarlöfte i Tranås kommun 2024-2025",
    ]

    # Anna works on Aneby's promise; an administrator moves her to Tranås kommun meanwhile.
    police.sidebar.selectbox[0].select("aneby-2023-2024")
    _next_run(police)
    data = json.loads(users.read_text(encoding="utf-8"))
    data["users"][0]["organisation"] = "kommun:0687"  # anna, first by name
    users.write_text(json.dumps(data), encoding="utf-8")
    os.utime(users, ns=(time.time_ns(), time.time_ns() + 10**9))
    _next_run(police)
    assert shown(police.error[0].value).startswith(
        "Du (anna, Kommunen 0687) arbetar inte med medborgarlöftet aneby-2023-2024"
    )


def test_a_bare_kommun_user_is_refused_at_sign_in_once_two_kommuner_are_stored(
    app: AppTest, tmp_path: Path, demo_db: str
) -> None:
    _add_tranas(demo_db)
    add_user(tmp_path / "users.json", "lisa", PASSWORD, "planerare", "kommun")
    app.run()
    _try(app, "lisa", PASSWORD)

    assert [t.value for t in app.title] == ["Logga in"]
    said = shown(app.warning[0].value)
    assert said.startswith('Användaren lisa har organisationen "kommun" utan att säga vilken')
    assert "Aneby kommun (0604), Tranås kommun (0687)" in said
    assert "kommun:KOD" in said
    assert len(app.sidebar.selectbox) == 0


def test_the_police_area_page_shows_a_police_user_its_area_and_a_kommun_user_its_kommun(
    app: AppTest, tmp_path: Path, demo_db: str
) -> None:
    _tranas_and_hoglandet_users(demo_db, tmp_path, "läsare")
    shown_kommuner = {}
    for name in ("anna", "lisa"):
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
        at.run()
        _try(at, name, PASSWORD)
        at.switch_page("pages/5_Polisomrade.py")
        at.run()
        assert not at.exception and not at.error
        assert not at.main.selectbox  # one area: nothing to choose
        (table,) = shown_tables(at)
        shown_kommuner[name] = list(dict.fromkeys(table["Kommun"]))

    assert shown_kommuner == {"anna": ["Aneby kommun", "Tranås kommun"], "lisa": ["Tranås kommun"]}
