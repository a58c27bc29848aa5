"""Every page renders on a demo database without an exception (Streamlit AppTest)."""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app import PAGE_TABLE, PageEntry
from geo.disclosure.access import Role
from tests.common import REPO_ROOT, demo_database, drawn_maps, open_tab
from tests.markdown import shown, shown_tables

PAGES = sorted((REPO_ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_database(tmp_path_factory.mktemp("app") / "demo.sqlite")


def run_page(page: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    if page != PAGES[0]:
        at.switch_page(str(page.relative_to(REPO_ROOT)))
        at.run()
    return at


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_page_goes_through_the_app_before_it_draws_anything(page: Path) -> None:
    # A bookmark to a page on a fresh server must still get the sign-in and the menu
    # (ui/entry.py; the browser test is in tests/e2e/test_sign_in.py).
    body = ast.parse(page.read_text(encoding="utf-8")).body[1:]  # after the docstring
    first = next(n for n in body if not isinstance(n, (ast.Import, ast.ImportFrom)))
    assert ast.unparse(first) == "through_app()"


def _role_the_page_requires(page: Path) -> Role:
    """The role in a page's top-level `require(Role.X)` call (läsare when it has none)."""
    for node in ast.parse(page.read_text(encoding="utf-8")).body:
        call = getattr(node, "value", None)
        if (
            isinstance(call, ast.Call)
            and getattr(call.func, "id", None) == "require"
            and isinstance(call.args[0], ast.Attribute)
        ):
            return Role[call.args[0].attr]
    return Role.VIEWER


def test_the_page_table_lists_every_page_file_once_in_order() -> None:
    assert [entry.path for entry in PAGE_TABLE] == PAGES


@pytest.mark.parametrize("entry", PAGE_TABLE, ids=[e.address for e in PAGE_TABLE])
def test_the_menu_role_of_a_page_is_the_role_the_page_itself_requires(entry: PageEntry) -> None:
    assert entry.role == _role_the_page_requires(entry.path)


@pytest.mark.parametrize("entry", PAGE_TABLE, ids=[e.address for e in PAGE_TABLE])
def test_the_menu_title_is_the_start_of_the_pages_docstring(entry: PageEntry) -> None:
    doc = ast.get_docstring(ast.parse(entry.path.read_text(encoding="utf-8")))
    assert doc is not None and doc.split(":", 1)[0].strip() == entry.title


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def deprecations() -> Iterator[list[str]]:
    """What Streamlit says will go away, as it logs it (its loggers do not propagate)."""
    handler = _Collect()
    logger = logging.getLogger("streamlit.deprecation_util")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_renders_on_demo_data_without_errors_or_deprecated_calls(
    page: Path, demo_db: str, monkeypatch: pytest.MonkeyPatch, deprecations: list[str]
) -> None:
    at = run_page(page, demo_db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"
    # A deprecated call (`use_container_width`, ...) breaks on the next Streamlit upgrade.
    assert deprecations == []


def _deprecated_width_calls(path: Path) -> list[str]:
    """Calls passing Streamlit's `use_container_width` (st_folium's own parameter is fine)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and any(
            k.arg == "use_container_width" for k in node.keywords
        ):
            name = ast.unparse(node.func)
            if name != "st_folium":
                found.append(f"{path.name}:{node.lineno} {name}")
    return found


def test_no_streamlit_call_passes_the_deprecated_use_container_width() -> None:
    # The pages above render only their first state; buttons in forms and later steps
    # are checked here, in the source.
    sources = [REPO_ROOT / "app.py", *PAGES, *sorted((REPO_ROOT / "ui").glob("*.py"))]
    assert [call for path in sources for call in _deprecated_width_calls(path)] == []


def test_overview_shows_the_signed_promise_and_progress(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_page(PAGES[0], demo_db, monkeypatch)
    assert shown(at.title[0].value) == "Medborgarlöfte i Aneby kommun 2023-2024"
    text = " ".join(m.value for m in at.markdown)
    assert "Polisen ska genomföra minst tio riktade insatser" in text
    # 9 of the 10 promised interventions are in the demo year.
    assert any("9** av minst 10" in (p.proto.text or "") for p in at.get("progress"))
    assert "exempeldata" in " ".join(w.value for w in at.sidebar.warning)


def test_map_page_sends_the_kommun_boundary_and_places_to_the_map(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_page(REPO_ROOT / "pages" / "1_Karta.py", demo_db, monkeypatch)
    (script,) = drawn_maps(at)
    assert r"Kommungr\u00e4ns Aneby kommun" in script  # the layer switch, JSON-escaped
    assert "Exempel: Poliskontor" in script


def test_the_audit_log_on_administration_reads_as_swedish_sentences(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_page(REPO_ROOT / "pages" / "9_Admin.py", demo_db, monkeypatch)
    log = next(t for t in shown_tables(at) if "Ändringar" in t.columns)
    said = " ".join(log["Ändringar"])
    assert "Aktivitet skapad: typ närvaro" in said
    assert "exempeldata ja" in said
    for raw_key in ("is_example", "commitment_id", "kind:", "start_at"):
        assert raw_key not in said


def test_administration_draws_only_the_tab_that_is_open(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_page(REPO_ROOT / "pages" / "9_Admin.py", demo_db, monkeypatch)
    # The first view is the audit log; the other tabs' uploaders and fields are not sent.
    assert [t.label for t in at.tabs][0] == "Ändringslogg"
    assert any("Ändringar" in t.columns for t in shown_tables(at))
    assert not at.dataframe  # a static table: the data grid's code is not fetched
    assert not at.get("file_uploader")
    open_tab(at, "admin_flik", "Medborgarlöften")
    assert not at.exception, [e.value for e in at.exception]
    assert [u.proto.label for u in at.get("file_uploader")] == ["Ladda upp en löftesfil (.yaml)"]
    assert not any("Ändringar" in t.columns for t in shown_tables(at))


def test_the_audit_log_filter_narrows_the_rows_and_is_kept_when_its_panel_closes(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def audit_rows_and_line(at: AppTest) -> tuple[Any, str]:
        rows = next(t for t in shown_tables(at) if "Ändringar" in t.columns)
        return rows, next(t for c in at.caption if (t := shown(c.value)).startswith("Urval:"))

    at = run_page(REPO_ROOT / "pages" / "9_Admin.py", demo_db, monkeypatch)
    everything, line = audit_rows_and_line(at)
    assert line.startswith("Urval: alla tabeller · alla åtgärder")
    assert not at.selectbox  # the filter's fields are sent only with the panel open
    at.session_state["andringslogg_filter"] = True  # what opening the panel sets
    (table,) = [s for s in at.run().selectbox if s.label == "Tabell"]
    table.select("places").run()
    assert not at.exception, [e.value for e in at.exception]
    places, line = audit_rows_and_line(at)
    assert 0 < len(places) < len(everything)
    assert all(row.startswith("Plats ") for row in places["Ändringar"])
    assert line.startswith("Urval: tabell Platser · alla åtgärder")

    at.session_state["andringslogg_filter"] = False
    at.run()
    assert not at.selectbox
    assert audit_rows_and_line(at)[1] == line  # closed, the filter still holds
    at.session_state["andringslogg_filter"] = True
    (table,) = [s for s in at.run().selectbox if s.label == "Tabell"]
    assert table.value == "places"  # and its field shows it when opened again


def test_an_audit_filter_chosen_just_before_its_panel_closes_narrows_the_rows(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A field commits its value when the user leaves it: picking a table and clicking the
    # panel's heading sends both in one run, in which the filter's fields are not drawn.
    at = run_page(REPO_ROOT / "pages" / "9_Admin.py", demo_db, monkeypatch)
    at.session_state["andringslogg_filter"] = True
    (table,) = [s for s in at.run().selectbox if s.label == "Tabell"]
    table.select("places")
    at.session_state["andringslogg_filter"] = False
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.selectbox
    line = next(t for c in at.caption if (t := shown(c.value)).startswith("Urval:"))
    assert line.startswith("Urval: tabell Platser · alla åtgärder")
