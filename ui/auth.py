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
  geo/users.py): a Swedish form asks for user name and password. The sign-in lasts for the
  browser tab's session (reloading the page asks again) and at most the same max age.
- **Single user**: neither. Whoever reaches the app is the machine's operator, an
  administrator of the police, as on the command line; the sidebar says so. Only for one
  machine where the app listens on 127.0.0.1.

The store checks the same roles again on every read and write (geo/access.py): this
module decides who is asking, not what they may do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from geo import access
from geo.access import Role
from geo.errors import LofteskartanError, PermissionDenied
from geo.models import Actor
from geo.store import database_url
from geo.users import users_path, verify

ALLOW_SINGLE_USER_ENV = "LOFTESKARTAN_ALLOW_SINGLE_USER"
SINGLE_USER = Actor("app:lokal", role=Role.ADMIN.value, organisation="polis")
_SIGNED_IN = "_lofteskartan_signed_in"  # (Actor, monotonic time of sign-in)
_PROBLEM = "_lofteskartan_sign_in_problem"
_MAX_FAILURES = 5
_LOCKOUT_SECONDS = 300


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


def mode() -> str:
    """ "oidc", "local" or "single" (see the module docstring)."""
    if _secrets_section("auth") is not None:
        return "oidc"
    if users_file().exists():
        return "local"
    return "single"


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
    signed_in = st.session_state.get(_SIGNED_IN)
    if signed_in is None:
        return None
    actor, since = signed_in
    max_age = access.session_max_age(configured=_settings().get("session_max_hours"))
    if time.monotonic() - since > max_age.total_seconds():
        del st.session_state[_SIGNED_IN]
        st.session_state[_PROBLEM] = "Din inloggning har gått ut. Logga in igen."
        return None
    return actor


def _shared_database() -> bool:
    """True for a database other people reach too (anything but a local SQLite file)."""
    return not database_url().startswith("sqlite")


def identity() -> Actor | None:
    """Who is signed in, or None. In single-user mode always the local administrator."""
    current = mode()
    if current == "oidc":
        return _oidc_identity()
    if current == "local":
        return _local_identity()
    if _shared_database() and os.environ.get(ALLOW_SINGLE_USER_ENV) != "1":
        # Everyone would be administrator of a database many people share: refuse.
        st.session_state[_PROBLEM] = (
            "Databasen är delad (PostgreSQL) men ingen inloggning är inställd. Ställ in "
            "inloggning (OpenID Connect eller `lofteskartan users add`, se "
            f"docs/deployment.md), eller sätt {ALLOW_SINGLE_USER_ENV}=1 om bara du når appen."
        )
        return None
    return SINGLE_USER


@st.cache_resource(show_spinner=False)
def _failures() -> dict[str, list[float]]:
    """Failed local sign-ins per user name, for the whole server (slows down guessing)."""
    return {}


def _locked_out(username: str) -> bool:
    recent = [t for t in _failures().get(username, []) if time.monotonic() - t < _LOCKOUT_SECONDS]
    _failures()[username] = recent
    return len(recent) >= _MAX_FAILURES


def _local_sign_in_form() -> None:
    with st.columns([2, 3])[0], st.form("sign_in"):
        username = st.text_input("Användarnamn", autocomplete="username")
        password = st.text_input("Lösenord", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Logga in", type="primary")
    if not submitted:
        return
    name = username.strip().lower()
    if _locked_out(name):
        st.error("För många misslyckade försök. Vänta fem minuter och försök igen.")
        return
    try:
        actor = verify(users_file(), name, password)
    except LofteskartanError as exc:
        st.error(str(exc))
        return
    if actor is None:
        _failures().setdefault(name, []).append(time.monotonic())
        st.error("Fel användarnamn eller lösenord.")
        return
    _failures().pop(name, None)
    st.session_state[_SIGNED_IN] = (actor, time.monotonic())
    st.session_state.pop(_PROBLEM, None)
    st.rerun()


def _sign_in_page() -> None:
    st.title("Logga in")
    st.caption("Löfteskartan – planering och uppföljning av medborgarlöften.")
    problem = st.session_state.get(_PROBLEM)
    if problem:
        st.warning(problem)
    if mode() == "single":
        return  # only the problem above: there is nobody to sign in as
    if mode() == "oidc":
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
    """Sign the current user out (OIDC: clears Streamlit's cookie)."""
    st.session_state.pop(_SIGNED_IN, None)
    st.session_state.pop(_PROBLEM, None)
    if mode() == "oidc":
        st.logout()
    else:
        st.rerun()


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


def show_signed_in(actor: Actor) -> None:
    """Who is signed in and a sign-out button (or the single-user note), in the sidebar."""
    if mode() == "single":
        st.sidebar.info(
            "**Enanvändarläge:** ingen inloggning, så den som når appen är administratör "
            "och ser sekretess. Inloggning: `lofteskartan users add` (docs/deployment.md)."
        )
        return
    st.sidebar.caption(f"Inloggad som **{actor.username}** ({access.describe(actor)})")
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
        st.error(str(exc))
        st.stop()
        raise
    if has.rank < role.rank:
        st.error(
            f"Den här sidan kräver rollen {role.label}. Du är inloggad som {actor.username} "
            f"({access.describe(actor)})."
        )
        st.stop()
    return actor
