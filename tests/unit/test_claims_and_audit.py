"""Who an ID token says the user is, and the audit log as people and Excel read it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from geo.disclosure.access import (
    PermissionDenied,
    SignInExpired,
    actor_from_claims,
    session_max_age,
)
from geo.files.tabular import neutralise
from geo.records.models import Actor
from geo.store.audit import audit_csv, audit_rows, changes

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def claims(**extra: object) -> dict[str, object]:
    return {"sub": "1234", "iat": int((NOW - HOUR).timestamp()), **extra}


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            {"email": "anna@polisen.se", "lofteskartan_roll": "planerare", "organisation": "polis"},
            Actor("anna@polisen.se", "planner", "polis"),
        ),
        (
            {"lofteskartan_roll": ["viewer", "Administratör", "okänd"], "organisation": "Kommunen"},
            Actor("1234", "admin", "kommun"),
        ),
        (
            {
                "preferred_username": "kalle",
                "lofteskartan_roll": "läsare",
                "organisation": "kommun",
            },
            Actor("kalle", "viewer", "kommun"),
        ),
    ],
)
def test_the_role_and_organisation_come_from_the_id_token_claims(
    extra: dict[str, object], expected: Actor
) -> None:
    assert actor_from_claims(claims(**extra), NOW, 12 * HOUR) == expected


@pytest.mark.parametrize(
    "extra, error, message",
    [
        ({"organisation": "polis"}, PermissionDenied, "har ingen roll i Löfteskartan"),
        ({"lofteskartan_roll": "gud", "organisation": "polis"}, PermissionDenied, "ingen roll"),
        ({"lofteskartan_roll": "viewer"}, PermissionDenied, "saknar organisation"),
        (
            {"lofteskartan_roll": "viewer", "organisation": "regionen"},
            PermissionDenied,
            'Okänd organisation "regionen"',
        ),
        (
            {"lofteskartan_roll": "viewer", "organisation": "polis", "iat": None},
            SignInExpired,
            "saknar tidpunkt",
        ),
        (
            {
                "lofteskartan_roll": "viewer",
                "organisation": "polis",
                "iat": int((NOW - 13 * HOUR).timestamp()),
            },
            SignInExpired,
            "äldre än 12 timmar",
        ),
    ],
)
def test_a_token_without_what_we_need_or_too_old_lets_nobody_in(
    extra: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        actor_from_claims(claims(**extra), NOW, 12 * HOUR)


def test_the_session_age_is_configurable() -> None:
    assert session_max_age({}) == 12 * HOUR
    assert session_max_age({"LOFTESKARTAN_SESSION_MAX_HOURS": "8"}) == 8 * HOUR
    assert session_max_age({"LOFTESKARTAN_SESSION_MAX_HOURS": "8"}, configured=0.5) == HOUR / 2
    with pytest.raises(PermissionDenied):
        session_max_age({"LOFTESKARTAN_SESSION_MAX_HOURS": "åtta"})


def test_changes_say_which_fields_changed_from_what_to_what() -> None:
    assert changes({"name": "Torget", "note": ""}, {"name": "Stora torget", "note": ""}) == (
        "name: Torget → Stora torget"
    )
    assert changes(None, {"name": "Torget"}) == "name: Torget"
    assert changes({"retired_at": None}, {"retired_at": "2024-03-01"}) == (
        "retired_at: null → 2024-03-01"
    )


ENTRY = {
    "id": 7,
    "at": datetime(2024, 3, 1, 12, 0, 0, 500000, tzinfo=UTC),
    "actor": '=HYPERLINK("http://x")',
    "action": "update",
    "table_name": "places",
    "record_id": "3",
    "before": {"name": "Torget"},
    "after": {"name": "-2+3"},
}


def test_audit_rows_are_in_swedish_and_stockholm_time() -> None:
    row = audit_rows([ENTRY])[0]
    assert row["Tid"] == "2024-03-01 13:00:00"
    assert (row["Åtgärd"], row["Tabell"], row["Post"]) == ("ändrad", "Platser", "3")
    assert row["Ändringar"] == "name: Torget → -2+3"


def test_the_csv_opens_in_swedish_excel_without_running_formulas() -> None:
    data = audit_csv([ENTRY])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Tid", "Användare", "Åtgärd"]
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in rows[1])


@pytest.mark.parametrize("cell", ["=1+1", "+46 70", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_excel_would_run_get_an_apostrophe(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_ordinary_cells_are_left_alone() -> None:
    assert neutralise("Torget 5") == "Torget 5"
