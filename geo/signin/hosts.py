"""Which `Host` a browser may use to reach the app: the guard against DNS rebinding.

A web page on another site can point its own host name at 127.0.0.1 (DNS rebinding) and
then talk to an app on this machine as if it were the same site: the browser sends that
foreign name in `Host` and a matching `Origin`, so Streamlit's own origin check lets it
through. In the single-user default everyone who reaches the app is administrator, so
app.py refuses to run for a `Host` that is not one of the names the app is really reached
by: the loopback names, the configured `server.address`, and the names in
`LOFTESKARTAN_ALLOWED_HOSTS` (comma-separated, for a server behind a proxy, e.g.
`lofteskartan.example.se`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

ENV_VAR = "LOFTESKARTAN_ALLOWED_HOSTS"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# Listening on every interface names no host a browser would use.
_WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def host_name(host_header: str) -> str:
    """The name in a `Host` header without its port or IPv6 brackets, in lower case.

    "LocalHost:8501" → "localhost", "[::1]:8501" → "::1", "::1" → "::1".
    """
    host = host_header.strip().lower().rstrip(".")
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        return host.split(":", 1)[0]
    return host


def allowed_hosts(
    server_address: str | None = None, env: Mapping[str, str] | None = None
) -> frozenset[str]:
    """The host names the app answers to.

    Parameters
    ----------
    server_address
        Streamlit's `server.address` (where the app listens); ignored when it is a
        wildcard such as 0.0.0.0.
    env
        The environment (default `os.environ`); `LOFTESKARTAN_ALLOWED_HOSTS` adds names,
        separated by commas.

    Returns
    -------
    frozenset of str
        Lower-case host names without ports.
    """
    env = os.environ if env is None else env
    names = set(LOOPBACK)
    if server_address and host_name(server_address) not in _WILDCARDS:
        names.add(host_name(server_address))
    for item in env.get(ENV_VAR, "").split(","):
        if item.strip():
            names.add(host_name(item))
    return frozenset(names)


def host_allowed(host_header: str | None, allowed: Iterable[str]) -> bool:
    """True when a request's `Host` header names one of `allowed` (any port).

    A missing header is allowed: browsers always send one, so only in-process callers
    (Streamlit's AppTest) come without it. An empty or foreign one is refused.
    """
    if host_header is None:
        return True
    return host_name(host_header) in {host_name(a) for a in allowed}
