"""Roles and sekretess, enforced by the store: each role × each operation, on both backends.

A viewer reads and exports; a planner also plans and logs; an administrator also changes
promise files, settings, base layers, reads the audit log and restores. Sekretess exists
only for the police organisation's planners and administrators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from shapely.geometry import Point

from geo.disclosure import access
from geo.errors import LofteskartanError, NotFoundError, PermissionDenied
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    Activity,
    Actor,
    BaseLayer,
    Finding,
    Place,
    PlaceKind,
    PlannedActivity,
)
from geo.records.promise_file import load_promise_file
from geo.store import Session, Store
from tests.trust import (
    ADMIN_KOMMUN,
    ADMIN_POLICE,
    ALL_ACTORS,
    PLANNER_KOMMUN,
    PLANNER_POLICE,
    PROMISE_FILE,
    VIEWER_KOMMUN,
    VIEWER_POLICE,
    X0,
    Y0,
    Seeded,
    at,
    drop_database,
    new_postgis_database,
    seed,
)


@dataclass(frozen=True)
class SeededStore:
    store: Store
    ids: Seeded


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)]
)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededStore]:
    """One seeded store per backend for the whole module; every operation is rolled back."""
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path_factory.mktemp('access')}/access.sqlite")
        yield SeededStore(store, seed(store))
        store.dispose()
        return
    server = request.getfixturevalue("postgis_server")
    url, dbname = new_postgis_database(server)
    store = Store(url)
    try:
        yield SeededStore(store, seed(store))
    finally:
        store.dispose()
        drop_database(server, dbname)


class _RollBack(Exception):
    """Raised after an allowed operation so the seeded store stays as it was."""


Op = Callable[[Session, Seeded], object]


def _changed_promise_text() -> str:
    return PROMISE_FILE.read_text(encoding="utf-8") + "\n# ändrad av testet\n"


OPERATIONS: dict[str, tuple[str, Op]] = {
    # name: (what it needs, operation)
    "list_places": ("read", lambda s, i: s.list_places()),
    "get_open_place": ("read", lambda s, i: s.get_place(i.places[0])),
    "list_activities": ("read", lambda s, i: s.list_activities()),
    "get_open_activity": ("read", lambda s, i: s.get_activity(i.activities[0])),
    "list_planned": ("read", lambda s, i: s.list_planned()),
    "list_findings": ("read", lambda s, i: s.list_findings()),
    "promise_documents": ("read", lambda s, i: s.promise_documents()),
    "add_place": (
        "plan",
        lambda s, i: s.add_place(
            Place(PlaceKind.POLICE_OFFICE, "Nytt kontor", Point(X0, Y0), Classification.OPEN)
        ),
    ),
    "add_secret_place": (
        "plan_secret",
        lambda s, i: s.add_place(
            Place(PlaceKind.INTERVENTION_PLACE, "Ny insats", Point(X0, Y0), Classification.SECRET)
        ),
    ),
    "update_place": (
        "plan",
        lambda s, i: s.update_place(replace(s.get_place(i.places[0]), name="Stora torget")),
    ),
    "retire_place": ("plan", lambda s, i: s.retire_place(i.places[0], 1)),
    "add_activity": (
        "plan",
        lambda s, i: s.add_activity(
            Activity(CommitmentKind.PRESENCE, at(21, 10), at(21, 12), place_id=i.places[0])
        ),
    ),
    "update_activity": (
        "plan",
        lambda s, i: s.update_activity(replace(s.get_activity(i.activities[0]), note="Ny not")),
    ),
    "add_planned": (
        "plan",
        lambda s, i: s.add_planned(
            PlannedActivity(CommitmentKind.PRESENCE, at(27, 10), at(27, 12), place_id=i.places[0])
        ),
    ),
    "update_planned": (
        "plan",
        lambda s, i: s.update_planned(replace(s.list_planned()[0], team="Lag 2")),
    ),
    "add_finding": (
        "plan",
        lambda s, i: s.add_finding(Finding(i.activities[0], "klotter", Point(X0, Y0))),
    ),
    "save_promise_document": (
        "admin",
        lambda s, i: s.save_promise_document(
            load_promise_file(PROMISE_FILE), PROMISE_FILE.name, _changed_promise_text()
        ),
    ),
    "set_setting": ("admin", lambda s, i: s.set_setting("karta_start", "Aneby")),
    "replace_base_layer": (
        "admin",
        lambda s, i: s.replace_base_layer(
            BaseLayer("vagar", "Vägar", "Källa: test"), [({"namn": "Väg 1"}, Point(X0, Y0))]
        ),
    ),
    "audit_log": ("admin", lambda s, i: s.audit_log()),
    "backup_rows": ("backup", lambda s, i: list(s.table_rows("places"))),
}


def allowed(actor: Actor, need: str) -> bool:
    """The rule being tested, written out per role and organisation."""
    role, police = actor.role, actor.organisation == "polis"
    return {
        "read": True,
        "plan": role in ("planner", "admin"),
        "plan_secret": role in ("planner", "admin") and police,
        "admin": role == "admin",
        "backup": role == "admin" and police,
    }[need]


@pytest.mark.parametrize("actor", ALL_ACTORS, ids=lambda a: a.username)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_role_may_do_exactly_what_its_role_allows_through_the_store(
    seeded: SeededStore, actor: Actor, operation: str
) -> None:
    need, op = OPERATIONS[operation]
    try:
        with seeded.store.session(actor) as s:
            op(s, seeded.ids)
            raise _RollBack
    except _RollBack:
        refused = None
    except PermissionDenied as exc:
        refused = exc
    if allowed(actor, need):
        assert refused is None, f"{actor.username} should be allowed {operation}: {refused}"
    else:
        assert refused is not None, f"{actor.username} must be refused {operation}"
        assert actor.username in str(refused) or "sekretess" in str(refused)


@pytest.mark.parametrize("actor", ALL_ACTORS, ids=lambda a: a.username)
def test_only_administrators_may_restore(seeded: SeededStore, actor: Actor) -> None:
    # The seeded store holds data, so an administrator gets past the role check and is
    # stopped by the non-empty check instead; nobody's call changes anything.
    with pytest.raises(LofteskartanError) as refused:
        seeded.store.restore(actor, lambda table: [])
    if actor.role == "admin":
        assert not isinstance(refused.value, PermissionDenied)
        assert "innehåller redan uppgifter" in str(refused.value)
    else:
        assert isinstance(refused.value, PermissionDenied)


def test_a_viewer_is_told_in_swedish_why_a_write_is_refused(seeded: SeededStore) -> None:
    with pytest.raises(PermissionDenied) as refused, seeded.store.session(VIEWER_KOMMUN) as s:
        s.add_place(Place(PlaceKind.POLICE_OFFICE, "Kontor", Point(X0, Y0)))
    assert str(refused.value) == (
        "Du (läsare@kommun) är läsare och får inte planera och logga. Det kräver rollen "
        "planerare; be en administratör om behörighet."
    )


@pytest.mark.parametrize(
    "actor, sees",
    [
        (VIEWER_KOMMUN, False),
        (VIEWER_POLICE, False),
        (PLANNER_KOMMUN, False),
        (PLANNER_POLICE, True),
        (ADMIN_KOMMUN, False),
        (ADMIN_POLICE, True),
    ],
    ids=lambda v: v.username if isinstance(v, Actor) else str(v),
)
def test_sekretess_records_exist_only_for_police_planners_and_administrators(
    seeded: SeededStore, actor: Actor, sees: bool
) -> None:
    ids = seeded.ids
    with seeded.store.session(actor) as s:
        places = {p.id for p in s.list_places()}
        activities = {a.id for a in s.list_activities()}
        planned = {p.id for p in s.list_planned()}
        findings = {f.id for f in s.list_findings()}
    expected = (lambda pair: set(pair)) if sees else (lambda pair: {pair[0]})
    assert places == expected(ids.places)
    assert activities == expected(ids.activities)
    assert planned == expected(ids.planned)
    assert findings == expected(ids.findings)

    getters: list[tuple[Callable[[Session], object], str]] = [
        (lambda s: s.get_place(ids.places[1]), f"Platsen {ids.places[1]} finns inte."),
        (
            lambda s: s.get_activity(ids.activities[1]),
            f"Aktiviteten {ids.activities[1]} finns inte.",
        ),
        (
            lambda s: s.get_planned(ids.planned[1]),
            f"Den planerade aktiviteten {ids.planned[1]} finns inte.",
        ),
    ]
    for get, message in getters:
        with seeded.store.session(actor) as s:
            if sees:
                assert get(s) is not None
            else:
                # The same answer as for an id that was never used: nothing leaks.
                with pytest.raises(NotFoundError, match=f"^{message}$"):
                    get(s)


def test_a_kommun_planner_cannot_reach_a_sekretess_place_by_its_id(seeded: SeededStore) -> None:
    secret = seeded.ids.places[1]
    with pytest.raises(NotFoundError), seeded.store.session(PLANNER_KOMMUN) as s:
        s.retire_place(secret, 1)
    with pytest.raises(NotFoundError), seeded.store.session(PLANNER_KOMMUN) as s:
        s.update_place(
            Place(PlaceKind.INTERVENTION_PLACE, "x", Point(X0, Y0), id=secret, version=1)
        )
    with seeded.store.session(PLANNER_POLICE) as s:
        assert s.get_place(secret).name == "Insatsplats hemlig"


def test_the_audit_log_hides_sekretess_changes_from_a_kommun_administrator(
    seeded: SeededStore,
) -> None:
    with seeded.store.session(ADMIN_POLICE) as s:
        police_view = s.audit_log(limit=None)
    with seeded.store.session(ADMIN_KOMMUN) as s:
        kommun_view = s.audit_log(limit=None)
    secret = {
        ("places", str(seeded.ids.places[1])),
        ("activities", str(seeded.ids.activities[1])),
        ("planned_activities", str(seeded.ids.planned[1])),
        ("findings", str(seeded.ids.findings[1])),
    }
    police_keys = {(e["table_name"], e["record_id"]) for e in police_view}
    kommun_keys = {(e["table_name"], e["record_id"]) for e in kommun_view}
    assert secret <= police_keys
    assert not secret & kommun_keys
    assert len(police_view) - len(kommun_view) == len(secret)


def test_the_audit_safety_net_refuses_a_write_method_that_forgot_its_own_check(
    seeded: SeededStore,
) -> None:
    # record_change stands for any new write method: its audit entry checks the role.
    with pytest.raises(PermissionDenied), seeded.store.session(PLANNER_POLICE) as s:
        s.record_change("create", "users", "ny", None, {"role": "admin"})
    with pytest.raises(PermissionDenied), seeded.store.session(VIEWER_POLICE) as s:
        s.record_change("create", "places", "1", None, {"name": "x"})


def test_an_actor_with_an_unknown_role_cannot_even_read(seeded: SeededStore) -> None:
    with pytest.raises(PermissionDenied, match='Okänd roll "gäst"'):
        with seeded.store.session(Actor("vem", role="gäst", organisation="polis")):
            pass


@pytest.mark.parametrize(
    "text, role",
    [
        ("läsare", "viewer"),
        ("Planerare", "planner"),
        ("administratör", "admin"),
        ("admin", "admin"),
    ],
)
def test_roles_are_read_from_their_swedish_names_or_identifiers(text: str, role: str) -> None:
    assert access.Role.parse(text).value == role


def test_the_defaults_of_an_actor_are_the_machines_operator() -> None:
    operator = Actor("cli:root")
    assert access.role_of(operator) is access.Role.ADMIN
    assert access.sees_secret(operator)


def test_every_write_method_on_the_session_checks_the_role() -> None:
    # A new write method must call self._require(...) (or at least write the audit log).
    import ast
    import inspect

    # Session is composed of one part per record kind: scan each part's own methods.
    writers = []
    for part in Session.__mro__:
        if not part.__module__.startswith("geo.store."):
            continue
        source = Path(inspect.getfile(part)).read_text(encoding="utf-8")
        tree = ast.parse(source)
        cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == part.__name__)
        writers += [
            (f.name, ast.get_source_segment(source, f))
            for f in cls.body
            if isinstance(f, ast.FunctionDef)
            and f.name.split("_")[0]
            in ("add", "update", "retire", "replace", "save", "set", "import", "remove")
        ]
    assert writers, "the scan found the write methods"
    # `_plannable` is `_require` for activities and plans (after making them as strict as
    # their place): calling it counts as the check.
    checks = ("self._require(", "self._plannable(")
    unchecked = [name for name, code in writers if not any(c in (code or "") for c in checks)]
    assert unchecked == []
