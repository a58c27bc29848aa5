"""Two people at once in the app: a refused save keeps the user's input on screen."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.records.kinds import Classification
from geo.records.models import Place, PlaceKind
from geo.store import Store
from tests.markdown import shown
from tests.trust import PLANNER_POLICE, X0, Y0


def place_editor() -> None:
    """A minimal edit form the way a page would write it with ui.forms.save_or_keep."""
    import os
    from dataclasses import replace

    import streamlit as st

    from ui.forms import save_or_keep
    from ui.state import current_actor, get_store

    if "shown" not in st.session_state:  # the version the user opened
        with get_store().session(current_actor()) as s:
            st.session_state.shown = s.get_place(int(os.environ["PLACE_ID"]))
    place = st.session_state.shown
    with st.form("place"):
        name = st.text_input("Namn", value=place.name, key="name")
        submitted = st.form_submit_button("Spara")
    if submitted:
        saved = save_or_keep(
            lambda s: s.update_place(replace(place, name=name)), "Platsen sparades."
        )
        if saved is not None:
            st.session_state.shown = saved


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    url = f"sqlite:///{tmp_path}/forms.sqlite"
    store = Store(url)
    store.create_or_upgrade()
    with store.session(PLANNER_POLICE) as s:
        place = s.add_place(
            Place(PlaceKind.POLICE_OFFICE, "Poliskontoret", Point(X0, Y0), Classification.OPEN)
        )
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    monkeypatch.setenv("LOFTESKARTAN_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("PLACE_ID", str(place.id))
    yield store
    store.dispose()


def test_a_save_refused_because_someone_saved_first_keeps_the_input_and_says_why(
    store: Store,
) -> None:
    at = AppTest.from_function(place_editor, default_timeout=30)
    at.run()
    assert at.text_input(key="name").value == "Poliskontoret"

    # Meanwhile a colleague renames the same place and saves.
    with store.session(PLANNER_POLICE) as s:
        s.update_place(replace(s.get_place(1), name="Polisstationen"))

    at.text_input(key="name").input("Poliskontoret Aneby")
    at.button[0].click()
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("**Inte sparat.** Någon annan har sparat ändringar i samma post")
    assert "Det du skrev finns kvar i formuläret" in message
    assert at.text_input(key="name").value == "Poliskontoret Aneby"  # nothing typed is lost
    assert not at.success
    with store.session(PLANNER_POLICE) as s:
        assert s.get_place(1).name == "Polisstationen"  # never silently overwritten


def test_a_save_with_nobody_in_between_is_saved(store: Store) -> None:
    at = AppTest.from_function(place_editor, default_timeout=30)
    at.run()
    at.text_input(key="name").input("Poliskontoret Aneby")
    at.button[0].click()
    at.run()
    assert [shown(s.value) for s in at.success] == ["Platsen sparades."]
    with store.session(PLANNER_POLICE) as s:
        assert s.get_place(1).name == "Poliskontoret Aneby"
