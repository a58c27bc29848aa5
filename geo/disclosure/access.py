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
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from geo.errors import PermissionDenied
from geo.records.kinds import Classification
from geo.records.labelled_enum import LabelledEnum
from geo.records.models import Actor
from geo.records.promise import PromiseDocument
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


class OrganisationKind(LabelledEnum):
    """The kind of organisation: a kommun or the Police; decides who sees sekretess."""

    KOMMUN = "kommun", "Kommunen"
    POLICE = "polis", "Polisen"


_KOMMUNKOD = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Organisation:
    """Organisation: which kommun (by its code) or which police area (by its name).

    Written `kommun:0682` or `polis:Lokalpolisområde Höglandet` in the users file, the
    `--organisation` of `lofteskartan users add` and the identity provider's claim. The bare
    `kommun` or `polis` of earlier versions (`unit` None) names no kommun or area: it is
    accepted only while the database holds one kommun (`require_named_organisation`).
    """

    kind: OrganisationKind
    unit: str | None = None

    @classmethod
    def parse(cls, text: str) -> Organisation:
        """An organisation from "kommun:0682", "polis:Lokalpolisområde Höglandet" or bare.

        The kind may also be written "kommunen", "polisen" or "police" (the English word an
        OIDC claim may carry).

        Raises
        ------
        PermissionDenied
            The text names no kind, a kommun without four digits, or a police area without
            a name.
        """
        kind_text, colon, unit_text = text.partition(":")
        key = kind_text.strip()
        kind = OrganisationKind.named(key) or (
            OrganisationKind.POLICE if key.lower() == "police" else None
        )
        if kind is None:
            raise PermissionDenied(
                f'Okänd organisation "{text}" (ska vara kommun:KOMMUNKOD, t.ex. kommun:0682, '
                "eller polis:LOKALPOLISOMRÅDE, t.ex. polis:Lokalpolisområde Höglandet)."
            )
        if not colon:
            return cls(kind)
        unit = " ".join(unit_text.split())
        if kind is OrganisationKind.KOMMUN and not _KOMMUNKOD.match(unit):
            raise PermissionDenied(
                f'Organisationen "{text}" har ingen giltig kommunkod: skriv kommun och '
                "kommunens fyra siffror, t.ex. kommun:0682."
            )
        if not unit:
            raise PermissionDenied(
                f'Organisationen "{text}" saknar lokalpolisområdets namn, t.ex. '
                "polis:Lokalpolisområde Höglandet."
            )
        return cls(kind, unit)

    @property
    def is_police(self) -> bool:
        """True for the Police (any area, or bare)."""
        return self.kind is OrganisationKind.POLICE

    @property
    def label(self) -> str:
        """ "Kommunen 0682", "Polisen, Lokalpolisområde Höglandet", or "Kommunen" when bare."""
        if self.unit is None:
            return self.kind.label
        separator = " " if self.kind is OrganisationKind.KOMMUN else ", "
        return f"{self.kind.label}{separator}{self.unit}"

    def __str__(self) -> str:
        """The text files and claims hold: "kommun:0682", or "polis" when bare."""
        return self.kind.value if self.unit is None else f"{self.kind.value}:{self.unit}"


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
    organisation = organisation_of(actor)
    return organisation is not None and organisation.is_police and allows(actor, Operation.PLAN)


def may_see(actor: Actor, classification: Classification | str) -> bool:
    """Whether a record with this classification exists for the actor."""
    return Classification(classification) is not Classification.SECRET or sees_secret(actor)


def may_work_on(actor: Actor, document: PromiseDocument) -> bool:
    """Whether the actor sees and changes the records of this medborgarlöfte.

    A kommun works on the promises of its own kommun (`kommunkod`), a police area on those
    of every kommun in the area (`police_area`, the file's `polis: område:`). A bare
    `kommun` or `polis` names neither and works on every promise: it is accepted only
    while one kommun is stored (`require_named_organisation`). An unknown organisation
    works on none.
    """
    organisation = organisation_of(actor)
    if organisation is None:
        return False
    if organisation.unit is None:
        return True
    if organisation.kind is OrganisationKind.KOMMUN:
        return document.kommunkod == organisation.unit
    return in_police_area(document, organisation.unit)


def in_police_area(document: PromiseDocument, area: str) -> bool:
    """Whether the promise's file names this police area (without case or extra spaces)."""
    return _area_key(document.police_area) == _area_key(area)


def _area_key(name: str) -> str:
    """A police area's name compared without case or extra spaces."""
    return " ".join(name.split()).casefold()


def require_work_on(actor: Actor, document: PromiseDocument) -> None:
    """Refuse (PermissionDenied, in Swedish) a promise the actor may not work on."""
    if not may_work_on(actor, document):
        organisation = organisation_of(actor)
        who = organisation.label if organisation else f"okänd organisation {actor.organisation!r}"
        raise PermissionDenied(
            f"Du ({actor.username}, {who}) arbetar inte med medborgarlöftet {document.id} "
            f"({document.kommun_name}, {document.police_area}) och kan inte se eller ändra det."
        )


def require_named_organisation(
    actor: Actor, documents: Sequence[PromiseDocument], kinds: Collection[OrganisationKind]
) -> None:
    """Refuse a bare organisation of one of `kinds` once promises of two kommuner are stored.

    The store refuses a bare `kommun` (it cannot tell which kommun is meant); signing in
    refuses a bare `polis` too, so every signed-in user names their kommun or police area.
    The machine's operator (the command line) is a bare `polis` and works on every promise.

    Raises
    ------
    PermissionDenied
        Names the user and the stored kommuner, and says how to write the organisation.
    """
    organisation = organisation_of(actor)
    if organisation is None or organisation.unit is not None or organisation.kind not in kinds:
        return
    kommuner = sorted({(d.kommun_name, d.kommunkod) for d in documents})
    if len(kommuner) < 2:
        return
    names = ", ".join(f"{name} ({code})" for name, code in kommuner)
    raise PermissionDenied(
        f'Användaren {actor.username} har organisationen "{organisation}" utan att säga '
        f"vilken, men databasen har medborgarlöften för flera kommuner: {names}. Skriv "
        f"organisationen som kommun:KOD (t.ex. kommun:{kommuner[0][1]}) eller "
        "polis:LOKALPOLISOMRÅDE (t.ex. polis:Lokalpolisområde Höglandet) i användarfilen "
        "(`lofteskartan users remove` och `users add`) eller i inloggningstjänstens anspråk."
    )


def promises_to_work_on(
    actor: Actor, documents: Sequence[PromiseDocument]
) -> list[PromiseDocument]:
    """The promises the actor may work on, in the given order (a bare kommun is refused
    once two kommuner are stored, see `require_named_organisation`)."""
    require_named_organisation(actor, documents, {OrganisationKind.KOMMUN})
    return [d for d in documents if may_work_on(actor, d)]


# A promise and its commitments: administration, or the promise's own signing organisations.
PROMISE_TABLES = frozenset({"promise_documents", "commitments"})


def require_for_table(
    actor: Actor, table_name: str, promise: PromiseDocument | None = None
) -> None:
    """The role needed to change a table: administration tables need an administrator.

    A promise's own tables (`PROMISE_TABLES`) may also be changed by a planner of a signing
    organisation when the write names the promise (`may_edit_promise`).
    """
    if table_name in PROMISE_TABLES and promise is not None:
        require_edit_promise(actor, promise)
        return
    require(actor, Operation.ADMINISTER if table_name in ADMIN_TABLES else Operation.PLAN)


def may_edit_promise(actor: Actor, document: PromiseDocument) -> bool:
    """Whether the actor may store this medborgarlöfte (the file, the editor, next year's).

    Administrators of an organisation that works on it, and planners of an organisation
    that signs it: the named kommun (`kommun:KOD`) or police area (`polis:OMRÅDE`). A bare
    `kommun` or `polis` names no signatory, so only its administrators may.
    """
    if not may_work_on(actor, document):
        return False
    if allows(actor, Operation.ADMINISTER):
        return True
    organisation = organisation_of(actor)
    return allows(actor, Operation.PLAN) and organisation is not None and bool(organisation.unit)


def require_edit_promise(actor: Actor, document: PromiseDocument) -> None:
    """Refuse (PermissionDenied, in Swedish) a promise the actor may not store."""
    require_work_on(actor, document)
    if not may_edit_promise(actor, document):
        raise PermissionDenied(
            f"Du ({actor.username}) får inte spara medborgarlöftet {document.id}: det får "
            "administratörer och planerare i en kommun eller ett lokalpolisområde som skriver "
            "under det (organisation kommun:KOD eller polis:LOKALPOLISOMRÅDE)."
        )


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
    one role or a list (the highest known role counts); the organisation claim is written
    as `Organisation.parse` reads it (kommun:0682, polis:Lokalpolisområde Höglandet). `iat`
    (when the token was issued) must be younger than `max_age`: Streamlit keeps its sign-in
    cookie for 30 days and never asks the provider again.

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
            "kommun:KOMMUNKOD eller polis:LOKALPOLISOMRÅDE)."
        )
    role = max(roles, key=lambda r: r.rank)
    return Actor(username, role=role.value, organisation=str(Organisation.parse(organisation)))
