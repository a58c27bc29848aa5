"""A hostile team, place and finding show as the characters typed on every page (AppTest).

The team name `![x](http://host/beacon.png) [Logga in igen](http://host/phish)` rendered
a link and fetched a remote image in Planering's conflict list (issue 11, item 9). Here it
is stored with a place and a finding carrying the same payload; each page's Markdown
elements (text, captions, notices, headings, expander and widget labels, metrics) must hold
it only escaped, so Streamlit shows it literally, and the escaped text must be there.
Tables must show the names, with a formula-looking one neutralised (item 10).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df as arrow_frame
from streamlit.testing.v1 import AppTest

from geo.installation.init import initialise
from geo.records.models import Actor, Indicator
from geo.store import Store
from tests.common import REPO_ROOT
from tests.hostile_text import FINDING, FORMULA_PLACE, PLACE, TEAM, hostile_database
from tests.markdown import shown

# What must never reach Streamlit's Markdown unescaped: link and image syntax, HTML, an
# address, emphasis. (An escaped character has a backslash before it: `\<img` is text.)
RENDERABLE = [
    re.compile(pattern)
    for pattern in (r"\]\(", r"!\[", r"(?<!\\)<img", r"http://", r"http:", r"(?<!\\)\*\*fet")
]


@pytest.fixture
def hostile_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/hostile.sqlite"
    hostile_database(url)
    return url


def open_page(page: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_texts(at: AppTest) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown."""
    texts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "success", "error"):
        texts += [e.value for e in at.get(kind)]
    texts += [e.value for e in at.get("title")] + [e.value for e in at.get("subheader")]
    texts += [e.label for e in at.get("expander")] + [e.label for e in at.get("metric")]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "checkbox", "button"):
        texts += [e.label for e in at.get(kind)]
    for radio in at.get("radio"):
        texts += [str(o) for o in radio.options]
    return texts


def assert_shown_literally(at: AppTest, *typed: str) -> None:
    """No Markdown element can render user text; each typed text is on the page, escaped."""
    texts = markdown_texts(at)
    for text in texts:
        for syntax in RENDERABLE:
            assert not syntax.search(text), f"{syntax.pattern!r} would render in {text!r}"
    for text in typed:
        assert any(text in shown(t) for t in texts), f"{text!r} is not on the page"


def table_cells(at: AppTest) -> list[Any]:
    return [v for frame in at.dataframe for v in frame.value.to_numpy().ravel()]


def test_planering_lists_the_conflict_of_a_hostile_team_as_text(
    hostile_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("3_Planering", hostile_db, monkeypatch)
    conflicts = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert conflicts, "the conflict list is shown"
    assert all("Logga in igen" in c for c in conflicts)
    assert_shown_literally(at, f"- {TEAM}: Närvaro")
    # The escaped form, exactly: brackets and parentheses cannot make a link or an image.
    assert r"\!\[x\]\(http\:\/\/host\/beacon\.png\) \[Logga in igen\]" in conflicts[0]


def test_planering_list_shows_the_team_in_its_table_as_text(
    hostile_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("3_Planering", hostile_db, monkeypatch)
    at.radio(key="plan_view").set_value("Lista").run()
    at.toggle(key="flt_week").set_value(False).run()
    assert not at.exception
    assert TEAM in table_cells(at)
    assert_shown_literally(at)


def test_platser_shows_names_as_text_and_neutralises_a_formula_for_the_csv_download(
    hostile_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("2_Platser", hostile_db, monkeypatch)
    at.session_state["platser_lista"] = True  # the panel with the table of all places
    cells = table_cells(at.run())
    assert PLACE in cells
    # Streamlit's toolbar downloads exactly these cells: Excel must see text, not a formula.
    assert f"'{FORMULA_PLACE}" in cells
    assert FORMULA_PLACE not in cells
    assert_shown_literally(at)


def test_logga_findings_show_category_owner_and_description_as_text(
    hostile_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("4_Logga", hostile_db, monkeypatch)
    at.radio(key="log_view").set_value("Iakttagelser").run()
    assert not at.exception
    assert_shown_literally(at, f"{TEAM}: {FINDING} · {TEAM}")
    # The description inside the expander is plain text (st.text), never Markdown.
    assert FINDING in [t.value for t in at.text]


def test_uppfoljning_presence_shows_the_area_name_in_its_table(
    hostile_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Uppfoljning", hostile_db, monkeypatch)
    at.segmented_control(key="followup_section").set_value("Var har vi varit?").run()
    assert not at.exception
    assert PLACE in table_cells(at)
    assert f"'{FORMULA_PLACE}" in table_cells(at)
    assert_shown_literally(at)


def test_indicator_table_is_shown_neutralised_and_saved_back_unchanged(
    hostile_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(hostile_db)
    with store.session(Actor("test")) as s:
        kommunkod = s.promise_documents()[0].kommunkod
        s.save_indicator(Indicator(kommunkod, "=1+1", "VT2024", 5.0, "-st", "@anteckning"))
    at = open_page("5_Uppfoljning", hostile_db, monkeypatch)
    at.segmented_control(key="followup_section").set_value("Kommunens indikatorer").run()
    assert not at.exception
    assert_shown_literally(at)
    # The editor's table, as Streamlit sends it (and its toolbar would download it).
    (editor,) = at.data_editor
    rows = editor.value[["Indikator", "Enhet", "Kommentar"]].itertuples(index=False)
    assert ("'=1+1", "'-st", "'@anteckning") in {tuple(r) for r in rows}
    # The trend chart's data: its "view as table" can be downloaded as CSV too.
    (chart,) = at.get("vega_lite_chart")
    names = {n for ds in chart.proto.datasets for n in arrow_frame(ds.data.data)["Indikator"]}
    assert "'=1+1" in names and "=1+1" not in names
    at.button[0].click().run()  # save the table as it is
    assert [shown(s.value) for s in at.success] == ["Sparat: 0 nya, 0 ändrade, 0 borttagna."]
    with store.session(Actor("test")) as s:
        saved = [i for i in s.list_indicators(kommunkod) if i.term == "VT2024"]
    store.dispose()
    assert ("=1+1", "-st", "@anteckning") in {(i.indicator, i.unit, i.note) for i in saved}


def test_oversikt_shows_a_promise_files_titles_and_texts_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A promise file is uploaded by an administrator and read by everyone: its texts are
    # user text too (title, a promise's title, a commitment, the follow-up paragraph).
    source = (REPO_ROOT / "data" / "promises" / "aneby-2023-2024.yaml").read_text("utf-8")
    replaced = {
        "titel: Medborgarlöfte i Aneby kommun 2023-2024": f'titel: "{TEAM}"',
        "titel: Öka den polisiära tillgängligheten och servicen.": f'titel: "{PLACE}"',
        "text: Kommunen ska aktivt arbeta för en hög skolnärvaro.": f'text: "{FINDING}"',
    }
    for old, new in replaced.items():
        assert old in source
        source = source.replace(old, new)
    promise = tmp_path / "aneby.yaml"
    promise.write_text(source, encoding="utf-8")
    url = f"sqlite:///{tmp_path}/promise.sqlite"
    store = Store(url)
    initialise(store, Actor("test"), [promise])
    store.dispose()

    at = open_page("0_Oversikt", url, monkeypatch)
    assert shown(at.title[0].value) == TEAM
    assert_shown_literally(at, TEAM, f"#### {PLACE}", FINDING)
