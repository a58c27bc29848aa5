"""Which kommun or police area a user belongs to, and which promises they work on (issue 13)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from geo.disclosure.access import (
    Organisation,
    OrganisationKind,
    PermissionDenied,
    actor_from_claims,
    describe,
    may_work_on,
    sees_secret,
)
from geo.records.models import Actor
from geo.records.promise_file import load_promise_file
from tests.common import ANEBY_PROMISE

ANEBY = load_promise_file(ANEBY_PROMISE)  # kommun 0604, Lokalpolisområde Höglandet
NASSJO = replace(ANEBY, id="nassjo-2024", kommun_name="Nässjö kommun", kommunkod="0682")
UMEA = replace(
    ANEBY, id="umea-2024", kommun_name="Umeå kommun", kommunkod="2480", police_area="LPO Umeå"
)


@pytest.mark.parametrize(
    "text, kind, unit, printed, label",
    [
        ("kommun:0682", OrganisationKind.KOMMUN, "0682", "kommun:0682", "Kommunen 0682"),
        (" Kommunen : 0682 ", OrganisationKind.KOMMUN, "0682", "kommun:0682", "Kommunen 0682"),
        (
            "polis:Lokalpolisområde  Höglandet",
            OrganisationKind.POLICE,
            "Lokalpolisområde Höglandet",
            "polis:Lokalpolisområde Höglandet",
            "Polisen, Lokalpolisområde Höglandet",
        ),
        (
            "police:LPO Umeå",
            OrganisationKind.POLICE,
            "LPO Umeå",
            "polis:LPO Umeå",
            "Polisen, LPO Umeå",
        ),
        ("kommun", OrganisationKind.KOMMUN, None, "kommun", "Kommunen"),
        ("Polisen", OrganisationKind.POLICE, None, "polis", "Polisen"),
    ],
)
def test_an_organisation_is_read_and_written_as_kind_colon_kommun_code_or_area(
    text: str, kind: OrganisationKind, unit: str | None, printed: str, label: str
) -> None:
    organisation = Organisation.parse(text)

    assert (organisation.kind, organisation.unit) == (kind, unit)
    assert str(organisation) == printed
    assert organisation.label == label
    assert Organisation.parse(str(organisation)) == organisation


@pytest.mark.parametrize(
    "text, message",
    [
        ("regionen:07", 'Okänd organisation "regionen:07"'),
        ("kommun:Nässjö", "ingen giltig kommunkod"),
        ("kommun:682", "ingen giltig kommunkod"),
        ("polis:  ", "saknar lokalpolisområdets namn"),
    ],
)
def test_an_organisation_without_a_kommun_code_or_area_name_is_refused_in_swedish(
    text: str, message: str
) -> None:
    with pytest.raises(PermissionDenied, match=message):
        Organisation.parse(text)


@pytest.mark.parametrize(
    "organisation, works_on",
    [
        ("kommun:0604", {"aneby-2023-2024"}),
        ("kommun:0682", {"nassjo-2024"}),
        ("kommun:2480", {"umea-2024"}),
        ("kommun:0999", set()),
        ("polis:Lokalpolisområde Höglandet", {"aneby-2023-2024", "nassjo-2024"}),
        ("polis:lokalpolisområde höglandet", {"aneby-2023-2024", "nassjo-2024"}),
        ("polis:LPO Umeå", {"umea-2024"}),
        ("kommun", {"aneby-2023-2024", "nassjo-2024", "umea-2024"}),  # the store limits bare
        ("regionen", set()),
    ],
)
def test_a_kommun_works_on_its_own_promises_and_a_police_area_on_its_kommuners(
    organisation: str, works_on: set[str]
) -> None:
    actor = Actor("vem", role="planner", organisation=organisation)

    assert {d.id for d in (ANEBY, NASSJO, UMEA) if may_work_on(actor, d)} == works_on


def test_sekretess_stays_with_the_police_whatever_area_or_kommun() -> None:
    assert sees_secret(Actor("a", "planner", "polis:Lokalpolisområde Höglandet"))
    assert not sees_secret(Actor("k", "admin", "kommun:0604"))
    assert describe(Actor("k", "admin", "kommun:0604")) == "administratör, Kommunen 0604"


def test_an_identity_provider_claim_takes_the_same_text_as_the_users_file() -> None:
    now = datetime(2024, 3, 1, 12, tzinfo=UTC)
    claims = {
        "email": "lisa@nassjo.se",
        "iat": int((now - timedelta(hours=1)).timestamp()),
        "lofteskartan_roll": "planerare",
        "organisation": "kommun:0682",
    }

    actor = actor_from_claims(claims, now, timedelta(hours=12))

    assert actor == Actor("lisa@nassjo.se", "planner", "kommun:0682")
