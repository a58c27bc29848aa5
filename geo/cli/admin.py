"""Running an installation: `init`, `serve`, `users`, `backup` and `restore`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from geo.cli import common

if TYPE_CHECKING:
    from geo.store import Store  # at run time only in `geo.cli.main`: keeps `--help` fast

# -- init -------------------------------------------------------------------------------


def register_init(sub: argparse._SubParsersAction) -> None:
    """Add `init`."""
    p = sub.add_parser(
        "init", help="skapa eller uppgradera databasen och läs in löften och baslager"
    )
    p.add_argument("--demo", action="store_true", help="lägg till exempeldata för Aneby")
    p.add_argument(
        "--promise",
        action="append",
        type=Path,
        metavar="FIL",
        help="löftesfil(er) att läsa in (standard: alla i data/promises/)",
    )
    p.set_defaults(handler=_cmd_init)


def _cmd_init(args: argparse.Namespace, store: Store) -> int:
    from geo.installation.init import initialise  # keeps `--help` fast

    for line in initialise(
        store, common.cli_actor(), args.promise or [common.PROMISE_DIR], demo=args.demo
    ):
        print(line)
    return 0


# -- serve ------------------------------------------------------------------------------


def register_serve(sub: argparse._SubParsersAction) -> None:
    """Add `serve`."""
    p = common.add_command(sub, "serve", _cmd_serve, "starta appen i webbläsaren")
    p.add_argument("--port", type=int, default=8501, help="port (standard 8501)")


def _cmd_serve(args: argparse.Namespace, store: Store) -> int:
    from geo.signin.hosts import allowed_hosts

    store.require_schema()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(common.REPO_ROOT / "app.py"),
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.enableStaticServing",
        "true",
    ]
    # Streamlit itself then refuses a websocket whose Host is foreign (DNS rebinding), before
    # any session exists; app.py checks the same names again for `streamlit run` directly.
    for name in sorted(allowed_hosts("127.0.0.1")):
        command += ["--server.allowedHosts", name]
    print(f"Löfteskartan startar på http://127.0.0.1:{args.port} (avsluta med Ctrl+C)")
    os.chdir(common.REPO_ROOT)
    os.execv(sys.executable, command)


# -- users, backup, restore -------------------------------------------------------------


def register_users(sub: argparse._SubParsersAction) -> None:
    """Add `users`."""
    p = sub.add_parser(
        "users",
        help="hantera användarfilen för inloggning på en dator (utan inloggningstjänst)",
        description="Användarfilen är LOFTESKARTAN_USERS, annars users.json bredvid "
        "SQLite-databasen. Finns filen frågar appen efter användarnamn och lösenord.",
    )
    users = common.subcommands(p, "users_command", "ÅTGÄRD")
    add = users.add_parser("add", help="lägg till en användare")
    add.add_argument("username", metavar="ANVÄNDARNAMN")
    add.add_argument(
        "--role", required=True, metavar="ROLL", help="läsare, planerare eller administratör"
    )
    add.add_argument(
        "--organisation",
        required=True,
        metavar="ORG",
        help="kommun:KOMMUNKOD (t.ex. kommun:0682) eller polis:LOKALPOLISOMRÅDE "
        '(t.ex. "polis:Lokalpolisområde Höglandet")',
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="läs lösenordet från standard in (första raden) i stället för att fråga",
    )
    add.set_defaults(handler=_cmd_users_add)
    remove = users.add_parser("remove", help="ta bort en användare")
    remove.add_argument("username", metavar="ANVÄNDARNAMN")
    remove.set_defaults(handler=_cmd_users_remove)
    listing = users.add_parser("list", help="visa användarna (aldrig lösenorden)")
    listing.set_defaults(handler=_cmd_users_list)
    off = users.add_parser(
        "off",
        help="stäng av inloggningen när alla användare är borttagna (appen körs då som en "
        "enda lokal administratör efter omstart)",
    )
    off.set_defaults(handler=_cmd_users_off)


def _read_password(from_stdin: bool) -> str:
    """The new user's password: stdin's first line, or asked twice at the terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise common.UsageError(
            "Ange --password-stdin när lösenordet inte skrivs in vid terminalen."
        )
    first = getpass.getpass("Lösenord: ")
    if getpass.getpass("Samma lösenord igen: ") != first:
        raise common.UsageError("Lösenorden var olika; ingen användare lades till.")
    return first


def _audit_user_change(store: Store, action: str, user: object, before: bool) -> None:
    """Record a users-file change in the database's audit log, when there is a database."""
    from geo.signin.users import User

    assert isinstance(user, User)
    if store.schema_version() is None:
        return
    values = {"role": user.role.value, "organisation": str(user.organisation)}
    with store.session(common.cli_actor()) as s:
        s.record_change(
            action, "users", user.username, values if before else None, None if before else values
        )


def _cmd_users_add(args: argparse.Namespace, store: Store) -> int:
    from geo.signin.sign_in_guard import record_local_sign_in
    from geo.signin.users import add_user, users_path

    path = users_path(database=store.url)
    password = _read_password(args.password_stdin)
    user = add_user(path, args.username, password, args.role, args.organisation)
    _audit_user_change(store, "create", user, before=False)
    # From now on a missing users file closes the app instead of opening it to everyone.
    record_local_sign_in(store)
    print(
        f"Användaren {user.username} ({user.role.label}, {user.organisation.label}) "
        f"lades till i {path}."
    )
    return 0


def _cmd_users_remove(args: argparse.Namespace, store: Store) -> int:
    from geo.signin.users import remove_user, users_path

    path = users_path(database=store.url)
    user = remove_user(path, args.username)
    _audit_user_change(store, "delete", user, before=True)
    print(f"Användaren {user.username} togs bort ur {path}.")
    return 0


def _cmd_users_off(args: argparse.Namespace, store: Store) -> int:
    from geo.signin.sign_in_guard import forget_local_sign_in
    from geo.signin.users import list_users, users_path

    path = users_path(database=store.url)
    remaining = list_users(path)
    if remaining:
        names = ", ".join(u.username for u in remaining)
        raise common.UsageError(
            f"Användarfilen {path} har fortfarande användare ({names}). Ta bort dem först med "
            "`lofteskartan users remove NAMN`; annars skulle de kunna logga in."
        )
    path.unlink(missing_ok=True)
    if forget_local_sign_in(store):
        with store.session(common.cli_actor()) as s:
            s.record_change("delete", "meta", "local_sign_in", {"value": "1"}, None)
    print(
        "Inloggningen med användarfil är avstängd. Starta om appen: den körs sedan som en "
        "enda lokal administratör (bara för en dator där appen lyssnar på 127.0.0.1)."
    )
    return 0


def _cmd_users_list(args: argparse.Namespace, store: Store) -> int:
    from geo.signin.users import list_users, users_path

    path = users_path(database=store.url)
    users = list_users(path)
    if not users:
        print(f"Inga användare i {path} (appen körs då som en enda lokal administratör).")
        return 0
    print(f"{'Användarnamn':<30} {'Roll':<14} {'Organisation':<36} Skapad")
    for u in users:
        print(f"{u.username:<30} {u.role.label:<14} {str(u.organisation):<36} {u.created_at}")
    return 0


def register_backup(sub: argparse._SubParsersAction) -> None:
    """Add `backup`."""
    p = common.add_command(sub, "backup", _cmd_backup, "spara hela databasen i en GeoPackage-fil")
    p.add_argument("out", type=Path, metavar="UT.gpkg")
    p.add_argument("--force", action="store_true", help="skriv över en befintlig fil")


def _cmd_backup(args: argparse.Namespace, store: Store) -> int:
    from geo.store.backup import backup

    summary = backup(store, common.cli_actor(), args.out, overwrite=args.force)
    print(summary.describe())
    print("Filen innehåller sekretessuppgifter: förvara den som databasen.")
    return 0


def register_restore(sub: argparse._SubParsersAction) -> None:
    """Add `restore`."""
    p = common.add_command(
        sub, "restore", _cmd_restore, "återställ databasen från en säkerhetskopia"
    )
    p.add_argument("source", type=Path, metavar="IN.gpkg")
    p.add_argument(
        "--replace",
        action="store_true",
        help="ersätt allt i en databas som redan har uppgifter (annars måste den vara tom)",
    )


def _cmd_restore(args: argparse.Namespace, store: Store) -> int:
    from geo.store.backup import restore
    from geo.swedish import count

    counts = restore(store, common.cli_actor(), args.source, replace_existing=args.replace)
    print(
        f"Återställde {count(sum(counts.values()), 'rad', 'rader')} i {len(counts)} tabeller "
        f"från {args.source}."
    )
    return 0
