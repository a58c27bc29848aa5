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
machine's operator: an administrator of the police organisation (see `geo.cli.cli_actor`).
"""

from __future__ import annotations

import enum

from geo.errors import PermissionDenied
from geo.models import Actor, Classification


class Role(enum.StrEnum):
    """Behörighet: what a user may do. Values are the identifiers in files and tokens."""

    VIEWER = "viewer"
    PLANNER = "planner"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Swedish name for the user interface and messages."""
        return _ROLE_LABELS[self]

    @property
    def rank(self) -> int:
        """Viewer < planner < admin: a role may do everything the roles below it may."""
        return _ROLE_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from its identifier or its Swedish name ("planerare", "Administratör").

        Raises
        ------
        PermissionDenied
            The text names no role (an unknown role gets no access at all).
        """
        key = text.strip().lower()
        for role in cls:
            if key in (role.value, role.label.lower()):
                return role
        known = ", ".join(f"{r.label} ({r.value})" for r in cls)
        raise PermissionDenied(f'Okänd roll "{text}" (kända roller: {known}).')


_ROLE_ORDER = (Role.VIEWER, Role.PLANNER, Role.ADMIN)
_ROLE_LABELS = {Role.VIEWER: "läsare", Role.PLANNER: "planerare", Role.ADMIN: "administratör"}


class Organisation(enum.StrEnum):
    """Organisation: the kommun or the Police; decides who sees sekretess."""

    KOMMUN = "kommun"
    POLICE = "polis"

    @property
    def label(self) -> str:
        """Swedish name for the user interface."""
        return "Polisen" if self is Organisation.POLICE else "Kommunen"

    @classmethod
    def parse(cls, text: str) -> Organisation:
        """An organisation from "kommun" or "polis" (also "polisen", any case).

        Raises
        ------
        PermissionDenied
            The text names neither.
        """
        key = text.strip().lower()
        if key in ("polis", "polisen", "police"):
            return cls.POLICE
        if key in ("kommun", "kommunen"):
            return cls.KOMMUN
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
