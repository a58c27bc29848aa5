"""Roles and access: who may read, plan, log and administer, and who may see sekretess.

Three roles (behörighet), each a superset of the one before:

- läsare (`Role.VIEWER`): reads and exports for their audience;
- planerare (`Role.PLANNER`): also plans and logs (places, planned and done activities,
  findings, imports of places, activities and events);
- administratör (`Role.ADMIN`): also promise files, users, base layers, settings and
  restore from a backup.

Records classified *sekretess* are seen only by the police organisation's planners and
administrators; for everyone else they do not exist (a `get_` of one says "finns inte",
never "du får inte se den", which would tell that it exists).

The rules live here and are enforced by `geo.store.Session` where data is read and written,
so a page that forgets to hide a button still cannot write. The command line runs as the
machine's operator: an administrator of the police organisation (see `geo.cli.common.cli_actor`).
"""

from __future__ import annotations

import contextlib
import enum
import os
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from geo.errors import PermissionDenied
from geo.records.labelled_enum import LabelledEnum
from geo.records.models import Actor, Classification
from geo.records.ranked_enum import RankedEnum


class Role(RankedEnum):
    """Behörighet: what a user may do. Values are the identifiers in files and tokens.

    Declared in rank order, läsare < planerare < administratör: a role may do everything
    the roles below it may.
    """

    VIEWER = "viewer", "läsare"
    PLANNER = "planner", "planerare"
    ADMIN = "admin", "administratör"

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from its identifier or its Swedish name ("planerare", "Administratör").

        Raises
        ------
        PermissionDenied
            The text names no role (an unknown role gets no access at all).
        """
        if role := cls.named(text):
            return role
        known = ", ".join(f"{r.label} ({r.value})" for r in cls)
        raise PermissionDenied(f'Okänd roll "{text}" (kända roller: {known}).')


class Organisation(LabelledEnum):
    """Organisation: the kommun or the Police; decides who sees sekretess."""

    KOMMUN = "kommun", "Kommunen"
    POLICE = "polis", "Polisen"

    @classmethod
    def parse(cls, text: str) -> Organisation:
        """An organisation from "kommun" or "polis" (also "kommunen", "polisen", "police").

        Raises
        ------
        PermissionDenied
            The text names neither.
        """
        if organisation := cls.named(text):
            return organisation
        if text.strip().lower() == "police":  # the English word an OIDC claim may carry
            return cls.POLICE
        raise PermissionDenied(f'Okänd organisation "{text}" (ska vara kommun eller polis).')


class Operation(enum.StrEnum):
    """What a caller wants to do; each needs a minimum role (see `REQUIRED_ROLE`)."""

    READ = "läsa"
    EXPORT = "exportera"
    PLAN = "planera och logga"
    IMPORT = "importera platser, aktiviteter och händelser"
    ADMINISTER = "ändra löftesfiler, användare, baslager och inställningar"
    AUDIT = "läsa ändringsloggen"
    BACKUP = "göra säkerhetskopior"
    RESTORE = "återställa från en säkerhetskopia"


REQUIRED_ROLE: dict[Operation, Role] = {
    Operation.READ: Role.VIEWER,
    Operation.EXPORT: Role.VIEWER,
    Operation.PLAN: Role.PLANNER,
    Operation.IMPORT: Role.PLANNER,
    Operation.ADMINISTER: Role.ADMIN,
    Operation.AUDIT: Role.ADMIN,
    Operation.BACKUP: Role.ADMIN,
    Operation.RESTORE: Role.ADMIN,
}

# Tables whose changes are administration, whatever method writes them. Used by the
# store's safety net on the audit log, so a new write method that forgets its own check
# still cannot let a planner change a promise file or a viewer change anything.
ADMIN_TABLES = frozenset({"meta", "promise_documents", "commitments", "base_layers", "users"})


def role_of(actor: Actor) -> Role:
    """The actor's role (PermissionDenied for a role string that names none)."""
    return Role.parse(actor.role)


def organisation_of(actor: Actor) -> Organisation | None:
    """The actor's organisation, or None when it is empty or unknown."""
    try:
        return Organisation.parse(actor.organisation)
    except PermissionDenied:
        return None


def allows(actor: Actor, operation: Operation) -> bool:
    """True when the actor's role may do `operation`."""
    try:
        role = role_of(actor)
    except PermissionDenied:
        return False
    return role.rank >= REQUIRED_ROLE[operation].rank


def require(actor: Actor, operation: Operation) -> None:
    """Refuse (PermissionDenied, in Swedish) unless the actor may do `operation`."""
    role = role_of(actor)  # an unknown role is refused with its own message
    needed = REQUIRED_ROLE[operation]
    if role.rank < needed.rank:
        raise PermissionDenied(
            f"Du ({actor.username}) är {role.label} och får inte {operation.value}. "
            f"Det kräver rollen {needed.label}; be en administratör om behörighet."
        )


def sees_secret(actor: Actor) -> bool:
    """True for the police organisation's planners and administrators only."""
    return organisation_of(actor) is Organisation.POLICE and allows(actor, Operation.PLAN)


def may_see(actor: Actor, classification: Classification | str) -> bool:
    """Whether a record with this classification exists for the actor."""
    return Classification(classification) is not Classification.SECRET or sees_secret(actor)


def require_for_table(actor: Actor, table_name: str) -> None:
    """The role needed to change a table: administration tables need an administrator."""
    require(actor, Operation.ADMINISTER if table_name in ADMIN_TABLES else Operation.PLAN)


def describe(actor: Actor) -> str:
    """ "planerare, Polisen" for the sidebar and messages."""
    try:
        role = role_of(actor).label
    except PermissionDenied:
        role = f"okänd roll {actor.role!r}"
    organisation = organisation_of(actor)
    return f"{role}, {organisation.label}" if organisation else role


# -- signed-in users (OpenID Connect claims) ---------------------------------------------

ROLE_CLAIM = "lofteskartan_roll"
ORGANISATION_CLAIM = "organisation"
SESSION_ENV = "LOFTESKARTAN_SESSION_MAX_HOURS"
DEFAULT_SESSION_HOURS = 12.0


class SignInExpired(PermissionDenied):
    """The sign-in is older than the installation allows: sign in again."""


def session_max_age(env: Mapping[str, str] | None = None, configured: Any = None) -> timedelta:
    """How old a sign-in may be: `configured` (from secrets), else the env, else 12 hours."""
    env = os.environ if env is None else env
    raw = configured if configured not in (None, "") else env.get(SESSION_ENV, "")
    if raw in (None, ""):
        return timedelta(hours=DEFAULT_SESSION_HOURS)
    try:
        hours = float(str(raw).replace(",", "."))
    except ValueError:
        hours = -1.0
    if not 0 < hours <= 24 * 90:
        raise PermissionDenied(
            f'Inloggningens längsta ålder "{raw}" ska vara ett antal timmar, t.ex. 12.'
        )
    return timedelta(hours=hours)


def actor_from_claims(
    claims: Mapping[str, Any],
    now: datetime,
    max_age: timedelta,
    role_claim: str = ROLE_CLAIM,
    organisation_claim: str = ORGANISATION_CLAIM,
) -> Actor:
    """The actor an OpenID Connect ID token describes.

    The user name is `email`, else `preferred_username`, else `sub`. The role claim may be
    one role or a list (the highest known role counts); the organisation claim must say
    kommun or polis. `iat` (when the token was issued) must be younger than `max_age`:
    Streamlit keeps its sign-in cookie for 30 days and never asks the provider again.

    Raises
    ------
    SignInExpired
        The token is older than `max_age` (or has no `iat`).
    PermissionDenied
        No user name, no known role, or no known organisation: the account is not set up
        for Löfteskartan at the identity provider.
    """
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or isinstance(issued, bool):
        raise SignInExpired("Inloggningen saknar tidpunkt (iat). Logga in igen.")
    age = now - datetime.fromtimestamp(issued, UTC)
    if age > max_age:
        hours = max_age.total_seconds() / 3600
        raise SignInExpired(
            f"Din inloggning är äldre än {hours:g} timmar. Logga in igen för att fortsätta."
        )
    username = next(
        (
            str(claims[k]).strip()
            for k in ("email", "preferred_username", "sub")
            if isinstance(claims.get(k), str) and str(claims[k]).strip()
        ),
        None,
    )
    if username is None:
        raise PermissionDenied("Inloggningen saknar användarnamn (email eller sub).")
    raw_roles = claims.get(role_claim)
    values = raw_roles if isinstance(raw_roles, list) else [raw_roles]
    roles = []
    for value in values:
        if isinstance(value, str):
            with contextlib.suppress(PermissionDenied):
                roles.append(Role.parse(value))
    if not roles:
        raise PermissionDenied(
            f"Kontot {username} har ingen roll i Löfteskartan (anspråket {role_claim} saknas "
            "eller är okänt). Be den som sköter inloggningstjänsten att ge dig rollen "
            "läsare, planerare eller administratör."
        )
    organisation = claims.get(organisation_claim)
    if not isinstance(organisation, str):
        raise PermissionDenied(
            f"Kontot {username} saknar organisation (anspråket {organisation_claim} ska vara "
            "kommun eller polis)."
        )
    role = max(roles, key=lambda r: r.rank)
    return Actor(username, role=role.value, organisation=Organisation.parse(organisation).value)
