"""Who an ID token says the user is, and the audit log as people and Excel read it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from geo.disclosure.access import (
    PermissionDenied,
    SignInExpired,
    actor_from_claims,
    session_max_age,
)
from geo.files.tabular import neutralise
from geo.records.models import STOCKHOLM, Actor
from geo.store import schema
from geo.store.audit import (
    FIELDS,
    RECORDS,
    AuditFilter,
    audit_csv,
    audit_rows,
    changes,
    sentence,
)

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


def test_changes_say_in_swedish_which_fields_changed_from_what_to_what() -> None:
    assert changes({"name": "Torget", "note": ""}, {"name": "Stora torget", "note": ""}) == (
        "namn Torget → Stora torget"
    )
    assert changes(None, {"name": "Torget", "note": None}) == "namn Torget"
    assert changes({"retired_at": None}, {"retired_at": "2024-03-01"}) == (
        "avvecklad – → 2024-03-01"
    )


def entry(action: str, table: str, before: dict | None = None, after: dict | None = None) -> dict:
    """An audit entry as `Session.audit_log` returns it (time and who left out)."""
    return {
        "action": action,
        "table_name": table,
        "record_id": "1",
        "before": before,
        "after": after,
    }


def test_a_changed_count_reads_as_the_form_names_it() -> None:
    before = {"outcome": {"kontrollerade_fordon": 12, "timmar": 2}, "is_example": True}
    after = {"outcome": {"kontrollerade_fordon": 14, "timmar": 2}, "is_example": False}
    assert sentence(entry("update", "activities", before, after)) == (
        "Aktivitet ändrad: antal kontrollerade fordon 12 → 14; exempeldata ja → nej"
    )


def test_a_new_record_lists_its_values_in_swedish_without_raw_keys() -> None:
    plan = {
        "kind": "trafikkontroll",
        "commitment_id": None,
        "geom": "POINT (1 2)",
        "start_at": "2024-05-28T06:30:00+00:00",
        "is_example": True,
    }
    assert sentence(entry("create", "planned_activities", None, plan)) == (
        "Planerad aktivitet skapad: typ trafikkontroll; läge på kartan satt; "
        "start 2024-05-28 08:30; exempeldata ja"
    )


@pytest.mark.parametrize(
    "table,action,expected",
    [
        ("places", "retire", "Plats avvecklad"),
        ("base_layers", "create", "Baslager skapat"),
        ("promise_documents", "replace", "Medborgarlöfte ersatt"),
        ("events", "import", "Händelser importerade"),
        ("findings", "photo_added", "Iakttagelse: foto tillagt"),
    ],
)
def test_the_action_agrees_with_the_records_gender(table: str, action: str, expected: str) -> None:
    assert sentence(entry(action, table)) == expected


def test_every_field_a_table_stores_has_a_swedish_name() -> None:
    bookkeeping = {"id", "version", "created_at", "created_by", "updated_at", "updated_by"}
    # The tables whose rows the store audits field by field (`SessionCore._audit`).
    audited = set(RECORDS) - {"users", "events"}
    stored = {
        c.name
        for table in schema.metadata.tables.values()
        if table.name in audited
        for c in table.columns
    }
    assert sorted(stored - bookkeeping - set(FIELDS)) == []


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
    assert row["Ändringar"] == "Plats ändrad: namn Torget → -2+3"


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


def test_the_audit_filter_line_names_every_choice_in_swedish() -> None:
    assert AuditFilter().summary() == (
        "Urval: alla tabeller · alla åtgärder · alla användare · alla datum · "
        "högst 1\u00a0000 rader"
    )
    chosen = AuditFilter("places", "update", "anna", date(2026, 1, 1), date(2026, 2, 1), 50)
    assert chosen.summary() == (
        "Urval: tabell Platser · åtgärd ändrad · användare anna · 2026-01-01 – 2026-02-01 · "
        "högst 50 rader"
    )


def test_the_audit_filter_line_says_an_open_end_of_the_dates() -> None:
    assert "från och med 2026-03-01 ·" in AuditFilter(start=date(2026, 3, 1)).summary()
    assert "till och med 2026-03-31 ·" in AuditFilter(end=date(2026, 3, 31)).summary()


def test_the_audit_filters_last_day_counts_whole_in_stockholm() -> None:
    start, end = AuditFilter(start=date(2026, 3, 1), end=date(2026, 3, 31)).times()
    assert start == datetime(2026, 3, 1, tzinfo=STOCKHOLM)
    assert end == datetime(2026, 4, 1, tzinfo=STOCKHOLM)
    assert AuditFilter().times() == (None, None)
