"""The Host guard against DNS rebinding: which names the app answers to."""

from __future__ import annotations

import pytest

from geo.signin.hosts import ENV_VAR, allowed_hosts, host_allowed, host_name


@pytest.mark.parametrize(
    "header,name",
    [
        ("127.0.0.1:8501", "127.0.0.1"),
        ("LocalHost:8501", "localhost"),
        ("localhost", "localhost"),
        ("[::1]:8501", "::1"),
        ("::1", "::1"),
        ("lofteskartan.example.se.", "lofteskartan.example.se"),
    ],
)
def test_the_host_name_is_read_without_port_brackets_or_case(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    "header", ["127.0.0.1:8501", "localhost:8501", "[::1]:8501", "LOCALHOST", None]
)
def test_the_loopback_names_are_always_allowed(header: str | None) -> None:
    assert host_allowed(header, allowed_hosts("127.0.0.1", env={}))


@pytest.mark.parametrize(
    "header",
    ["attacker.example:8501", "127.0.0.1.attacker.example", "", "localhost.evil", "0.0.0.0:8501"],
)
def test_a_foreign_host_is_refused_even_on_the_right_port(header: str) -> None:
    # DNS rebinding: attacker.example resolves to 127.0.0.1, the browser sends its name.
    assert not host_allowed(header, allowed_hosts("127.0.0.1", env={}))


def test_the_configured_address_and_the_setting_add_names() -> None:
    allowed = allowed_hosts(
        "10.0.0.5", env={ENV_VAR: " lofteskartan.example.se , Karta.Aneby.se:443 "}
    )
    assert allowed == {
        "127.0.0.1",
        "localhost",
        "::1",
        "10.0.0.5",
        "lofteskartan.example.se",
        "karta.aneby.se",
    }
    assert host_allowed("lofteskartan.example.se", allowed)
    assert host_allowed("karta.aneby.se:8501", allowed)
    assert not host_allowed("example.se", allowed)


def test_listening_on_every_interface_allows_no_name_of_its_own() -> None:
    assert allowed_hosts("0.0.0.0", env={}) == {"127.0.0.1", "localhost", "::1"}
