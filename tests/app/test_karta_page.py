"""Karta keeps its layers and its rendered map between runs only until the data changes, and
never shows one reader the map made for another (AppTest)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Activity, Actor, Place, PlaceKind
from geo.store import Store
from tests.common import E0, N0, REPO_ROOT, demo_database, local, map_script, signed_in_by_oidc

DOCUMENT = "aneby-2023-2024"
SECRET_PLACE = "Spaningsplats Norra"


def activities_caption(at: AppTest) -> str:
    (caption,) = [c.value for c in at.caption if "genomförda aktiviteter under" in c.value]
    return caption


def log_activity(url: str, kind: CommitmentKind, start: datetime, **where: Any) -> None:
    """One activity of an hour in Aneby's promise, logged after the app has started."""
    store = Store(url)
    with store.session(Actor("test")) as s:
        s.add_activity(Activity(kind, start, start + timedelta(hours=1), **where), DOCUMENT)
    store.dispose()


def karta(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("pages/1_Karta.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_activity_logged_after_the_map_was_shown_is_counted_at_its_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = demo_database(tmp_path / "demo.sqlite")
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    at = karta(AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60))
    before = activities_caption(at)
    shown = int(before.split(" och ")[1].split(" genomförda")[0])
    drawn = map_script(at)
    at.run()
    assert map_script(at) == drawn  # nothing changed: the same map again
    log_activity(url, CommitmentKind.PRESENCE, local(2024, 3, 5, 10), geometry=Point(E0, N0))
    at.run()
    assert f" och {shown + 1} genomförda aktiviteter under" in activities_caption(at)
    # The map has the new activity's marker too, not the one kept from before.
    marker = json.dumps("Närvaro: 1 genomförd, 2024-03-05")[1:-1]  # as the script holds it
    assert marker in map_script(at)
    assert marker not in drawn


def test_a_kommun_planner_never_gets_the_map_drawn_for_a_police_planner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = demo_database(tmp_path / "demo.sqlite")
    store = Store(url)
    with store.session(Actor("test")) as s:
        hidden = Place(PlaceKind.INTERVENTION_PLACE, SECRET_PLACE, Point(E0 + 500, N0))
        secret = s.add_place(replace(hidden, classification=Classification.SECRET))
    store.dispose()
    log_activity(
        url,
        CommitmentKind.NARCOTICS_INTERVENTION,
        local(2023, 10, 2, 20),
        place_id=secret.id,
        classification=Classification.SECRET,
    )
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    # The same database, one after the other in this server process.
    police = signed_in_by_oidc(
        AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60),
        email="anna@polisen.se",
        lofteskartan_roll="planner",
        organisation="polis",
    )
    assert SECRET_PLACE in map_script(karta(police))
    kommun = signed_in_by_oidc(
        AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60),
        email="kalle@aneby.se",
        lofteskartan_roll="planner",
        organisation="kommun",
    )
    assert SECRET_PLACE not in map_script(karta(kommun))
