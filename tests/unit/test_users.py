"""The local users file: argon2id hashes, written atomically with mode 0600, managed by CLI."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import PermissionDenied
from geo.installation.init import initialise
from geo.records.models import Actor
from geo.signin import users
from geo.signin.sign_in_guard import local_sign_in_recorded
from geo.signin.users import (
    UsersFileError,
    add_user,
    find_user,
    list_users,
    remove_user,
    users_path,
    verify,
)
from geo.store import Store
from tests.common import REPO_ROOT

PASSWORD = "korrekt häst batteri"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "users.json"


def test_a_user_is_stored_with_an_argon2id_hash_in_a_file_only_the_owner_can_read(
    path: Path,
) -> None:
    add_user(path, "Anna.Planerare@Aneby.se", PASSWORD, "planerare", "kommun")
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    entry = json.loads(text)["users"][0]
    assert entry["username"] == "anna.planerare@aneby.se"
    assert entry["role"] == "planner" and entry["organisation"] == "kommun"
    assert entry["password_hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_the_right_password_signs_in_with_role_and_organisation_and_nothing_else_does(
    path: Path,
) -> None:
    add_user(path, "polis1", PASSWORD, "administratör", "polis")
    assert verify(path, "polis1", PASSWORD) == Actor("polis1", "admin", "polis")
    assert verify(path, "POLIS1", PASSWORD) == Actor("polis1", "admin", "polis")
    assert verify(path, "polis1", PASSWORD + " ") is None
    assert verify(path, "okänd", PASSWORD) is None
    assert verify(path, "polis1", "x" * 5000) is None
    assert verify(path, "", "") is None


def test_signing_in_never_writes_the_file(path: Path) -> None:
    add_user(path, "polis1", PASSWORD, "planner", "polis")
    before = path.stat()
    verify(path, "polis1", PASSWORD)
    verify(path, "polis1", "fel lösenord!")
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_a_crash_while_writing_leaves_the_old_file_whole_and_no_temporary_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(path, "första", PASSWORD, "viewer", "kommun")
    old = path.read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(users.json, "dump", crash)
    with pytest.raises(OSError):
        add_user(path, "andra", PASSWORD, "viewer", "kommun")
    assert path.read_bytes() == old
    assert sorted(p.name for p in path.parent.iterdir()) == ["users.json", "users.json.lock"]


def test_the_file_is_replaced_not_rewritten_in_place(path: Path) -> None:
    add_user(path, "första", PASSWORD, "viewer", "kommun")
    inode = path.stat().st_ino
    add_user(path, "andra", PASSWORD, "viewer", "kommun")
    # A new inode: readers see the old file or the new one, never a half-written one.
    assert path.stat().st_ino != inode
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "username, password, role, organisation, message",
    [
        ("ny", "kort", "viewer", "kommun", "minst 10 tecken"),
        ("ny användare", PASSWORD, "viewer", "kommun", "går inte"),
        ("ny", PASSWORD, "gäst", "kommun", 'Okänd roll "gäst"'),
        ("ny", PASSWORD, "viewer", "länsstyrelsen", 'Okänd organisation "länsstyrelsen"'),
    ],
)
def test_bad_users_are_refused_in_swedish(
    path: Path, username: str, password: str, role: str, organisation: str, message: str
) -> None:
    with pytest.raises((UsersFileError, PermissionDenied), match=message):
        add_user(path, username, password, role, organisation)
    assert not path.exists()


def test_a_user_name_can_be_added_once_and_removed(path: Path) -> None:
    add_user(path, "anna", PASSWORD, "viewer", "kommun")
    with pytest.raises(UsersFileError, match='"anna" finns redan'):
        add_user(path, "Anna", PASSWORD, "admin", "polis")
    assert remove_user(path, "anna").username == "anna"
    assert list_users(path) == []
    with pytest.raises(UsersFileError, match='ingen användare "anna"'):
        remove_user(path, "anna")


def test_a_broken_users_file_is_reported_with_its_line(path: Path) -> None:
    path.write_text('{"format": 1, "users": [\n  {"username": }\n]}', encoding="utf-8")
    with pytest.raises(UsersFileError, match=r", rad 2, kolumn \d+: ogiltig JSON"):
        verify(path, "anna", PASSWORD)


def test_the_users_file_sits_next_to_the_sqlite_database_unless_configured(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/data/db.sqlite"
    assert users_path({}, database=url) == tmp_path / "data" / "users.json"
    env = {"LOFTESKARTAN_USERS": str(tmp_path / "etc" / "anv.json")}
    assert users_path(env, database=url) == tmp_path / "etc" / "anv.json"


def test_two_commands_adding_users_at_once_lose_neither(path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from geo.signin.users import add_user\n"
        "for i in range(3):\n"
        "    add_user(Path(sys.argv[1]), f'{sys.argv[2]}{i}', 'lösenord123', 'viewer', 'kommun')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(path), prefix], env=env)
        for prefix in ("a", "b")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert [u.username for u in list_users(path)] == ["a0", "a1", "a2", "b0", "b1", "b2"]


def test_the_users_command_adds_lists_and_removes_and_records_it_in_the_audit_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/db.sqlite"
    store = Store(url)
    initialise(store, Actor("test"), [REPO_ROOT / "data" / "promises"])
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    args = ["users", "add", "lisa", "--role", "planerare", "--organisation", "polis"]
    assert main([*args, "--password-stdin"]) == 0
    assert "lisa (planerare, Polisen) lades till" in capsys.readouterr().out
    assert verify(tmp_path / "users.json", "lisa", PASSWORD) == Actor("lisa", "planner", "polis")
    # The database now knows sign-in is configured: without the file the app stays closed.
    assert local_sign_in_recorded(Store(url))

    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "lisa" in listing and "planerare" in listing
    assert "argon2" not in listing

    monkeypatch.setattr(sys, "stdin", io.StringIO("kort\n"))
    assert (
        main(
            [
                "users",
                "add",
                "per",
                "--role",
                "läsare",
                "--organisation",
                "kommun",
                "--password-stdin",
            ]
        )
        == 2
    )
    assert "minst 10 tecken" in capsys.readouterr().err

    assert main(["users", "remove", "lisa"]) == 0
    with store.session(Actor("test")) as s:
        entries = [e for e in s.audit_log() if e["table_name"] == "users"]
    store.dispose()
    assert [(e["action"], e["record_id"]) for e in entries] == [
        ("delete", "lisa"),
        ("create", "lisa"),
    ]
    assert entries[1]["after"] == {"role": "planner", "organisation": "polis"}


def test_adding_a_user_without_a_terminal_asks_for_password_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{tmp_path}/db.sqlite")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["users", "add", "lisa", "--role", "viewer", "--organisation", "polis"]) == 2
    assert "--password-stdin" in capsys.readouterr().err
    assert not (tmp_path / "users.json").exists()


def test_every_page_run_only_stats_the_file_until_it_changes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(path, "lisa", PASSWORD, "planerare", "kommun")
    reads: list[Path] = []
    real_read = users._read
    monkeypatch.setattr(users, "_read", lambda p: reads.append(p) or real_read(p))
    for _ in range(100):
        user = find_user(path, "Lisa")
        assert user is not None and user.role.value == "planner"
    assert len(reads) == 1

    add_user(path, "per", PASSWORD, "läsare", "kommun")  # a new file (os.replace)
    remove_user(path, "lisa")
    assert find_user(path, "lisa") is None
    assert find_user(path, "per") is not None
    path.unlink()
    assert find_user(path, "per") is None


def test_work_after_the_page_run_checks_the_user_is_still_there_unchanged(path: Path) -> None:
    lisa = add_user(path, "lisa", PASSWORD, "planerare", "kommun")
    actor = lisa.actor()
    assert users.still_signed_in(path, actor, lisa.created_at)
    # Another role than the one signed in with: no longer the same sign-in.
    assert not users.still_signed_in(path, Actor("lisa", "admin", "kommun"), lisa.created_at)
    # Added again (a new password): a new created_at, the old sign-in is over.
    assert not users.still_signed_in(path, actor, "2020-01-01T00:00:00+01:00")
    remove_user(path, "lisa")
    assert not users.still_signed_in(path, actor, lisa.created_at)
    path.write_text("{trasig", encoding="utf-8")
    assert not users.still_signed_in(path, actor, lisa.created_at)


def test_sign_in_is_turned_off_only_once_every_user_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/db.sqlite"
    store = Store(url)
    store.create_or_upgrade()
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    args = ["users", "add", "lisa", "--role", "admin", "--organisation", "polis"]
    assert main([*args, "--password-stdin"]) == 0
    assert local_sign_in_recorded(store)

    assert main(["users", "off"]) == 2
    assert "fortfarande användare (lisa)" in capsys.readouterr().err
    assert local_sign_in_recorded(store)

    assert main(["users", "remove", "lisa"]) == 0
    assert main(["users", "off"]) == 0
    assert "avstängd" in capsys.readouterr().out
    assert not local_sign_in_recorded(Store(url))
    assert not (tmp_path / "users.json").exists()
