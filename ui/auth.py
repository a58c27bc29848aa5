"""Sign-in: who is using the app, however this installation signs people in.

Pages call `identity()` (who, or None) and `require(role)` (stop the page unless the user
has at least that role) and never ask which mode is on. The installation chooses:

- **OIDC**: the secrets (`.streamlit/secrets.toml` or `secrets.files`) have an `[auth]`
  section. Streamlit's `st.login()` signs in at the identity provider; the role and the
  organisation come from the ID token's claims (`lofteskartan_roll`, `organisation`; other
  names in `[lofteskartan] role_claim / organisation_claim`). Streamlit keeps its cookie for
  30 days without asking the provider again, so a token older than
  `LOFTESKARTAN_SESSION_MAX_HOURS` (or `[lofteskartan] session_max_hours`, default 12) must
  sign in again.
- **Local users file**: `lofteskartan users add ...` has made a users file (see
  geo/signin/users.py): a Swedish form asks for user name and password. Each attempt is counted
  in the database before the password is checked (geo/signin/sign_in_guard.py). The sign-in lasts
  for the browser tab's session (reloading the page asks again) and at most the same max
  age, and every page run checks that the user is still in the file with the same role
  and organisation (the file is only re-read when it changed).
- **Closed**: users were added for this database once (it remembers), but the users file
  is gone. Nobody gets in until it is back: a missing file must never turn the app into
  the single-user mode below.
- **Single user**: neither. Whoever reaches the app is the machine's operator, an
  administrator of the police, as on the command line; the sidebar says so. Only for one
  machine where the app listens on 127.0.0.1.

The store checks the same roles again on every read and write (geo/disclosure/access.py): this
module decides who is asking, not what they may do.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit import runtime

from geo.disclosure import access
from geo.disclosure.access import Role
from geo.errors import LofteskartanError, PermissionDenied
from geo.records.models import Actor
from geo.signin.sign_in_guard import begin_attempt, local_sign_in_recorded, record_local_sign_in
from geo.signin.sign_in_guard import succeeded as attempt_succeeded
from geo.signin.users import find_user, still_signed_in, users_path, verify
from geo.store import Store, database_url
from ui.text import plain

LOG = logging.getLogger("lofteskartan.auth")
ALLOW_SINGLE_USER_ENV = "LOFTESKARTAN_ALLOW_SINGLE_USER"
SINGLE_USER = Actor("app:lokal", role=Role.ADMIN.value, organisation="polis")
# (Actor, monotonic time of sign-in, the user's created_at in the file)
_SIGNED_IN = "_lofteskartan_signed_in"
_PROBLEM = "_lofteskartan_sign_in_problem"
# Who app.py's sign-in gate found, for the rest of that one script run (`signed_in_this_run`).
_THIS_RUN = "_lofteskartan_actor_this_run"
CLOSED = (
    "Löfteskartan är stängd: inloggning med användarfil är inställd för den här databasen, "
    "men användarfilen saknas på servern. Den som sköter servern behöver lägga tillbaka "
    "filen (eller lägga till användare med `lofteskartan users add`); appen öppnar igen "
    "när filen finns."
)
REMOVED = (
    "Ditt konto finns inte längre i Löfteskartan (eller har lagts upp på nytt), så du har "
    "loggats ut. Fråga en administratör om du ska ha ett konto."
)


def _secrets_section(name: str) -> Mapping[str, Any] | None:
    """A section of Streamlit's secrets, or None (no secrets file is not an error here)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        section = st.secrets.get(name)
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None
    return section if isinstance(section, Mapping) else None


def _settings() -> Mapping[str, Any]:
    return _secrets_section("lofteskartan") or {}


def users_file() -> Path:
    """The local users file this installation would use (it may not exist)."""
    return users_path(database=database_url())


def _store() -> Store:
    from ui.state import get_store  # ui.state imports this module

    return get_store()


def mode() -> str:
    """ "oidc", "local", "closed" or "single" (see the module docstring)."""
    if _secrets_section("auth") is not None:
        return "oidc"
    if users_file().exists():
        try:
            record_local_sign_in(_store())  # a query only until the mark is seen once
        except SQLAlchemyError:
            # Only a safety net for users added before `init`: sign-in goes on without it.
            LOG.exception("Could not record in the database that local sign-in is in use")
        return "local"
    try:
        recorded = local_sign_in_recorded(_store())
    except SQLAlchemyError:
        # The database cannot say whether sign-in is configured: stay closed.
        LOG.exception("Could not read whether local sign-in is configured")
        return "closed"
    if recorded:
        LOG.error("Local sign-in is configured but the users file %s is missing", users_file())
        return "closed"
    return "single"


def forget_downloads() -> None:
    """Delete the files this browser session could still download (signing out).

    A download button's file is served at a `/media/...` address that works without the
    session; Streamlit deletes an unused file only after two more runs. Here the session's
    references are dropped and the unused files collected twice (mark, then delete), as
    two runs would, so a copied address answers 404 once the user has signed out.
    """
    if not runtime.exists():  # AppTest has no media server
        return
    files = runtime.get_instance().media_file_mgr
    files.clear_session_refs()
    files.remove_orphaned_files()
    files.remove_orphaned_files()


def _end_sign_in(problem: str | None) -> None:
    """Forget the signed-in user of this session and their downloads."""
    st.session_state.pop(_SIGNED_IN, None)
    if problem:
        st.session_state[_PROBLEM] = problem
    forget_downloads()


def _oidc_identity() -> Actor | None:
    if not st.user.get("is_logged_in", False):
        return None
    settings = _settings()
    try:
        return access.actor_from_claims(
            st.user.to_dict(),
            now=datetime.now(UTC),
            max_age=access.session_max_age(configured=settings.get("session_max_hours")),
            role_claim=str(settings.get("role_claim", access.ROLE_CLAIM)),
            organisation_claim=str(settings.get("organisation_claim", access.ORGANISATION_CLAIM)),
        )
    except PermissionDenied as exc:
        st.session_state[_PROBLEM] = str(exc)
        return None


def _local_identity() -> Actor | None:
    if st.session_state.get(_PROBLEM) == CLOSED:
        st.session_state.pop(_PROBLEM)  # the users file is back: open again
    signed_in = st.session_state.get(_SIGNED_IN)
    if signed_in is None:
        return None
    actor, since, created_at = signed_in
    max_age = access.session_max_age(configured=_settings().get("session_max_hours"))
    if time.monotonic() - since > max_age.total_seconds():
        _end_sign_in("Din inloggning har gått ut. Logga in igen.")
        return None
    # Every run: the user must still be in the file (removed, or removed and added again
    # with a new password, ends the sign-in), with the role and organisation it says now.
    user = find_user(users_file(), actor.username)
    if user is None or user.created_at != created_at:
        LOG.warning("Signed out %s: no longer in the users file", actor.username)
        _end_sign_in(REMOVED)
        return None
    current = user.actor()
    if current != actor:
        st.session_state[_SIGNED_IN] = (current, since, created_at)
    return current


def _named_organisation(actor: Actor | None) -> Actor | None:
    """The signed-in user, unless their bare `kommun`/`polis` meets two stored kommuner."""
    if actor is None:
        return None
    store = _store()
    try:
        if store.schema_version() is not None:
            with store.session(actor) as s:
                s.require_named_organisation()
    except PermissionDenied as exc:
        st.session_state[_PROBLEM] = str(exc)
        return None
    return actor


def _shared_database() -> bool:
    """True for a database other people reach too (anything but a local SQLite file)."""
    return not database_url().startswith("sqlite")


def identity() -> Actor | None:
    """Who is signed in, or None. In single-user mode always the local administrator.

    Within a run of app.py the answer of its sign-in gate is reused: every page asks again
    (`require`, `current_actor`, the sidebar), and each asking read the users file or the
    database and the stored promises anew, several times a run. The next run asks afresh.
    """
    if _THIS_RUN in st.session_state:
        actor: Actor = st.session_state[_THIS_RUN]
        return actor
    current = mode()
    if current == "oidc":
        return _named_organisation(_oidc_identity())
    if current == "local":
        return _named_organisation(_local_identity())
    if _shared_database() and os.environ.get(ALLOW_SINGLE_USER_ENV) != "1":
        # Everyone would be administrator of a database many people share: refuse.
        st.session_state[_PROBLEM] = (
            "Databasen är delad (PostgreSQL) men ingen inloggning är inställd. Ställ in "
            "inloggning (OpenID Connect eller `lofteskartan users add`, se "
            f"docs/deployment.md), eller sätt {ALLOW_SINGLE_USER_ENV}=1 om bara du når appen."
        )
        return None
    if current == "closed":
        if _SIGNED_IN in st.session_state:
            _end_sign_in(None)
        st.session_state[_PROBLEM] = CLOSED
        return None
    return SINGLE_USER


def _source() -> str:
    """Where an attempt comes from: the client's address, or "lokal" on the machine itself.

    Streamlit's server (uvicorn) takes it from X-Forwarded-For only for a trusted proxy
    (127.0.0.1 and ::1, or FORWARDED_ALLOW_IPS); behind another proxy every attempt has the
    proxy's address, and the limits per user name and per pair still apply.
    """
    address = st.context.ip_address
    # Not a string under AppTest (a stand-in object); on a real server a str or None.
    return address if isinstance(address, str) and address else "lokal"


def _local_sign_in_form() -> None:
    with st.columns([2, 3])[0], st.form("sign_in"):
        username = st.text_input("Användarnamn", autocomplete="username")
        password = st.text_input("Lösenord", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Logga in", type="primary")
    if not submitted:
        return
    name = username.strip().lower()
    store = _store()
    try:
        # Counted in the database before the password is checked, so parallel attempts
        # (other tabs, processes or servers) queue here instead of all being checked.
        attempt = begin_attempt(store, _source(), name, time.time())
        if not attempt.allowed:
            st.error(plain(attempt.message))
            return
        actor = verify(users_file(), name, password)
        user = find_user(users_file(), name) if actor is not None else None
    except LofteskartanError as exc:
        st.error(plain(str(exc)))
        return
    if actor is None or user is None:
        st.error("Fel användarnamn eller lösenord.")
        return
    attempt_succeeded(store, attempt, time.time())
    st.session_state[_SIGNED_IN] = (actor, time.monotonic(), user.created_at)
    st.session_state.pop(_PROBLEM, None)
    st.rerun()


def _sign_in_page() -> None:
    st.title("Logga in")
    st.caption("Löfteskartan – planering och uppföljning av medborgarlöften.")
    problem = st.session_state.get(_PROBLEM)
    if problem:
        st.warning(plain(problem))
    current = mode()
    if current in ("single", "closed"):
        return  # only the problem above: there is nobody to sign in as
    if current == "oidc":
        provider = _settings().get("provider")
        again = problem is not None and st.user.get("is_logged_in", False)
        label = "Logga in igen" if again else "Logga in"
        if st.button(label, type="primary"):
            st.session_state.pop(_PROBLEM, None)
            if provider:
                st.login(str(provider))
            else:
                st.login()
    else:
        _local_sign_in_form()


def sign_out() -> None:
    """Sign the current user out (OIDC: clears Streamlit's cookie) and forget downloads."""
    _end_sign_in(None)
    st.session_state.pop(_PROBLEM, None)
    if mode() == "oidc":
        st.logout()
    else:
        st.rerun()


def _still_in_check() -> Callable[[], bool]:
    """A check, made during the run, that needs no session: is the sign-in still good?"""
    current = mode()
    if current == "local":
        signed_in = st.session_state.get(_SIGNED_IN)
        if signed_in is None:
            return lambda: False
        actor, since, created_at = signed_in
        path = users_file()
        max_age = access.session_max_age(configured=_settings().get("session_max_hours"))
        return lambda: (
            time.monotonic() - since <= max_age.total_seconds()
            and still_signed_in(path, actor, created_at)
        )
    if current == "oidc":
        issued = st.user.get("iat")
        max_age = access.session_max_age(configured=_settings().get("session_max_hours"))
        if not isinstance(issued, int | float):
            return lambda: False
        deadline = float(issued) + max_age.total_seconds()
        return lambda: time.time() <= deadline
    if current == "single":
        # If a users file appears, the single-user administrator is over.
        path = users_file()
        return lambda: not path.exists()
    return lambda: False


def guarded_download(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """A download button's data, made on click only if the user may still have it.

    The callable runs outside the page run, so a user removed (or signed out elsewhere,
    or whose sign-in expired) since the page was drawn would otherwise still get the file.
    Everything it needs is captured now, during the run.
    """
    still_in = _still_in_check()

    def produce() -> bytes:
        if not still_in():
            LOG.warning("Refused a download: the sign-in that drew the button has ended")
            raise PermissionDenied("Du är inte inloggad längre. Ladda om sidan och logga in.")
        return make()

    return produce


def sign_in_gate(url_paths: Sequence[str] = ()) -> Actor:
    """Return who is signed in; otherwise show only the sign-in page and stop.

    Call it before `st.navigation` in app.py: the sign-in page is then the app's only page,
    so the menu lists nothing and no page script runs before someone has signed in.
    `url_paths` are the app's page addresses: each shows the sign-in page until then, so a
    bookmark to /Karta keeps its address and opens the map once the user has signed in.
    """
    actor = identity()
    if actor is None:
        # "/" is the sign-in page's own address; after signing in it leads to the first page.
        addresses = ["logga-in", *url_paths]
        st.navigation(
            [
                st.Page(_sign_in_page, title="Logga in", url_path=path, default=i == 0)
                for i, path in enumerate(addresses)
            ],
            position="hidden",
        ).run()
        st.stop()
        raise AssertionError("unreachable")  # st.stop() raises; this keeps mypy honest
    return actor


@contextmanager
def signed_in_this_run(actor: Actor) -> Iterator[None]:
    """While the page of this run runs, `identity()` is `actor` (what the sign-in gate found).

    Forgotten when the run ends however it ends (st.stop, st.rerun, an error), so callbacks
    before the next run and the next run itself ask again, and a user removed from the users
    file or signed out elsewhere is out at the next run, as before.
    """
    st.session_state[_THIS_RUN] = actor
    try:
        yield
    finally:
        st.session_state.pop(_THIS_RUN, None)


def show_signed_in(actor: Actor) -> None:
    """Who is signed in and a sign-out button (or the single-user note), in the sidebar."""
    if mode() == "single":
        st.sidebar.info(
            "**Enanvändarläge:** ingen inloggning, så den som når appen är administratör "
            "och ser sekretess. Inloggning: `lofteskartan users add` (docs/deployment.md)."
        )
        return
    st.sidebar.caption(
        f"Inloggad som **{plain(actor.username)}** ({plain(access.describe(actor))})"
    )
    st.sidebar.button("Logga ut", on_click=sign_out, key="sign_out")


def require(role: Role) -> Actor:
    """Stop the page unless the signed-in user has at least `role`; returns the user."""
    actor = identity()
    if actor is None:
        _sign_in_page()
        st.stop()
        raise AssertionError("unreachable")
    try:
        has = access.role_of(actor)
    except PermissionDenied as exc:
        st.error(plain(str(exc)))
        st.stop()
        raise
    if has.rank < role.rank:
        st.error(
            f"Den här sidan kräver rollen {role.label}. Du är inloggad som {plain(actor.username)} "
            f"({plain(access.describe(actor))})."
        )
        st.stop()
    return actor
