"""The background map an administrator chooses is kept in the store for every map."""

from __future__ import annotations

import pytest

from geo.errors import PermissionDenied
from geo.records.models import Actor
from geo.spatial.background_map import (
    parse_background_map,
    save_background_map,
    stored_background_map,
)
from geo.store import Store

ADMIN = Actor("admin.aneby", role="admin")
PLANNER = Actor("planerare.aneby", role="planner", organisation="kommun:0604")
KOMMUN_MAP = parse_background_map("xyz", "https://karta.aneby.se/{z}/{x}/{y}.png", "Aneby kommun")


def test_a_chosen_background_map_is_read_back_and_can_be_taken_away(store: Store) -> None:
    with store.session(ADMIN) as s:
        assert stored_background_map(s) is None
        save_background_map(s, KOMMUN_MAP)
    with store.session(PLANNER) as s:
        assert stored_background_map(s) == KOMMUN_MAP
    with store.session(ADMIN) as s:
        save_background_map(s, None)
    with store.session(PLANNER) as s:
        assert stored_background_map(s) is None


def test_only_an_administrator_chooses_the_background_map(store: Store) -> None:
    with pytest.raises(PermissionDenied), store.session(PLANNER) as s:
        save_background_map(s, KOMMUN_MAP)
    with store.session(ADMIN) as s:
        assert stored_background_map(s) is None
