"""`lofteskartan serve` lets Streamlit refuse a foreign Host before any session exists.

DNS rebinding points a foreign name at 127.0.0.1; the browser then opens the app's
websocket with that name in `Host` (and a matching `Origin`). app.py refuses such a run
(tests/e2e/test_signed_in_downloads_and_hosts.py); the server the command starts refuses
the websocket itself.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo.installation.init import initialise
from geo.store import Store
from tests.common import REPO_ROOT
from tests.export_fixtures import ACTOR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(port: int, path: str, host: str, upgrade: bool = False) -> int:
    """The HTTP status for `path` asked with `Host: host` (a websocket upgrade if asked)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": host, "Origin": f"http://{host}"}
    if upgrade:
        headers |= {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        }
    try:
        conn.request("GET", path, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[int]:
    url = f"sqlite:///{tmp_path}/db.sqlite"
    store = Store(url)
    initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"])
    store.dispose()
    port = _free_port()
    env = os.environ | {"LOFTESKARTAN_DB": url, "LOFTESKARTAN_ALLOWED_HOSTS": "karta.example.se"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "serve", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # wait for the health check to answer (the condition, not a fixed sleep)
            try:
                if _status(port, "/_stcore/health", "127.0.0.1") == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("lofteskartan serve did not answer")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_server_refuses_a_websocket_from_a_foreign_host_name(served: int) -> None:
    port = served
    assert _status(port, "/_stcore/stream", f"127.0.0.1:{port}", upgrade=True) == 101
    assert _status(port, "/_stcore/stream", f"localhost:{port}", upgrade=True) == 101
    assert _status(port, "/_stcore/stream", f"karta.example.se:{port}", upgrade=True) == 101
    assert _status(port, "/_stcore/stream", f"attacker.example:{port}", upgrade=True) == 403
