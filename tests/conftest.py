"""Shared fixtures: database URLs for SQLite and a throwaway PostgreSQL + PostGIS server.

``postgis_server`` starts one PostgreSQL cluster per test session in a temporary folder
(``initdb`` + ``pg_ctl``, trust auth, 127.0.0.1 on a free port) with a template database
that already has the postgis extension; ``postgis_url`` gives each test its own fresh
database copied from that template, so tests never see each other's tables.

When the server binaries or PostGIS are missing the PostGIS tests are skipped with the
install command, except on CI (``CI=true``) where they fail: a green CI must mean the
PostGIS code actually ran.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql

from geo.installation.init import initialise
from geo.records.models import Actor
from geo.store import Store
from tests.common import PROMISE_DIR, SEED_YEAR_CLOCK, fail_or_skip

# app.py turns a page's unexpected error into a Swedish message; in tests it must stay an
# error (AppTest's `at.exception`), so a bug cannot pass as a message. The test of the
# message itself removes this.
os.environ.setdefault("LOFTESKARTAN_RAISE_ERRORS", "1")

# CI runs the fuzz tests on a fixed sequence of inputs, so a submission passes or fails on
# its code, not on the draw; developers' runs keep exploring new inputs (and each crash
# found goes into the test as an @example).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")

TEMPLATE_DB = "lofteskartan_template"
# LOFTESKARTAN_PG_ROOT lets the suite prove that a missing server fails on CI.
PG_ROOT = Path(os.environ.get("LOFTESKARTAN_PG_ROOT", "/usr/lib/postgresql"))
PG_SHARE = Path("/usr/share/postgresql")
INSTALL_HINT = "bash scripts/system-deps.sh (it prints the apt-get command when not root)"


def _unavailable(reason: str) -> None:
    """Skip locally, fail on CI: a missing database must never turn CI green."""
    fail_or_skip(f"{reason}; install with: {INSTALL_HINT}")


def _find_pg_bindir() -> Path | None:
    """Newest PostgreSQL major version that has initdb, pg_ctl and the postgis extension."""
    candidates = []
    for bindir in PG_ROOT.glob("*/bin"):
        major = bindir.parent.name
        if not major.isdigit():
            continue
        if not ((bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file()):
            continue
        if not (PG_SHARE / major / "extension" / "postgis.control").exists():
            continue
        candidates.append((int(major), bindir))
    return max(candidates)[1] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class PostgisServer:
    """A running throwaway cluster: where it listens and how to reach its databases."""

    host: str
    port: int
    user: str
    template: str
    datadir: Path

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL for ``dbname`` on this server (psycopg 3 driver)."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """A plain autocommit psycopg connection, for CREATE/DROP DATABASE and checks."""
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname=dbname, autocommit=True
        )


class _ClusterRunner:
    """Runs programs as the cluster's owner.

    initdb refuses to run as root, so as root everything runs as the ``postgres`` OS user
    (through runuser, or su where runuser is missing); otherwise as the current user.
    """

    def __init__(self, bindir: Path, base: Path) -> None:
        self.bindir = bindir
        self.base = base
        self.as_root = os.geteuid() == 0

    def run(
        self, program: str, *args: str, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL tool by name (or any program by absolute path)."""
        exe = program if program.startswith("/") else str(self.bindir / program)
        cmd = [exe, *args]
        if self.as_root:
            runuser = shutil.which("runuser")
            if runuser:
                cmd = [runuser, "-u", "postgres", "--", *cmd]
            else:
                cmd = ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(cmd)]
        # cwd inside the cluster folder: the postgres user may not be allowed into ours.
        return subprocess.run(
            cmd,
            cwd=self.base,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def check(self, program: str, *args: str, stdin: str | None = None) -> None:
        """Like :meth:`run`, raising with the program's output when it fails."""
        proc = self.run(program, *args, stdin=stdin)
        if proc.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({proc.returncode}):\n"
                f"{proc.stdout}\n{proc.stderr}"
            )


def _make_base_dir(as_root: bool) -> Path:
    """A private folder for the cluster, owned by whoever runs the server."""
    # Under /tmp (world-traversable) rather than pytest's tmp_path, whose parents may be
    # private to root and cannot be entered by the postgres user.
    base = Path(tempfile.mkdtemp(prefix="lofteskartan-pg-", dir="/tmp"))
    if as_root:
        shutil.chown(base, user="postgres", group="postgres")
    base.chmod(0o700)
    return base


def _start_cluster(runner: _ClusterRunner, datadir: Path, sockdir: Path, log: Path) -> int:
    """Configure and start the cluster on a free port; returns the port."""
    errors = []
    for _ in range(3):  # the port can be taken between choosing it and binding it
        port = _free_port()
        settings = (
            "listen_addresses = '127.0.0.1'\n"
            f"port = {port}\n"
            f"unix_socket_directories = '{sockdir}'\n"
            # A throwaway cluster: durability buys nothing and costs time.
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
        )
        # Written as the cluster's owner so the file keeps its ownership.
        runner.check("/usr/bin/tee", str(datadir / "postgresql.auto.conf"), stdin=settings)
        proc = runner.run("pg_ctl", "-D", str(datadir), "-l", str(log), "-w", "-t", "60", "start")
        if proc.returncode == 0:
            return port
        log_text = runner.run("/bin/cat", str(log)).stdout
        errors.append(f"port {port}:\n{proc.stdout}{proc.stderr}{log_text}")
    raise RuntimeError("pg_ctl start failed:\n" + "\n".join(errors))


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[PostgisServer]:
    """One PostgreSQL + PostGIS cluster for the whole test session.

    Yields a :class:`PostgisServer` whose ``template`` database has the postgis extension.
    Stopped (``pg_ctl stop -m immediate``) and deleted at the end of the session.
    """
    bindir = _find_pg_bindir()
    if bindir is None:
        _unavailable(
            "PostgreSQL server (initdb/pg_ctl under /usr/lib/postgresql/*/bin) "
            "with the postgis extension not found"
        )
        raise AssertionError("unreachable")
    as_root = os.geteuid() == 0
    if as_root:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root, but there is no 'postgres' OS user to run initdb as")

    base = _make_base_dir(as_root)
    runner = _ClusterRunner(bindir, base)
    datadir, sockdir, log = base / "data", base / "sock", base / "postgres.log"
    running = False
    try:
        runner.check("/bin/mkdir", "-m", "0700", str(sockdir))
        runner.check(
            "initdb",
            "-D",
            str(datadir),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        port = _start_cluster(runner, datadir, sockdir, log)
        running = True
        server = PostgisServer(
            host="127.0.0.1", port=port, user="postgres", template=TEMPLATE_DB, datadir=datadir
        )
        template = sql.Identifier(TEMPLATE_DB)
        with server.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(template))
        with server.connect(TEMPLATE_DB) as conn:
            conn.execute("CREATE EXTENSION postgis")
        with server.connect() as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} WITH IS_TEMPLATE true").format(template))
        yield server
    finally:
        if running:
            runner.run("pg_ctl", "-D", str(datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgis_url(postgis_server: PostgisServer) -> Iterator[str]:
    """SQLAlchemy URL of a fresh PostGIS database (postgis extension ready, no tables).

    The database is dropped after the test, closing any connections still open to it.
    """
    with _postgis_database(postgis_server) as url:
        yield url


@contextmanager
def _postgis_database(postgis_server: PostgisServer) -> Iterator[str]:
    """A fresh PostGIS database from the template, dropped on leaving (see `postgis_url`)."""
    dbname = f"t_{uuid.uuid4().hex}"
    ident = sql.Identifier(dbname)
    with postgis_server.connect() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                ident, sql.Identifier(postgis_server.template)
            )
        )
    try:
        yield postgis_server.url(dbname)
    finally:
        with postgis_server.connect() as conn:
            # Engines a test forgot to dispose still hold pooled connections.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """SQLAlchemy URL of a new SQLite file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test once on SQLite and once on PostGIS (ids ``[sqlite]`` and ``[postgis]``)."""
    return str(request.getfixturevalue(f"{request.param}_url"))


STORE_STARTS = ("empty", "schema", "promises", "demo")


@pytest.fixture
def other_db_url(request: pytest.FixtureRequest, db_url: str) -> Iterator[Callable[[], str]]:
    """Makes URLs of more empty databases on the same backend as `db_url` (one per call),
    for comparing what one database gives with what another gives."""
    with ExitStack() as stack:
        if db_url.startswith("sqlite"):
            folder = Path(tempfile.mkdtemp(prefix="lofteskartan-other-"))
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
            yield lambda: f"sqlite:///{folder / uuid.uuid4().hex}.sqlite"
        else:
            server = request.getfixturevalue("postgis_server")
            yield lambda: stack.enter_context(_postgis_database(server))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "store_starts(start): where the `store` fixture starts: " + ", ".join(STORE_STARTS),
    )


@pytest.fixture
def store(request: pytest.FixtureRequest, db_url: str) -> Iterator[Store]:
    """A `Store` on `db_url` (so on SQLite and on PostGIS), disposed after the test.

    By default it holds the shipped promise files, as after `lofteskartan init`. A module
    starts elsewhere with ``pytestmark = pytest.mark.store_starts(START)``: ``"empty"`` (no
    tables), ``"schema"`` (tables, no rows), ``"promises"`` or ``"demo"`` (the promises and
    the demo data).
    """
    marker = request.node.get_closest_marker("store_starts")
    start = marker.args[0] if marker else "promises"
    assert start in STORE_STARTS, f"store_starts({start!r}): one of {STORE_STARTS}"
    made = Store(db_url)
    try:
        if start == "schema":
            made.create_or_upgrade()
        elif start in ("promises", "demo"):
            # The demo as on a day of Aneby's own year: tests read its 2023-2024 figures.
            initialise(
                made, Actor("test"), [PROMISE_DIR], demo=start == "demo", now=SEED_YEAR_CLOCK
            )
        yield made
    finally:
        made.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the PostGIS server, so ``-m "not postgis"`` leaves it out."""
    for item in items:
        if "postgis_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgis)
