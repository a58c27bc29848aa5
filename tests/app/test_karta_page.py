"""Karta keeps its layers between runs only until the data changes (AppTest)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.records.kinds import CommitmentKind
from geo.records.models import Activity, Actor
from geo.store import Store
from tests.common import E0, N0, REPO_ROOT, demo_database, local


def activities_caption(at: AppTest) -> str:
    (caption,) = [c.value for c in at.caption if "genomförda aktiviteter under" in c.value]
    return caption


def test_an_activity_logged_after_the_map_was_shown_is_counted_at_its_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = demo_database(tmp_path / "demo.sqlite")
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/1_Karta.py")
    at.run()
    before = activities_caption(at)
    shown = int(before.split(" och ")[1].split(" genomförda")[0])
    store = Store(url)
    with store.session(Actor("test")) as s:
        start = local(2024, 3, 5, 10)
        presence = Activity(
            CommitmentKind.PRESENCE, start, start + timedelta(hours=1), geometry=Point(E0, N0)
        )
        s.add_activity(presence, "aneby-2023-2024")
    store.dispose()
    at.run()
    assert f" och {shown + 1} genomförda aktiviteter under" in activities_caption(at)
