"""Kind-level rules: each kind says whether it needs a place and its default classification."""

from __future__ import annotations

import pytest

from geo.records.kinds import Classification, CommitmentKind, PlaceNeed

K = CommitmentKind


@pytest.mark.parametrize(
    "kind,need",
    [
        (K.PRESENCE, PlaceNeed.REQUIRED),
        (K.TRAFFIC_CONTROL, PlaceNeed.REQUIRED),
        (K.NARCOTICS_INTERVENTION, PlaceNeed.REQUIRED),
        (K.SAFETY_WALK, PlaceNeed.REQUIRED),
        (K.IDENTIFY_YOUNG_USERS, PlaceNeed.OPTIONAL),
        (K.ANDT, PlaceNeed.OPTIONAL),
        (K.SCHOOL_ATTENDANCE, PlaceNeed.OPTIONAL),
        (K.LOCAL_INFORMATION, PlaceNeed.OPTIONAL),
        (K.COORDINATION_MEETING, PlaceNeed.NONE),
        (K.EST, PlaceNeed.NONE),
    ],
)
def test_each_kind_says_whether_it_needs_a_place(kind: CommitmentKind, need: PlaceNeed) -> None:
    assert kind.place_need is need
    assert kind.needs_place is (need is PlaceNeed.REQUIRED)


def test_the_message_for_a_missing_place_names_the_kind_in_swedish() -> None:
    assert K.NARCOTICS_INTERVENTION.missing_place_message == (
        "Narkotikainsats behöver en plats: välj var den gjordes."
    )


@pytest.mark.parametrize("kind", list(CommitmentKind))
def test_only_narcotics_kinds_are_sekretess_by_default(kind: CommitmentKind) -> None:
    secret = kind in (K.NARCOTICS_INTERVENTION, K.IDENTIFY_YOUNG_USERS)
    expected = Classification.SECRET if secret else Classification.INTERNAL
    assert kind.default_classification is expected


@pytest.mark.parametrize("kind", list(CommitmentKind))
def test_presence_is_planned_open_and_everything_else_internal(kind: CommitmentKind) -> None:
    expected = Classification.OPEN if kind is K.PRESENCE else Classification.INTERNAL
    assert kind.default_plan_classification is expected
