"""Two promises in one database (Streamlit AppTest): the pages count the chosen one's records.

The demo database holds Aneby's promise with its example year; Eksjö's promise (a copy of
Aneby's, with the same commitment ids) is added with two narcotics interventions of its own.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.installation.init import save_promise_upload
from geo.records.kinds import CommitmentKind
from geo.records.models import Activity, Actor
from geo.store import Store
from geo.store import schema as t
from tests.common import E0, N0, REPO_ROOT, aneby_copy, demo_database, local
from tests.markdown import shown, shown_tables

EKSJO = "eksjo-2023-2024"
INTERVENTIONS = "Polisen ska genomföra minst tio"  # the commitment's text, in both promises


@pytest.fixture(scope="module")
def two_promises(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _two_promises(tmp_path_factory.mktemp("promises") / "two.sqlite")


def _two_promises(path: Path) -> str:
    url = demo_database(path)
    store = Store(url)
    try:
        text = aneby_copy(EKSJO, "Eksjö", "0686", date(2023, 6, 15), date(2024, 6, 14))
        save_promise_upload(store, Actor("test"), f"{EKSJO}.yaml", text)
        with store.session(Actor("test")) as s:
            for day in (3, 4):
                start = local(2023, 11, day, 20)
                s.add_activity(
                    Activity(
                        CommitmentKind.NARCOTICS_INTERVENTION,
                        start,
                        start + timedelta(hours=3),
                        geometry=Point(E0, N0),
                    ),
                    EKSJO,
                )
    finally:
        store.dispose()
    return url


def open_page(name: str, db_url: str, monkeypatch: pytest.MonkeyPatch, document: str) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(f"pages/{name}.py")
    at.run()
    at.sidebar.selectbox(key="document_id").set_value(document)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("document", "done"), [(EKSJO, 2), ("aneby-2023-2024", 9)], ids=["eksjo", "aneby"]
)
def test_the_follow_up_page_counts_the_chosen_promises_interventions_only(
    two_promises: str, monkeypatch: pytest.MonkeyPatch, document: str, done: int
) -> None:
    at = open_page("5_Uppfoljning", two_promises, monkeypatch, document)
    year, tertials = shown_tables(at)
    row = year[year["Aktivitet"].str.startswith(INTERVENTIONS)].iloc[0]
    assert row["Gjort"] == done
    per_tertial = tertials[tertials["Aktivitet"].str.startswith(INTERVENTIONS)].iloc[0]
    assert per_tertial["Hela året"] == done


def test_the_map_of_eksjos_promise_counts_its_own_two_activities(
    two_promises: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("1_Karta", two_promises, monkeypatch, EKSJO)
    assert "och 2 genomförda aktiviteter under" in " ".join(c.value for c in at.caption)


def test_the_overview_warns_when_records_of_an_older_version_belong_to_no_promise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _two_promises(tmp_path / "older.sqlite")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        activities = t.activities
        eksjo = activities.c.document_id == EKSJO
        conn.execute(sa.update(activities).where(eksjo).values(document_id=None))
    engine.dispose()
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # Only the warning about records of no promise (the period-over one is beside it).
    assert [shown(w.value) for w in at.warning if "hör inte till något" in w.value] == [
        "2 poster (aktiviteter, planerade aktiviteter och regler) hör inte till något "
        "medborgarlöfte (sparade av en äldre version i en databas med flera löften) och "
        "räknas därför inte här."
    ]
